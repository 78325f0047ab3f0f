// The real entry point with and without "pipelineAccess": access stacks only when it is set, the state
// stacks' policies holding each deploy role (issue 22), and the pipeline stack unchanged by it but for
// the runner's permission to assume the deploy roles.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runApp } from '../support/run-app';

const POWER_USER = 'arn:aws:iam::aws:policy/PowerUserAccess';
const BASE = {
  platform: 'acme',
  region: 'eu-west-1',
  stateBucket: { kms: true, lockTable: true },
  accounts: {
    dev: { profile: 'acme-dev', accountId: '111111111111' },
    prod: { profile: 'acme-prod', accountId: '222222222222' },
    sandbox: { profile: 'acme-sandbox', accountId: '333333333333', pipelineAccess: false },
  },
};

interface Synthesized {
  readonly stacks: string[];
  readonly backends: string[];
  /** Each stack's cdk.tf.json text. */
  readonly json: Record<string, string>;
  /** What the direct run printed: warnings and notes. */
  readonly stderr: string;
  /** Each stack's annotations (warnings the cdktf CLI prints), from manifest.json. */
  readonly annotations: Record<string, { level: string; message: string }[]>;
}

function synth(accounts: unknown): Synthesized {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bootstrap-access-main-'));
  try {
    const { status, stderr, outdir } = runApp(accounts, dir);
    if (status !== 0) throw new Error(`synth failed: ${stderr}`);
    const manifest = JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as {
      stacks: Record<string, { annotations: { level: string; message: string }[] }>;
    };
    const stacks = Object.keys(manifest.stacks).sort();
    return {
      stacks,
      backends: readdirSync(path.join(outdir, 'backends')).sort(),
      json: Object.fromEntries(
        stacks.map((stack) => [stack, readFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8')]),
      ),
      stderr,
      annotations: Object.fromEntries(Object.entries(manifest.stacks).map(([id, stack]) => [id, stack.annotations])),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The resources the runner may assume, from pipeline-prod's synthesized JSON. */
function runnerAssumable(json: string): unknown {
  const documents = (JSON.parse(json) as { data: Record<string, Record<string, { statement: { resources: string[] }[] }>> }).data
    .aws_iam_policy_document;
  const assume = Object.entries(documents ?? {}).find(([id]) => id.startsWith('runner-role_assume-roles-document'));
  return assume?.[1].statement[0]?.resources;
}

describe('main.ts with "pipelineAccess"', () => {
  const without = synth(BASE);
  const withRunner = synth({ ...BASE, pipelineAccess: { policyArns: [POWER_USER] } });
  const oidcOnly = synth({
    ...BASE,
    pipelineAccess: {
      policyArns: [POWER_USER],
      trust: { runner: false, github: [{ repository: 'acme/infra', branch: 'main' }] },
    },
  });

  test('absent: no access stack and no pipeline backend config', () => {
    expect(without.stacks).toEqual(['pipeline-prod', 'state-dev', 'state-prod', 'state-sandbox']);
    expect(without.backends).toEqual(['dev.s3.tfbackend', 'prod.s3.tfbackend', 'sandbox.s3.tfbackend']);
  });

  test('set: an access stack per account but those with "pipelineAccess": false', () => {
    expect(withRunner.stacks).toEqual(['access-dev', 'access-prod', 'pipeline-prod', 'state-dev', 'state-prod', 'state-sandbox']);
    expect(withRunner.backends).toEqual([
      'dev.runner.s3.tfbackend',
      'dev.s3.tfbackend',
      'prod.runner.s3.tfbackend',
      'prod.s3.tfbackend',
      'sandbox.s3.tfbackend',
    ]);
  });

  test("the state stacks differ only where their policies hold the deploy role; sandbox's (no deploy role) is byte-identical", () => {
    const deployRole = (account: string): string => `arn:aws:iam::${account}:role/acme-pipeline-deploy`;
    /** The stack's JSON with the deploy role's ARN taken out of every pipeline condition (and empty ones dropped). */
    const withoutDeployRole = (json: string, account: string): string =>
      json.replaceAll(`\\"${deployRole(account)}\\",`, '').replaceAll(`,\\"${deployRole(account)}\\"`, '');
    for (const [stack, account] of [
      ['state-dev', '111111111111'],
      ['state-prod', '222222222222'],
    ] as const) {
      expect(withRunner.json[stack]).toContain(deployRole(account));
      expect(oidcOnly.json[stack]).toBe(withRunner.json[stack]);
    }
    // prod's policies hold the runner (pipeline-prod exists either way), so only the deploy role is new there.
    expect(withoutDeployRole(withRunner.json['state-prod'] ?? '', '222222222222')).toBe(without.json['state-prod']);
    expect(without.json['state-dev']).not.toContain('acme-pipeline');
    expect(withRunner.json['state-sandbox']).toBe(without.json['state-sandbox']);
  });

  test('without the runner trusted, pipeline-prod is byte-identical too', () => {
    expect(oidcOnly.json['pipeline-prod']).toBe(without.json['pipeline-prod']);
    expect(oidcOnly.backends).toContain('dev.ci.s3.tfbackend');
  });

  test("with the runner trusted, the runner's role may assume every account's deploy role, and nothing else changes", () => {
    expect(runnerAssumable(without.json['pipeline-prod'] ?? '')).toBeUndefined();
    expect(runnerAssumable(withRunner.json['pipeline-prod'] ?? '')).toEqual([
      'arn:aws:iam::111111111111:role/acme-pipeline-deploy',
      'arn:aws:iam::222222222222:role/acme-pipeline-deploy',
    ]);
    const strip = (json: string): unknown => {
      const parsed = JSON.parse(json) as {
        data: Record<string, Record<string, unknown>>;
        resource: Record<string, Record<string, unknown>>;
      };
      for (const id of Object.keys(parsed.data.aws_iam_policy_document ?? {})) {
        if (id.startsWith('runner-role_assume-roles-document')) delete parsed.data.aws_iam_policy_document?.[id];
      }
      for (const id of Object.keys(parsed.resource.aws_iam_role_policy ?? {})) {
        if (id.startsWith('runner-role_assume-roles_')) delete parsed.resource.aws_iam_role_policy?.[id];
      }
      return parsed;
    };
    expect(strip(withRunner.json['pipeline-prod'] ?? '')).toEqual(strip(without.json['pipeline-prod'] ?? ''));
  });
});

describe("main.ts with an account's own trust", () => {
  const perAccount = synth({
    ...BASE,
    accounts: {
      ...BASE.accounts,
      prod: {
        ...BASE.accounts.prod,
        pipelineAccess: {
          trust: {
            runner: false,
            github: [{ repository: 'acme/infra', environment: 'production', ownerId: '12', repositoryId: '34' }],
          },
        },
      },
    },
    pipelineAccess: { policyArns: [POWER_USER], trust: { github: [{ repository: 'acme/infra', branch: 'main' }] } },
  });

  test('the runner may assume only the deploy roles whose trust names it, and gets a backend config only there', () => {
    expect(runnerAssumable(perAccount.json['pipeline-prod'] ?? '')).toEqual([
      'arn:aws:iam::111111111111:role/acme-pipeline-deploy',
    ]);
    expect(perAccount.backends).toEqual([
      'dev.ci.s3.tfbackend',
      'dev.runner.s3.tfbackend',
      'dev.s3.tfbackend',
      'prod.ci.s3.tfbackend',
      'prod.s3.tfbackend',
      'sandbox.s3.tfbackend',
    ]);
  });

  test('a GitHub entry without IDs is warned about once, with the command that reads them; the one with IDs is not', () => {
    const warnings = perAccount.stderr.split('\n').filter((line) => line.startsWith('warning: the GitHub trust of'));
    expect(warnings).toEqual([
      expect.stringContaining(`warning: the GitHub trust of acme/infra names no "ownerId" and "repositoryId"`) as unknown,
    ]);
    expect(warnings[0]).toContain("gh api repos/acme/infra --jq '.owner.id, .id'");
    expect(warnings[0]).toContain('2026-07-15');
    // The same line is a warning annotation of the stack whose trust has the entry, which the cdktf CLI prints.
    expect(perAccount.annotations['access-dev']).toEqual([
      expect.objectContaining({ level: '@cdktf/warn', message: warnings[0]?.slice('warning: '.length) }) as unknown,
    ]);
    expect(perAccount.annotations['access-prod']).toEqual([]);
  });
});
