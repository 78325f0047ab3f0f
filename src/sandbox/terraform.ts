import { CommandError, type RunResult, runProcess } from '../process/run';

/** Result of `terraform plan -detailed-exitcode`. */
export type PlanResult = 'no-changes' | 'changes';

/**
 * Runs `terraform plan -detailed-exitcode` in a synthesized stack folder (which must have been
 * initialised, e.g. by `cdktf deploy`, or is initialised here when `init` is true).
 * @throws CommandError when init or plan fails (exit code 1).
 */
export async function terraformPlan(dir: string, env: NodeJS.ProcessEnv, init = false): Promise<PlanResult> {
  if (init) {
    const initResult = await runProcess('terraform', ['init', '-input=false', '-no-color'], { cwd: dir, env });
    if (initResult.code !== 0) throw new CommandError(`terraform init (in ${dir})`, initResult);
  }
  const result = await runProcess('terraform', ['plan', '-detailed-exitcode', '-input=false', '-lock=true', '-no-color'], {
    cwd: dir,
    env,
  });
  if (result.code === 0) return 'no-changes';
  if (result.code === 2) return 'changes';
  throw new CommandError(`terraform plan (in ${dir})`, result);
}

/**
 * Runs `terraform destroy -auto-approve` in an initialised stack folder and resolves with its exit
 * code and output instead of rejecting: callers check that a protected stack is refused.
 */
export function terraformDestroy(dir: string, env: NodeJS.ProcessEnv): Promise<RunResult> {
  return runProcess('terraform', ['destroy', '-auto-approve', '-input=false', '-no-color'], { cwd: dir, env });
}
