// Wrong-account guard at synth: every AWS provider of every stack of an account with `accountId`
// carries allowed_account_ids; accounts without one carry none. The deploy-time refusal is proven
// against moto in __tests__/e2e/account-guard.e2e.test.ts.
import { runApp } from './support/run-app';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

let dir: string;
let outdir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'account-guard-test-'));
  const result = runApp(
    { platform: 'acme', accounts: { dev: 'acme-dev', prod: { profile: 'acme-prod', accountId: '111122223333' } } },
    dir,
  );
  outdir = result.outdir;
  if (result.status !== 0) throw new Error(`synth failed: ${result.stderr}`);
}, 60_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Every AWS provider block of every synthesized stack, by stack id. */
function providersByStack(): Record<string, Record<string, unknown>[]> {
  const stacks = readdirSync(path.join(outdir, 'stacks'));
  return Object.fromEntries(
    stacks.map((stack) => {
      const json = JSON.parse(readFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as {
        provider?: { aws?: Record<string, unknown>[] };
      };
      return [stack, json.provider?.aws ?? []];
    }),
  );
}

test('every provider of the stacks of an account with accountId allows only that account', () => {
  const prodStacks = Object.entries(providersByStack()).filter(([stack]) => stack.endsWith('-prod'));
  expect(prodStacks.map(([stack]) => stack).sort()).toEqual(['pipeline-prod', 'state-prod']);
  for (const [stack, providers] of prodStacks) {
    expect({ stack, count: providers.length > 0 }).toEqual({ stack, count: true });
    for (const provider of providers)
      expect({ stack, allowed: provider.allowed_account_ids }).toEqual({ stack, allowed: ['111122223333'] });
  }
});

test('the providers of an account without accountId carry no account restriction', () => {
  const providers = providersByStack()['state-dev'] ?? [];
  expect(providers).toHaveLength(1);
  expect(providers[0]).not.toHaveProperty('allowed_account_ids');
});
