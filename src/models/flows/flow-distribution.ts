// A normalizing flow as a distribution (lectures 000, 003): x = f(z), z ~ p_z, so
//   log p_x(x) = log p_z(f⁻¹(x)) + log|det ∂f⁻¹/∂x|   (change of variables, D35)
// with f a Chain of bijectors. Training maximizes the exact log-likelihood (loss = −mean log p(x)).
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import { Distribution, SupportKind } from '../../distributions/distribution';
import { Normal } from '../../distributions/normal';
import type { Batch } from '../../training/trainable';
import { Bijector, Chain } from './bijector';
import { positiveInteger } from '../../validation/arguments';
import { anything, arrayOf, checkKind, contract, count, distribution, optional, record, rngKind, tensor, where } from '../../validation/contract';
import { batch } from '../../validation/batch';

// the flow maps the base's events [dim] to x's
// the checks run before the standard base is made (its two tensors would outlive a refused call)
const FLOW_DISTRIBUTION = contract('FlowDistribution', {
  // the base's mean and scale: 2 × dim float32 entries
  dim: count({ entriesEach: 2, bytesEach: 4 }),
  layers: { ...arrayOf(record('a bijector'), { minLength: 1 }), expected: 'a non-empty array of bijectors' },
  base: optional(anything('a distribution with event shape [dim]')),
});
const DRAWS = optional(count({ entriesEach: 4096, bytesEach: 4 }));
const F = {
  sample: contract('FlowDistribution.sample', { rng: rngKind(), n: DRAWS }),
  rsample: contract('FlowDistribution.rsample', { rng: rngKind(), n: DRAWS }),
  trainingLoss: contract('FlowDistribution.trainingLoss', { rng: anything(), batch: batch(tensor({ shape: ['batch', (c) => (c.self as FlowDistribution).dim] })), objective: anything('the objective ll.fit passes on (this model has one loss)') }),
};
const baseFor = (dim: number) => where(distribution(), `have event shape [${dim}]`, (b: Distribution) => b.eventShape.join() === String(dim) || `got [${b.eventShape}]`);

/**
 * A normalizing flow as a distribution (lectures 000, 003): x = f(z), z ~ p_z (N(0, I) by default),
 * with f a chain of bijectors, so by the change of variables (D35, D36; docs/derivations.md#d35)
 *
 *     log p_x(x) = log p_z(f⁻¹(x)) + log|det ∂f⁻¹/∂x|.
 *
 * The likelihood is exact, so training maximizes it directly (`ll.fit`, loss = −mean log p(x));
 * `rsample` passes gradients through f. Shapes: `sample(rng, n)` → [n, d]; `logProb(x)`: [B, d] → [B].
 *
 * @example
 * ```ts
 * const flow = new ll.models.FlowDistribution(2, [
 *   new ll.models.AffineCoupling(ll.rng(0), [1, 0]), new ll.models.Permutation([1, 0]), new ll.models.AffineCoupling(ll.rng(1), [1, 0]),
 * ]);
 * await ll.fit(flow, points, { steps: 1000, seed: 0 });   // points: number[][]
 * flow.logProb(ll.tf.tensor2d(points));                     // [n]
 * ```
 */
export class FlowDistribution implements Distribution {
  readonly batchShape: number[] = [];
  readonly eventShape: number[];
  readonly support: SupportKind = 'continuous';
  readonly flow: Chain;

  readonly base: Distribution;

  /** base: a distribution with batch [] and event [d] (default N(0, I)); layers map z → x in order. */
  constructor(readonly dim: number, layers: Bijector[], base?: Distribution) {
    FLOW_DISTRIBUTION.check(arguments);
    if (base !== undefined) checkKind(baseFor(dim), base, 'base', 'FlowDistribution');
    this.flow = new Chain(layers);
    this.base = base ?? FlowDistribution.standardBase(dim);
    this.eventShape = [dim];
  }

  /** N(0, I_dim), the default base; dim is checked first, so a bad dim makes no tensor. */
  private static standardBase(dim: number): Distribution {
    positiveInteger(dim, 'FlowDistribution', 'dim');
    return new Normal(tf.zeros([dim]), tf.ones([dim]), { eventDims: 1, validate: false });
  }

  /** log p(x) for x [B, d] → [B]. */
  logProb(x: tf.Tensor): tf.Tensor {
    checkKind(tensor({ shape: ['batch', this.dim] }), x, 'x', 'FlowDistribution.logProb');
    return tf.tidy(() => {
      const { x: z, logDet } = this.flow.inverse(x as tf.Tensor2D);
      return tf.add(this.base.logProb(z), logDet);
    });
  }

  sample(rng: Rng, n = 1): tf.Tensor {
    F.sample.check(arguments);
    return tf.tidy(() => this.flow.forward(this.base.sample(rng, n) as tf.Tensor2D).y);
  }

  rsample(rng: Rng, n = 1): tf.Tensor {
    F.rsample.check(arguments);
    return tf.tidy(() => this.flow.forward(this.base.rsample(rng, n) as tf.Tensor2D).y);
  }

  entropy(): tf.Tensor { throw new Error('FlowDistribution.entropy: no closed form; estimate −E[log p(x)] by Monte Carlo'); }
  mean(): tf.Tensor { throw new Error('FlowDistribution.mean: no closed form; average samples'); }
  variance(): tf.Tensor { throw new Error('FlowDistribution.variance: no closed form; use samples'); }

  get variables(): tf.Variable[] {
    return this.flow.variables;
  }

  /**
   * The loss `ll.fit` minimizes on a batch of points x [B, d]: the mean negative log-likelihood in nats,
   *
   *     L = −(1/B) Σ_b log p_x(x_b) = −(1/B) Σ_b [log p_z(f⁻¹(x_b)) + log|det ∂f⁻¹/∂x|]   (D35)
   *
   * @example
   * ```ts
   * const run = await ll.fit(flow, ll.data.twoMoons(ll.rng(0), 2000), { steps: 1000, seed: 1 });
   * run.losses;   // −mean log p(x) per step
   * ```
   */
  trainingLoss(_rng: Rng, batch: Batch): tf.Scalar {
    F.trainingLoss.check(arguments, undefined, this);
    return tf.tidy(() => tf.neg(tf.mean(this.logProb(batch.x))) as tf.Scalar);
  }
}
