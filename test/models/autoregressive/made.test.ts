// MADE: an exact likelihood, so exact checks — the probabilities of all 2^D binary vectors sum to 1, each
// logit depends only on earlier pixels, and ancestral samples have the model's own frequencies.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { rng, loadMnist } from '../../../src';
import { MADE } from '../../../src/models/autoregressive/made';
import { fit } from '../../../src/training/fit';

const allBinary = (D: number) => Array.from({ length: 2 ** D }, (_, i) => Array.from({ length: D }, (__, d) => (i >> d) & 1));

describe('models/autoregressive/made: exact log-likelihood of binary vectors', () => {
  for (const hiddenDims of [[12], [9, 7], []]) {
    it(`Σ_x p(x) = 1 over all 2^6 vectors (hidden ${JSON.stringify(hiddenDims)}); each logit sees only earlier pixels`, () => {
      const D = 6;
      const made = new MADE(rng(3), { inputDim: D, hiddenDims });
      // larger weights than at initialization, so the conditionals are far from ½
      tf.tidy(() => made.variables.forEach((v) => v.assign(tf.add(tf.mul(v, 3), v.name.includes('direct') ? tf.mul(rng(4).normal(v.shape), 1) : 0))));
      const xs = tf.tensor2d(allBinary(D));
      const lp = Array.from(made.logProb(xs).dataSync());
      let total = 0;
      lp.forEach((v) => { total += Math.exp(v); });
      expect(total).to.be.closeTo(1, 1e-5);
      // changing x_j leaves ℓ_1 … ℓ_j unchanged (0-based: logits 0…j)
      const base = made.logits(xs).arraySync() as number[][];
      for (let j = 0; j < D; j++) {
        const flipped = tf.tensor2d(allBinary(D).map((row) => row.map((v, d) => (d === j ? 1 - v : v))));
        const other = made.logits(flipped).arraySync() as number[][];
        other.forEach((row, i) => { for (let d = 0; d <= j; d++) expect(row[d]).to.be.closeTo(base[i][d], 1e-5); });
        // and some later logit does change (the mask is not all zeros)
        if (j < D - 1) expect(other.some((row, i) => row.slice(j + 1).some((v, d) => Math.abs(v - base[i][j + 1 + d]) > 1e-4))).to.equal(true);
        flipped.dispose();
      }
      xs.dispose();
      made.dispose();
    });
  }

  it('ancestral samples have the exact probabilities: every frequency within 4 SE', () => {
    const D = 4;
    const made = new MADE(rng(5), { inputDim: D, hiddenDims: [10] });
    tf.tidy(() => made.variables.forEach((v) => v.assign(tf.mul(v, 4))));
    const xs = tf.tensor2d(allBinary(D));
    const p = Array.from(made.logProb(xs).dataSync(), Math.exp);
    const n = 20000;
    const s = made.sample(rng(6), n).arraySync() as number[][];
    const counts = new Array(2 ** D).fill(0);
    s.forEach((row) => { counts[row.reduce((acc, v, d) => acc + (v << d), 0)]++; });
    counts.forEach((c, i) => expect(Math.abs(c / n - p[i])).to.be.at.most(4 * Math.sqrt((p[i] * (1 - p[i])) / n) + 1e-12));
    xs.dispose();
    made.dispose();
  });

  it('one hidden layer: the running-sum sampler draws exactly what D passes of the network draw (direct weights on)', () => {
    const D = 12, n = 300;
    const made = new MADE(rng(3), { inputDim: D, hiddenDims: [20] });
    tf.tidy(() => made.variables.forEach((v, i) => v.assign(tf.add(tf.mul(v, 3), rng(20 + i).normal(v.shape)))));
    const before = tf.memory().numTensors;
    const fast = made.sample(rng(7), n);
    const g = rng(7), x = new Float32Array(n * D);
    for (let d = 0; d < D; d++) {
      const t = tf.tidy(() => made.logits(tf.tensor2d(x, [n, D])));
      const l = t.arraySync() as number[][];
      t.dispose();
      for (let i = 0; i < n; i++) x[i * D + d] = g.nextUniform() < 1 / (1 + Math.exp(-l[i][d])) ? 1 : 0;
    }
    expect(Array.from(fast.dataSync())).to.deep.equal(Array.from(x));
    expect(x.reduce((s, v) => s + v, 0)).to.be.within(0.1 * n * D, 0.9 * n * D);
    fast.dispose();
    expect(tf.memory().numTensors).to.equal(before);
    made.dispose();
  });

  it('learns digits: the exact test log-likelihood rises with training; nothing leaks', async () => {
    const train = loadMnist('train').take(600);
    const made = new MADE(rng(1), { inputDim: 784, hiddenDims: [100] });
    const x = tf.tidy(() => tf.cast(tf.greater(loadMnist('test').take(50).toTensor(), 0.5), 'float32')) as tf.Tensor2D;
    const before = tf.tidy(() => tf.mean(made.logProb(x)).dataSync()[0]);
    const count = tf.memory().numTensors;
    const r = await fit(made, train, { epochs: 2, seed: 2, batchSize: 50, progress: false });
    expect(tf.memory().numTensors, 'tensors leaked').to.equal(count);
    const after = tf.tidy(() => tf.mean(made.logProb(x)).dataSync()[0]);
    expect(after).to.be.above(before + 100);
    expect(r.epochs[1].loss).to.be.below(r.epochs[0].loss);
    // 2 epochs of 12 steps: the time per step is the time over 24 steps
    expect(r.msPerStep).to.be.closeTo((1000 * r.seconds) / 24, 1e-6);
    x.dispose();
    made.dispose();
  });

  it('bad configurations and inputs are errors naming the argument', () => {
    expect(() => new MADE(rng(0), { inputDim: 1 })).to.throw('MADE: inputDim must be an integer ≥ 2, got 1');
    expect(() => new MADE(rng(0), { inputDim: 4, hiddenDims: [3, 0] })).to.throw('MADE: hiddenDims[1] must be a positive integer, got 0');
    expect(() => new MADE(rng(0), { inputDim: 4, hiddenDims: [], direct: false })).to.throw('MADE: direct must be true when hiddenDims is empty (the direct connection is then the whole model), got false');
    const made = new MADE(rng(0), { inputDim: 4, hiddenDims: [3] });
    const bad = tf.zeros([2, 5]);
    expect(() => made.logProb(bad)).to.throw('MADE.logProb: x must have shape [batch, 4], got [2,5]');
    expect(() => made.sample(rng(1), 0)).to.throw('MADE.sample: n must be a positive integer, got 0');
    bad.dispose();
    made.dispose();
  });
});
