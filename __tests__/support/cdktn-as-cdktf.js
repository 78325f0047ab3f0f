// Preload (`node --require`) that runs the app on CDK Terrain's library: every `cdktf` and `cdktf/…` request,
// the app's own and @cdktf/provider-aws's alike, resolves to `cdktn` (a devDependency) instead. This is what the
// one-line move of package.json ("cdktf": "npm:cdktn@…") does, without a second install. Should any module of
// the real cdktf still load, the process ends with exit code 70 and names it: the comparison would be void.
'use strict';
const Module = require('node:module');
const path = require('node:path');

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveCdktfAsCdktn(request, ...rest) {
  const mapped = request === 'cdktf' || request.startsWith('cdktf/') ? `cdktn${request.slice('cdktf'.length)}` : request;
  return resolveFilename.call(this, mapped, ...rest);
};

const cdktfRoot = `${path.sep}node_modules${path.sep}cdktf${path.sep}`;
process.on('exit', () => {
  const loaded = Object.keys(require.cache).find((file) => file.includes(cdktfRoot));
  if (loaded !== undefined) {
    process.stderr.write(`cdktn-as-cdktf: the real cdktf was loaded (${loaded})\n`);
    process.exitCode = 70;
  }
});
