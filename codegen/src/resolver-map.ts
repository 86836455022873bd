import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { SUBGRAPH_NAMES } from '@agentry/core';

/*
 * The field -> file map of docs/DEVELOPING.md, read from the code: which file resolves each root
 * field and each field a resolver adds to a type, and which file defines each type (its plain
 * fields). `npm run codegen` writes it between the markers; `--check` fails when it is stale.
 */

export interface ResolverEntry {
  /** `Query.agents`, `Agent.rating`, `Task` (reference resolver). */
  field: string;
  subgraph: string;
  file: string;
}

export interface TypeEntry {
  type: string;
  subgraph: string;
  file: string;
  /** Another subgraph owns the entity; this file is the local stub. */
  stub: boolean;
}

const ROOTS = ['Query', 'Mutation', 'Subscription'] as const;

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) {
      if (entry !== 'migrations') sourceFiles(full, out);
    } else if (entry.endsWith('.ts')) out.push(full);
  }
  return out;
}

const decoratorsOf = (node: ts.Node) =>
  (ts.canHaveDecorators(node) ? (ts.getDecorators(node) ?? []) : []).flatMap((d) =>
    ts.isCallExpression(d.expression) && ts.isIdentifier(d.expression.expression)
      ? [{ name: d.expression.expression.text, args: d.expression.arguments }]
      : [],
  );

/** The class a `() => X` or `X` argument names. */
function typeArgument(arg: ts.Expression | undefined): string | undefined {
  if (!arg) return undefined;
  if (ts.isIdentifier(arg)) return arg.text;
  if (ts.isArrowFunction(arg) && ts.isIdentifier(arg.body)) return arg.body.text;
  return undefined;
}

/** The `name` option of a decorator's options object, if any. */
function nameOption(args: ts.NodeArray<ts.Expression>): string | undefined {
  for (const arg of args) {
    if (!ts.isObjectLiteralExpression(arg)) continue;
    for (const p of arg.properties)
      if (
        ts.isPropertyAssignment(p) &&
        ts.isIdentifier(p.name) &&
        p.name.text === 'name' &&
        ts.isStringLiteral(p.initializer)
      )
        return p.initializer.text;
  }
  return undefined;
}

