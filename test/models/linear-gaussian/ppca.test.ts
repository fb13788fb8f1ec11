// D05–D09 on probabilistic PCA, and the linear-Gaussian Bayes rule.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { PPCA, MultivariateNormal, Normal, checkClose, checkMonteCarlo, rng } from '../../../src';
import { Matrix, inv, logDetSPD } from '../../../src/math/linalg64';
import { linearGaussianPosterior, linearGaussianMarginal } from '../../../src/models/linear-gaussian/linear-gaussian';
import { logMarginalIS } from '../../../src/inference/importance-sampling';
import { checkGradient } from '../../../src/check/finite-differences';
import { logSumExp64 } from '../../../src/math/log-space';
import { values } from '../../support/tensors';

const W = [[1, 0.5], [0.3, -1], [0.8, 0.2], [-0.4, 0.6]];
const mu = [0.5, -1, 0, 2];
const model = new PPCA(W, mu, 0.3);
const x = [1.2, -0.5, 0.3, 2.4];

describe('models/linear-gaussian/ppca', () => {
  it('D07: C⁻¹ and log|C| through the M×M matrix equal the direct D×D inverse and determinant', () => {
    const direct = inv(model.marginalCovariance());
    const viaM = model.precisionViaM();
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(viaM.get(i, j)).to.be.closeTo(direct.get(i, j), 1e-12);
    expect(checkClose('log|C|', model.logDetViaM(), logDetSPD(model.marginalCovariance()), { id: 'D07', rtol: 1e-12 }).pass).to.equal(true);
    expect(checkClose('log p(x)', model.logMarginal(x), model.logMarginalDirect(x), { id: 'D07', rtol: 1e-12 }).pass).to.equal(true);
  });

  it('D05: Monte Carlo E_{p(z)}[p(x|z)] converges to N(x; μ, WWᵀ+σ²I)', () => {
    const g = rng(20);
    const n = 200000;
    const lik = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const z = [g.nextNormal(), g.nextNormal()];
      lik[i] = Math.exp(model.logJoint64(x, z) - (-0.5 * (z[0] ** 2 + z[1] ** 2) - Math.log(2 * Math.PI)));
    }
    const exact = Math.exp(model.logMarginal(x));
    expect(checkMonteCarlo('E_p(z) p(x|z)', lik, exact, { id: 'D05' }).pass).to.equal(true);
  });

  it('D06: the posterior equals the linear-Gaussian Bayes rule and p(x,z)/p(x)', () => {
    const post = model.posterior(x);
    const lg = linearGaussianPosterior({ priorMean: [0, 0], priorCovariance: [[1, 0], [0, 1]], A: W, b: mu, noiseCovariance: Matrix.eye(4).mul(0.3) }, x);
    post.mean.forEach((m, i) => expect(m).to.be.closeTo(lg.mean[i], 1e-12));
    post.covariance.forEach((row, i) => row.forEach((c, j) => expect(c).to.be.closeTo(lg.covariance[i][j], 1e-12)));
    const marg = linearGaussianMarginal({ priorMean: [0, 0], priorCovariance: [[1, 0], [0, 1]], A: W, b: mu, noiseCovariance: Matrix.eye(4).mul(0.3) });
    marg.covariance.forEach((row, i) => row.forEach((c, j) => expect(c).to.be.closeTo(model.marginalCovariance().get(i, j), 1e-12)));
    // log p(x, z) − log p(x) = log N(z; posterior) at any z
    const q = model.posteriorDistribution(x);
    for (const z of [[0, 0], [1, -1], [-0.5, 2]]) {
      const lq = tf.tidy(() => values(q.logProb(tf.tensor1d(z)))[0]);
      expect(checkClose(`p(x,z)/p(x) at z=${z}`, model.logJoint64(x, z) - model.logMarginal(x), lq, { id: 'D06', rtol: 1e-5, atol: 1e-5 }).pass).to.equal(true);
    }
  });

  it('D09: the closed-form log-likelihood is the sum of per-point MVN log-densities', () => {
    const X = model.sample(rng(21), 50).x;
    const mvn = new MultivariateNormal({ loc: mu, covariance: model.marginalCovariance().to2DArray() });
    const perPoint = tf.tidy(() => values(mvn.logProb(tf.tensor2d(X))));
    const direct = X.reduce((s, xi) => s + model.logMarginalDirect(xi), 0);
    expect(checkClose('log p(X) vs Σ direct', model.logLikelihood(X), direct, { id: 'D09', rtol: 1e-12 }).pass).to.equal(true);
    expect(checkClose('log p(X) vs Σ float32 MVN', model.logLikelihood(X), perPoint.reduce((a, b) => a + b, 0), { id: 'D09', rtol: 1e-5 }).pass).to.equal(true);
  });

  describe('D08: maximum likelihood', () => {
    const X = model.sample(rng(22), 400).x;
    const fit = PPCA.fitML(X, 2);
    const ll = (w: number[], s2: number) => new PPCA([[w[0], w[1]], [w[2], w[3]], [w[4], w[5]], [w[6], w[7]]], fit.mu, s2).logLikelihood(X);
    const wFlat = fit.W.to2DArray().flat();

    it('the log-likelihood gradient is ≈ 0 there (finite differences)', () => {
      const theta = [...wFlat, fit.sigma2];
      const r = checkGradient('∇ log p(X) at ML', (t) => ll(t.slice(0, 8), t[8]), new Array(9).fill(0), theta, { id: 'D08', h: 1e-5, atol: 1e-4, rtol: 0 });
      expect(r.pass, `${r.error}`).to.equal(true);
    });

    it('any perturbation lowers it, any rotation leaves it unchanged', () => {
      const best = fit.logLikelihood(X);
      const g = rng(23);
      for (let i = 0; i < 10; i++) {
        const w = wFlat.map((v) => v + 0.05 * g.nextNormal());
        expect(ll(w, fit.sigma2 * (1 + 0.05 * g.nextNormal()))).to.be.lessThan(best);
      }
      const a = 0.7;
      const rotated = PPCA.fitML(X, 2, [[Math.cos(a), -Math.sin(a)], [Math.sin(a), Math.cos(a)]]);
      expect(checkClose('rotation invariance', rotated.logLikelihood(X), best, { id: 'D08', rtol: 1e-12 }).pass).to.equal(true);
    });

    it('EM converges to the same log-likelihood and never decreases', () => {
      const { model: em, logLikelihoods } = PPCA.fitEM(rng(24), X, 2, { iterations: 2000, tolerance: 1e-13 });
      for (let i = 1; i < logLikelihoods.length; i++) expect(logLikelihoods[i]).to.be.at.least(logLikelihoods[i - 1] - 1e-9);
      expect(checkClose('EM = closed form', em.logLikelihood(X), fit.logLikelihood(X), { id: 'D08', rtol: 1e-6 }).pass).to.equal(true);
      expect(em.sigma2).to.be.closeTo(fit.sigma2, 1e-4);
    });
  });

  it('D11: importance sampling with the prior and with a posterior-like proposal both converge; the prior’s variance is far larger', () => {
    const lj = model.logJoint();
    // a point in the tail of p(x): there the prior rarely proposes a z that explains it
    const xFar = [3.5, -3, 2.5, 4];
    const xt = tf.tensor2d([xFar]);
    const exact = model.logMarginal(xFar);
    const prior = new Normal([0, 0], [1, 1], { eventDims: 1 });
    const post = model.posterior(xFar);
    const wide = new Normal(post.mean, post.covariance.map((r, i) => 1.5 * Math.sqrt(r[i])), { eventDims: 1 });
    const a = logMarginalIS(rng(25), { x: xt, logJoint: lj, proposal: prior, samples: 20000 });
    const b = logMarginalIS(rng(26), { x: xt, logJoint: lj, proposal: wide, samples: 20000 });
    expect(checkMonteCarlo('prior proposal', a, exact, { id: 'D11' }).pass).to.equal(true);
    expect(checkMonteCarlo('posterior-like proposal', b, exact, { id: 'D11' }).pass).to.equal(true);
    expect((a.se / b.se) ** 2, "variance ratio").to.be.greaterThan(100);
    expect(a.ess).to.be.lessThan(b.ess);
    xt.dispose();
  });

  it('D13: with the exact posterior as proposal every log-weight equals log p(x)', () => {
    const lj = model.logJoint();
    const xt = tf.tensor2d([x]);
    const r = logMarginalIS(rng(27), { x: xt, logJoint: lj, proposal: model.posteriorDistribution(x), samples: 1000 });
    const exact = model.logMarginal(x);
    for (const lw of r.logWeights) expect(lw).to.be.closeTo(exact, 2e-4);
    expect(r.ess).to.be.closeTo(1000, 1);
    expect(logSumExp64(r.logWeights) - Math.log(1000)).to.be.closeTo(exact, 2e-4);
    xt.dispose();
  });

  it('rejects inconsistent shapes by name', () => {
    expect(() => new PPCA(W, [0, 0], 0.3)).to.throw(`PPCA: mu must have one entry per row of W (D = ${W.length}), got length 2`);
    expect(() => new PPCA([[1, 2, 3], [4, 5, 6]], [0, 0], 0.3)).to.throw('PPCA: W must have M ≤ D (at most as many columns as rows), got 2×3');
    expect(() => new PPCA(W, mu, -1)).to.throw('PPCA: sigma2 must be positive');
    expect(() => model.posterior([1, 2])).to.throw(`PPCA.posterior: x must have the model's D = ${model.D} entries, got length 2`);
    expect(() => model.logMarginal([1, 2])).to.throw(`PPCA.logMarginal: x must have the model's D = ${model.D} entries, got length 2`);
    expect(() => model.logJoint64(new Array(model.D).fill(0), [1, 2, 3, 4, 5])).to.throw(`PPCA.logJoint64: z must have the model's M = ${model.M} entries, got length 5`);
    expect(() => PPCA.fitML([[1, 2], [3, 4]], 2)).to.throw('M must be an integer in [1, 1]');
  });
});
