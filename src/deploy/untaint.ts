import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { stateResourceCount } from '../terraform/state-file';
import type { StoppedStack } from './output';
import { synthesizedResourceCount } from './progress';

/**
 * Untaints the buckets an interrupt left tainted. Stopping the provider after S3 created a bucket but before it
 * finished (tags, read-back) records the bucket as tainted, and Terraform would replace a tainted bucket: its
 * prevent_destroy refuses that, so no rerun could finish. The bucket is the stack's own (the state records it);
 * the rerun completes its settings instead. Returns the lines that say what was done.
 */
export function untaintBuckets(
  stacks: readonly string[],
  run: { readonly stateDir: string; readonly outdir: string },
  env: NodeJS.ProcessEnv,
  terraform = 'terraform',
): string[] {
  const lines: string[] = [];
  for (const stack of stacks) {
    const stateFile = path.join(run.stateDir, `${stack}.tfstate`);
    if (!existsSync(stateFile)) continue;
    for (const address of taintedBuckets(readFileSync(stateFile, 'utf8'))) {
      const dir = path.join(run.outdir, 'stacks', stack);
      try {
        execFileSync(terraform, ['untaint', '-no-color', '-lock-timeout=30s', address], { cwd: dir, env, stdio: 'pipe' });
        lines.push(
          `${stack}: untainted ${address}: the interrupt stopped Terraform after S3 created the bucket; the rerun completes it ` +
            '(a tainted bucket would be replaced, which prevent_destroy refuses)',
        );
      } catch (error) {
        const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
        lines.push(
          `${stack}: ${address} is tainted and could not be untainted (${String(detail)}); before the rerun, run: ` +
            `cd ${dir} && terraform untaint '${address}'`,
        );
      }
    }
  }
  return lines;
}

/** Addresses of the buckets a state's text records as tainted. */
export function taintedBuckets(text: string): string[] {
  try {
    const state = JSON.parse(text) as {
      resources?: { mode?: string; type?: string; name?: string; instances?: { status?: string }[] }[];
    };
    return (state.resources ?? [])
      .filter(
        (resource) =>
          resource.mode === 'managed' &&
          resource.type === 'aws_s3_bucket' &&
          (resource.instances ?? []).some((instance) => instance.status === 'tainted'),
      )
      .map((resource) => `aws_s3_bucket.${String(resource.name)}`);
  } catch {
    return [];
  }
}

/** A stack that was deploying when the deploy was interrupted: its local state file and what it records. */
export function stoppedStack(stack: string, run: { readonly stateDir: string; readonly outdir: string }): StoppedStack {
  const stateFile = path.join(run.stateDir, `${stack}.tfstate`);
  const planned = synthesizedResourceCount(run.outdir, stack);
  if (!existsSync(stateFile)) return { stack, recorded: 0, ...(planned !== undefined ? { planned } : {}), stateFile };
  return { stack, stateFile, recorded: stateResourceCount(stateFile), ...(planned !== undefined ? { planned } : {}) };
}
