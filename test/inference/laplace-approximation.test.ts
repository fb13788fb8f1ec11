// D53: Laplace's approximation — exact on a Gaussian (mode = mean, Σ = covariance, evidence = the
// normalizer), the autodiff Hessian against finite differences, and its blindness to skew.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { hessian, laplaceApproximation, laplaceApproximation64 } from '../../src/inference/laplace-approximation';
import { finiteDifferenceGradient } from '../../src/check/finite-differences';
import { inv, logDetSPD } from '../../src/math/linalg64';

const mu = [1, -2, 0.5];
const Sigma = [[2, 0.6, -0.3], [0.6, 1, 0.2], [-0.3, 0.2, 0.5]];
const Pm = inv(Sigma).to2DArray();
const logZ = 3;   // p̃ = e^{logZ} N(x; μ, Σ): ∫ p̃ = e^{logZ}
const logN = (x: number[]) => {
  const c = x.map((v, i) => v - mu[i]);
  const quad = c.reduce((s, ci, i) => s + ci * c.reduce((t, cj, j) => t + Pm[i][j] * cj, 0), 0);
  return logZ - 0.5 * quad - 0.5 * logDetSPD(Sigma) - 1.5 * Math.log(2 * Math.PI);
};
const gradN = (x: number[]) => x.map((_, i) => -Pm[i].reduce((t, p, j) => t + p * (x[j] - mu[j]), 0));
const logNTensor = (x: tf.Tensor1D) => tf.tidy(() => {
  const c = tf.sub(x, tf.tensor1d(mu)).reshape([1, 3]);
  const quad = tf.sum(tf.mul(tf.matMul(c, tf.tensor2d(Pm)), c));
  return tf.sub(logZ - 0.5 * logDetSPD(Sigma) - 1.5 * Math.log(2 * Math.PI), tf.mul(0.5, quad)) as tf.Scalar;
});

// Bayesian logistic regression, 2 weights, prior N(0, I): a non-Gaussian posterior
const X = [[1, 0.5], [1, -1.2], [1, 2], [1, 0.3], [1, -0.4], [1, 1.1]], y = [1, 0, 1, 0, 1, 1];
const logPost = (w: number[]) => X.reduce((s, xi, i) => {
  const a = xi[0] * w[0] + xi[1] * w[1];
  return s + y[i] * a - Math.log1p(Math.exp(a));
}, -0.5 * (w[0] ** 2 + w[1] ** 2));
const logPostTensor = (w: tf.Tensor1D) => tf.tidy(() => {
  const a = tf.matMul(tf.tensor2d(X), w.reshape([2, 1])).reshape([6]);
  return tf.sub(tf.sum(tf.sub(tf.mul(tf.tensor1d(y), a), tf.softplus(a))), tf.mul(0.5, tf.sum(tf.square(w)))) as tf.Scalar;
});

describe('inference: Laplace\'s approximation', () => {
  it('D53: is exact on a Gaussian — float64 reference to 1e-10: mode = μ, Σ = covariance, log ∫ p̃ = log Z', () => {
    const fit = laplaceApproximation64(logN, gradN, () => Pm.map((r) => r.map((v) => -v)), [5, 5, 5]);
    fit.mode.forEach((v, i) => expect(v).to.be.closeTo(mu[i], 1e-10));
    fit.covariance.forEach((r, i) => r.forEach((v, j) => expect(v).to.be.closeTo(Sigma[i][j], 1e-10)));
    expect(fit.logNormalizer).to.be.closeTo(logZ, 1e-10);
  });

  it('D53: … and the tfjs version (autodiff gradient and Hessian) agrees to float32 precision', () => {
    const before = tf.memory().numTensors;
    const fit = laplaceApproximation(logNTensor, [5, 5, 5]);
    expect(tf.memory().numTensors, 'tensors leaked').to.equal(before);
    fit.mode.forEach((v, i) => expect(v).to.be.closeTo(mu[i], 1e-4));
    fit.covariance.forEach((r, i) => r.forEach((v, j) => expect(v).to.be.closeTo(Sigma[i][j], 1e-4)));
    expect(fit.logNormalizer).to.be.closeTo(logZ, 1e-4);
  });

  it('the autodiff Hessian matches central finite differences of the float64 gradient (logistic regression)', () => {
    const w = [0.3, -0.7];
    const H = hessian(logPostTensor, w);
    const gradFd = (v: number[]) => finiteDifferenceGradient(logPost, v, 1e-5);
    const h = 1e-4;
    for (let j = 0; j < 2; j++) {
      const up = w.slice(), dn = w.slice();
      up[j] += h; dn[j] -= h;
      const col = gradFd(up).map((v, i) => (v - gradFd(dn)[i]) / (2 * h));
      col.forEach((v, i) => expect(H[i][j]).to.be.closeTo(v, 1e-3 * (1 + Math.abs(v))));
    }
  });

  it('finds the logistic-regression mode (gradient ≈ 0) with a positive-definite covariance', () => {
    const fit = laplaceApproximation(logPostTensor, [0, 0]);
    finiteDifferenceGradient(logPost, fit.mode).forEach((g) => expect(Math.abs(g)).to.be.lessThan(1e-4));
    expect(fit.covariance[0][0] * fit.covariance[1][1]).to.be.greaterThan(fit.covariance[0][1] ** 2);
  });

  it('is blind to skew: on a Gamma(3, 1) density its mean is the mode 2, not the mean 3', () => {
    // log p(x) = 2 log x − x: mode 2, curvature −2/x² = −1/2 → variance 2 (the true variance is 3)
    const fit = laplaceApproximation64((x) => 2 * Math.log(x[0]) - x[0], (x) => [2 / x[0] - 1], (x) => [[-2 / x[0] ** 2]], [1]);
    expect(fit.mode[0]).to.be.closeTo(2, 1e-9);
    expect(fit.covariance[0][0]).to.be.closeTo(2, 1e-9);
  });

  it('rejects bad input by name, and says so when the point found is not a maximum', () => {
    expect(() => laplaceApproximation(logNTensor, [NaN, 0, 0])).to.throw(/laplaceApproximation: init/);
    expect(() => laplaceApproximation64((x) => x[0] ** 2, (x) => [2 * x[0]], () => [[2]], [1])).to.throw(/not negative definite/);
    expect(() => laplaceApproximation(logNTensor, [0, 0, 0], { maxSteps: 0 })).to.throw(/laplaceApproximation: maxSteps/);
  });
});

describe('inference/laplace-approximation: an init outside the support is named', () => {
  it('laplaceApproximation64 from a point of log density −∞ names init and the value there', () => {
    const logDensity = (x: number[]) => (x[0] > 0 ? -x[0] : -Infinity);
    expect(() => laplaceApproximation64(logDensity, () => [-1], () => [[-1]], [-1])).to.throw('laplaceApproximation64: init must be a point where the log density is finite (Newton starts there), got log density -Infinity at [-1]');
  });
});
