// The VQ-VAE the image benchmarks train (the same network as vq_vae_step in bench/torch_steps.py): the
// library's VQ-VAE of the vqvae-mnist recipe — encoder conv 3×3 1→32, ReLU, 2×2 average pool, conv 3×3
// 32→64, ReLU, pool, conv 3×3 64→64, ReLU, conv 1×1 64→8 (a 7×7 grid); nearest of 32 codes, straight-through;
// decoder conv 3×3 8→64, ReLU, nearest ×2, conv 3×3 64→32, ReLU, nearest ×2, conv 3×3 32→1 Bernoulli logits;
// loss −log p(x | z_q) + codebook + 0.25·commitment, batch 128, Adam.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../src/random/rng';
import { VQVAE } from '../src/models/vae/vq-vae';

/** One training step of the VQ-VAE on a fixed binarized batch (no dead-code restarts: they are not per step). */
export function vqVaeStep(rng: Rng, optimizer: tf.Optimizer, batch = 128): { step: () => void; dispose: () => void } {
  const model = new VQVAE(new Rng(0), { codes: 32, codeDim: 8, channels: [32, 64] });
  const x = tf.tidy(() => tf.cast(tf.less(rng.uniform([batch, 784]), 0.2), 'float32')) as tf.Tensor2D;
  const vars = model.variables;
  return {
    step: () => { const c = optimizer.minimize(() => model.loss(x), true, vars)!; c.dataSync(); c.dispose(); },
    dispose: () => { x.dispose(); model.dispose(); optimizer.dispose(); },
  };
}
