/**
 * Numeric checks behind rows of lecture 003 (CPSC 440/550, "Variational inference and image generation")
 * that no notebook cell computes; the audit tables cite them by title (test "…").
 */
import { expect } from 'chai';
import { rng } from '../../src/random/rng';

const logN = (x: number, m: number, v: number) => -0.5 * Math.log(2 * Math.PI * v) - (x - m) ** 2 / (2 * v);

describe('lecture 003, rows without a notebook cell', () => {
  it('003:252 a Gaussian log-density is −‖x − f‖²/2σ² + const', () => {
    // log N(x; f, σ² I) minus each candidate is constant in x exactly when the candidate is right.
    const g = rng(30);
    const sigma2 = 0.3, d = 3;
    const f = [0.5, -1, 2];
    const spread = (candidate: (x: number[]) => number) => {
      const diffs = Array.from({ length: 20 }, () => {
        const x = f.map((fi) => fi + 2 * g.nextNormal());
        return x.reduce((s, xi, i) => s + logN(xi, f[i], sigma2), 0) - candidate(x);
      });
      return Math.max(...diffs) - Math.min(...diffs);
    };
    const sq = (x: number[]) => x.reduce((s, xi, i) => s + (xi - f[i]) ** 2, 0);
    expect(spread((x) => -sq(x) / (2 * sigma2))).to.be.below(1e-12);             // right: const = −(d/2) log 2πσ²
    expect(spread((x) => -sq(x) / sigma2)).to.be.above(1);                       // printed: 1/σ²
    expect(d).to.equal(f.length);
  });
});
