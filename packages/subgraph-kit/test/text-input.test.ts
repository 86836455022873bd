import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSchema, graphql, parse, subscribe } from 'graphql';
import { guardTextInputs } from '../src/text-input';

const SDL = `
  input ItemInput { name: String!, notes: String, tags: [String!] }
  input NoteInput { title: String!, body: String, items: [ItemInput!] }
  type Query { echo(text: String, id: ID, n: Int): String }
  scalar JSON
  type Mutation { save(input: NoteInput!): String, say(words: String!): String, store(data: JSON): String }
  type Subscription { follow(after: String): String }
`;

/** A schema whose resolvers count their calls (a refused call must never reach one). */
function guarded() {
  const schema = buildSchema(SDL);
  const calls: string[] = [];
  schema.getQueryType()!.getFields().echo!.resolve = (_s, a) => {
    calls.push('echo');
    return String(a.text ?? a.id ?? a.n);
  };
  schema.getMutationType()!.getFields().save!.resolve = () => (calls.push('save'), 'saved');
  schema.getMutationType()!.getFields().say!.resolve = (_s, a) => (calls.push('say'), a.words);
  schema.getMutationType()!.getFields().store!.resolve = () => (calls.push('store'), 'stored');
  const follow = schema.getSubscriptionType()!.getFields().follow!;
  follow.subscribe = async function* () {
    calls.push('follow');
    yield { follow: 'event' };
  };
  guardTextInputs(schema, {
    'NoteInput.body': 'multiline',
    'ItemInput.notes': 'prose',
    'Mutation.say(words)': 'prose',
  });
  return { schema, calls };
}

const run = (schema: ReturnType<typeof guarded>['schema'], source: string, variables = {}) =>
  graphql({ schema, source, variableValues: variables });

const refusal = (res: Awaited<ReturnType<typeof run>>) =>
  res.errors?.map((e) => [e.extensions.code, e.extensions.argument]);

describe('guardTextInputs', () => {
  it('refuses control, bidi and separator characters in one-line text before the resolver', async () => {
    const { schema, calls } = guarded();
    for (const text of [
      'a\u0000b',
      '\u0007',
      'two\nlines',
      'tab\there',
      '\u202eevil',
      '\u2066x\u2069',
      'x\u2028y',
      'c1\u0085',
      '\ud800',
    ]) {
      const res = await run(schema, 'query($t: String) { echo(text: $t) }', { t: text });
      assert.deepEqual(refusal(res), [['BAD_USER_INPUT', 'text']], JSON.stringify(text));
    }
    const id = await run(schema, 'query($i: ID) { echo(id: $i) }', { i: 'id\u0000' });
    assert.deepEqual(refusal(id), [['BAD_USER_INPUT', 'id']]);
    assert.deepEqual(calls, []);
    const fine = await run(schema, 'query($t: String) { echo(text: $t) }', {
      t: 'Ünïcode — 名前 ✓',
    });
    assert.deepEqual({ ...fine.data }, { echo: 'Ünïcode — 名前 ✓' });
    assert.deepEqual({ ...(await run(schema, '{ echo(n: 3) }')).data }, { echo: '3' });
  });

  it('checks input objects and lists at any depth, each field by its rule', async () => {
    const { schema, calls } = guarded();
    const save = (input: unknown) =>
      run(schema, 'mutation($i: NoteInput!) { save(input: $i) }', { i: input });
    const bad: [unknown, string][] = [
      [{ title: 'a\nb' }, 'input.title'],
      [{ title: 'ok', body: 'null\u0000' }, 'input.body'],
      [{ title: 'ok', body: 'bidi \u202e' }, 'input.body'],
      [{ title: 'ok', items: [{ name: 'fine' }, { name: 'x\u0001' }] }, 'input.items.1.name'],
      [{ title: 'ok', items: [{ name: 'n', tags: ['t', '\u0000'] }] }, 'input.items.0.tags.1'],
      [{ title: 'ok', items: [{ name: 'n', notes: 'esc \u001b' }] }, 'input.items.0.notes'],
    ];
    for (const [input, argument] of bad)
      assert.deepEqual(refusal(await save(input)), [['BAD_USER_INPUT', argument]], argument);
    assert.deepEqual(calls, []);
    // multiline: newlines and tabs; prose: bidi controls too.
    const ok = await save({
      title: 'Title',
      body: 'line one\nline two\r\n\tindented',
      items: [{ name: 'n', notes: 'مرحبا \u202bembedded\u202c\nnext' }],
    });
    assert.deepEqual({ ...ok.data }, { save: 'saved' });
    const say = await run(schema, 'mutation { say(words: "right\\u200f \\u2067iso\\u2069") }');
    assert.deepEqual(say.errors, undefined);
    assert.deepEqual(calls, ['save', 'say']);
  });

  it('checks every string of a JSON input, keys too, however deep', async () => {
    const { schema, calls } = guarded();
    const store = (data: unknown) =>
      run(schema, 'mutation($d: JSON) { store(data: $d) }', { d: data });
    let deep: unknown = 'nul \u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    for (const data of ['\u0000', { a: { b: ['x', 'y\u0007'] } }, { 'k\u0000': 1 }, deep])
      assert.deepEqual(refusal(await store(data)), [['BAD_USER_INPUT', 'data']]);
    assert.deepEqual(calls, []);
    const fine = await store({ text: 'two\nlines \u202b', n: 1, list: [true, null] });
    assert.deepEqual({ ...fine.data }, { store: 'stored' });
  });

  it('checks subscription arguments before subscribing', async () => {
    const { schema, calls } = guarded();
    const result = await subscribe({
      schema,
      document: parse('subscription($a: String) { follow(after: $a) }'),
      variableValues: { a: 'cursor\u0000' },
    });
    assert.ok(!(Symbol.asyncIterator in result));
    assert.deepEqual(refusal(result as Awaited<ReturnType<typeof run>>), [
      ['BAD_USER_INPUT', 'after'],
    ]);
    assert.deepEqual(calls, []);
  });

  it('fails at start on a rule that names no text input', () => {
    assert.throws(
      () => guardTextInputs(buildSchema(SDL), { 'NoteInput.bodyy': 'multiline' }),
      /NoteInput\.bodyy/,
    );
    assert.throws(
      () => guardTextInputs(buildSchema(SDL), { 'Query.echo(n)': 'prose' }),
      /Query\.echo\(n\)/,
    );
  });
});
