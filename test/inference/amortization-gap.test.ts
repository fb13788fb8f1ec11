// Per-sample against amortized inference on a linear-Gaussian model, where everything is exact (D14, D15,
// D18, D20): the posterior N(m, Λ⁻¹) with Λ = I + WᵀW/σ², the best diagonal Gaussian N(m, diag 1/Λ_jj),
// and the ELBO of any diagonal Gaussian in closed form.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { rng, VAE } from '../../src';
import { Matrix, inv, logDetSPD } from '../../src/math/linalg64';
import { fitLocalGaussians, gaussianElbo, amortizationGap } from '../../src/inference/amortization-gap';
import { rowsPerChunk } from '../../src/ops/in-chunks';

const D = 4, M = 2, SIGMA = 0.5, B = 6;
const r0 = rng(11);
const W = Array.from({ length: D }, () => Array.from({ length: M }, () => r0.nextNormal()));
const MU = Array.from({ length: D }, () => 0.5 * r0.nextNormal());
const Wm = new Matrix(W);
const LAMBDA = Matrix.eye(M).add(Wm.transpose().mmul(Wm).div(SIGMA ** 2));
const POST_COV = inv(LAMBDA);
const C = Wm.mmul(Wm.transpose()).add(Matrix.eye(D).mul(SIGMA ** 2));

// data drawn from the model
const X: number[][] = Array.from({ length: B }, () => {
  const z = Array.from({ length: M }, () => r0.nextNormal());
  return MU.map((m, d) => m + W[d].reduce((s, w, j) => s + w * z[j], 0) + SIGMA * r0.nextNormal());
});

function logMarginal(x: number[]): number {
  const r = new Matrix([x.map((v, d) => v - MU[d])]);
  const quad = r.mmul(inv(C)).mmul(r.transpose()).get(0, 0);
  return -0.5 * (D * Math.log(2 * Math.PI) + logDetSPD(C) + quad);
}
function postMean(x: number[]): number[] {
  const r = new Matrix([x.map((v, d) => v - MU[d])]);
  return r.mmul(Wm).mmul(POST_COV).div(SIGMA ** 2).getRow(0);
}
/** The exact ELBO of q = N(a, diag s²): E log p(x|z) + E log p(z) + H[q]. */
function exactElbo(x: number[], a: number[], s: number[]): number {
  let rec = -0.5 * D * Math.log(2 * Math.PI * SIGMA ** 2);
  for (let d = 0; d < D; d++) {
    const resid = x[d] - MU[d] - W[d].reduce((t, w, j) => t + w * a[j], 0);
    const spread = W[d].reduce((t, w, j) => t + w * w * s[j] ** 2, 0);
    rec -= (resid ** 2 + spread) / (2 * SIGMA ** 2);
  }
  const prior = -0.5 * M * Math.log(2 * Math.PI) - 0.5 * a.reduce((t, v, j) => t + v * v + s[j] ** 2, 0);
  const entropy = s.reduce((t, v) => t + Math.log(v), 0) + 0.5 * M * Math.log(2 * Math.PI * Math.E);
  return rec + prior + entropy;
}
const bestStd = Array.from({ length: M }, (_, j) => 1 / Math.sqrt(LAMBDA.get(j, j)));

function logJoint(x: tf.Tensor, z: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const mean = tf.add(tf.matMul(tf.reshape(z, [-1, M]), tf.tensor2d(W), false, true), tf.tensor1d(MU));
    const resid = tf.sub(tf.reshape(mean, [...z.shape.slice(0, -1), D]), x);
    const rec = tf.sub(tf.div(tf.sum(tf.square(resid), -1), -2 * SIGMA ** 2), 0.5 * D * Math.log(2 * Math.PI * SIGMA ** 2));
    const prior = tf.sub(tf.mul(tf.sum(tf.square(z), -1), -0.5), 0.5 * M * Math.log(2 * Math.PI));
    return tf.add(rec, prior);
  });
}

/** A deliberately poor encoder: half the posterior mean, unit standard deviations. */
const poorEncoder = {
  encode: (x: tf.Tensor) => {
    const rows = (x.arraySync() as number[][]).map((row) => postMean(row).map((v) => 0.5 * v));
    return { mean: tf.tensor2d(rows), logStd: tf.zeros([x.shape[0], M]) };
  },
  logJoint,
};

