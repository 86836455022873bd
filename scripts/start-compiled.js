// `npm start`: builds once (nothing to do when the build is up to date, see scripts/build.js),
// then runs the compiled platform (scripts/dist/start.js) in this process with plain `node`; the
// services it starts run compiled too. The build runs in a child process, so neither swc nor the
// TypeScript compiler stays loaded here. Needs `--conditions=agentry-dist` (package.json passes
// it), which resolves the `@agentry/*` packages to their `dist/`.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

if (!process.execArgv.includes('--conditions=agentry-dist')) {
  console.error(
    'run this as: node --conditions=agentry-dist scripts/start-compiled.js (npm start)',
  );
  process.exit(1);
}
const built = spawnSync(process.execPath, [path.join(__dirname, 'build.js')], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);
require('./dist/start.js');