export function readResolverMap(root: string): { resolvers: ResolverEntry[]; types: TypeEntry[] } {
  const resolvers: ResolverEntry[] = [];
  const types: TypeEntry[] = [];
  for (const subgraph of SUBGRAPH_NAMES) {
    const srcDir = path.join(root, 'subgraphs', subgraph, 'src');
    const rel = (file: string) => path.relative(root, file).split(path.sep).join('/');
    const parsed = sourceFiles(srcDir).map((file) => ({
      file,
      source: ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true),
    }));
    // Class name -> GraphQL type name, for `@Resolver(() => UserRef)` on `@ObjectType('User')`.
    const graphqlName = new Map<string, string>();
    for (const { file, source } of parsed) {
      for (const node of source.statements) {
        if (!ts.isClassDeclaration(node) || !node.name) continue;
        const decorators = decoratorsOf(node);
        const objectType = decorators.find(
          (d) => d.name === 'ObjectType' || d.name === 'InterfaceType',
        );
        if (!objectType) continue;
        const first = objectType.args[0];
        const name = first && ts.isStringLiteral(first) ? first.text : node.name.text;
        graphqlName.set(node.name.text, name);
        // Another subgraph's entity lives in federated/<type>/ (docs/DEVELOPING.md).
        const stub = rel(file).includes('/federated/');
        types.push({ type: name, subgraph, file: rel(file), stub });
      }
    }
    for (const { file, source } of parsed) {
      for (const node of source.statements) {
        if (!ts.isClassDeclaration(node)) continue;
        const resolver = decoratorsOf(node).find((d) => d.name === 'Resolver');
        if (!resolver) continue;
        const of = typeArgument(resolver.args[0]);
        for (const member of node.members) {
          if (!ts.isMethodDeclaration(member) || !member.name || !ts.isIdentifier(member.name))
            continue;
          for (const d of decoratorsOf(member)) {
            const field = nameOption(d.args) ?? member.name.text;
            if ((ROOTS as readonly string[]).includes(d.name))
              resolvers.push({ field: `${d.name}.${field}`, subgraph, file: rel(file) });
            else if (d.name === 'FieldResolver' && of)
              resolvers.push({
                field: `${graphqlName.get(of) ?? of}.${field}`,
                subgraph,
                file: rel(file),
              });
          }
        }
      }
    }
    // Reference resolvers: `referenceResolvers: { Task: taskReference }` in schema.ts.
    const schemaFile = parsed.find((p) => p.file === path.join(srcDir, 'schema.ts'));
    if (schemaFile) {
      const imports = new Map<string, string>();
      for (const node of schemaFile.source.statements)
        if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
          const bindings = node.importClause?.namedBindings;
          if (bindings && ts.isNamedImports(bindings))
            for (const el of bindings.elements)
              imports.set(el.name.text, node.moduleSpecifier.text);
        }
      const visit = (node: ts.Node) => {
        if (
          ts.isPropertyAssignment(node) &&
          ts.isIdentifier(node.name) &&
          node.name.text === 'referenceResolvers' &&
          ts.isObjectLiteralExpression(node.initializer)
        ) {
          for (const p of node.initializer.properties) {
            if (!ts.isPropertyAssignment(p) || !ts.isIdentifier(p.initializer)) continue;
            const typeName = ts.isIdentifier(p.name) ? p.name.text : p.name.getText();
            const from = imports.get(p.initializer.text);
            if (!from) continue;
            const file = path.join(srcDir, `${from}.ts`);
            resolvers.push({
              field: `${typeName} (reference)`,
              subgraph,
              file: rel(file),
            });
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(schemaFile.source);
    }
  }
  const order = (f: string) => {
    const i = ROOTS.findIndex((r) => f.startsWith(`${r}.`));
    return i < 0 ? ROOTS.length : i;
  };
  resolvers.sort(
    (a, b) =>
      order(a.field) - order(b.field) ||
      a.field.localeCompare(b.field) ||
      a.subgraph.localeCompare(b.subgraph),
  );
  types.sort((a, b) => a.type.localeCompare(b.type) || a.subgraph.localeCompare(b.subgraph));
  return { resolvers, types };
}

export const MAP_START =
  '<!-- resolver-map:start (generated by `npm run codegen`; do not edit) -->';
export const MAP_END = '<!-- resolver-map:end -->';

/** The generated section of docs/DEVELOPING.md. */
export function renderResolverMap(root: string): string {
  const { resolvers, types } = readResolverMap(root);
  const link = (file: string) => `[${file}](../${file})`;
  const lines = [
    MAP_START,
    '',
    '### Fields with a resolver',
    '',
    '| field | subgraph | file |',
    '| --- | --- | --- |',
    ...resolvers.map((r) => `| \`${r.field}\` | ${r.subgraph} | ${link(r.file)} |`),
    '',
    '### Types (their plain fields are read from the class)',
    '',
    '| type | subgraph | file |',
    '| --- | --- | --- |',
    ...types.map(
      (t) => `| \`${t.type}\`${t.stub ? ' (stub)' : ''} | ${t.subgraph} | ${link(t.file)} |`,
    ),
    '',
    MAP_END,
  ];
  return lines.join('\n');
}

/** `doc` with its generated section replaced (or an error when the markers are missing). */
export function withResolverMap(doc: string, root: string): string {
  const start = doc.indexOf(MAP_START);
  const end = doc.indexOf(MAP_END);
  if (start < 0 || end < start)
    throw new Error('docs/DEVELOPING.md lacks the resolver-map markers');
  return doc.slice(0, start) + renderResolverMap(root) + doc.slice(end + MAP_END.length);
}