describe('inference/amortization-gap: per-sample against amortized inference (exact linear-Gaussian model)', () => {
  let x: tf.Tensor2D;
  before(() => { x = tf.tensor2d(X); });
  after(() => x.dispose());

  it('the exact references agree: log p(x) − ELBO(best diagonal q) = KL(q* ‖ p(z|x)) > 0 (D15, D20)', () => {
    for (const row of X) {
      const m = postMean(row);
      const gap = logMarginal(row) - exactElbo(row, m, bestStd);
      // KL(N(m, diag s²) ‖ N(m, Σ)) = ½(tr(Σ⁻¹S) − M + log|Σ| − log|S|) with Σ⁻¹ = Λ
      const kl = 0.5 * (bestStd.reduce((t, s, j) => t + LAMBDA.get(j, j) * s * s, 0) - M - logDetSPD(LAMBDA) - bestStd.reduce((t, s) => t + 2 * Math.log(s), 0));
      expect(gap).to.be.closeTo(kl, 1e-10);
      expect(gap).to.be.greaterThan(1e-3);
    }
  });

  it('fitLocalGaussians reaches the best diagonal Gaussian of every point from the prior (mean m, σ_j² = 1/Λ_jj)', () => {
    const start = { mean: tf.zeros([B, M]), logStd: tf.zeros([B, M]) };
    const fit = fitLocalGaussians(rng(3), logJoint, x, { init: start, steps: 2000, samples: 16, learningRate: 0.03 });
    const means = fit.mean.arraySync() as number[][], stds = (fit.logStd.arraySync() as number[][]).map((r) => r.map(Math.exp));
    X.forEach((row, i) => {
      const best = exactElbo(row, postMean(row), bestStd);
      const got = exactElbo(row, means[i], stds[i]);
      expect(got).to.be.at.most(best + 1e-9);
      expect(best - got, `point ${i}: ELBO short of the optimum`).to.be.below(0.01);
      postMean(row).forEach((m, j) => expect(means[i][j]).to.be.closeTo(m, 0.05));
      bestStd.forEach((s, j) => expect(stds[i][j]).to.be.closeTo(s, 0.05 * s));
    });
    expect(fit.history[fit.history.length - 1]).to.be.greaterThan(fit.history[0]);
    tf.dispose([start.mean, start.logStd, fit.mean, fit.logStd]);
  });

  it('gaussianElbo estimates the exact ELBO within 4 standard errors', () => {
    const q = { mean: tf.tensor2d(X.map(postMean)), logStd: tf.fill([B, M], Math.log(0.7)) };
    const e = gaussianElbo(rng(5), logJoint, x, q, { samples: 400 });
    let diff = 0, var_ = 0;
    X.forEach((row, i) => { diff += e.value[i] - exactElbo(row, postMean(row), [0.7, 0.7]); var_ += e.se[i] ** 2; });
    expect(Math.abs(diff)).to.be.at.most(4 * Math.sqrt(var_));
    tf.dispose([q.mean, q.logStd]);
  });

  it('gaussianElbo draws its samples in chunks (one a chunk for a wide x) and gives the one-pass value and standard error on the same draws', () => {
    // The WebAssembly memory keeps its high-water mark for good: 200 samples of a 60-digit batch at once were
    // 38 MB a tensor in notebook 07.
    const wide = tf.tidy(() => tf.randomUniform([2, 2 ** 20], 0, 1, 'float32', 3));
    expect(rowsPerChunk(wide.size)).to.equal(1);
    const toy = (xx: tf.Tensor, z: tf.Tensor) => tf.sub(tf.mul(tf.sum(tf.square(z), -1), -0.5), tf.mean(xx, -1));
    const q = { mean: tf.tensor2d([[0.3, -1], [2, 0.5]]), logStd: tf.tensor2d([[-0.5, 0.1], [0.2, -1]]) };
    const S = 30;
    const before = tf.memory().numTensors;
    const chunked = gaussianElbo(rng(7), toy, wide, q, { samples: S });
    expect(tf.memory().numTensors).to.equal(before);
    const [m, v, h] = tf.tidy(() => {
      const z = tf.add(q.mean, tf.mul(tf.exp(q.logStd), rng(7).normal([S, 2, 2])));
      const { mean, variance } = tf.moments(toy(wide, z), 0);
      return [mean, variance, tf.add(tf.sum(q.logStd, -1), 2 * 0.5 * Math.log(2 * Math.PI * Math.E))];
    });
    const [mean, variance, entropy] = [m.dataSync(), v.dataSync(), h.dataSync()];
    for (let i = 0; i < 2; i++) {
      expect(chunked.value[i]).to.be.closeTo(mean[i] + entropy[i], 1e-4);
      expect(chunked.se[i]).to.be.closeTo(Math.sqrt((variance[i] * S) / (S - 1) / S), 1e-5);
    }
    tf.dispose([wide, q.mean, q.logStd, m, v, h]);
  });

  it('amortizationGap: each part matches its exact value within 4 SE; the gaps add up; no tensor leaks', () => {
    const before = tf.memory().numTensors;
    const res = amortizationGap(rng(7), poorEncoder, x, { steps: 400, samples: 4, learningRate: 0.03, elboSamples: 400, logLikelihoodSamples: 2000 });
    const means = res.local.mean.arraySync() as number[][], stds = (res.local.logStd.arraySync() as number[][]).map((r) => r.map(Math.exp));
    let amortGapExact = 0, approxGapExact = 0, amortVar = 0, approxVar = 0;
    X.forEach((row, i) => {
      const encElbo = exactElbo(row, postMean(row).map((v) => 0.5 * v), [1, 1]);
      const optElbo = exactElbo(row, means[i], stds[i]);
      amortGapExact += optElbo - encElbo;
      approxGapExact += logMarginal(row) - optElbo;
      amortVar += res.perPoint.optimizedElbo.se[i] ** 2 + res.perPoint.amortizedElbo.se[i] ** 2;
      approxVar += res.perPoint.logLikelihood.se[i] ** 2 + res.perPoint.optimizedElbo.se[i] ** 2;
    });
    expect(Math.abs(res.amortizationGap.value - amortGapExact / B)).to.be.at.most(4 * Math.sqrt(amortVar) / B);
    expect(Math.abs(res.approximationGap.value - approxGapExact / B)).to.be.at.most(4 * Math.sqrt(approxVar) / B);
    expect(res.amortizationGap.value).to.be.greaterThan(0.5); // the poor encoder is far from the best q
    expect(res.inferenceGap.value).to.be.closeTo(res.amortizationGap.value + res.approximationGap.value, 1e-9);
    expect(res.cost.steps).to.equal(400);
    tf.dispose([res.local.mean, res.local.logStd]);
    expect(tf.memory().numTensors, 'tensors leaked').to.equal(before);
  });

  it('on a VAE, the per-point fit started at the encoder raises the ELBO (a positive amortization gap)', () => {
    const vae = new VAE(rng(4), { inputDim: 12, latentDim: 3, hiddenDim: 16 });
    // a sharper decoder than at initialization, so the posterior moves far from the (untrained) encoder's q
    tf.tidy(() => vae.dec2.W.assign(tf.mul(vae.dec2.W, 8)));
    const xb = tf.tidy(() => tf.cast(tf.greater(rng(8).uniform([10, 12]), 0.5), 'float32'));
    const res = amortizationGap(rng(9), vae, xb, { steps: 150, elboSamples: 200, logLikelihoodSamples: 500 });
    expect(res.amortizationGap.value).to.be.greaterThan(4 * res.amortizationGap.se);
    expect(res.approximationGap.value).to.be.greaterThan(-4 * res.approximationGap.se);
    tf.dispose([res.local.mean, res.local.logStd, xb]);
    vae.dispose();
  });

  it('bad arguments are errors naming the function and the argument', () => {
    const init = { mean: tf.zeros([B, M]), logStd: tf.zeros([B, M]) };
    expect(() => fitLocalGaussians(rng(1), logJoint, x, { init, steps: 0 })).to.throw('fitLocalGaussians: steps must be a positive integer ≤ 1000000, got 0 (in options)');
    expect(() => fitLocalGaussians(rng(1), logJoint, x, { init, learningRate: -1 })).to.throw('fitLocalGaussians: learningRate must be positive and finite');
    const wrong = { mean: tf.zeros([B + 1, M]), logStd: tf.zeros([B + 1, M]) };
    expect(() => fitLocalGaussians(rng(1), logJoint, x, { init: wrong })).to.throw('fitLocalGaussians: init must have mean and logStd both of shape [6, M] (one Gaussian per row of x), got [7,2] and [7,2] (in options)');
    expect(() => amortizationGap(rng(1), poorEncoder, x, { init: 'zero' as never })).to.throw("amortizationGap: init must be one of 'encoder', 'prior', got 'zero' (in options)");
    // the per-point estimates take at least 2 samples (one gives no standard error); q is live [B, M] tensors
    expect(() => gaussianElbo(rng(1), logJoint, x, init, { samples: 1 })).to.throw('gaussianElbo: samples must be an integer ≥ 2');
    expect(() => gaussianElbo(rng(1), logJoint, x, { mean: init.mean } as never)).to.throw('gaussianElbo: q must be Gaussians { mean, logStd }');
    tf.dispose([init.mean, init.logStd, wrong.mean, wrong.logStd]);
  });
});
