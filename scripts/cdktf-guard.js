#!/usr/bin/env node
// `npx cdktf …` in this project: npm's postinstall (scripts/link-cdktf-guard.js) points
// node_modules/.bin/cdktf here. On a Node that cdktf-cli 0.21 cannot start on (Node >= 23: no native pty
// build) it stops with one line naming the fix instead of a native-module stack trace; elsewhere it
// runs cdktf-cli unchanged.
'use strict';
require('./ts-runner.js');
const path = require('node:path');
const { cdktfCliRefusal, cdktfCliRuns } = require('../src/cli/node-cli.ts');

if (!cdktfCliRuns()) {
  console.error(cdktfCliRefusal());
  process.exit(1);
}
require('./run-cli.js')(path.join(path.dirname(require.resolve('cdktf-cli/package.json')), 'bundle', 'bin', 'cdktf'));
