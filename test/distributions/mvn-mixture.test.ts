import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { MultivariateNormal, checkMonteCarlo, checkClose, rng } from '../../src';
import { MixtureOfGaussians } from '../../src/distributions/mixture';
import { Matrix, inv, logDetSPD } from '../../src/math/linalg64';
import { mixtureLogMarginal64, mixturePosterior64 } from '../../src/models/mixtures/mixture-of-gaussians';
import { integrate2d } from '../../src/check/quadrature';
import { values } from '../support/tensors';

const mu = [1, -2];
const cov = [[2, 0.8], [0.8, 1]];

function mvnLogPdf64(x: number[]): number {
  const d = Matrix.columnVector([x[0] - mu[0], x[1] - mu[1]]);
  const q = d.transpose().mmul(inv(cov)).mmul(d).get(0, 0);
  return -0.5 * (q + logDetSPD(cov) + 2 * Math.log(2 * Math.PI));
}

describe('distributions: MultivariateNormal and MixtureOfGaussians', () => {
  it('MVN logProb (float32) matches the float64 formula with a direct inverse', () => {
    const pts = [[0, 0], [1, -2], [3, 1]];
    const got = tf.tidy(() => values(new MultivariateNormal({ loc: mu, covariance: cov }).logProb(tf.tensor2d(pts))));
    pts.forEach((p, i) => expect(got[i]).to.be.closeTo(mvnLogPdf64(p), 1e-5));
  });

  it('MVN density integrates to 1 on the plane', () => {
    const total = integrate2d((x, y) => Math.exp(mvnLogPdf64([x, y])), [-Infinity, Infinity], [-Infinity, Infinity], { panels: 24 });
    expect(total).to.be.closeTo(1, 1e-8);
  });

  it('MVN samples have the covariance within 4 SE; entropy = ½log|Σ| + (d/2)log(2πe) against Monte Carlo (D18)', () => {
    const [xs, lp, h] = tf.tidy(() => {
      const d = new MultivariateNormal({ loc: mu, covariance: cov });
      const x = d.sample(rng(5), 20000);
      return [x.arraySync() as number[][], values(tf.neg(d.logProb(x))), values(d.entropy())[0]];
    });
    expect(checkMonteCarlo('cov01', xs.map(([a, b]) => (a - mu[0]) * (b - mu[1])), 0.8).pass).to.equal(true);
    expect(checkMonteCarlo('var0', xs.map(([a]) => (a - mu[0]) ** 2), 2).pass).to.equal(true);
    expect(checkMonteCarlo('H', lp, h, { id: 'D18' }).pass).to.equal(true);
    expect(h).to.be.closeTo(0.5 * logDetSPD(cov) + Math.log(2 * Math.PI * Math.E), 1e-6);
  });

  it('MVN rejects a covariance that is not positive definite, by name', () => {
    expect(() => new MultivariateNormal({ loc: [0, 0], covariance: [[1, 2], [2, 1]] })).to.throw('MultivariateNormal: covariance must be positive definite');
    expect(() => new MultivariateNormal({ loc: [0, 0], covariance: [[1, 0.5], [0, 1]] })).to.throw('must be symmetric');
    expect(() => new MultivariateNormal({ loc: [0, 0, 0], covariance: cov })).to.throw('MultivariateNormal: covariance must be 3×3, got 2×2');
  });

  const weights = [0.3, 0.7], means = [-1, 2], sds = [0.5, 1.2];

  it('mixture logProb and posterior (float32) match the float64 reference (D02)', () => {
    const xs = [-2, 0, 0.7, 3];
    const [lp, post] = tf.tidy(() => {
      const m = new MixtureOfGaussians({ weights, means, scales: sds });
      return [values(m.logProb(tf.tensor1d(xs))), m.posterior(tf.tensor1d(xs)).arraySync() as number[][]];
    });
    xs.forEach((x, i) => {
      expect(lp[i]).to.be.closeTo(mixtureLogMarginal64({ weights, means, sds }, x), 1e-5);
      const ref = mixturePosterior64({ weights, means, sds }, x);
      post[i].forEach((r, k) => expect(r).to.be.closeTo(ref[k], 1e-5));
      expect(checkClose('Σ_k P(z=k|x) = 1', post[i][0] + post[i][1], 1, { rtol: 1e-6, id: 'D02' }).pass).to.equal(true);
    });
  });

  it('mixture mean and variance match samples within 4 SE; entropy and rsample refuse clearly', () => {
    const m = new MixtureOfGaussians({ weights, means, scales: sds });
    const [mean, variance, xs] = tf.tidy(() => [values(m.mean())[0], values(m.variance())[0], values(m.sample(rng(6), 40000))]);
    expect(checkMonteCarlo('mean', xs, mean).pass).to.equal(true);
    expect(checkMonteCarlo('variance', xs.map((x) => (x - mean) ** 2), variance).pass).to.equal(true);
    expect(() => m.entropy()).to.throw('no closed form');
    expect(() => m.rsample()).to.throw('not reparameterizable');
    expect(() => new MixtureOfGaussians({ weights: [0.5, 0.6], means, scales: sds })).to.throw('weights must sum to 1');
  });
});
