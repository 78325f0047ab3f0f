// Throttling, server errors and dropped connections (issue 14, fault 5): every AWS request of a deploy and of
// the project's own commands goes through a fault-injecting proxy on loopback in front of moto
// (__tests__/support/fault-proxy.ts), which answers a share of them with 503 SlowDown / 500 InternalError (in
// each service's format) or resets the connection. The deploy converges on the provider's retries, the
// project's SDK calls on theirs (src/aws/retry.ts), and when the faults outlast the attempts the command
// says so in one line. The proxy counts what it injected, so each test proves it met faults.
import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { readBucketReport } from '../../src/report/bucket-report';
import { cdktfDeploy, cdktfSynth, stackDir } from '../../src/sandbox/cdktf';
import { type FaultPlan, type FaultProxy, startFaultProxy } from '../support/fault-proxy';
import { bucketExists, type Day2Sandbox, startDay2Sandbox, started } from './day2-support';
import { planChanges } from './plan-support';

const BUCKET = 'flaky-prod-state';
const STACK = 'state-prod';

/** Every SDK call of the project's scripts meets two faults (error answers or resets) before it gets through. */
const SDK_FAULTS: FaultPlan = { target: 'sdk-js', share: 1, attempts: 2, resetShare: 0.3 };
/**
 * A tenth of the provider's calls meet a fault on their first attempt (it makes up to 25): enough to meet
 * every kind of fault on the way, few enough that its backoff does not dominate the test's time.
 */
const TERRAFORM_FAULTS: FaultPlan = { target: 'terraform', share: 0.1, attempts: 1, resetShare: 0.25 };

let sandbox: Day2Sandbox | undefined;
let proxy: FaultProxy | undefined;

function px(): FaultProxy {
  if (proxy === undefined) throw new Error('the fault proxy did not start; see the beforeAll error');
  return proxy;
}

/** The sandbox environment with every AWS request sent through the proxy. */
function viaProxy(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...started(sandbox).workspace.env, AWS_ENDPOINT_URL: px().endpoint, ...extra };
}

beforeAll(async () => {
  sandbox = await startDay2Sandbox({
    platform: 'flaky',
    pipeline: false,
    accounts: { prod: { profile: 'flaky-prod', allowDestroy: true } },
  });
  proxy = await startFaultProxy(sandbox.moto.endpoint, 1402);
  // Synthesized for the proxy's endpoint, as a user's synth would be for theirs (docs/local-aws-double.md, "The endpoint contract").
  await cdktfSynth({ outdir: sandbox.workspace.outdir, env: viaProxy() });
}, 120_000);

afterAll(async () => {
  await proxy?.stop();
  await sandbox?.stop();
});

beforeEach(() => {
  px().setPlan(SDK_FAULTS, TERRAFORM_FAULTS);
  px().resetCounts();
});

test('a state stack deploys through 503 / 500 answers and connection resets to the full secure bucket, and a plan shows no changes', async () => {
  const { workspace, log } = started(sandbox);
  await cdktfDeploy({
    outdir: workspace.outdir,
    env: viaProxy(),
    stacks: [STACK],
    parallelism: 1,
    onLine: (line) => log.push(line),
  });
  const counts = px().counts();
  // The provider met faults, and so did the existing-bucket probe (the SDK for JavaScript) run by the first deploy.
  expect(counts.byClient.terraform).toBeGreaterThanOrEqual(5);
  expect(counts.byClient['sdk-js']).toBeGreaterThanOrEqual(2);
  expect(counts.errors).toBeGreaterThan(0);
  expect(counts.resets).toBeGreaterThan(0);
  // Read back from moto directly, not through the proxy.
  expect(await readBucketReport(started(sandbox).s3('prod'), BUCKET)).toMatchObject({ secure: true });
  // The plan makes a few dozen requests: a larger share, so that it surely meets some.
  px().setPlan({ ...TERRAFORM_FAULTS, share: 0.3 });
  px().resetCounts();
  expect(await planChanges(stackDir(workspace.outdir, STACK), viaProxy())).toEqual([]);
  expect(px().counts().byClient.terraform).toBeGreaterThan(0);
}, 300_000);

