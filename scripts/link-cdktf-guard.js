// npm's postinstall: points node_modules/.bin/cdktf at scripts/cdktf-guard.js, so that `npx cdktf` on a
// Node where cdktf-cli 0.21 cannot start refuses in one line (the CLI itself crashes while loading its
// native module, before any code of this project runs), and node_modules/.bin/cdktn at scripts/cdktn.js.
// Both then run their CLI through scripts/run-cli.js, without the update check that offline only prints
// errors. Each is skipped where its CLI is not installed.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
for (const [name, cliPackage, script] of [
  ['cdktf', 'cdktf-cli', 'cdktf-guard.js'],
  ['cdktn', 'cdktn-cli', 'cdktn.js'],
]) {
  const bin = path.join(root, 'node_modules', '.bin', name);
  if (fs.existsSync(path.join(root, 'node_modules', cliPackage, 'package.json'))) {
    fs.mkdirSync(path.dirname(bin), { recursive: true });
    fs.rmSync(bin, { force: true });
    fs.symlinkSync(path.relative(path.dirname(bin), path.join(__dirname, script)), bin);
  }
}
