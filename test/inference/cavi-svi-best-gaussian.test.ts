// D19 (best Gaussian), D20 (mean-field CAVI), D22 (SVI).
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { checkMonteCarlo, checkClose, estimateMean, rng } from '../../src';
import { caviGaussian } from '../../src/inference/cavi';
import { inv } from '../../src/math/linalg64';
import { fullElbo, minibatchElbo, exactPosterior, sviGaussianMean, robbinsMonro } from '../../src/inference/svi';
import { fitBestGaussian } from '../../src/inference/best-gaussian';

describe('inference: CAVI, SVI and the best Gaussian', () => {
  it('D20: CAVI on a bivariate Gaussian finds the exact means, variances 1/Λ_jj (too small), and never lowers the ELBO', () => {
    const mu = [1, -2];
    const precision = [[2, 1.2], [1.2, 1.5]];
    const { q, elbos } = caviGaussian(mu, precision, { init: [5, 5], sweeps: 60 });
    q.means.forEach((m, j) => expect(checkClose(`m_${j}`, m, mu[j], { id: 'D20', rtol: 1e-9, atol: 1e-9 }).pass).to.equal(true));
    const cov = inv(precision);
    [0, 1].forEach((j) => {
      expect(q.variances[j]).to.be.closeTo(1 / precision[j][j], 1e-15);
      expect(q.variances[j]).to.be.lessThan(cov.get(j, j));
    });
    for (let i = 1; i < elbos.length; i++) expect(elbos[i], `update ${i}`).to.be.at.least(elbos[i - 1] - 1e-12);
    expect(elbos[elbos.length - 1]).to.be.greaterThan(elbos[0]);
  });

  const g = rng(60);
  const model = { data: Array.from({ length: 200 }, () => 1.5 + 2 * g.nextNormal()), priorSd: 3, noiseSd: 2 };

  it('D22: the minibatch ELBO (scaled by N/S) is an unbiased estimate of the full ELBO', () => {
    const q = { mean: 1.2, variance: 0.05 };
    const r = rng(61);
    const ests = Array.from({ length: 4000 }, () => minibatchElbo(model, q, r.permutation(200).slice(0, 10)));
    expect(checkMonteCarlo('E[minibatch ELBO] = full ELBO', ests, fullElbo(model, q), { id: 'D22' }).pass).to.equal(true);
  });

  it('D22: SVI with Robbins–Monro steps converges to the exact posterior', () => {
    const exact = exactPosterior(model);
    const finals = Array.from({ length: 20 }, (_, s) => sviGaussianMean(rng(100 + s), model, { batchSize: 10, steps: 3000 }).q);
    finals.forEach((q) => expect(q.variance).to.be.closeTo(exact.variance, 1e-12));
    expect(checkMonteCarlo('mean of final m over 20 seeds', estimateMean(finals.map((q) => q.mean)), exact.mean, { id: 'D22' }).pass).to.equal(true);
    expect(() => robbinsMonro(1, { kappa: 0.5 })).to.throw('kappa must be in (0.5, 1]');
  });

  it('D19: the Cholesky-reparameterized Gaussian recovers a Gaussian target’s mean and covariance', () => {
    const m = [1, -1];
    const S = [[1, 0.6], [0.6, 0.8]];
    const P = inv(S).to2DArray();
    const logTarget = (z: tf.Tensor) => tf.tidy(() => {
      const d = tf.sub(z, tf.tensor1d(m));
      return tf.mul(tf.sum(tf.mul(tf.matMul(d, tf.tensor2d(P)), d), -1), -0.5);
    });
    const before = tf.memory().numTensors;
    const fit = fitBestGaussian(rng(62), { logTarget, dim: 2, steps: 1500, samples: 32, learningRate: 0.05, fixedNoise: true });
    expect(tf.memory().numTensors).to.equal(before);
    fit.mean.forEach((v, i) => expect(v).to.be.closeTo(m[i], 2e-3));
    fit.covariance.forEach((row, i) => row.forEach((v, j) => expect(v).to.be.closeTo(S[i][j], 2e-3)));
    expect(fit.objective[fit.objective.length - 1]).to.be.greaterThan(fit.objective[0]);
  });
});
