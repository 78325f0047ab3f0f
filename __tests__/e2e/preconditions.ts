import { missingTools } from '../../src/sandbox/preconditions';

/** True when running under CI (`CI=true`, as `.ci/run` sets it). */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';
}

/**
 * Whether deploy tests can run here. In CI a missing terraform, moto_server or provider mirror
 * throws (the suite fails: a skipped deploy test there would hide a broken pipeline); elsewhere
 * it returns false after explaining on stderr, and the suite is reported as skipped.
 */
export function canDeploy(env: NodeJS.ProcessEnv = process.env): boolean {
  const problems = missingTools(env, { mirror: isCi(env) });
  if (problems.length === 0) return true;
  const message = `end-to-end deploy tests cannot run:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`;
  if (isCi(env)) throw new Error(`${message}\n(CI=true: these tests must run in CI, so this is a failure, not a skip)`);
  process.stderr.write(`${message}\nSkipping them (outside CI).\n`);
  return false;
}
