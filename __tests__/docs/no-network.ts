// Preloaded (node --require, after scripts/ts-runner.js) into the link checker by links.test.ts: any attempt
// to resolve a name or open a socket ends the process with exit code 97, so a passing run proves it is offline.
import * as dns from 'node:dns';
import * as net from 'node:net';

function refuse(what: string) {
  return (): never => {
    process.stderr.write(`network call refused: ${what}\n`);
    process.exit(97);
  };
}

net.Socket.prototype.connect = refuse('net.Socket.connect');
Object.assign(dns, { lookup: refuse('dns.lookup'), resolve: refuse('dns.resolve') });
Object.assign(dns.promises, { lookup: refuse('dns.promises.lookup'), resolve: refuse('dns.promises.resolve') });
globalThis.fetch = refuse('fetch');
