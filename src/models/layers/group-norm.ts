// A GroupNorm layer (Wu & He) with its learned scale and shift: the C channels split into G groups,
// each image's group standardized over its H·W·C/G entries, y = γ_c (x − μ_{b,g})/√(σ²_{b,g} + ε) + β_c.
// Unlike batch normalization it does not mix images, so a sample does not depend on its batch. The
// op itself is groupNorm (src/ops/group-norm.ts: native kernels when on, composed tfjs ops otherwise).
import * as tf from '@tensorflow/tfjs-core';
import { positiveInteger } from '../../validation/arguments';
import { checkKind, count, num, str, tensor, where } from '../../validation/contract';

const ACTIVATION = str(['linear', 'silu']);
import { groupNorm } from '../../ops/group-norm';
import { silu } from '../../ops/silu';

/**
 * GroupNorm over NHWC images, optionally followed by SiLU: x [B, H, W, C] → [B, H, W, C]; γ starts at 1, β at 0.
 *
 *     y = γ ⊙ (x − μ_g)/√(σ_g² + ε) + β,   μ_g, σ_g²: mean and variance over the H·W·(C/G) entries of channel group g
 *
 * @example const gn = new GroupNorm(32, 8, 'gn1'); const y = gn.apply(x, 'silu');
 */
export class GroupNorm {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;

  /**
   * GroupNorm over `channels` channels in `groups` groups (groups must divide channels), γ = 1, β = 0.
   *
   * @param channels  C
   * @param groups  G
   * @param name  the layer's name in its model
   * @param scope  the model's scope of tfjs variable names
   * @param epsilon  ε added to the variance
   */
  constructor(readonly channels: number, readonly groups: number, readonly name: string, scope = 'gn', readonly epsilon = 1e-5) {
    // γ and β: 2 × channels float32 entries
    checkKind(count({ entriesEach: 2, bytesEach: 4 }), channels, 'channels', `GroupNorm ${name}`);
    positiveInteger(groups, `GroupNorm ${name}`, 'groups');
    checkKind(where(num(), `divide channels (${channels})`, (g: number) => channels % g === 0), groups, 'groups', `GroupNorm ${name}`);
    // in a tidy: the initial values are tensors of their own, which would outlive the layer
    this.gamma = tf.tidy(() => tf.variable(tf.ones([channels]), true, `${scope}/${name}/gamma`));
    this.beta = tf.tidy(() => tf.variable(tf.zeros([channels]), true, `${scope}/${name}/beta`));
  }

  /**
   * y = γ_c (x − μ_{b,g})/√(σ²_{b,g} + ε) + β_c, then SiLU if asked: [B, H, W, C] → [B, H, W, C].
   */
  apply(x: tf.Tensor4D, activation: 'linear' | 'silu' = 'linear'): tf.Tensor4D {
    checkKind(tensor({ shape: ['B', 'H', 'W', this.channels] }), x, 'x', `GroupNorm.apply (${this.name})`);
    checkKind(ACTIVATION, activation, 'activation', `GroupNorm.apply (${this.name})`);
    return tf.tidy(() => {
      const y = groupNorm(x, this.gamma as tf.Tensor1D, this.beta as tf.Tensor1D, this.groups, this.epsilon);
      return activation === 'silu' ? silu(y) : y;
    });
  }

  get variables(): tf.Variable[] { return [this.gamma, this.beta]; }

  /**
   * Frees γ and β.
   */
  dispose(): void { this.gamma.dispose(); this.beta.dispose(); }
}

/** SiLU(x) = x σ(x), re-exported beside the layer it follows in the U-Net. */
export { silu } from '../../ops/silu';
