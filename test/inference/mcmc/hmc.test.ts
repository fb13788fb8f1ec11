// D52: Hamiltonian Monte Carlo — tfjs gradients against the float64 reference, the moments of a
// known correlated Gaussian within sd/√ESS, and step-size adaptation toward the target acceptance.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { checkMonteCarlo, rng } from '../../../src';
import { hmc, hmc64 } from '../../../src/inference/mcmc/hmc';
import { DualAveraging } from '../../../src/inference/mcmc/dual-averaging';
import { coordinate } from '../../../src/inference/mcmc/chains';
import { mcmcMean } from '../../../src/inference/mcmc/effective-sample-size';
import { rHat } from '../../../src/inference/mcmc/r-hat';

// Σ = [[1, 0.9], [0.9, 1]] (precision below), mean (1, −1); scales 1 and √0.19 along the axes
const mean = [1, -1];
const P = [[1 / 0.19, -0.9 / 0.19], [-0.9 / 0.19, 1 / 0.19]];
const logDensity = (x: number[]) => { const u = x[0] - 1, v = x[1] + 1; return -0.5 * (P[0][0] * u * u + 2 * P[0][1] * u * v + P[1][1] * v * v); };
const gradLogDensity = (x: number[]) => { const u = x[0] - 1, v = x[1] + 1; return [-(P[0][0] * u + P[0][1] * v), -(P[1][0] * u + P[1][1] * v)]; };
const logDensityTensor = (x: tf.Tensor2D) => tf.tidy(() => {
  const c = tf.sub(x, tf.tensor1d(mean));
  return tf.mul(-0.5, tf.sum(tf.mul(tf.matMul(c, tf.tensor2d(P)), c), 1));
});
const starts = [[3, 2], [-2, -3], [2, -2], [-1, 1]];

describe('inference/mcmc: Hamiltonian Monte Carlo', () => {
  it('with tfjs gradients makes the same moves as the float64 reference (same generator, fixed ε)', () => {
    // fixed ε: dual averaging multiplies float32 differences in α by √m/γ, so adapted runs part ways
    const opts = { init: starts, steps: 30, warmup: 30, leapfrogSteps: 8, stepSize: 0.2, adapt: false };
    const a = hmc64(rng(1), { ...opts, logDensity, gradLogDensity });
    const before = tf.memory().numTensors;
    const b = hmc(rng(1), { ...opts, logDensity: logDensityTensor });
    expect(tf.memory().numTensors, 'tensors leaked').to.equal(before);
    expect(b.acceptanceRate).to.deep.equal(a.acceptanceRate);
    a.samples.forEach((c, ci) => c.forEach((x, t) => x.forEach((v, j) => expect(b.samples[ci][t][j]).to.be.closeTo(v, 1e-3))));
    expect(b.gradientEvaluations).to.equal(60 * 8 + 1);
  });

  it('D52: recovers the mean, variances and covariance within sd/√ESS; R-hat ≈ 1; adapts ε toward δ = 0.8', () => {
    const r = hmc64(rng(2), { logDensity, gradLogDensity, init: starts, steps: 1500, warmup: 300, leapfrogSteps: 10, stepSize: 0.5 });
    const x1 = coordinate(r.samples, 0), x2 = coordinate(r.samples, 1);
    const moments: [string, number[][], number][] = [
      ['E x₁', x1, 1], ['E x₂', x2, -1],
      ['Var x₂', x2.map((c) => c.map((v) => (v + 1) ** 2)), 1],
      ['Cov(x₁, x₂)', x1.map((c, ci) => c.map((v, t) => (v - 1) * (x2[ci][t] + 1))), 0.9],
    ];
    for (const [name, draws, exact] of moments) {
      const c = checkMonteCarlo(name, mcmcMean(draws), exact, { id: 'D52' });
      expect(c.pass, `${c.name}: ${c.lhs} vs ${c.rhs} ± ${c.tolerance}`).to.equal(true);
    }
    expect(rHat(x1)).to.be.lessThan(1.05);
    const meanAccept = r.acceptanceRate.reduce((s, v) => s + v, 0) / 4;
    expect(meanAccept).to.be.within(0.65, 0.95);
    expect(r.divergences).to.deep.equal([0, 0, 0, 0]);
  });

  it('dual averaging raises ε after acceptances above δ and lowers it after rejections', () => {
    const up = new DualAveraging(0.1, 0.8), down = new DualAveraging(0.1, 0.8);
    for (let i = 0; i < 20; i++) { up.update(1); down.update(0); }
    expect(up.averaged).to.be.greaterThan(0.1);
    expect(down.averaged).to.be.lessThan(0.1);
    expect(() => new DualAveraging(0.1, 1.5)).to.throw(/DualAveraging: targetAccept/);
  });

  it('rejects bad input by name', () => {
    expect(() => hmc64(rng(0), { logDensity, gradLogDensity, init: [[0, 0]], steps: 0 })).to.throw(/hmc64: steps/);
    expect(() => hmc(rng(0), { logDensity: logDensityTensor, init: [[0, 0]], steps: 5, leapfrogSteps: 0 })).to.throw(/hmc: leapfrogSteps/);
    expect(() => hmc64(rng(0), { logDensity: () => -Infinity, gradLogDensity, init: [[0, 0]], steps: 5 })).to.throw(/hmc64: init\[0\]/);
  });
});
