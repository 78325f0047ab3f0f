// Runs a CLI entry script with this Node and this process's arguments, as a child (so the CLI finds its
// own package.json, e.g. for --version), and exits the way it did. Ctrl-C reaches the child from the
// terminal itself; this process only waits for it.
'use strict';
const { spawn } = require('node:child_process');

/**
 * The CLI's environment: `env` with `CHECKPOINT_DISABLE=1` unless it sets the variable itself. cdktf's
 * and terraform's update check (checkpoint-api.hashicorp.com) only prints `getaddrinfo ENOTFOUND` errors
 * offline, and cdktf reads it from this variable alone (no cdktf.json key).
 * @param {NodeJS.ProcessEnv} env
 * @returns {NodeJS.ProcessEnv}
 */
function cliEnv(env) {
  return env.CHECKPOINT_DISABLE !== undefined ? env : { ...env, CHECKPOINT_DISABLE: '1' };
}

/** @param {string} entry absolute path of the CLI's entry script */
module.exports = function runCli(entry) {
  const child = spawn(process.execPath, [entry, ...process.argv.slice(2)], { stdio: 'inherit', env: cliEnv(process.env) });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      // SIGINT from a terminal reaches the whole process group already; pass on the others.
      if (signal !== 'SIGINT') child.kill(signal);
    });
  }
  child.on('error', (error) => {
    console.error(`${entry}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal !== null) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else {
      process.exit(code ?? 1);
    }
  });
};

module.exports.cliEnv = cliEnv;
