import { runApp } from '../support/run-app';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { AnnotationMetadataEntryType, App, TerraformStack, Testing } from 'cdktf';
import { ConfigError, validateConfig } from '../../src/config';
import { ALL_RULES, enforcePolicyGuard, type GuardSuppression, PolicyGuardError } from '../../src/guard';
import { AccessStack, accessStackId } from '../../stacks/access-stack';
import { PipelineStack, pipelineStackId } from '../../stacks/pipeline-stack';
import { StateStack, stateStackId } from '../../stacks/state-stack';

/** A stack with two findings: a bucket with nothing but the bucket (5 S3 rules) and a log group without retention. */
function insecureApp(): App {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'insecure');
  new S3Bucket(stack, 'bucket', { bucket: 'insecure-bucket' });
  new CloudwatchLogGroup(stack, 'logs', { name: 'forever' });
  return app;
}

function enforce(app: App, suppressions: GuardSuppression[]): { warnings: string[]; error: unknown } {
  const warnings: string[] = [];
  try {
    enforcePolicyGuard(app, { file: 'accounts.json', suppressions }, (line) => warnings.push(line));
    return { warnings, error: undefined };
  } catch (error) {
    return { warnings, error };
  }
}

function problemsOf(error: unknown): readonly string[] {
  if (!(error instanceof ConfigError)) throw new Error(`expected a ConfigError, got ${String(error)}`);
  return error.problems;
}

