#!/usr/bin/env node
// `npm run cli -- <command> …`: the CDK for Terraform CLI this Node runs (src/cli/node-cli.ts): CDK
// Terrain's cdktn-cli on Node >= 22.19, cdktf-cli 0.21 on older Node. Plain JavaScript so that it starts
// without a build step.
'use strict';
require('./ts-runner.js');
const { cliEntryPath } = require('../src/cli/node-cli.ts');
const runCli = require('./run-cli.js');

runCli(cliEntryPath());
