// Run by tfjs-node.test.ts in a child process (loading tfjs-node registers a backend, which the test process
// should not): each case computed on the default backend (wasm with the native kernels) and on tfjs-node's
// 'tensorflow' backend, from the same seeded inputs and weights; prints one JSON line of the largest differences.
import * as tf from '@tensorflow/tfjs-core';
import { ready, backendInfo } from '../../src/backend/backend';
import { loadTfjsNode } from '../../src/backend/tfjs-node';
import { Rng } from '../../src/random/rng';
import { denseRelu } from '../../src/ops/dense';
import { bernoulliLogLikelihood } from '../../src/ops/bernoulli-log-likelihood';
import { reparameterizeWithKL } from '../../src/ops/reparameterize';
import { groupNorm } from '../../src/ops/group-norm';
import { silu } from '../../src/ops/silu';
import { Normal } from '../../src/distributions/normal';
import { Bernoulli } from '../../src/distributions/bernoulli';
import { MultivariateNormal } from '../../src/distributions/mvn';
import { VAE } from '../../src/models/vae/vae';
import { ConvVAE } from '../../src/models/vae/conv-vae';
import { fit } from '../../src/training/fit';
import { loadMnist } from '../../src/data/mnist';

type Case = () => Promise<number[][]> | number[][];
const arrays = (ts: tf.Tensor[]) => ts.map((t) => Array.from(t.dataSync()));

/** f's outputs and the gradient of Σ w ⊙ f(inputs) with respect to each input, w fixed, so every output entry counts. */
function withGrads(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: () => tf.Tensor[]): number[][] {
  return tf.tidy(() => {
    const xs = inputs();
    const y = f(...xs);
    const w = new Rng(99).normal(y.shape);
    const g = tf.grads((...ys: tf.Tensor[]) => tf.sum(tf.mul(f(...ys), w)))(xs);
    return arrays([y, ...g]);
  });
}

