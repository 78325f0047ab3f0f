import { Aspects, type IAspect, TerraformStack } from 'cdktf';
import { undeclaredReferences } from './self-contained';

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

  /**
   * cdktf's prepare pass resolves every element once more, only so that references to other stacks
   * can register outputs and remote-state lookups first (~18 % of a 1000-account synth). The stacks
   * of this project never reference each other (each is deployed, and destroyed, on its own), so the
   * pass is skipped, and a reference to anything the stack does not declare fails synth instead.
   */
  public override prepareStack(): void {
    this.ensureBackendExists();
  }

  /** Resolves the stack now and keeps the result for the next {@link toTerraform} call. */
  public resolveForSynth(): StackJson {
    const json = this.resolve();
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
    return this.resolve();
  }

  private resolve(): StackJson {
    const json = super.toTerraform() as StackJson;
    const undeclared = undeclaredReferences(json);
    if (undeclared.length > 0) {
      throw new Error(
        `${this.node.id} references ${undeclared.join(', ')}, which it does not declare; the stacks of this project must not reference each other (each is deployed and destroyed on its own)`,
      );
    }
    return json;
  }
}

/** The stack's Terraform JSON; for a {@link ResolvedOnceStack}, kept for its synth. */
export function resolveForSynth(stack: TerraformStack): StackJson {
  return stack instanceof ResolvedOnceStack ? stack.resolveForSynth() : (stack.toTerraform() as StackJson);
}

function isReadOnly(aspect: IAspect): boolean {
  return (aspect as Partial<Record<typeof READ_ONLY_ASPECT, boolean>>)[READ_ONLY_ASPECT] === true;
}
