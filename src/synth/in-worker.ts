import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

/** The project's require hook for TypeScript (see scripts/ts-runner.js). */
const TS_RUNNER = path.resolve(__dirname, '..', '..', 'scripts', 'ts-runner.js');

// Plain JavaScript: it runs before any hook is in place. It loads the module and posts the result.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
Promise.resolve()
  .then(() => require(workerData.file)[workerData.exportName](...workerData.args))
  .then((result) => parentPort.postMessage(result));
`;

/**
 * Calls the function `exportName` of the module `file` with `args` in a worker thread and resolves
 * with what it returns (arguments and result are copied, so they must be plain data). Synth is
 * single-threaded; work that depends on nothing cdktf builds, such as writing the backend configs,
 * runs on another core while cdktf synthesizes. A throw in the worker rejects the promise.
 */
export function callInWorker(file: string, exportName: string, args: readonly unknown[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file, exportName, args },
      // The hook lets the worker load the project's .ts files, as the app itself does.
      execArgv: ['--require', TS_RUNNER],
    });
    let settled = false;
    worker.once('message', (result: unknown) => {
      settled = true;
      resolve(result);
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the worker for ${exportName}() of ${file} exited with code ${code} and no result`));
    });
  });
}