describe('policy guard', () => {
  test('every rule has a unique id of the form BA-<area>-<n>, a title and an explanation', () => {
    const ids = ALL_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of ALL_RULES) {
      expect(rule.id).toMatch(/^BA-[A-Z0-9]+-\d+$/);
      expect(rule.title.length).toBeGreaterThan(10);
      expect(rule.explanation.length).toBeGreaterThan(40);
    }
  });

  test('findings fail with one line each: <rule id> <construct path>: <what is wrong>; <how to fix>', () => {
    const { error } = enforce(insecureApp(), []);
    expect(error).toBeInstanceOf(PolicyGuardError);
    const lines = problemsOf(error);
    expect(lines.map((line) => line.split(':')[0])).toEqual([
      'BA-S3-1 insecure/bucket',
      'BA-S3-2 insecure/bucket',
      'BA-S3-3 insecure/bucket',
      'BA-S3-4 insecure/bucket',
      'BA-S3-5 insecure/bucket',
      'BA-LOG-1 insecure/logs',
    ]);
    for (const line of lines) expect(line).toMatch(/^BA-[A-Z0-9]+-\d+ [^ ]+: [^\n;]+; [^\n]+$/);
  });

  test('a suppression with a reason turns its finding into a warning and the rest still fail', () => {
    const { warnings, error } = enforce(insecureApp(), [
      { rule: 'BA-LOG-1', resource: 'insecure/logs', reason: 'audit logs are kept forever by law' },
    ]);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^warning: BA-LOG-1 insecure\/logs: the log group keeps its logs forever .+ \(suppressed in accounts\.json: audit logs are kept forever by law\)$/,
      ),
    ]);
    expect(problemsOf(error)).toHaveLength(5);
    expect(problemsOf(error).some((line) => line.startsWith('BA-LOG-1'))).toBe(false);
  });

  test('when every finding is suppressed synth goes on, and the warnings also reach `cdktf synth` as annotations', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'logs');
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    const group = new CloudwatchLogGroup(stack, 'group', { name: 'forever' });
    const { warnings, error } = enforce(app, [{ rule: 'BA-LOG-1', resource: 'logs/group', reason: 'kept by law' }]);
    expect(error).toBeUndefined();
    expect(warnings).toHaveLength(1);
    const warn: string = AnnotationMetadataEntryType.WARN;
    const annotations = group.node.metadata.filter((entry) => entry.type === warn);
    expect(annotations.map((entry) => String(entry.data))).toEqual([
      expect.stringContaining('suppressed in accounts.json: kept by law'),
    ]);
    expect(() => {
      app.synth();
    }).not.toThrow();
  });

  test('a suppression without a reason, or with a blank one, is a config error naming the field and the fix', () => {
    const base = { platform: 'acme', accounts: { prod: 'acme-prod' }, pipeline: false };
    for (const suppression of [
      { rule: 'BA-LOG-1', resource: 'state-dev/logs' },
      { rule: 'BA-LOG-1', resource: 'state-dev/logs', reason: '   ' },
    ]) {
      let thrown: unknown;
      try {
        validateConfig({ ...base, suppressions: [suppression] }, 'accounts.json');
      } catch (error) {
        thrown = error;
      }
      expect(problemsOf(thrown)).toEqual([
        expect.stringMatching(/^accounts\.json: suppressions\[0\]\.reason: is (missing|empty); .*"reason": /),
      ]);
    }
  });

  test('a misspelt suppression key is a config error that suggests the right one', () => {
    expect(() =>
      validateConfig(
        {
          platform: 'acme',
          accounts: { prod: 'acme-prod' },
          pipeline: false,
          suppressions: [{ rule: 'BA-LOG-1', resource: 'state-prod/logs', reasn: 'kept by law' }],
        },
        'accounts.json',
      ),
    ).toThrow('accounts.json: suppressions[0].reasn: unknown key; did you mean "reason"?');
  });

  test('a suppression that matches no finding is an error, and so is one for an unknown rule or a repeated one', () => {
    const unused = { rule: 'BA-S3-1', resource: 'insecure/logs', reason: 'wrong resource' };
    const { error } = enforce(insecureApp(), [
      { rule: 'BA-LOG-1', resource: 'insecure/logs', reason: 'kept by law' },
      unused,
      { rule: 'BA-NOPE-1', resource: 'insecure/logs', reason: 'typo' },
      { rule: 'BA-LOG-1', resource: 'insecure/logs', reason: 'again' },
    ]);
    const problems = problemsOf(error).filter((line) => line.startsWith('accounts.json'));
    expect(problems).toEqual([
      'accounts.json: suppressions[1]: BA-S3-1 on "insecure/logs" matches no finding; remove the suppression, or correct "rule" and "resource" (the construct path printed with the finding)',
      expect.stringMatching(
        /^accounts\.json: suppressions\[2\]\.rule: "BA-NOPE-1" is not a policy guard rule; use one of BA-S3-1, /,
      ),
      'accounts.json: suppressions[3]: repeats suppressions[0]; remove one of them',
    ]);
  });

  test('a resource added after the check is still caught when cdktf synthesizes the stack', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'late');
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    enforcePolicyGuard(app, { file: 'accounts.json', suppressions: [] }, () => undefined);
    new CloudwatchLogGroup(stack, 'logs', { name: 'forever' });
    expect(() => {
      app.synth();
    }).toThrow(/BA-LOG-1 late\/logs: /);
  });
});

describe('the real stacks', () => {
  const accounts = {
    platform: 'acme',
    accounts: { dev: 'acme-dev', staging: { profile: 'acme-staging', region: 'eu-west-1' }, prod: 'acme-prod' },
  };

  function realApp(raw: unknown): { app: App; stacks: TerraformStack[] } {
    const config = validateConfig(raw, 'accounts.json');
    const app = Testing.app();
    const stacks: TerraformStack[] = config.accounts.map(
      (account) =>
        new StateStack(app, stateStackId(account.name), { platform: config.platform, account, stateDir: '/tmp/state' }),
    );
    const production = config.accounts.find((account) => account.name === config.productionAccount);
    if (config.pipeline !== undefined && production !== undefined) {
      stacks.push(
        new PipelineStack(app, pipelineStackId(config.productionAccount), {
          platform: config.platform,
          account: production,
          stateDir: '/tmp/state',
          pipeline: config.pipeline,
        }),
      );
    }
    return { app, stacks };
  }

  test('the state stacks of a three-account config pass with no suppressions', () => {
    const { app, stacks } = realApp({ ...accounts, pipeline: false });
    expect(stacks.map((stack) => stack.node.id)).toEqual(['state-dev', 'state-staging', 'state-prod']);
    expect(enforce(app, []).error).toBeUndefined();
  });

  test('the pipeline stack passes with no suppressions', () => {
    const { app, stacks } = realApp(accounts);
    expect(stacks.map((stack) => stack.node.id)).toContain(pipelineStackId('prod'));
    expect(enforce(app, []).error).toBeUndefined();
  });

  test('the guard really inspects the real stacks: weakening one of them fails', () => {
    const { app, stacks } = realApp(accounts);
    const dev = stacks[0];
    if (!(dev instanceof StateStack)) throw new Error('the first stack is not a state stack');
    dev.stateBucket.versioning.addOverride('versioning_configuration.status', 'Suspended');
    const pipeline = stacks.find((stack) => stack.node.id === pipelineStackId('prod'));
    const groups = (pipeline?.node.findAll() ?? []).filter((c): c is CloudwatchLogGroup => c instanceof CloudwatchLogGroup);
    expect(groups.length).toBeGreaterThan(0);
    for (const group of groups) group.addOverride('retention_in_days', 0);
    const lines = problemsOf(enforce(app, []).error);
    const expected: unknown[] = [expect.stringMatching(/^BA-S3-1 state-dev\/state-bucket\/bucket: /)];
    for (const group of groups) expected.push(expect.stringMatching(new RegExp(`^BA-LOG-1 ${group.node.path}: `)));
    expect(lines).toEqual(expected);
  });
});

