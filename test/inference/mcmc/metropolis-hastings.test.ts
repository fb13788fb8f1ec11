// D51: random-walk Metropolis–Hastings — detailed balance, the float64 and tensor versions agree, and
// the chains recover a known Gaussian's moments within their MCMC standard error (sd/√ESS).
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { checkMonteCarlo, rng } from '../../../src';
import { randomWalkMetropolis, randomWalkMetropolisTensor } from '../../../src/inference/mcmc/metropolis-hastings';
import { coordinate } from '../../../src/inference/mcmc/chains';
import { mcmcMean } from '../../../src/inference/mcmc/effective-sample-size';
import { rHat } from '../../../src/inference/mcmc/r-hat';

// a correlated Gaussian: Σ = [[1, 0.8], [0.8, 1]], mean (1, −1)
const mean = [1, -1];
const prec = [[1 / 0.36, -0.8 / 0.36], [-0.8 / 0.36, 1 / 0.36]];
const logDensity = ([a, b]: number[]) => {
  const u = a - mean[0], v = b - mean[1];
  return -0.5 * (prec[0][0] * u * u + 2 * prec[0][1] * u * v + prec[1][1] * v * v);
};
const logDensityTensor = (x: tf.Tensor2D) => tf.tidy(() => {
  const c = tf.sub(x, tf.tensor1d(mean));
  return tf.mul(-0.5, tf.sum(tf.mul(tf.matMul(c, tf.tensor2d(prec)), c), 1));
});
const starts = [[3, 3], [-3, -3], [3, -3], [-3, 3]];

describe('inference/mcmc: random-walk Metropolis–Hastings', () => {
  it('D51: the MH kernel satisfies detailed balance, p(x) q(x′|x) α(x, x′) = p(x′) q(x|x′) α(x′, x)', () => {
    const g = rng(1);
    const q = (to: number[], from: number[]) => -0.5 * ((to[0] - from[0]) ** 2 + (to[1] - from[1]) ** 2) / 0.25;   // log N(to; from, 0.5² I) + c
    const logAlpha = (from: number[], to: number[]) => Math.min(0, logDensity(to) - logDensity(from));
    for (let k = 0; k < 20; k++) {
      const x = [2 * g.nextNormal(), 2 * g.nextNormal()], y = [2 * g.nextNormal(), 2 * g.nextNormal()];
      const forward = logDensity(x) + q(y, x) + logAlpha(x, y);
      const backward = logDensity(y) + q(x, y) + logAlpha(y, x);
      expect(forward).to.be.closeTo(backward, 1e-12 * (1 + Math.abs(forward)));
    }
  });

  it('the tensor version makes the same moves as the float64 reference (same generator)', () => {
    const a = randomWalkMetropolis(rng(2), { logDensity, init: starts, steps: 200, scale: 0.7 });
    const b = randomWalkMetropolisTensor(rng(2), { logDensity: logDensityTensor, init: starts, steps: 200, scale: 0.7 });
    expect(b.acceptanceRate).to.deep.equal(a.acceptanceRate);
    a.samples.forEach((c, ci) => c.forEach((x, t) => x.forEach((v, j) => expect(b.samples[ci][t][j]).to.be.closeTo(v, 1e-9))));
  });

  it('recovers the mean, variances and covariance within the MCMC standard error (sd/√ESS), R-hat ≈ 1', () => {
    const r = randomWalkMetropolis(rng(3), { logDensity, init: starts, steps: 6000, scale: 0.8 });
    const kept = r.samples.map((c) => c.slice(1000));
    const x1 = coordinate(kept, 0), x2 = coordinate(kept, 1);
    const moments: [string, number[][], number][] = [
      ['E x₁', x1, 1], ['E x₂', x2, -1],
      ['Var x₁', x1.map((c) => c.map((v) => (v - 1) ** 2)), 1],
      ['Cov(x₁, x₂)', x1.map((c, ci) => c.map((v, t) => (v - 1) * (x2[ci][t] + 1))), 0.8],
    ];
    for (const [name, draws, exact] of moments) {
      const e = mcmcMean(draws);
      expect(e.n, `${name}: ESS below the draws`).to.be.lessThan(4 * 5000);
      const c = checkMonteCarlo(name, e, exact, { id: 'D51' });
      expect(c.pass, `${c.name}: ${c.lhs} vs ${c.rhs} ± ${c.tolerance}`).to.equal(true);
    }
    expect(rHat(x1)).to.be.lessThan(1.01);
    r.acceptanceRate.forEach((a) => expect(a).to.be.within(0.2, 0.7));
  });

  it('rejects bad input by name', () => {
    expect(() => randomWalkMetropolis(rng(0), { logDensity, init: [], steps: 10 })).to.throw(/randomWalkMetropolis: init/);
    expect(() => randomWalkMetropolis(rng(0), { logDensity: 'p' as never, init: [[0, 0]], steps: 10 })).to.throw(/randomWalkMetropolis: logDensity must be a function/);
    expect(() => randomWalkMetropolis(rng(0), { logDensity, init: [[0, 0]], steps: 0 })).to.throw(/randomWalkMetropolis: steps/);
    expect(() => randomWalkMetropolis(rng(0), { logDensity, init: [[0, 0]], steps: 5, scale: -1 })).to.throw(/randomWalkMetropolis: scale/);
    expect(() => randomWalkMetropolis(rng(0), { logDensity: () => NaN, init: [[0, 0]], steps: 5 })).to.throw(/randomWalkMetropolis: logDensity\(x\) must be a finite number or −∞ \(outside the support\), got NaN/);
    expect(() => randomWalkMetropolisTensor(rng(0), { logDensity: (x) => tf.sum(x), init: [[0, 0]], steps: 5 })).to.throw(/must map \[1, 2\] to \[1\]/);
  });
});
