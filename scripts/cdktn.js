#!/usr/bin/env node
// `npx cdktn …` in this project: npm's postinstall (scripts/link-cdktf-guard.js) points node_modules/.bin/cdktn
// here, so that CDK Terrain's CLI runs as `npm run cli` runs it (scripts/run-cli.js: no update check, which
// offline only prints getaddrinfo errors), otherwise unchanged.
'use strict';
require('./ts-runner.js');
const path = require('node:path');
require('./run-cli.js')(path.join(path.dirname(require.resolve('cdktn-cli/package.json')), 'bundle', 'bin', 'cdktn.js'));
