import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startPlatform, type Platform } from '@agentry/devstack';
import { startExampleAgent, type RunningExampleAgent } from '@agentry/example-agents';
import { codes, gql, ok, testDatabase, testSecrets, waitFor } from '@agentry/testing';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const DOC = path.join(ROOT, 'docs/SUBSCRIPTIONS.md');

/** The `ts` code blocks of the doc's "Clients" section, by the heading above each. */
async function clientExamples(): Promise<{ name: string; code: string }[]> {
  const doc = await readFile(DOC, 'utf8');
  const section = doc.slice(doc.indexOf('## Clients'), doc.indexOf('## How it works'));
  const out: { name: string; code: string }[] = [];
  const re = /^### (.+)$|^```ts\n([\s\S]*?)^```$/gm;
  let heading = '';
  for (let m = re.exec(section); m; m = re.exec(section)) {
    if (m[1]) heading = m[1].trim();
    else out.push({ name: heading, code: m[2] });
  }
  return out;
}

/**
 * docs/SUBSCRIPTIONS.md's client examples, extracted and run as written on this Node (20+)
 * against a real platform: each follows a real task to its end. They must also pass
 * `tsc --strict`, as a user's project would compile them.
 */
describe('the client examples of docs/SUBSCRIPTIONS.md', { timeout: 300_000 }, () => {
  let platform: Platform;
  let agent: RunningExampleAgent;
  let dir: string;
  let token: string;
  let agentId: string;
  let examples: { name: string; code: string; file: string }[];

  before(async () => {
    // Inside the repository, so the examples' imports resolve from its node_modules.
    dir = await mkdtemp(path.join(ROOT, 'tests/e2e/.docs-examples-'));
    examples = (await clientExamples()).map((e, i) => ({
      ...e,
      file: path.join(dir, `example-${i}.ts`),
    }));
    for (const e of examples) await writeFile(e.file, e.code);
    agent = await startExampleAgent('worker', { options: { steps: 3, stepMs: 150 } });
    platform = await startPlatform({
      databaseUrl: await testDatabase('e2e_docs'),
      secrets: await testSecrets(),
      env: { NODE_ENV: 'test', LOG_LEVEL: 'error' },
    });
    const gw = platform.gatewayUrl;
    const up = ok(
      await gql(gw, 'mutation($i: SignUpInput!) { signUp(input: $i) { token } }', {
        i: { email: 'docs@example.com', password: 'long enough', name: 'docs', publisher: true },
      }),
    );
    token = up.signUp.token;
    agentId = ok(
      await gql(
        gw,
        'mutation($i: RegisterAgentInput!) { registerAgent(input: $i) { id } }',
        { i: { cardUrl: agent.url, priceCredits: 1, category: 'examples', tags: ['example'] } },
        token,
      ),
    ).registerAgent.id;
  });
  after(async () => {
    await platform?.stop();
    await agent?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('has the three examples', () => {
    assert.deepEqual(
      examples.map((e) => e.name),
      ['graphql-ws', 'Apollo Client', 'urql'],
    );
  });

  it('compiles them with tsc --strict', async () => {
    const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
    const flags = ['--noEmit', '--strict', '--target', 'ES2022', '--module', 'node20'];
    flags.push('--moduleResolution', 'node16', '--esModuleInterop', '--skipLibCheck');
    flags.push('--types', 'node');
    const result = await run(process.execPath, [tsc, ...flags, ...examples.map((e) => e.file)], {
      cwd: ROOT,
    }).catch((err: { stdout?: string; stderr?: string }) => err);
    assert.equal('code' in result ? result.code : 0, 0, `${result.stdout}${result.stderr}`);
  });

  for (const name of ['graphql-ws', 'Apollo Client', 'urql']) {
    it(`runs the ${name} example to the end of a real task`, async () => {
      const example = examples.find((e) => e.name === name);
      assert.ok(example, name);
      const sent = await waitFor('the tasks subgraph to know the agent', async () => {
        const r = await gql(
          platform.gatewayUrl,
          'mutation($a: ID!) { sendTask(agentId: $a, input: { text: "docs" }) { id } }',
          { a: agentId },
          token,
        );
        return codes(r)[0] === 'NOT_FOUND' ? undefined : (ok(r).sendTask.id as string);
      });
      const { stdout } = await run(
        process.execPath,
        ['-r', path.join(ROOT, 'scripts/register.js'), example.file],
        {
          cwd: ROOT,
          timeout: 60_000,
          env: {
            ...process.env,
            AGENTRY_URL: platform.gatewayUrl.replace(/\/graphql$/, ''),
            AGENTRY_TOKEN: token,
            TASK_ID: sent,
          },
        },
      );
      assert.match(stdout, /COMPLETED/, stdout);
      assert.match(stdout, /task finished/, stdout);
    });
  }
});