const cases: Record<string, Case> = {
  'matMul with gradients': () => withGrads((a, b) => tf.matMul(a, b), () => [new Rng(1).normal([64, 50]), new Rng(2).normal([50, 30])]),
  'conv2d 3×3 same, with gradients': () => withGrads((x, W) => tf.conv2d(x as tf.Tensor4D, W as tf.Tensor4D, 1, 'same'), () => [new Rng(3).normal([4, 12, 12, 3]), new Rng(4).normal([3, 3, 3, 8])]),
  'elementwise and reductions (logSumExp, softplus, sigmoid, tanh, sum, mean)': () => withGrads((x) => tf.concat([tf.logSumExp(x, 1, true), tf.mean(tf.softplus(x), 1, true), tf.sum(tf.mul(tf.sigmoid(x), tf.tanh(x)), 1, true)], 1), () => [new Rng(5).normal([32, 40])]),
  'avgPool 2×2 and nearest ×2 upsampling, with gradients': () => withGrads((x) => tf.image.resizeNearestNeighbor(tf.avgPool(x as tf.Tensor4D, 2, 2, 'valid'), [8, 8]), () => [new Rng(6).normal([2, 8, 8, 4])]),
  'dense layer (ReLU), with gradients': () => withGrads((x, W, b) => denseRelu(x as tf.Tensor2D, W as tf.Tensor2D, b as tf.Tensor1D), () => [new Rng(7).normal([16, 20]), new Rng(8).normal([20, 12]), new Rng(9).normal([12])]),
  'Bernoulli log-likelihood from logits, with gradients': () => withGrads((l) => bernoulliLogLikelihood(tf.cast(tf.greater(new Rng(10).uniform([8, 30]), 0.5), 'float32') as tf.Tensor2D, l as tf.Tensor2D), () => [new Rng(11).normal([8, 30])]),
  'reparameterized sample and KL, with gradients': () => withGrads((p) => { const { z, kl } = reparameterizeWithKL(p, new Rng(12).normal([8, 5])); return tf.concat([z, tf.reshape(kl, [8, 1])], 1); }, () => [tf.mul(new Rng(13).normal([8, 10]), 0.5)]),
  'group norm and SiLU, with gradients': () => withGrads((x, g, b) => silu(groupNorm(x as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, 2)), () => [new Rng(14).normal([2, 6, 6, 8]), new Rng(15).normal([8]), new Rng(16).normal([8])]),
  'round, isNaN, isInf, isFinite of int32, bool and float32 (TensorFlow differs on integers: corrected in tfjs-node.ts)': () => tf.tidy(() => {
    const i = tf.tensor1d([-12345678, 3, 7, 0], 'int32'), b = tf.tensor1d([1, 0, 1, 0], 'bool'), f = tf.tensor1d([1.5, -2.5, NaN, Infinity]);
    return arrays([tf.round(i), tf.round(tf.tensor1d([1.5, -2.5, 0.4, -0.6])), ...[i, b, f].flatMap((x) => [tf.isNaN(x), tf.isInf(x), tf.isFinite(x)])]);
  }),
  'distributions: logProb of Normal, Bernoulli and a 3-D MultivariateNormal': () => tf.tidy(() => {
    const normal = new Normal(new Rng(17).normal([5]), tf.exp(new Rng(18).normal([5])));
    const bernoulli = new Bernoulli({ logits: new Rng(19).normal([5]) });
    const mvn = new MultivariateNormal({ loc: [0.5, -1, 2], covariance: [[2, 0.3, 0.1], [0.3, 1, -0.2], [0.1, -0.2, 0.5]] });
    return arrays([normal.logProb(new Rng(20).normal([7, 5])), bernoulli.logProb(tf.tensor2d([[0, 1, 1, 0, 1]])), mvn.logProb(new Rng(21).normal([6, 3]))]);
  }),
  'MLP VAE: ELBO loss and every gradient': () => {
    const model = new VAE(new Rng(22), { inputDim: 60, latentDim: 4, hiddenDim: 20 });
    const x = tf.tidy(() => tf.cast(tf.less(new Rng(23).uniform([8, 60]), 0.3), 'float32'));
    const out = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => model.loss(new Rng(24), x, { type: 'elbo' }) as tf.Scalar, model.variables);
      return arrays([value, ...model.variables.map((v) => grads[v.name])]);
    });
    tf.dispose(x);
    model.dispose();
    return out;
  },
  'conv VAE: three training steps of ll.fit (losses and weights after)': async () => {
    const model = new ConvVAE(new Rng(25), { latent: 4, channels: [4, 8] });
    const r = await fit(model, loadMnist('train').take(48), { steps: 3, batchSize: 16, seed: 3, progress: false });
    const out = [r.losses, ...arrays(model.variables)];
    model.dispose();
    return out;
  },
};

async function main(): Promise<void> {
  process.env.LATENT_QUIET = '1';
  await ready();
  const base = backendInfo()!;
  loadTfjsNode('@tensorflow/tfjs-node');
  const results: Record<string, { maxAbs: number; scale: number; entries: number }> = {};
  for (const [name, run] of Object.entries(cases)) {
    await tf.setBackend(base.tfName);
    const before = tf.memory().numTensors;
    const ours = await run();
    await tf.setBackend('tensorflow');
    if (tf.getBackend() !== 'tensorflow') throw new Error('the tensorflow backend did not become active');
    const theirs = await run();
    await tf.setBackend(base.tfName);
    let maxAbs = 0, scale = 0, entries = 0;
    ours.forEach((a, k) => a.forEach((v, i) => {
      maxAbs = Math.max(maxAbs, Math.abs(v - theirs[k][i]));
      scale = Math.max(scale, Math.abs(v));
      entries++;
      if (!Number.isFinite(v) || !Number.isFinite(theirs[k][i])) maxAbs = Infinity;
    }));
    if (theirs.length !== ours.length || theirs.some((a, k) => a.length !== ours[k].length)) maxAbs = Infinity;
    results[name] = { maxAbs, scale, entries };
    if (tf.memory().numTensors !== before) results[name].entries = -1;   // a leak fails the case
  }
  console.log('RESULT ' + JSON.stringify({ base: `${base.choice} (${base.native?.detail ?? 'no native kernels'})`, tensorflow: (tf.findBackend('tensorflow') as unknown as { binding: { TF_Version: string } }).binding.TF_Version, results }));
}

main().catch((e) => { console.log('ERROR ' + String(e?.stack ?? e)); process.exit(1); });
