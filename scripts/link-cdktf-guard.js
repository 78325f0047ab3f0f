// npm's postinstall: points node_modules/.bin/cdktf at scripts/cdktf-guard.js, so that `npx cdktf` on a
// Node where cdktf-cli 0.21 cannot start refuses in one line (the CLI itself crashes while loading its
// native module, before any code of this project runs). Skipped where cdktf-cli is not installed.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const bin = path.join(root, 'node_modules', '.bin', 'cdktf');
if (fs.existsSync(path.join(root, 'node_modules', 'cdktf-cli', 'package.json'))) {
  fs.mkdirSync(path.dirname(bin), { recursive: true });
  fs.rmSync(bin, { force: true });
  fs.symlinkSync(path.relative(path.dirname(bin), path.join(__dirname, 'cdktf-guard.js')), bin);
}
