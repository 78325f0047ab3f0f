// A plain `cdktf destroy` of a protected state stack is refused at synth. Terraform would refuse it at
// plan anyway (prevent_destroy), but on Linux cdktf can lose the end of Terraform's output, and with it
// that reason (docs/destroy.md); synth's own error always reaches the user.
import { type AccountConfig, type BootstrapConfig, ConfigError } from '../config';
import { matchesStackPattern } from '../cli/cdktf-command';
import { accessStackId } from '../../stacks/access-stack';
import { pipelineStackId } from '../../stacks/pipeline-stack';
import { stateStackId } from '../../stacks/state-stack';
import { destroyableAccount } from './index';

/**
 * Throws a {@link ConfigError}, one line per stack, when `cdktf destroy <patterns>` targets a state
 * stack that keeps `prevent_destroy`: its bucket (every account but `confirmed`, the one
 * BOOTSTRAP_CONFIRM_DESTROY names) or its lock table (always). Each line gives the reason and the way
 * to destroy it (`npm run destroy`, or what that command needs first).
 */
export function refuseProtectedDestroy(
  config: BootstrapConfig,
  confirmed: AccountConfig | undefined,
  patterns: readonly string[],
): void {
  const stacks = [
    ...config.accounts.map((account) => stateStackId(account.name)),
    ...(config.pipeline !== undefined && config.accounts.some((account) => account.name === config.productionAccount)
      ? [pipelineStackId(config.productionAccount)]
      : []),
    ...config.accounts.flatMap((account) => (account.pipelineAccess !== undefined ? [accessStackId(account.name)] : [])),
  ];
  // Without a pattern cdktf destroys the app's only stack (and refuses when there are more).
  const targeted = (stack: string): boolean =>
    patterns.length === 0 ? stacks.length === 1 : patterns.some((pattern) => matchesStackPattern(stack, pattern));
  const problems = config.accounts.flatMap((account) => {
    const stack = stateStackId(account.name);
    if (!targeted(stack)) return [];
    const reason =
      account !== confirmed
        ? `its state bucket ${account.stateBucketName} has lifecycle.prevent_destroy`
        : account.lockTableName !== undefined
          ? `its lock table ${account.lockTableName} has lifecycle.prevent_destroy`
          : undefined;
    if (reason === undefined) return [];
    return [
      `"cdktf destroy" cannot destroy ${stack}: ${reason}, so Terraform would stop at plan ("Instance cannot be destroyed"); nothing was changed; ${destroyWay(config, account)}`,
    ];
  });
  if (problems.length > 0) throw new ConfigError(problems);
}

/** How to destroy the account's stack: `npm run destroy`, or the one line that command would refuse with. */
function destroyWay(config: BootstrapConfig, account: AccountConfig): string {
  const command = `npm run destroy -- ${account.name}`;
  try {
    destroyableAccount(config, account.name);
    return `to destroy it, run "${command}" (it asks for the bucket name)`;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return `"${command}" destroys it once this is fixed: ${error.problems.join('; ')}`;
  }
}
