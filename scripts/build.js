// `npm run build`: compiles every service and package to JavaScript, each workspace package's
// `src/` into its `dist/` (same depth, so `__dirname`-relative paths hold) and the top-level
// scripts into `scripts/dist/`. It uses the very transform the tests run through
// (@swc-node/register's: tsconfig.swc.json turned into swc options, decorator metadata kept), so
// compiled and tested code are the same code; type checking stays with `npm run typecheck`.
// Up to date (every output stamped with its source's mtime and made with the same options) means nothing
// is written; outputs whose source is gone are removed. `--force` rebuilds everything.
// Compiled code resolves `@agentry/*` to `dist/` through the `agentry-dist` export condition
// (`node --conditions=agentry-dist`); without it, the packages still resolve to their sources.
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const STAMP = '.build-stamp.json';

/** Each unit: a source folder, its output folder, and whether subfolders count. */
function units(root) {
  const list = [];
  for (const group of ['packages', 'subgraphs', 'examples']) {
    if (!fs.existsSync(path.join(root, group))) continue;
    for (const name of fs.readdirSync(path.join(root, group))) {
      const dir = path.join(root, group, name);
      if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'src')))
        list.push({ src: path.join(dir, 'src'), out: path.join(dir, 'dist'), deep: true });
    }
  }
  list.push({
    src: path.join(root, 'gateway', 'src'),
    out: path.join(root, 'gateway', 'dist'),
    deep: true,
  });
  list.push({
    src: path.join(root, 'scripts'),
    out: path.join(root, 'scripts', 'dist'),
    deep: false,
  });
  return list.filter((u) => fs.existsSync(u.src));
}

function sources(dir, deep, rel = '') {
  const found = [];
  for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.join(rel, entry.name);
    if (entry.isDirectory()) {
      if (deep && entry.name !== 'dist' && entry.name !== 'node_modules')
        found.push(...sources(dir, deep, r));
    } else if (/\.tsx?$/.test(entry.name) && !/\.d\.ts$|\.test\.tsx?$/.test(entry.name)) {
      found.push(r);
    }
  }
  return found;
}

function outputs(dir, rel = '') {
  if (!fs.existsSync(path.join(dir, rel))) return [];
  const found = [];
  for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.join(rel, entry.name);
    if (entry.isDirectory()) found.push(...outputs(dir, r));
    else if (entry.name !== STAMP) found.push(r);
  }
  return found;
}

const mtime = (file) => {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -1;
  }
};

/**
 * Compiles what is out of date under `root` (default: this checkout); returns how many files
 * were compiled and how many stale outputs removed.
 */
function build({ force = false, log = console.log, root = ROOT } = {}) {
  // Loaded only when something is compiled: the transform's options, and what decides staleness.
  const {
    readDefaultTsConfig,
    tsCompilerOptionsToSwcConfig,
  } = require('@swc-node/register/read-default-tsconfig');
  const configFile = path.join(ROOT, 'tsconfig.swc.json');
  const options = readDefaultTsConfig(configFile);
  options.module = 1; // CommonJS, as @swc-node/register sets it
  delete options.files; // every .ts under the checkout: not an option of the transform
  const swcVersion = require('@swc/core/package.json').version;
  const key = JSON.stringify({ swcVersion, options, config: fs.readFileSync(configFile, 'utf8') });
  let transformSync;
  const started = Date.now();
  let compiled = 0;
  let removed = 0;
  for (const unit of units(root)) {
    const stampFile = path.join(unit.out, STAMP);
    let sameOptions = false;
    try {
      sameOptions = !force && fs.readFileSync(stampFile, 'utf8') === key;
    } catch {
      /* never built */
    }
    const wanted = new Set();
    for (const rel of sources(unit.src, unit.deep)) {
      const srcFile = path.join(unit.src, rel);
      const outRel = rel.replace(/\.tsx?$/, '.js');
      const outFile = path.join(unit.out, outRel);
      wanted.add(outRel).add(`${outRel}.map`);
      // Each output carries its source's mtime: any other mtime (an edit, a checkout, a copy of
      // an older file) means it is stale.
      const srcMtime = mtime(srcFile);
      if (sameOptions && Math.abs(mtime(outFile) - srcMtime) < 1) continue;
      transformSync ??= require('@swc-node/core').transformSync;
      const { code, map } = transformSync(
        fs.readFileSync(srcFile, 'utf8'),
        srcFile,
        tsCompilerOptionsToSwcConfig(options, srcFile),
      );
      fs.mkdirSync(path.dirname(outFile), { recursive: true });
      if (map) {
        // Relative paths, so the output can move with the checkout.
        const m = JSON.parse(map);
        m.sources = (m.sources ?? []).map((s) =>
          path.relative(path.dirname(outFile), path.resolve(path.dirname(srcFile), s)),
        );
        fs.writeFileSync(`${outFile}.map`, JSON.stringify(m));
      }
      fs.writeFileSync(outFile, `${code}\n//# sourceMappingURL=${path.basename(outFile)}.map\n`);
      fs.utimesSync(outFile, Date.now() / 1000, srcMtime / 1000);
      compiled++;
    }
    for (const rel of outputs(unit.out)) {
      if (wanted.has(rel)) continue;
      fs.rmSync(path.join(unit.out, rel));
      removed++;
    }
    fs.mkdirSync(unit.out, { recursive: true });
    fs.writeFileSync(stampFile, key);
  }
  if (compiled || removed)
    log(
      `build: compiled ${compiled} files${removed ? `, removed ${removed} stale` : ''} in ${Date.now() - started} ms`,
    );
  return { compiled, removed };
}

module.exports = { build };

if (require.main === module) {
  try {
    const { compiled } = build({ force: process.argv.includes('--force') });
    if (!compiled) console.log('build: up to date');
  } catch (err) {
    console.error(`build failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
