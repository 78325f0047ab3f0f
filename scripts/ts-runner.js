// Runs the project's TypeScript without a build step: `node --require ./scripts/ts-runner.js main.ts`
// (the "app" of cdktf.json, and `npm run bench`). Sucrase strips the types of each .ts file as Node
// requires it (never node_modules), keeping line numbers, so stack traces need no source maps.
// No type-checking here: that is `npm run build` (tsc) and CI; tsconfig's isolatedModules makes tsc
// reject code that a file-by-file transpiler could get wrong.
//
// Why not plain `--require sucrase/register/ts`: it transpiles every file on every synth (~100 ms
// here, a quarter of synthesizing the example) and loads Sucrase (~40 ms) even when nothing changed.
// This hook caches each file's output, one cache file per source path (so the cache stays as small
// as the source tree), under the hash of Sucrase's version, the options and the source; an
// unchanged file costs a hash and a read, and Sucrase is loaded only on a miss.
'use strict';
// Every command of this project starts here (npm run scripts, the cdktf app, the existing-bucket check
// that Terraform runs), and the variable reaches every process they start. The AWS SDK's notice that its
// releases after January 2027 need Node 22 is not for users of this tool: package-lock.json pins SDK
// versions that keep working on Node 20 (see docs/design.md, "Node.js and the CLI"). A user's own value wins.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// cdktf 0.21's TerraformOutput calls util.isArray, which Node 24 deprecates at run time (DEP0044): every synth
// would print a DeprecationWarning on stderr, which the CLI shows as "[ERROR] default - …". CDK Terrain's
// library no longer calls it. Only that warning is dropped; every other one is printed as before.
const emitWarning = process.emitWarning;
process.emitWarning = function emitWarningButUtilIsArray(...args) {
  const [, typeOrOptions, code] = args;
  const warningCode = typeof typeOrOptions === 'object' && typeOrOptions !== null ? typeOrOptions.code : code;
  if (warningCode === 'DEP0044') return;
  return emitWarning.apply(process, args);
};

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { addHook } = require('pirates');

const OPTIONS = { transforms: ['imports', 'typescript'] };
const SALT = `${require('sucrase/package.json').version}:${JSON.stringify(OPTIONS)}`;
const CACHE_DIR = path.join(__dirname, '..', 'node_modules', '.cache', 'bootstrap-aws-ts-runner');

let sucrase;

addHook(
  (code, filename) => {
    const hash = crypto.createHash('sha256').update(SALT).update('\0').update(code).digest('hex');
    const header = `// ${hash}\n`;
    const cacheFile = path.join(CACHE_DIR, `${crypto.createHash('sha256').update(filename).digest('hex')}.js`);
    try {
      const cached = fs.readFileSync(cacheFile, 'utf8');
      // The header takes the place of no line: Sucrase keeps line numbers, and so must the cache.
      if (cached.startsWith(header)) return cached.slice(header.length);
    } catch {
      // Not cached yet.
    }
    sucrase ??= require('sucrase');
    const output = sucrase.transform(code, { ...OPTIONS, filePath: filename }).code;
    try {
      fs.mkdirSync(CACHE_DIR, { recursive: true });
      // Write then rename: a synth running at the same time never reads a half-written file.
      const partial = `${cacheFile}.${process.pid}.tmp`;
      fs.writeFileSync(partial, header + output);
      fs.renameSync(partial, cacheFile);
    } catch {
      // A read-only node_modules only costs speed.
    }
    return output;
  },
  { exts: ['.ts'] },
);
