import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deployAdvice } from '../deploy/command';
import { chooseParallelism } from '../process/parallelism';
import { formatTable } from '../report/table';
import { ConfigError } from '../config/errors';
import { PROVIDER_MIRROR_ENV } from '../terraform/cli-config';
import { providerSource } from '../terraform/provider-source';
import { terraformRunEnv } from '../terraform/run-env';
import {
  checkAccountsFile,
  checkCliConfigFile,
  checkIdentities,
  checkProfiles,
  checkProvider,
  checkTerraform,
  type CheckResult,
  type ProviderCheckOptions,
  type TerraformVersionReader,
} from './checks';
import { checkNodeCli } from './node-cli-check';

export { type CheckResult, type CheckStatus, compareVersions, MIN_TERRAFORM_VERSION } from './checks';

export interface DoctorOptions {
  /** Environment to check (AWS files, PATH, BOOTSTRAP_* variables). */
  readonly env: NodeJS.ProcessEnv;
  /** Folder relative paths are resolved from. @default process.cwd() */
  readonly cwd?: string;
  /**
   * Also sign in with every profile (STS) and ask the registry when there is no mirror.
   * @default false: nothing leaves the machine
   */
  readonly live?: boolean;
  /** @default runs `terraform version -json` */
  readonly readTerraformVersion?: TerraformVersionReader;
  /** Mirror finder and registry probe of the provider check. */
  readonly provider?: Omit<ProviderCheckOptions, 'live'>;
}

/** Runs every preflight check, in the order of the table. */
export async function runDoctor(options: DoctorOptions): Promise<CheckResult[]> {
  const { env } = options;
  const live = options.live ?? false;
  const accounts = checkAccountsFile(env, options.cwd ?? process.cwd());
  // terraform runs as every command runs it; a setting that stops that is a failed check (a bad
  // mirror variable is the provider check's to report).
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'bootstrap-doctor-'));
  let terraformEnv = env;
  const environment: CheckResult[] = [];
  try {
    try {
      const findMirror = options.provider?.findMirror;
      terraformEnv = terraformRunEnv(env, { workDir, ...(findMirror !== undefined ? { findMirror } : {}) }).env;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      for (const detail of error.problems.filter((problem) => !problem.startsWith(PROVIDER_MIRROR_ENV))) {
        environment.push({ check: 'terraform environment', status: 'fail', detail });
      }
    }
    const [terraform, provider] = await Promise.all([
      checkTerraform(terraformEnv, options.readTerraformVersion),
      checkProvider(env, { ...options.provider, live }),
    ]);
    return [
      checkNodeCli(),
      ...accounts.results,
      ...(await checkProfiles(accounts.config, env)),
      ...checkCliConfigFile(env),
      ...environment,
      terraform,
      provider,
      ...(live ? await checkIdentities(accounts.config, env) : []),
    ];
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** True when no check failed (warnings do not count). */
export function doctorPassed(results: readonly CheckResult[]): boolean {
  return results.every((result) => result.status !== 'fail');
}

const LABELS: Record<CheckResult['status'], string> = { ok: 'ok', warn: 'WARN', fail: 'FAIL', skip: 'skipped' };

/** The results as a table (CHECK, RESULT, DETAIL) followed by a one-line summary. */
export function formatDoctorReport(results: readonly CheckResult[]): string {
  const table = formatTable(
    ['CHECK', 'RESULT', 'DETAIL'],
    results.map((result) => [result.check, LABELS[result.status], result.detail]),
  );
  const failed = results.filter((result) => result.status === 'fail').length;
  const warned = results.filter((result) => result.status === 'warn').length;
  const summary =
    failed > 0
      ? `${failed} check(s) failed${warned > 0 ? `, ${warned} warning(s)` : ''}: fix the FAIL rows above and run "npm run doctor" again.`
      : `All checks passed${warned > 0 ? ` with ${warned} warning(s)` : ''}.`;
  return `${table}\n\n${summary}\n`;
}

/**
 * The commands that deploy this configuration on this machine (printed once every check passed):
 * `npm run deploy` for the state stacks, then the pipeline stack, then the access stacks (their deploy
 * roles name the state buckets and keys), and the plain `cdktf deploy` it stands for.
 */
export function deployInstructions(options: Pick<DoctorOptions, 'env' | 'cwd' | 'provider'>): string[] {
  const { config } = checkAccountsFile(options.env, options.cwd ?? process.cwd());
  const stacks = [
    'state-*',
    ...(config?.pipeline !== undefined ? [`pipeline-${config.productionAccount}`] : []),
    ...(config?.pipelineAccess !== undefined ? ['access-*'] : []),
  ];
  let parallelism: number | string;
  try {
    parallelism = chooseParallelism(options.env).value;
  } catch {
    // A malformed BOOTSTRAP_DEPLOY_PARALLELISM: the wrapper names it; the plain command shows a placeholder.
    parallelism = 'N';
  }
  return deployAdvice(providerSource(options.env, options.provider?.findMirror), stacks, parallelism);
}
