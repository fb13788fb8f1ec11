// The autoregressive prior over codes: a normalized distribution over all sequences, autoregressive masks,
// sampling that follows its probabilities, training, memory.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { Rng } from '../../../src/random/rng';
import { estimateMean } from '../../../src/check/monte-carlo';
import { CodePrior } from '../../../src/models/autoregressive/code-prior';
import { fit } from '../../../src/training/fit';

/** Every sequence of P codes in 0…K−1, as rows. */
const allSequences = (P: number, K: number): number[][] =>
  Array.from({ length: K ** P }, (_, n) => Array.from({ length: P }, (__, d) => Math.floor(n / K ** (P - 1 - d)) % K));

describe('models/autoregressive code prior', () => {
  for (const [P, K, hidden] of [[2, 3, [8]], [3, 2, [5, 4]], [4, 3, [6]]] as [number, number, number[]][]) {
    it(`Σ_k π(k) = 1 over all ${K ** P} sequences of ${P} positions × ${K} codes (hidden ${JSON.stringify(hidden)})`, () => {
      const prior = new CodePrior(new Rng(1), { positions: P, codes: K, embedding: 3, hiddenDims: hidden });
      // untrained weights give near-uniform conditionals: scale them up so the check is not trivial
      tf.tidy(() => prior.variables.forEach((v) => v.assign(tf.mul(v, 3))));
      const k = tf.tensor2d(allSequences(P, K), undefined, 'int32');
      const lp = prior.logProb(k).arraySync() as number[];
      expect(lp.reduce((s, v) => s + Math.exp(v), 0)).to.be.closeTo(1, 1e-5);
      expect(Math.max(...lp) - Math.min(...lp)).to.be.above(0.5);
      tf.dispose([k]);
      prior.dispose();
    });
  }

  it('is autoregressive: the logits at position i do not change with the codes at i and after, and do change with earlier ones', () => {
    const P = 6, K = 4;
    const prior = new CodePrior(new Rng(2), { positions: P, codes: K, embedding: 2, hiddenDims: [20, 20] });
    const r = new Rng(3);
    const base = Array.from({ length: P }, () => r.int(K));
    const logitsOf = (k: number[]) => tf.tidy(() => prior.logits(tf.tensor2d([k], [1, P], 'int32')).arraySync() as number[][][])[0];
    const l0 = logitsOf(base);
    for (let i = 0; i < P; i++) {
      let moved = 0;
      for (let j = 0; j < P; j++) {
        const k = base.slice(); k[j] = (k[j] + 1 + r.int(K - 1)) % K;
        const change = Math.max(...logitsOf(k)[i].map((v, c) => Math.abs(v - l0[i][c])));
        if (j >= i) expect(change, `position ${i}, input ${j}`).to.equal(0);
        else if (change > 1e-6) moved++;
      }
      if (i > 0) expect(moved, `position ${i} sees some earlier code`).to.be.above(0);
    }
    prior.dispose();
  });

  it('samples follow π: the frequencies of the 9 sequences match exp(log π) within 4 SE; same seed, same samples', () => {
    const prior = new CodePrior(new Rng(4), { positions: 2, codes: 3, embedding: 3, hiddenDims: [8] });
    tf.tidy(() => prior.variables.forEach((v) => v.assign(tf.mul(v, 3))));
    const n = 4000;
    const s = prior.sample(new Rng(5), n), again = prior.sample(new Rng(5), n);
    expect(Array.from(s.dataSync())).to.deep.equal(Array.from(again.dataSync()));
    const seqs = allSequences(2, 3);
    const probs = tf.tidy(() => prior.logProb(tf.tensor2d(seqs, undefined, 'int32')).arraySync() as number[]).map(Math.exp);
    const v = s.dataSync();
    seqs.forEach(([a, b], m) => {
      const hits = Array.from({ length: n }, (_, i) => (v[2 * i] === a && v[2 * i + 1] === b ? 1 : 0));
      const est = estimateMean(hits);
      const se = Math.sqrt((probs[m] * (1 - probs[m])) / n);
      expect(Math.abs(est.value - probs[m]), `sequence ${a}${b}`).to.be.below(4 * se + 1e-9);
    });
    tf.dispose([s, again]);
    prior.dispose();
  });

  it('maximum likelihood lowers the loss on structured sequences and leaves no tensors behind', async () => {
    const P = 5, K = 4, N = 256, r = new Rng(6);
    // k_d = k_{d−1} + 1 mod K with probability 0.9: an autoregressive model can learn it, an independent one cannot
    const rowsK = Array.from({ length: N }, () => {
      const k = [r.int(K)];
      for (let d = 1; d < P; d++) k.push(r.nextUniform() < 0.9 ? (k[d - 1] + 1) % K : r.int(K));
      return k;
    });
    const codes = tf.tensor2d(rowsK, undefined, 'int32');
    const prior = new CodePrior(new Rng(7), { positions: P, codes: K, embedding: 4, hiddenDims: [32] });
    const before = tf.memory().numTensors;
    const { losses } = await fit(prior, codes, { steps: 150, seed: 8, batchSize: 64, learningRate: 1e-2, progress: false });
    expect(tf.memory().numTensors).to.equal(before);
    const head = estimateMean(losses.slice(0, 10)), tail = estimateMean(losses.slice(-10));
    expect(head.value - tail.value).to.be.above(4 * Math.hypot(head.se, tail.se));
    // below the entropy of independent uniform codes, P log K
    expect(tail.value).to.be.below(P * Math.log(K) - 2);
    codes.dispose();
    prior.dispose();
  });

  it('names bad arguments; a prior built and disposed leaves no tensors', () => {
    expect(() => new CodePrior(new Rng(0), { positions: 1, codes: 3 })).to.throw(/CodePrior: positions must be an integer ≥ 2/);
    expect(() => new CodePrior(new Rng(0), { positions: 3, codes: 3, hiddenDims: [] })).to.throw(/CodePrior: hiddenDims must be a non-empty array/);
    const tensors = tf.memory().numTensors;
    const prior = new CodePrior(new Rng(0), { positions: 3, codes: 3, hiddenDims: [4] });
    const bad = tf.zeros([2, 4], 'int32') as tf.Tensor2D;
    expect(() => prior.logProb(bad)).to.throw(/CodePrior.logProb: codes must have shape \[B, 3\]/);
    expect(() => prior.sample(1 as unknown as Rng, 2)).to.throw(/CodePrior.sample: rng must be an Rng/);
    expect(() => prior.sample(new Rng(0), 0)).to.throw(/CodePrior.sample: n must be a positive integer/);
    bad.dispose();
    prior.dispose();
    // construction and dispose leave nothing behind (a variable's initial value is a tensor of its own)
    expect(tf.memory().numTensors).to.equal(tensors);
  });
});
