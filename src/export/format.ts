import { execFile } from 'node:child_process';

/**
 * `text` as `terraform fmt` writes it. The renderer lays out what it writes as fmt does, but copies
 * each `${...}` expression as cdktf wrote it (`{"a" = 1}`, `%{ if x }`), whose spacing fmt changes.
 * Also a syntax check: fmt rejects text that is not HCL.
 */
export function terraformFmt(text: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'terraform',
      ['fmt', '-no-color', '-'],
      { env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error !== null) reject(new Error(`terraform fmt rejected the rendered HCL: ${stderr.trim() || error.message}`));
        else resolve(stdout);
      },
    );
    child.stdin?.end(text);
  });
}
