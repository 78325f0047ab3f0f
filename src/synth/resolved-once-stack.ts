import { Aspects, type IAspect, TerraformStack } from 'cdktf';

/**
 * Marks an aspect that only reads the tree (the policy guard): cdktf invokes aspects during
 * `app.synth()`, after the guard read the stack, so a kept resolution is reused only when every
 * aspect in the stack carries this mark.
 */
export const READ_ONLY_ASPECT: unique symbol = Symbol.for('bootstrap-aws.read-only-aspect');

/** A stack's Terraform JSON as cdktf writes it to `cdk.tf.json`. */
export type StackJson = Record<string, unknown>;

/**
 * A stack whose Terraform JSON is resolved once for both readers of a synth: the policy guard,
 * which must see it before anything is written, and cdktf's synthesizer, which writes it.
 * Resolving tokens is most of what synth costs; doing it for the guard and again for the file was
 * about a fifth of a 1000-account synth (npm run bench).
 *
 * {@link resolveForSynth} resolves the stack through cdktf's public `toTerraform()` and keeps the
 * result for the next `toTerraform()` call only, which main.ts makes `app.synth()`. The kept result
 * is dropped instead of used when constructs were added in between (cdktf's prepare step adds
 * some for cross-stack references) or when the stack has an aspect that may change it at synth
 * (any aspect without {@link READ_ONLY_ASPECT}). Code must not change constructs between the guard
 * and `app.synth()` otherwise; main.ts does nothing there.
 */
export class ResolvedOnceStack extends TerraformStack {
  private kept?: { readonly json: StackJson; readonly constructs: number };

  /** Resolves the stack now and keeps the result for the next {@link toTerraform} call. */
  public resolveForSynth(): StackJson {
    const json = super.toTerraform() as StackJson;
    this.kept = { json, constructs: this.node.findAll().length };
    return json;
  }

  public override toTerraform(): StackJson {
    const kept = this.kept;
    this.kept = undefined;
    if (kept !== undefined) {
      const constructs = this.node.findAll();
      const unchanged = kept.constructs === constructs.length && constructs.every((c) => Aspects.of(c).all.every(isReadOnly));
      if (unchanged) return kept.json;
    }
    return super.toTerraform() as StackJson;
  }
}

/** The stack's Terraform JSON; for a {@link ResolvedOnceStack}, kept for its synth. */
export function resolveForSynth(stack: TerraformStack): StackJson {
  return stack instanceof ResolvedOnceStack ? stack.resolveForSynth() : (stack.toTerraform() as StackJson);
}

function isReadOnly(aspect: IAspect): boolean {
  return (aspect as Partial<Record<typeof READ_ONLY_ASPECT, boolean>>)[READ_ONLY_ASPECT] === true;
}
