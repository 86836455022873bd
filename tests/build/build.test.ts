import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO_ROOT } from '@agentry/devstack';

/*
 * `npm run build` (scripts/build.js) on a small workspace of its own: decorator metadata kept
 * (type-graphql and TypeORM need `design:type`), nothing written when up to date, only what
 * changed compiled again, outputs of deleted sources removed. The workspace sits inside the
 * checkout (a dot folder, which the test finder and ESLint skip) so its output can require
 * reflect-metadata from the checkout's node_modules.
 */
const { build } = require(path.join(REPO_ROOT, 'scripts', 'build.js')) as {
  build: (o: { root: string; log?: (l: string) => void; force?: boolean }) => {
    compiled: number;
    removed: number;
  };
};

describe('npm run build', () => {
  const root = mkdtempSync(path.join(REPO_ROOT, '.build-test-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const src = path.join(root, 'packages', 'demo', 'src');
  const dist = path.join(root, 'packages', 'demo', 'dist');
  mkdirSync(path.join(src, 'nested'), { recursive: true });
  writeFileSync(path.join(root, 'packages', 'demo', 'package.json'), '{"name":"demo"}');
  writeFileSync(
    path.join(src, 'index.ts'),
    `import 'reflect-metadata';
const Field = (): PropertyDecorator => () => {};
export class Thing {
  @Field() name!: string;
  @Field() count!: number;
}
export { twice } from './nested/twice';
`,
  );
  writeFileSync(
    path.join(src, 'nested', 'twice.ts'),
    'export const twice = (n: number): number => 2 * n;\n',
  );
  const quiet = { root, log: () => {} };

  it('compiles every source into dist/ with decorator metadata', () => {
    assert.deepEqual(build(quiet), { compiled: 2, removed: 0 });
    const mod = require(path.join(dist, 'index.js'));
    assert.equal(mod.twice(21), 42);
    assert.equal(Reflect.getMetadata('design:type', mod.Thing.prototype, 'name'), String);
    assert.equal(Reflect.getMetadata('design:type', mod.Thing.prototype, 'count'), Number);
    assert.ok(existsSync(path.join(dist, 'nested', 'twice.js.map')));
  });

  it('writes nothing when up to date, and compiles again only what changed', () => {
    assert.deepEqual(build(quiet), { compiled: 0, removed: 0 });
    const later = new Date(Date.now() + 5000);
    utimesSync(path.join(src, 'nested', 'twice.ts'), later, later);
    assert.deepEqual(build(quiet), { compiled: 1, removed: 0 });
    assert.deepEqual(build(quiet), { compiled: 0, removed: 0 });
    // A new file is one more to compile, not a reason to compile everything again.
    writeFileSync(path.join(src, 'nested', 'three.ts'), 'export const three = 3;\n');
    assert.deepEqual(build(quiet), { compiled: 1, removed: 0 });
  });

  it('removes the output of a deleted source', () => {
    rmSync(path.join(src, 'nested', 'twice.ts'));
    writeFileSync(path.join(src, 'index.ts'), 'export const one = 1;\n');
    utimesSync(
      path.join(src, 'index.ts'),
      new Date(Date.now() + 10_000),
      new Date(Date.now() + 10_000),
    );
    rmSync(path.join(src, 'nested', 'three.ts'));
    assert.deepEqual(build(quiet), { compiled: 1, removed: 4 });
    assert.ok(!existsSync(path.join(dist, 'nested', 'twice.js')));
    assert.match(readFileSync(path.join(dist, 'index.js'), 'utf8'), /one = 1/);
  });
});

describe('the workspace packages', () => {
  it('resolve to their build under --conditions=agentry-dist (what npm start runs)', () => {
    const missing: string[] = [];
    for (const group of ['packages', 'examples']) {
      for (const name of readdirSync(path.join(REPO_ROOT, group))) {
        const file = path.join(REPO_ROOT, group, name, 'package.json');
        if (!existsSync(file)) continue;
        const pkg = JSON.parse(readFileSync(file, 'utf8'));
        // Only what services import: a package whose entry is its src/index.ts.
        if (pkg.main !== 'src/index.ts') continue;
        if (pkg.exports?.['.']?.['agentry-dist'] !== './dist/index.js')
          missing.push(`${group}/${name}`);
      }
    }
    assert.deepEqual(
      missing,
      [],
      'add "exports": { ".": { "agentry-dist": "./dist/index.js", "default": "./src/index.ts" } } (docs/DEVELOPING.md, "Compiled services")',
    );
  });
});
