// docs/outputs.md is checked against the code: the outputs it lists for each kind of stack are exactly those
// that stacks of that kind synthesize with every option on (outputs that depend on an option appear only then).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../support/docs';
import { runApp } from '../support/run-app';

/** Every option that adds an output: SSE-KMS, the lock table, access logs, the pipeline, access with a created boundary. */
const EVERY_OPTION = {
  platform: 'acme',
  stateBucket: { kms: true, lockTable: true, accessLogs: true },
  accounts: {
    dev: { profile: 'acme-dev', accountId: '111111111111' },
    prod: { profile: 'acme-prod', accountId: '222222222222' },
  },
  pipelineAccess: {
    policyArns: ['arn:aws:iam::aws:policy/PowerUserAccess'],
    permissionsBoundary: 'create',
    trust: { github: [{ repository: 'acme/infrastructure', branch: 'main', ownerId: '1', repositoryId: '2' }] },
  },
};

/** Output names by kind of stack (`state`, `pipeline`, `access`), as synthesized. */
function synthesizedOutputs(): Map<string, Set<string>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bootstrap-outputs-doc-'));
  try {
    const run = runApp(EVERY_OPTION, dir);
    if (run.status !== 0) throw new Error(`synth failed: ${run.stderr}`);
    const byKind = new Map<string, Set<string>>();
    for (const stack of readdirSync(path.join(run.outdir, 'stacks'))) {
      const config = JSON.parse(readFileSync(path.join(run.outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as {
        output?: Record<string, unknown>;
      };
      const kind = stack.split('-')[0] ?? stack;
      const names = byKind.get(kind) ?? new Set<string>();
      for (const name of Object.keys(config.output ?? {})) names.add(name);
      byKind.set(kind, names);
    }
    return byKind;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Output names in the first column of the tables under each `## \`<kind>-…\`` heading of docs/outputs.md. */
function documentedOutputs(): Map<string, Set<string>> {
  const text = readFileSync(path.join(PROJECT_ROOT, 'docs', 'outputs.md'), 'utf8');
  const byKind = new Map<string, Set<string>>();
  for (const section of text.split(/^## /m).slice(1)) {
    const kind = /^`([a-z]+)-/.exec(section)?.[1];
    if (kind === undefined) continue;
    const names = new Set<string>();
    for (const line of section.split('\n').filter((row) => row.startsWith('| `'))) {
      const first = line.split('|')[1] ?? '';
      for (const match of first.matchAll(/`([a-z0-9_]+)`/g)) names.add(String(match[1]));
    }
    byKind.set(kind, names);
  }
  return byKind;
}

describe('docs/outputs.md', () => {
  const synthesized = synthesizedOutputs();
  const documented = documentedOutputs();

  test('has a section for each kind of stack', () => {
    expect([...documented.keys()].sort()).toEqual([...synthesized.keys()].sort());
  });

  test.each(['state', 'pipeline', 'access'])('lists exactly the outputs %s stacks synthesize', (kind) => {
    expect([...(documented.get(kind) ?? [])].sort()).toEqual([...(synthesized.get(kind) ?? [])].sort());
  });
});
