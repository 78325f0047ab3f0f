// docs/ci-matrix.md's GitHub Actions workflow, read as GitHub reads it: every job that synthesizes or deploys
// has accounts.json, each matrix job keeps the state file together with the .creating marker and the
// .backup that a rerun relies on, and no job's environment mixes AWS keys with a profile.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../support/docs';

interface Step {
  readonly uses?: string;
  readonly run?: string;
  readonly id?: string;
  readonly if?: string;
  readonly env?: Record<string, string>;
}
interface Job {
  readonly env?: Record<string, string>;
  readonly steps: readonly Step[];
}

const page = readFileSync(path.join(PROJECT_ROOT, 'docs', 'ci-matrix.md'), 'utf8');
const blocks = [...page.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '');
const workflow = parse(blocks[0] ?? '') as { jobs: Record<string, Job> };
const jobs = Object.entries(workflow.jobs);

/** `pattern` (a shell glob as `aws s3 sync --include` takes it) as a regular expression. */
function glob(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

test('the page has one workflow, and it parses as YAML', () => {
  expect(blocks).toHaveLength(1);
  expect(jobs.map(([name]) => name)).toEqual(['stacks', 'state']);
});

test.each(jobs)('job %s writes accounts.json from a CI secret before it synthesizes or deploys', (_name, job) => {
  const runs = job.steps.map((step) => step.run ?? '');
  const writes = job.steps.findIndex(
    (step) =>
      /> accounts\.json\b/.test(step.run ?? '') && Object.values(step.env ?? {}).some((value) => value.includes('secrets.')),
  );
  const uses = runs.findIndex((run) => /npm run (synth|deploy)\b/.test(run));
  expect(uses).toBeGreaterThan(-1);
  expect(writes).toBeGreaterThan(-1);
  expect(writes).toBeLessThan(uses);
});

test('each matrix job restores and saves the state file with its .creating marker and .backup, saving even after a failed deploy', () => {
  const job = workflow.jobs.state;
  if (job === undefined) throw new Error('no state job');
  const files = (job.env?.FILES ?? '').replace('${{ matrix.account }}', 'dev');
  for (const file of ['state-dev.tfstate', 'state-dev.tfstate.creating', 'state-dev.tfstate.backup'])
    expect(file).toMatch(glob(files));
  expect('state-prod.tfstate').not.toMatch(glob(files));
  const runs = job.steps.map((step) => step.run ?? '');
  const deploy = runs.findIndex((run) => run.includes('npm run deploy'));
  const restore = runs.findIndex((run) => /aws s3 sync s3:\/\/\S+ terraform-state\/ .*--include "\$FILES"/.test(run));
  const save = runs.findIndex((run) => /aws s3 sync terraform-state\/ s3:\/\/\S+ .*--include "\$FILES"/.test(run));
  expect(restore).toBeGreaterThan(-1);
  expect(restore).toBeLessThan(deploy);
  expect(save).toBeGreaterThan(deploy);
  expect(job.steps[save]?.if).toMatch(/^always\(\)/);
});

test.each(jobs)('job %s never has AWS keys and a profile in its environment at once', (_name, job) => {
  for (const step of job.steps) {
    const env = { ...job.env, ...step.env };
    expect('AWS_PROFILE' in env && 'AWS_ACCESS_KEY_ID' in env).toBe(false);
    // That action exports the session's keys as environment variables of every later step.
    expect(step.uses ?? '').not.toMatch(/configure-aws-credentials/);
    expect(step.run ?? '').not.toMatch(/AWS_(ACCESS_KEY_ID|PROFILE)=.*GITHUB_ENV/);
  }
});
