// Issue 35's three bugs that showed with valid input: a multivariate normal density nothing could be trained
// through (tf.any has no gradient), PPCA.logJoint leaving 2 tensors per call, and MADE leaving 1 on dispose.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { MultivariateNormal, PPCA, rng } from '../../src';
import { MADE } from '../../src/models/autoregressive/made';
import { fitBestGaussian } from '../../src/inference/best-gaussian';
import { inv } from '../../src/math/linalg64';

describe('bad-inputs: valid-input bugs of issue 35', () => {
  it('MultivariateNormal.logProb is differentiable in x: ∇ log N(x; μ, Σ) = −Σ⁻¹(x − μ), and +∞ still gives −∞', () => {
    const cov = [[1, 0.5], [0.5, 2]], mu = [1, -1], x = [0.3, 0.4];
    const d = new MultivariateNormal({ loc: mu, covariance: cov });
    const g = tf.tidy(() => Array.from(tf.grad((t: tf.Tensor) => d.logProb(t))(tf.tensor1d(x)).dataSync()));
    const P = inv(cov);
    const expected = [0, 1].map((i) => -(P.get(i, 0) * (x[0] - mu[0]) + P.get(i, 1) * (x[1] - mu[1])));
    g.forEach((gi, i) => expect(gi).to.be.closeTo(expected[i], 1e-5));
    const lp = tf.tidy(() => Array.from(d.logProb(tf.tensor2d([[Infinity, 0], [0, 0]])).dataSync()));
    expect(lp[0]).to.equal(-Infinity);
    expect(Number.isFinite(lp[1])).to.equal(true);
  });

  it("fitBestGaussian's doc example runs and recovers the target's mean (fixed whitened noise: exact for a Gaussian)", () => {
    const target = new MultivariateNormal({ loc: [1, -1], covariance: [[1, 0.5], [0.5, 2]] });
    const fit = fitBestGaussian(rng(0), { logTarget: (z) => target.logProb(z), dim: 2, fixedNoise: true, steps: 400 });
    fit.mean.forEach((m, i) => expect(m).to.be.closeTo([1, -1][i], 0.05));
  });

  it('PPCA.logJoint() leaves no tensor behind, per call of the factory and of the function it returns', () => {
    const model = new PPCA([[1, 0.5], [0.3, -1], [0.8, 0.2]], [0.5, -1, 0], 0.3);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const lj = model.logJoint();
      tf.tidy(() => { lj(tf.tensor2d([[1, 0, 0]]), tf.zeros([4, 1, 2])); });
    }
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('creating and disposing a MADE leaves no tensor behind (with and without the direct weights)', () => {
    for (const direct of [true, false]) {
      const before = tf.memory().numTensors;
      new MADE(rng(1), { inputDim: 4, hiddenDims: [5], direct }).dispose();
      expect(tf.memory().numTensors, `direct: ${direct}`).to.equal(before);
    }
  });
});
