import { TerraformStack } from 'cdktf';

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
 * some for cross-stack references), so the written file always reflects the tree.
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
    if (kept !== undefined && kept.constructs === this.node.findAll().length) return kept.json;
    return super.toTerraform() as StackJson;
  }
}

/** The stack's Terraform JSON; for a {@link ResolvedOnceStack}, kept for its synth. */
export function resolveForSynth(stack: TerraformStack): StackJson {
  return stack instanceof ResolvedOnceStack ? stack.resolveForSynth() : (stack.toTerraform() as StackJson);
}
