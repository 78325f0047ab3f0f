/**
 * What the existing-resource check scripts (scripts/check-existing-*.ts, run by Terraform's local-exec)
 * share: how a check's verdict reaches Terraform (its exit status) and the operator (one line).
 */

/** Writes a check's verdict, on stdout when it passed and as an `error:` line on stderr when not; returns the exit status. */
export function reportCheck(result: { readonly ok: boolean; readonly message: string }): number {
  if (result.ok) process.stdout.write(`${result.message}\n`);
  else process.stderr.write(`error: ${result.message}\n`);
  return result.ok ? 0 : 1;
}

/** Runs a check script's `main`: its exit status, or 1 with one `error:` line for anything it did not expect. */
export function runCheckScript(main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