test('status --live reads the bucket through faults and finds no drift', async () => {
  const result = await started(sandbox).script('status', ['--live'], viaProxy());
  expect(result.output).toMatch(/^prod\s+state-prod\s+yes\s+flaky-prod-state\s.*\sEnabled\s+AES256\s+all 4 on\s.*\snone$/m);
  expect(result.code).toBe(0);
  expect(px().counts().byService.s3).toBeGreaterThanOrEqual(2);
}, 120_000);

test('doctor --live signs in through faults', async () => {
  const result = await started(sandbox).script('doctor', ['--live'], viaProxy());
  expect(result.output).toMatch(/^identity of accounts\.prod\s+ok\s/m);
  expect(px().counts().byService.sts).toBeGreaterThanOrEqual(2);
}, 120_000);

test('accounts import lists the organization through faults', async () => {
  const sb = started(sandbox);
  const organizations = new OrganizationsClient({
    endpoint: sb.moto.endpoint,
    region: 'us-east-1',
    credentials: sb.workspace.credentialsOf('prod'),
  });
  try {
    await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    await organizations.send(new CreateAccountCommand({ AccountName: 'Audit', Email: 'audit@example.com' }));
  } finally {
    organizations.destroy();
  }
  const result = await sb.script('accounts', ['import', '--profile', 'flaky-prod'], viaProxy());
  expect(result.output).toMatch(/"audit": \{/);
  expect(result.code).toBe(0);
  expect(px().counts().byService.organizations).toBeGreaterThanOrEqual(2);
}, 120_000);

test('when the faults outlast AWS_MAX_ATTEMPTS, status says so in one line; a bad AWS_MAX_ATTEMPTS is refused in one line', async () => {
  px().setPlan({ ...SDK_FAULTS, attempts: 99, resetShare: 0 });
  const result = await started(sandbox).script('status', ['--live'], viaProxy({ AWS_MAX_ATTEMPTS: '2' }));
  expect(result.output).toMatch(
    /^error: state-prod \(flaky-prod-state\): could not read the bucket with profile flaky-prod \((SlowDown|InternalError) after 2 attempts: [^\n]+\); check with "npm run doctor -- --live"$/m,
  );
  expect(result.code).toBe(1);
  const bad = await started(sandbox).script('status', ['--live'], viaProxy({ AWS_MAX_ATTEMPTS: 'lots' }));
  expect(bad.output.trim()).toBe(
    'error: AWS_MAX_ATTEMPTS="lots" is not a whole number from 1 to 50 (attempts per AWS request, the first included); set it to e.g. 8, or unset it for the default of 5',
  );
  expect(bad.code).toBe(1);
}, 120_000);

test('destroy empties and destroys the bucket through faults', async () => {
  // The SDK calls of the command are the subject; the provider's retries were proven by the deploy.
  px().setPlan(SDK_FAULTS);
  const sb = started(sandbox);
  await sb.s3('prod').send(new PutObjectCommand({ Bucket: BUCKET, Key: 'app/terraform.tfstate', Body: '{"version":4}' }));
  const result = await sb.script(
    'destroy',
    ['prod', '--confirm', BUCKET, '--delete-objects'],
    viaProxy({ CDKTF_OUTDIR: sb.workspace.outdir }),
  );
  if (result.code !== 0) throw new Error(`npm run destroy failed:\n${result.output}`);
  expect(result.output).toContain(`Destroyed state-prod: the state bucket ${BUCKET} is gone.`);
  expect(await bucketExists(sb.s3('prod'), BUCKET)).toBe(false);
  expect(px().counts().byClient['sdk-js']).toBeGreaterThanOrEqual(2);
}, 300_000);