describe('the access stacks', () => {
  const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
  const IAM_FULL = 'arn:aws:iam::aws:policy/IAMFullAccess';

  function accessApp(pipelineAccess: Record<string, unknown>): App {
    const config = validateConfig(
      {
        platform: 'acme',
        stateBucket: { kms: true, lockTable: true },
        accounts: {
          dev: { profile: 'acme-dev', accountId: '111111111111' },
          prod: { profile: 'acme-prod', accountId: '222222222222' },
        },
        pipelineAccess: {
          trust: {
            github: [{ repository: 'acme/infra', branch: 'main' }],
            gitlab: [{ project: 'acme/infra', branch: 'main' }],
            circleci: {
              organizationId: '2b3c4d5e-6f70-4812-9abc-def012345678',
              projects: [
                {
                  projectId: '3c4d5e6f-7081-4923-abcd-ef0123456789',
                  vcsOrigin: 'github.com/acme/infra',
                  branches: ['main'],
                },
              ],
            },
          },
          ...pipelineAccess,
        },
      },
      'accounts.json',
    );
    const app = Testing.app();
    const access = config.pipelineAccess;
    if (access === undefined) throw new Error('fixture without pipelineAccess');
    for (const account of config.accounts) {
      new AccessStack(app, accessStackId(account.name), {
        platform: config.platform,
        account,
        pipelineAccess: access,
        stateDir: '/tmp/state',
      });
    }
    return app;
  }

  test('every trust (runner, GitHub, GitLab, CircleCI) passes with no suppressions, AdministratorAccess too with the created boundary', () => {
    expect(enforce(accessApp({ policyArns: ['arn:aws:iam::aws:policy/PowerUserAccess'] }), []).error).toBeUndefined();
    expect(enforce(accessApp({ policyArns: [ADMIN], permissionsBoundary: 'create' }), []).error).toBeUndefined();
    expect(
      enforce(accessApp({ policyArns: ['arn:aws:iam::aws:policy/PowerUserAccess', IAM_FULL], permissionsBoundary: 'create' }), [])
        .error,
    ).toBeUndefined();
  });

  test('PowerUserAccess with IAMFullAccess and no boundary fails on each account', () => {
    const lines = problemsOf(enforce(accessApp({ policyArns: ['arn:aws:iam::aws:policy/PowerUserAccess', IAM_FULL] }), []).error);
    expect(lines).toEqual([
      expect.stringMatching(
        /^BA-IAM-7 access-dev\/deploy-role\/policy-arn:aws:iam::aws:policy_IAMFullAccess: gives the role access-dev\/deploy-role\/role IAMFullAccess without a permissions boundary/,
      ),
      expect.stringMatching(/^BA-IAM-7 access-prod\/deploy-role\/policy-arn:aws:iam::aws:policy_IAMFullAccess: /),
    ]);
  });

  test('AdministratorAccess with a boundary of its own fails, as the guard cannot read it, and is suppressible with a reason', () => {
    const access = { policyArns: [ADMIN], permissionsBoundaryArn: 'arn:aws:iam::111111111111:policy/boundary' };
    const path = (account: string) => `access-${account}/deploy-role/policy-arn:aws:iam::aws:policy_AdministratorAccess`;
    expect(problemsOf(enforce(accessApp(access), []).error)).toEqual([
      expect.stringMatching(new RegExp(`^BA-IAM-7 ${path('dev')}: .* with a permissions boundary the guard cannot read`)),
      expect.stringMatching(new RegExp(`^BA-IAM-7 ${path('prod')}: `)),
    ]);
    const suppressions = ['dev', 'prod'].map((account) => ({
      rule: 'BA-IAM-7',
      resource: path(account),
      reason: 'our own boundary, reviewed in ticket SEC-42',
    }));
    expect(enforce(accessApp(access), suppressions).error).toBeUndefined();
  });

  test('AdministratorAccess without a boundary fails on each account, and is suppressible with a reason', () => {
    const lines = problemsOf(enforce(accessApp({ policyArns: [ADMIN] }), []).error);
    const path = (account: string) => `access-${account}/deploy-role/policy-arn:aws:iam::aws:policy_AdministratorAccess`;
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(`^BA-IAM-7 ${path('dev')}: gives the role access-dev/deploy-role/role AdministratorAccess`),
      ),
      expect.stringMatching(new RegExp(`^BA-IAM-7 ${path('prod')}: `)),
    ]);
    const suppressions = ['dev', 'prod'].map((account) => ({
      rule: 'BA-IAM-7',
      resource: path(account),
      reason: 'sandbox accounts',
    }));
    const { warnings, error } = enforce(accessApp({ policyArns: [ADMIN] }), suppressions);
    expect(error).toBeUndefined();
    expect(warnings).toHaveLength(2);
  });
});

