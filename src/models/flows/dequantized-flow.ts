// Training a flow on binary images by uniform dequantization (lecture 003; D46): the flow models the
// continuous y = x + u − 1 ∈ [−1, 1)^D with u ~ U[0, 1)^D drawn afresh for every batch, so it cannot
// memorize one draw of u (with a fixed draw it would put its mass on those exact points and score
// poorly on fresh ones). The loss −mean log p(x + u − 1) is an unbiased estimate of −E_u log p(x + u − 1),
// which upper-bounds −log P(x) for the discrete model P(x) = ∫ p(x + u − 1) du.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import { FlowDistribution } from './flow-distribution';
import { checkKind, contract, instance, tensor } from '../../validation/contract';

const DEQUANTIZED_FLOW = contract('dequantizedFlow', { flow: instance(FlowDistribution) });
import type { Batch, Trainable } from '../../training/trainable';

/**
 * The flow as a model `ll.fit` trains on binary images (binarized afresh each batch), with the loss
 * −(1/B) Σ_b log p(x_b + u_b − 1), u ~ U[0, 1)^D fresh each batch (D46).
 * Example: `await ll.fit(ll.models.dequantizedFlow(flow), ll.data.loadMnist('train'), { epochs: 5, seed: 0 })`.
 */
export function dequantizedFlow(flow: FlowDistribution): Trainable {
  DEQUANTIZED_FLOW.check(arguments);
  return {
    get variables() { return flow.variables; },
    binaryPixels: true,
    dim: flow.dim,
    trainingLoss: (rng: Rng, batch: Batch) => {
      const x = batch.x;
      checkKind(tensor({ shape: ['batch', flow.dim] }), x, 'x', 'dequantizedFlow');
      return tf.tidy(() => tf.neg(tf.mean(flow.logProb(tf.sub(tf.add(x, rng.uniform(x.shape)), 1)))) as tf.Scalar);
    },
  };
}
