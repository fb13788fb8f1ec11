// The convolutional VAE the image benchmarks train (the same network as conv_vae_step in
// bench/torch_steps.py): encoder conv 3×3 stride 2 1→32 (14×14), ReLU, conv 3×3 stride 2 32→64 (7×7), ReLU,
// dense 3136 → 2·16; decoder dense 16 → 3136, ReLU, conv-transpose 4×4 stride 2 64→32 (14×14), ReLU,
// conv-transpose 4×4 stride 2 32→1 (28×28) Bernoulli logits; ELBO with the closed-form KL, batch 128, Adam.
// Stock tfjs ops throughout (conv2d with 'same' padding, conv2dTranspose): the native kernels serve them.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../src/random/rng';

/** One ELBO training step of the conv VAE on a fixed binarized batch. */
export function convVaeStep(rng: Rng, optimizer: tf.Optimizer, batch = 128, latent = 16): { step: () => void; dispose: () => void } {
  const u = (shape: number[], fanIn: number) => tf.variable(tf.mul(tf.sub(tf.mul(rng.uniform(shape), 2), 1), 1 / Math.sqrt(fanIn)));
  const p = {
    c1: u([3, 3, 1, 32], 9), b1: u([32], 9), c2: u([3, 3, 32, 64], 288), b2: u([64], 288),
    e: u([3136, 2 * latent], 3136), be: u([2 * latent], 3136), d: u([latent, 3136], latent), bd: u([3136], latent),
    t1: u([4, 4, 32, 64], 1024), bt1: u([32], 1024), t2: u([4, 4, 1, 32], 512), bt2: u([1], 512),
  };
  const vars = Object.values(p);
  const x = tf.tidy(() => tf.cast(tf.less(rng.uniform([batch, 28, 28, 1]), 0.2), 'float32')) as tf.Tensor4D;
  const loss = () => tf.tidy(() => {
    const h1 = tf.relu(tf.add(tf.conv2d(x, p.c1 as tf.Tensor4D, 2, 'same'), p.b1)) as tf.Tensor4D;
    const h2 = tf.relu(tf.add(tf.conv2d(h1, p.c2 as tf.Tensor4D, 2, 'same'), p.b2));
    const stats = tf.add(tf.matMul(tf.reshape(h2, [batch, 3136]), p.e), p.be);
    const [mean, logStd] = tf.split(stats, 2, 1);
    const z = tf.add(mean, tf.mul(tf.exp(logStd), rng.normal([batch, latent])));
    const g = tf.reshape(tf.relu(tf.add(tf.matMul(z, p.d), p.bd)), [batch, 7, 7, 64]) as tf.Tensor4D;
    const g1 = tf.relu(tf.add(tf.conv2dTranspose(g, p.t1 as tf.Tensor4D, [batch, 14, 14, 32], 2, 'same'), p.bt1)) as tf.Tensor4D;
    const logits = tf.add(tf.conv2dTranspose(g1, p.t2 as tf.Tensor4D, [batch, 28, 28, 1], 2, 'same'), p.bt2);
    const rec = tf.sum(tf.sub(tf.mul(x, logits), tf.softplus(logits)), [1, 2, 3]);
    const kl = tf.sum(tf.sub(tf.mul(0.5, tf.sub(tf.add(tf.square(mean), tf.exp(tf.mul(2, logStd))), 1)), logStd), 1);
    return tf.neg(tf.mean(tf.sub(rec, kl))) as tf.Scalar;
  });
  return {
    step: () => { const c = optimizer.minimize(loss, true, vars)!; c.dataSync(); c.dispose(); },
    dispose: () => { tf.dispose([...vars, x]); optimizer.dispose(); },
  };
}
