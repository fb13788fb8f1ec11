// The RealNVP the image benchmarks train (the same network as realnvp_step in bench/torch_steps.py): the
// library's multi-scale RealNVP of the realnvp-mnist recipe on 28×28×1 — 3 scales; at each of the first two,
// 3 checkerboard couplings, squeeze, 3 channel couplings, half the channels factored out; 4 checkerboard
// couplings at 7×7×4; each s, t net conv 3×3 → ReLU → conv 1×1 → ReLU → conv 3×3 with 32 hidden channels —
// logit preprocessing, −mean log p of uniformly dequantized 8-bit pixels, batch 128, Adam.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../src/random/rng';
import { RealNVP } from '../src/models/flows/real-nvp';

/** One maximum-likelihood training step of RealNVP on a fixed batch of 8-bit pixels (fresh dequantization noise). */
export function realNvpStep(rng: Rng, optimizer: tf.Optimizer, batch = 128): { step: () => void; dispose: () => void } {
  // identityInit off: a zero last convolution would let a backend skip work the trained model does
  const model = new RealNVP(new Rng(0), { shape: [28, 28, 1], scales: 3, couplings: 3, hidden: 32, identityInit: false });
  const px = tf.tidy(() => tf.div(tf.round(tf.mul(rng.uniform([batch, 784]), 255)), 255)) as tf.Tensor2D;
  const vars = model.variables;
  return {
    step: () => { const c = optimizer.minimize(() => model.loss(rng, px), true, vars)!; c.dataSync(); c.dispose(); },
    dispose: () => { px.dispose(); model.dispose(); optimizer.dispose(); },
  };
}
