// The convolutional VAE: shapes, the ELBO against its definition, training, memory.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { Rng } from '../../../src/random/rng';
import { estimateMean } from '../../../src/check/monte-carlo';
import { ConvVAE } from '../../../src/models/vae/conv-vae';
import { loadMnist } from '../../../src/data/mnist';
import { ImageDataset } from '../../../src/data/image-dataset';
import { fit } from '../../../src/training/fit';

const softplus = (v: number) => (v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v)));

describe('models/vae conv VAE', () => {
  it('encodes to [B, 2M], decodes to [B, 784], samples pixel probabilities, names bad inputs', () => {
    const vae = new ConvVAE(new Rng(0), { latent: 4, channels: [4, 8] });
    const x = tf.zeros([3, 784]) as tf.Tensor2D;
    const h = vae.encode(x), l = vae.decode(tf.zeros([3, 4]) as tf.Tensor2D), s = vae.sample(new Rng(1), 2);
    expect(h.shape).to.deep.equal([3, 8]);
    expect(l.shape).to.deep.equal([3, 784]);
    const sv = s.dataSync();
    expect(Math.min(...sv)).to.be.at.least(0);
    expect(Math.max(...sv)).to.be.at.most(1);
    expect(() => vae.encode(tf.zeros([3, 100]) as tf.Tensor2D)).to.throw(/ConvVAE.encode: x must have shape \[B, 784\]/);
    expect(() => vae.elbo(3 as unknown as Rng, x)).to.throw(/rng must be an Rng/);
    tf.dispose([x, h, l, s]);
    vae.dispose();
  });

  it('the ELBO is log p(x | z) − KL(q ‖ N(0, I)) at z = μ + σε, recomputed in float64', () => {
    const vae = new ConvVAE(new Rng(2), { latent: 3, channels: [4, 8] });
    const x = tf.tidy(() => tf.cast(tf.greater(new Rng(3).uniform([2, 784]), 0.7), 'float32')) as tf.Tensor2D;
    const elbo = vae.elbo(new Rng(4), x).arraySync();
    const eps = new Rng(4).normal([2, 3]).arraySync() as number[][];
    const h = vae.encode(x).arraySync() as number[][];
    const z = h.map((r, b) => [0, 1, 2].map((j) => r[j] + Math.exp(r[3 + j]) * eps[b][j]));
    const logits = vae.decode(tf.tensor2d(z)).arraySync() as number[][];
    const xs = x.arraySync() as number[][];
    for (let b = 0; b < 2; b++) {
      const ll = xs[b].reduce((s, v, d) => s + v * logits[b][d] - softplus(logits[b][d]), 0);
      const kl = [0, 1, 2].reduce((s, j) => s + 0.5 * (h[b][j] ** 2 + Math.exp(2 * h[b][3 + j]) - 1) - h[b][3 + j], 0);
      expect(elbo[b]).to.be.closeTo(ll - kl, 1e-3 * Math.abs(ll - kl));
    }
    x.dispose();
    vae.dispose();
  });

  it('importance log-weights: log p(x | z) + log N(z; 0, I) − log q(z | x) in float64, their mean is the ELBO', () => {
    const vae = new ConvVAE(new Rng(7), { latent: 3, channels: [4, 8] });
    const x = tf.tidy(() => tf.cast(tf.greater(new Rng(8).uniform([2, 784]), 0.7), 'float32')) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    const lw = vae.logWeights(new Rng(9), x, { samples: 2 });
    expect(lw.shape).to.deep.equal([2, 2]);
    const w = lw.arraySync() as number[][];
    lw.dispose();
    expect(tf.memory().numTensors).to.equal(before);
    const eps = new Rng(9).normal([2, 2, 3]).arraySync() as number[][][];
    const h = vae.encode(x).arraySync() as number[][], xs = x.arraySync() as number[][];
    const logN = (v: number, m: number, s: number) => -0.5 * Math.log(2 * Math.PI) - Math.log(s) - (v - m) ** 2 / (2 * s * s);
    for (let k = 0; k < 2; k++) for (let b = 0; b < 2; b++) {
      const z = [0, 1, 2].map((j) => h[b][j] + Math.exp(h[b][3 + j]) * eps[k][b][j]);
      const logits = (vae.decode(tf.tensor2d([z])).arraySync() as number[][])[0];
      const ll = xs[b].reduce((s, v, d) => s + v * logits[d] - softplus(logits[d]), 0);
      const want = ll + z.reduce((s, v, j) => s + logN(v, 0, 1) - logN(v, h[b][j], Math.exp(h[b][3 + j])), 0);
      expect(w[k][b]).to.be.closeTo(want, 1e-3 * Math.abs(want));
    }
    // E_q log w = ELBO: the mean of 400 log-weights against the analytic-KL ELBO averaged over 400 ε
    const many = (vae.logWeights(new Rng(10), x, { samples: 400 }).arraySync() as number[][]).map((r) => r[0]);
    const elbos = Array.from({ length: 40 }, (_, i) => vae.elbo(new Rng(100 + i), x).arraySync()[0]);
    const a = estimateMean(many), e = estimateMean(elbos);
    expect(Math.abs(a.value - e.value)).to.be.below(4 * Math.hypot(a.se, e.se));
    expect(() => vae.logWeights(new Rng(0), x, { samples: 0 })).to.throw(/ConvVAE.logWeights: samples must be a positive integer/);
    x.dispose();
    vae.dispose();
  });

  it('training raises the ELBO on MNIST and leaves no tensors behind', async () => {
    const all = loadMnist('train');
    const idx = Array.from({ length: 512 }, (_, i) => Math.floor((i * all.count) / 512));
    const data = new ImageDataset(all.batchPixels(idx), all.batchLabels(idx), all.imageShape, 'spread');
    const vae = new ConvVAE(new Rng(5), { latent: 8, channels: [8, 16] });
    const before = tf.memory().numTensors;
    const { losses } = await fit(vae, data, { steps: 40, seed: 6, batchSize: 32, learningRate: 2e-3, progress: false });
    expect(tf.memory().numTensors).to.equal(before);
    const head = estimateMean(losses.slice(0, 10)), tail = estimateMean(losses.slice(-10));
    expect(head.value - tail.value).to.be.above(4 * Math.hypot(head.se, tail.se));
    vae.dispose();
  });
});
