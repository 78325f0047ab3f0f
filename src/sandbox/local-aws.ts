import { CREDENTIAL_OVERRIDE_VARIABLES } from './aws-files';

/**
 * Variables a sandbox environment (see `sandboxEnv`) sets itself: exported by the env file even where
 * the shell that started `npm run local-aws` had the same value, since the file is sourced in another shell.
 */
const SANDBOX_VARIABLE = /^(AWS_|BOOTSTRAP_|TF_|CDKTF_|CHECKPOINT_DISABLE$|DISABLE_VERSION_CHECK$)/;

/** Prefix of the per-service endpoint variables (`AWS_ENDPOINT_URL_S3`, …) that would send traffic past the double. */
const SERVICE_ENDPOINT_PREFIX = 'AWS_ENDPOINT_URL_';

/**
 * A POSIX shell script that turns the shell that sources it into `env` (a sandbox environment, see
 * `sandboxEnv`), whatever that shell holds:
 * - `unset` for every credential override (`AWS_ACCESS_KEY_ID`, `AWS_PROFILE`, …), every per-service
 *   `AWS_ENDPOINT_URL_*`, and every other variable of `base` (the environment `env` was made from) that
 *   `env` drops: they would otherwise win over the sandbox profiles or the one endpoint;
 * - `export` for the variables the sandbox sets and the ones `env` changes. Values are single-quoted.
 */
export function shellExports(env: NodeJS.ProcessEnv, base: NodeJS.ProcessEnv): string {
  const lines = ['# Written by "npm run local-aws": points terraform, cdktf and the AWS CLI/SDKs at the local AWS double.'];
  const unset = new Set<string>(CREDENTIAL_OVERRIDE_VARIABLES.filter((name) => env[name] === undefined));
  for (const name of Object.keys(base)) if (env[name] === undefined) unset.add(name);
  for (const name of [...unset].sort()) lines.push(`unset ${name}`);
  lines.push(`for name in $(env | sed -n 's/^\\(${SERVICE_ENDPOINT_PREFIX}[A-Za-z0-9_]*\\)=.*/\\1/p'); do unset "$name"; done`);
  for (const [name, value] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) {
    if (value === undefined || name.startsWith(SERVICE_ENDPOINT_PREFIX)) continue;
    if (base[name] !== value || SANDBOX_VARIABLE.test(name)) lines.push(`export ${name}=${quote(value)}`);
  }
  return `${lines.join('\n')}\n`;
}

function quote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
