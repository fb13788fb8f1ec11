/**
 * Numeric checks behind rows of lecture 002 (review of Zhang et al., "Advances in Variational Inference")
 * that no notebook cell computes; the audit tables cite them by title (test "…").
 */
import { expect } from 'chai';
import { rng } from '../../src/random/rng';

describe('lecture 002, rows without a notebook cell', () => {
  it('002:194 with S = M one SVI step of size 1 reaches the batch VI posterior', () => {
    // Conjugate model: θ ~ N(0, 1), x_i | θ ~ N(θ, 1), i = 1..M. Natural parameters of q(θ): (mean·precision, precision).
    const g = rng(50);
    const M = 40;
    const xs = Array.from({ length: M }, () => 1.3 + g.nextNormal());
    const exact = { eta1: xs.reduce((a, b) => a + b, 0), eta2: 1 + M };        // batch VI = the exact posterior here
    /** SVI's intermediate natural parameter from a batch of S indices, scaled by M/S. */
    const etaHat = (batch: number[]) => ({
      eta1: (M / batch.length) * batch.reduce((s, i) => s + xs[i], 0),
      eta2: 1 + (M / batch.length) * batch.length,
    });
    const step = (eta: { eta1: number; eta2: number }, target: typeof eta, rho: number) => ({
      eta1: (1 - rho) * eta.eta1 + rho * target.eta1, eta2: (1 - rho) * eta.eta2 + rho * target.eta2,
    });
    const start = { eta1: 5, eta2: 2 };
    const full = step(start, etaHat([...Array(M).keys()]), 1);
    expect(full.eta1).to.be.closeTo(exact.eta1, 1e-12);
    expect(full.eta2).to.be.closeTo(exact.eta2, 1e-12);
    // with S < M one step lands elsewhere (the batch is a noisy estimate) …
    const half = step(start, etaHat([...Array(M / 2).keys()].map((k) => 2 * k)), 1);
    expect(Math.abs(half.eta1 - exact.eta1)).to.be.greaterThan(1e-3);
  });
});

/** ∫ g over [lo, hi] by the trapezoid rule on n panels (the integrands here are smooth and negligible outside). */
const integrate = (g: (z: number) => number, lo = -12, hi = 12, n = 24000) => {
  const h = (hi - lo) / n;
  let s = 0.5 * (g(lo) + g(hi));
  for (let k = 1; k < n; k++) s += g(lo + k * h);
  return s * h;
};
const normalPdf = (z: number, m: number, sd: number) => Math.exp(-0.5 * ((z - m) / sd) ** 2) / (sd * Math.sqrt(2 * Math.PI));

describe('lecture 002, divergences (rows without a notebook cell)', () => {
  it('002:536-537 with f(t) = t log t the f-divergence ∫ q f(p/q) is KL(p‖q)', () => {
    const p = (z: number) => normalPdf(z, 0.5, 1.2), q = (z: number) => normalPdf(z, -0.3, 0.9);
    const fDiv = integrate((z) => { const t = p(z) / q(z); return q(z) * (t > 0 ? t * Math.log(t) : 0); });
    const kl = Math.log(0.9 / 1.2) + (1.2 ** 2 + (0.5 + 0.3) ** 2) / (2 * 0.9 ** 2) - 0.5;   // KL(N(0.5, 1.2²) ‖ N(−0.3, 0.9²))
    expect(fDiv).to.be.closeTo(kl, 1e-8);
  });

  it('002:557-560 the Stein operator φ ∇log p + ∇φ has mean zero under p, not under another q', () => {
    // p(z | x) = N(1, 0.7²); φ(z) = sin z
    const m = 1, sd = 0.7;
    const stein = (z: number) => Math.sin(z) * (-(z - m) / sd ** 2) + Math.cos(z);
    expect(integrate((z) => normalPdf(z, m, sd) * stein(z))).to.be.closeTo(0, 1e-10);
    expect(Math.abs(integrate((z) => normalPdf(z, 0, 1) * stein(z)))).to.be.greaterThan(0.1);
  });
});
