// Plan checks shared by the end-to-end suites that deploy the pipeline stack: the resource changes of a
// second `terraform plan`, and the one launch-template difference moto 5.2.1 is known to cause.
import { CommandError, runProcess } from '../../src/process/run';

export interface ResourceChange {
  address: string;
  type: string;
  change: { actions: string[]; before: Record<string, unknown> | null; after: Record<string, unknown> | null };
}

/** Resource changes of `terraform plan` (no-op entries left out), from its JSON form. */
export async function planChanges(dir: string, env: NodeJS.ProcessEnv): Promise<ResourceChange[]> {
  const plan = await runProcess('terraform', ['plan', '-detailed-exitcode', '-input=false', '-no-color', '-out=second.tfplan'], {
    cwd: dir,
    env,
  });
  if (plan.code === 0) return [];
  if (plan.code !== 2) throw new CommandError(`terraform plan (in ${dir})`, plan);
  const lines: string[] = [];
  const show = await runProcess('terraform', ['show', '-json', 'second.tfplan'], {
    cwd: dir,
    env,
    onLine: (line) => lines.push(line),
    keepLines: 1,
  });
  if (show.code !== 0) throw new CommandError(`terraform show (in ${dir})`, show);
  // stdout is one JSON line; anything else (stderr) is not part of it.
  const json = JSON.parse(lines.find((line) => line.startsWith('{')) ?? '{}') as { resource_changes?: ResourceChange[] };
  return (json.resource_changes ?? []).filter((change) => !change.change.actions.every((action) => action === 'no-op'));
}

/** An in-place update of the launch template whose only difference is moto's extra tag block. */
export function isMotoLaunchTemplateTagArtifact(change: ResourceChange): boolean {
  const { before, after, actions } = change.change;
  if (change.type !== 'aws_launch_template' || actions.join() !== 'update' || before === null || after === null) return false;
  const specs = (value: unknown) => (Array.isArray(value) ? (value as { resource_type: string }[]) : []);
  const beforeSpecs = specs(before.tag_specifications);
  const afterSpecs = specs(after.tag_specifications);
  const extra = beforeSpecs.filter((spec) => spec.resource_type === 'launch-template');
  const kept = beforeSpecs.filter((spec) => spec.resource_type !== 'launch-template');
  const ignored = new Set(['tag_specifications', 'latest_version']);
  const otherKeys = Object.keys(after).filter((key) => !ignored.has(key) && after[key] !== undefined);
  return (
    extra.length === 1 &&
    JSON.stringify(kept) === JSON.stringify(afterSpecs) &&
    otherKeys.every((key) => JSON.stringify(before[key]) === JSON.stringify(after[key]))
  );
}
