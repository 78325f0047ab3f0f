// What the app can tell about the cdktf CLI that runs it. Kept free of cdktf: main.ts loads it first.

/**
 * True when the cdktf CLI runs the app (`cdktf synth`, `deploy`, `destroy`, `diff`): the CLI sets this
 * variable for the app and prints every annotation itself (cdktf's StackSynthesizer reads it the same
 * way). It also prints every chunk the app writes to stderr, as `[ERROR] default - ...`, so under the
 * CLI warnings and notes must be annotations only.
 */
export function cliPrintsAnnotations(env: NodeJS.ProcessEnv): boolean {
  return env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== undefined;
}
