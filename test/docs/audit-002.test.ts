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
