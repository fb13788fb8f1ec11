// D16, D17 and the KL registry.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { Normal, MultivariateNormal, kl, checkMonteCarlo, checkClose, integrate1d, rng } from '../../src';
import { Laplace } from '../../src/distributions/laplace';
import { Bernoulli } from '../../src/distributions/bernoulli';
import { Categorical } from '../../src/distributions/categorical';
import { klMonteCarlo, hasClosedFormKL } from '../../src/distributions/kl';
import { logDetSPD } from '../../src/math/linalg64';
import { values } from '../support/tensors';

const normal64 = (x: number, m: number, s: number) => Math.exp(-0.5 * ((x - m) / s) ** 2) / (s * Math.sqrt(2 * Math.PI));

describe('distributions: KL divergences', () => {
  it('D17: KL(N(μ,σ²)‖N(0,1)) = ½(μ²+σ²−1) − log σ, against the formula, quadrature and Monte Carlo', () => {
    const m = 0.7, s = 0.4;
    const exact = 0.5 * (m * m + s * s - 1) - Math.log(s);
    const closed = tf.tidy(() => values(kl(new Normal(m, s), new Normal(0, 1)))[0]);
    expect(checkClose('closed form', closed, exact, { rtol: 1e-6, id: 'D17' }).pass).to.equal(true);
    const quad = integrate1d((x) => { const q = normal64(x, m, s); return q === 0 ? 0 : q * Math.log(q / normal64(x, 0, 1)); }, -Infinity, Infinity);
    expect(checkClose('quadrature', quad, exact, { rtol: 1e-8, id: 'D17' }).pass).to.equal(true);
    const mc = klMonteCarlo(rng(1), new Normal(m, s), new Normal(0, 1), { samples: 20000 });
    expect(checkMonteCarlo('MC', mc, exact, { id: 'D17' }).pass).to.equal(true);
  });

  it('D16: KL ≥ 0, = 0 iff q = p, and KL(q‖p) ≠ KL(p‖q)', () => {
    tf.tidy(() => {
      const q = new Normal(0, 1), p = new Normal(1, 3);
      const qp = values(kl(q, p))[0], pq = values(kl(p, q))[0];
      expect(qp).to.be.greaterThan(0);
      expect(pq).to.be.greaterThan(0);
      expect(Math.abs(qp - pq)).to.be.greaterThan(0.5);
      expect(values(kl(q, new Normal(0, 1)))[0]).to.equal(0);
    });
  });

  it('D17: MVN–MVN closed form against Monte Carlo, and against N(0,I): ½(‖μ‖²+TrΣ−log|Σ|−d)', () => {
    const cov = [[1.5, 0.3], [0.3, 0.5]];
    const q = new MultivariateNormal({ loc: [0.5, -1], covariance: cov });
    const p = new MultivariateNormal({ loc: [0, 0], covariance: [[1, 0], [0, 1]] });
    const closed = tf.tidy(() => values(kl(q, p))[0]);
    const formula = 0.5 * (0.25 + 1 + 2 - logDetSPD(cov) - 2);
    expect(closed).to.be.closeTo(formula, 1e-5);
    const p2 = new MultivariateNormal({ loc: [1, 1], covariance: [[2, -0.4], [-0.4, 1]] });
    const mc = klMonteCarlo(rng(2), q, p2, { samples: 20000 });
    const exact = tf.tidy(() => values(kl(q, p2))[0]);
    expect(checkMonteCarlo('MVN MC', mc, exact, { id: 'D17' }).pass).to.equal(true);
  });

  it('D18: KL(q‖p) = −E_q[log p̃] − H[q] + log Z for an unnormalized target p̃', () => {
    const m = 1, s = 1.5; // p̃(x) = exp(−(x − m)²/(2s²)), Z = s√(2π)
    const q = new Normal(0.3, 0.8);
    const [negLogPt, h, closed] = tf.tidy(() => {
      const z = q.sample(rng(4), 20000);
      return [values(tf.div(tf.square(tf.sub(z, m)), 2 * s * s)), values(q.entropy())[0], values(kl(q, new Normal(m, s)))[0]];
    });
    const logZ = Math.log(s * Math.sqrt(2 * Math.PI));
    expect(checkMonteCarlo('−E log p̃ − H + log Z', negLogPt.map((v) => v - h + logZ), closed, { id: 'D18' }).pass).to.equal(true);
  });

  it('Bernoulli and Categorical KL match float64 enumeration', () => {
    tf.tidy(() => {
      const a = 0.2, b = 0.7;
      const enumB = a * Math.log(a / b) + (1 - a) * Math.log((1 - a) / (1 - b));
      expect(values(kl(new Bernoulli({ probs: a }), new Bernoulli({ probs: b })))[0]).to.be.closeTo(enumB, 1e-6);
      const q = [0.2, 0.5, 0.3], p = [0.4, 0.4, 0.2];
      const enumC = q.reduce((s, qk, k) => s + qk * Math.log(qk / p[k]), 0);
      expect(values(kl(new Categorical({ probs: q }), new Categorical({ probs: p })))[0]).to.be.closeTo(enumC, 1e-6);
      expect(values(kl(new Bernoulli({ probs: 0 }), new Bernoulli({ probs: 0.5 })))[0]).to.be.closeTo(Math.LN2, 1e-6);
    });
  });

  it('pairs without a closed form fall back to Monte Carlo with a standard error', () => {
    const q = new Laplace(0, 1), p = new Normal(0.5, 2);
    expect(hasClosedFormKL(q, p)).to.equal(false);
    expect(() => kl(q, p)).to.throw('kl: p must be a family with a closed-form KL from q (Laplace); for other pairs use klMonteCarlo(rng, q, p, { samples }), got Normal');
    const logLap = (x: number) => Math.log(0.5) - Math.abs(x);
    const logNormal = (x: number) => -0.5 * ((x - 0.5) / 2) ** 2 - Math.log(2 * Math.sqrt(2 * Math.PI));
    const exact = integrate1d((x) => Math.exp(logLap(x)) * (logLap(x) - logNormal(x)), -Infinity, Infinity, { panels: 256 });
    const mc = klMonteCarlo(rng(3), q, p, { samples: 20000 });
    expect(mc.se).to.be.greaterThan(0);
    expect(checkMonteCarlo('Laplace‖Normal', mc, exact, { id: 'D16' }).pass).to.equal(true);
  });
});