describe('the entry point (main.ts) runs the guard on every synth', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'guard-main-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the entry point as `cdktf synth` does (the `app` of cdktf.json) on `accounts` in the temp dir. */
  function synth(accounts: unknown): { status: number | null; stderr: string; files: string[] } {
    const { status, stderr, outdir } = runApp(accounts, dir);
    return { status, stderr, files: filesUnder(outdir) };
  }

  // Ingress to the runners from anywhere on a non-admin port: valid input, but BA-SG-1 refuses it.
  const openIngress = {
    platform: 'acme',
    accounts: { dev: 'acme-dev', prod: 'acme-prod' },
    pipeline: { ingress: [{ cidr: '0.0.0.0/0', port: 8080, protocol: 'tcp', description: 'webhooks' }] },
  };
  const finding = /BA-SG-1 (pipeline-prod\/\S+): ingress from 0\.0\.0\.0\/0 on tcp port 8080 is open to the whole internet; /;

  test('a finding fails synth with exit code 1, one error line, no stack trace and no file written', () => {
    const { status, stderr, files } = synth(openIngress);
    expect(status).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^error: ${finding.source}`))]);
    expect(files).toEqual([]);
  }, 60_000);

  test('the same finding suppressed with a reason prints a warning and synth writes the stacks', () => {
    const first = synth(openIngress);
    const resource = finding.exec(first.stderr)?.[1] ?? 'not found';
    const { status, stderr, files } = synth({
      ...openIngress,
      suppressions: [{ rule: 'BA-SG-1', resource, reason: 'webhook receiver behind a WAF' }],
    });
    expect(stderr).toMatch(
      new RegExp(`^warning: ${finding.source}.*\\(suppressed in \\S*accounts\\.json: webhook receiver behind a WAF\\)$`, 'm'),
    );
    expect(status).toBe(0);
    expect(files).toEqual(expect.arrayContaining(['stacks/pipeline-prod/cdk.tf.json', 'stacks/state-dev/cdk.tf.json']));
  }, 60_000);
});

function filesUnder(root: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const full = path.join(root, entry);
    return statSync(full).isDirectory() ? filesUnder(full).map((f) => `${entry}/${f}`) : [entry];
  });
}
