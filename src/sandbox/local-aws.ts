/**
 * A POSIX shell script that turns `base` (the user's environment) into `env` (a sandbox environment,
 * see `sandboxEnv`): `unset` for the variables env drops (credential overrides that would otherwise win
 * over the dummy profiles), `export` for the ones it adds or changes. Values are single-quoted.
 */
export function shellExports(env: NodeJS.ProcessEnv, base: NodeJS.ProcessEnv): string {
  const lines = ['# Written by "npm run local-aws": points terraform, cdktf and the AWS CLI/SDKs at the local AWS double.'];
  for (const name of Object.keys(base).sort()) {
    if (env[name] === undefined) lines.push(`unset ${name}`);
  }
  for (const [name, value] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) {
    if (value !== undefined && base[name] !== value) lines.push(`export ${name}=${quote(value)}`);
  }
  return `${lines.join('\n')}\n`;
}

function quote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
