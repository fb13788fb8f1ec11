// Denoising score matching against the exact score of Gaussian data blurred by noise (D45, D50), Langevin
// sampling against the unadjusted Langevin algorithm's exact stationary variance, and the swiss roll.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { rng } from '../../../src';
import { swissRoll } from '../../../src/data/toy-2d';
import { estimateMean } from '../../../src/check/monte-carlo';
import { ScoreNetwork, dsmLossTerms, langevinSample, noiseLevels, scoreField } from '../../../src/models/diffusion/score-network';
import { fit } from '../../../src/training/fit';

const M = [0.5, -1], S2 = 0.25; // data N(M, S2 I) in 2-D
const exactScore = (sigma: number) => (x: tf.Tensor2D) => tf.tidy(() => tf.div(tf.sub(tf.tensor1d(M), x), S2 + sigma * sigma) as tf.Tensor2D);

describe('models/diffusion/score-network: score matching, trained', () => {
  it('noiseLevels are geometric from max to min', () => {
    const s = noiseLevels(2, 0.02, 3);
    expect(s[0]).to.equal(2);
    expect(s[1]).to.be.closeTo(0.2, 1e-12);
    expect(s[2]).to.be.closeTo(0.02, 1e-12);
  });

  it('the DSM loss differs between two score functions by σ² × their explicit score-matching errors, within 4 SE (Vincent 2011)', () => {
    const n = 20000, sigma = 0.6, v = S2 + sigma * sigma, d = 2;
    const r = rng(3);
    const x = tf.tidy(() => tf.add(tf.mul(r.normal([n, d]), Math.sqrt(S2)), tf.tensor1d(M))) as tf.Tensor2D;
    const eps = r.normal([n, d]) as tf.Tensor2D;
    const sig = tf.fill([n], sigma) as tf.Tensor1D;
    const linear = (a: number) => (xx: tf.Tensor2D) => tf.tidy(() => tf.mul(tf.sub(tf.tensor1d(M), xx), a) as tf.Tensor2D);
    const [a, b] = [1.0, 3.0];
    const la = Array.from(dsmLossTerms(linear(a), x, eps, sig).dataSync()), lb = Array.from(dsmLossTerms(linear(b), x, eps, sig).dataSync());
    const diff = estimateMean(la.map((u, i) => u - lb[i]));
    // E‖s_a − ∇ log q_σ‖² = d v (a − 1/v)² under x̃ ~ N(M, v I)
    const exact = sigma * sigma * d * v * ((a - 1 / v) ** 2 - (b - 1 / v) ** 2);
    expect(Math.abs(diff.value - exact)).to.be.at.most(4 * diff.se);
    tf.dispose([x, eps, sig]);
  });

  it('the unadjusted Langevin algorithm with the exact score has the stationary variance v/(1 − α/(4v)), within 4 SE', () => {
    const v = 0.5, alpha = 0.05;
    const score = (xx: tf.Tensor2D) => tf.tidy(() => tf.div(tf.sub(tf.tensor1d(M), xx), v) as tf.Tensor2D);
    const before = tf.memory().numTensors;
    const s = langevinSample(rng(4), score, 4000, { dim: 2, sigmas: [1], steps: 400, stepSize: alpha, init: 1 });
    const rows = s.arraySync() as number[][];
    s.dispose();
    expect(tf.memory().numTensors, 'tensors leaked').to.equal(before);
    const stationary = v / (1 - alpha / (4 * v));
    for (let j = 0; j < 2; j++) {
      const sq = estimateMean(rows.map((p) => (p[j] - M[j]) ** 2));
      expect(Math.abs(sq.value - stationary)).to.be.at.most(4 * sq.se);
      const mean = estimateMean(rows.map((p) => p[j]));
      expect(Math.abs(mean.value - M[j])).to.be.at.most(4 * mean.se);
    }
  });

  it('trained on Gaussian data, the network\'s score is close to the exact blurred score (D45)', async () => {
    const r = rng(5);
    const data = Array.from({ length: 3000 }, () => M.map((m) => m + Math.sqrt(S2) * r.nextNormal()));
    const net = new ScoreNetwork(rng(1), 2, { sigmas: noiseLevels(1, 0.2, 5), hidden: 64 });
    const { losses } = await fit(net, data, { steps: 1500, seed: 6, batchSize: 256, learningRate: 3e-3, progress: false });
    expect(losses[losses.length - 1]).to.be.below(losses[0]);
    for (const sigma of [1, 0.2]) {
      const v = S2 + sigma * sigma;
      const xt = tf.tidy(() => tf.add(tf.mul(rng(7).normal([2000, 2]), Math.sqrt(v)), tf.tensor1d(M))) as tf.Tensor2D;
      const err = tf.tidy(() => tf.mean(tf.sum(tf.square(tf.sub(net.score(xt, sigma), exactScore(sigma)(xt))), 1)).dataSync()[0]);
      const size = tf.tidy(() => tf.mean(tf.sum(tf.square(exactScore(sigma)(xt)), 1)).dataSync()[0]);
      expect(err / size, `σ = ${sigma}: relative error`).to.be.below(0.05);
      xt.dispose();
    }
    net.dispose();
  });

  it('on the swiss roll: annealed Langevin samples from the trained network lie near the roll; the field points inward', async function () {
    this.timeout(120000);
    const data = swissRoll(rng(8), 2000, { noise: 0.05 });
    const net = new ScoreNetwork(rng(2), 2);
    await fit(net, data, { steps: 2000, seed: 9, batchSize: 256, learningRate: 2e-3, progress: false });
    const samples = langevinSample(rng(10), net.scoreFunction, 300, { dim: 2, sigmas: net.sigmas, steps: 60 });
    const pts = samples.arraySync() as number[][];
    samples.dispose();
    const nearest = (p: number[]) => Math.sqrt(Math.min(...data.map((q) => (p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2)));
    const langevin = estimateMean(pts.map(nearest));
    // the same number of points from a Gaussian with the data's mean and spread
    const r = rng(11);
    const mx = data.reduce((s, p) => s + p[0], 0) / data.length, my = data.reduce((s, p) => s + p[1], 0) / data.length;
    const sd = Math.sqrt(data.reduce((s, p) => s + (p[0] - mx) ** 2 + (p[1] - my) ** 2, 0) / (2 * data.length));
    const gauss = estimateMean(Array.from({ length: 300 }, () => nearest([mx + sd * r.nextNormal(), my + sd * r.nextNormal()])));
    expect(langevin.value).to.be.below(0.12);
    expect(langevin.value + 4 * langevin.se).to.be.below(gauss.value - 4 * gauss.se);
    // far outside the roll, the score points back toward it
    const f = scoreField(net.scoreFunction, net.sigmas[0], { size: 4, xRange: [-6, 6], yRange: [-6, 6] });
    const corners = [0, 3, 12, 15].map((k) => f.x[k] * f.u[k] + f.y[k] * f.v[k]);
    corners.forEach((dot) => expect(dot).to.be.below(0));
    net.dispose();
  });

  it('scoreField lays out a grid and evaluates the score there; bad arguments are errors', () => {
    const f = scoreField(exactScore(0.5), 0.5, { size: 3, xRange: [-1, 1], yRange: [0, 3] });
    expect(f.x).to.have.length(9);
    [-2 / 3, 0, 2 / 3].forEach((v, k) => expect(f.x[k]).to.be.closeTo(v, 1e-12));
    expect(f.y[0]).to.equal(0.5);
    f.u.forEach((u, k) => expect(u).to.be.closeTo((M[0] - f.x[k]) / (S2 + 0.25), 1e-5));
    expect(() => new ScoreNetwork(rng(0), 2, { sigmas: [1, -0.1] })).to.throw('ScoreNetwork: sigmas[1] must be positive and finite, got -0.1');
    expect(() => langevinSample(rng(1), exactScore(0.1), 10, { dim: 2, sigmas: [], steps: 1 })).to.throw('langevinSample: sigmas must be a non-empty array');
    expect(() => noiseLevels(0.1, 1, 3)).to.throw('noiseLevels: min must be below max');
    expect(() => langevinSample(rng(1), exactScore(0.1), 1e7, { dim: 1e3, sigmas: [1], steps: 1 })).to.throw("langevinSample: samples must fit, with options.dim, in this process's memory as float32 entries, got 10000000 × 1000");
  });
});
