// Runs a CLI entry script with this Node and this process's arguments, as a child (so the CLI finds its
// own package.json, e.g. for --version), and exits the way it did. Ctrl-C reaches the child from the
// terminal itself; this process only waits for it. The child gets the environment every project command
// runs terraform with (src/cli/cli-run.ts: the offline provider mirror, no checkpoint), so `npm run cli --
// diff <stack>` works wherever `npm run deploy` does; the CLI config written for it is removed on exit.
// The caller has loaded ./ts-runner.js.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** @param {string} entry absolute path of the CLI's entry script */
module.exports = function runCli(entry) {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bootstrap-cli-'));
  const cleanUp = () => fs.rmSync(workDir, { recursive: true, force: true });
  let run;
  try {
    run = require('../src/cli/cli-run.ts').cliRun(process.argv.slice(2), process.env, workDir);
  } catch (error) {
    cleanUp();
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  const child = spawn(process.execPath, [entry, ...run.args], { stdio: 'inherit', env: run.env });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      // SIGINT from a terminal reaches the whole process group already; pass on the others.
      if (signal !== 'SIGINT') child.kill(signal);
    });
  }
  child.on('error', (error) => {
    cleanUp();
    console.error(`${entry}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    cleanUp();
    if (signal !== null) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else {
      process.exit(code ?? 1);
    }
  });
};
