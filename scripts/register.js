// Runs the TypeScript sources directly with decorator metadata (type-graphql and TypeORM need
// `design:type`; esbuild-based runners drop it). swc gets its own tsconfig because it does not
// understand `module: node20`; type checking stays with `tsc` (npm run typecheck).
const path = require('node:path');
process.env.SWC_NODE_PROJECT ??= path.join(__dirname, '..', 'tsconfig.swc.json');
require('@swc-node/register');
