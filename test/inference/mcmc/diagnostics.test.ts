// ESS and R-hat as ArviZ computes them: on independent draws ESS ≈ M·N and R̂ ≈ 1; on an AR(1) chain
// ESS ≈ M·N (1 − ρ)/(1 + ρ); on chains stuck in different places R̂ > 1.1.
import { expect } from 'chai';
import { rng, Rng } from '../../../src';
import { effectiveSampleSize, mcmcMean } from '../../../src/inference/mcmc/effective-sample-size';
import { rHat } from '../../../src/inference/mcmc/r-hat';
import { normalQuantile, rankNormalize, splitChains } from '../../../src/inference/mcmc/rank-normalization';

const iid = (g: Rng, M: number, N: number) => Array.from({ length: M }, () => Array.from({ length: N }, () => g.nextNormal()));
const ar1 = (g: Rng, M: number, N: number, rho: number) => Array.from({ length: M }, () => {
  let x = g.nextNormal();
  return Array.from({ length: N }, () => (x = rho * x + Math.sqrt(1 - rho * rho) * g.nextNormal()));
});

describe('inference/mcmc: effective sample size and R-hat', () => {
  it('Φ⁻¹ matches known quantiles; rank normalization and splitting have the right shapes', () => {
    expect(normalQuantile(0.975)).to.be.closeTo(1.959963984540054, 1e-8);
    expect(normalQuantile(0.5)).to.be.closeTo(0, 1e-12);
    expect(normalQuantile(1e-6)).to.be.closeTo(-4.753424308822899, 1e-7);
    const z = rankNormalize([[3, 1], [2, 2]]);   // ranks 4, 1, 2.5, 2.5 of S = 4
    expect(z[0][0]).to.be.closeTo(normalQuantile((4 - 0.375) / 4.25), 1e-12);
    expect(z[1][0]).to.equal(z[1][1]);
    expect(splitChains([[1, 2, 3, 4, 5]])).to.deep.equal([[1, 2], [4, 5]]);
  });

  it('independent draws: ESS ≈ M·N (within 10%), R̂ < 1.01', () => {
    const x = iid(rng(1), 4, 1000);
    for (const method of ['bulk', 'mean'] as const) expect(effectiveSampleSize(x, { method }) / 4000).to.be.within(0.9, 1.1);
    expect(rHat(x)).to.be.lessThan(1.01);
    expect(rHat(x, { method: 'split' })).to.be.lessThan(1.01);
  });

  it('an AR(1) chain with ρ = 0.9: ESS ≈ M·N (1 − ρ)/(1 + ρ) (within 25%); MCSE = sd/√ESS', () => {
    const x = ar1(rng(2), 4, 5000, 0.9);
    const expected = 20000 * 0.1 / 1.9;
    expect(effectiveSampleSize(x, { method: 'mean' }) / expected).to.be.within(0.75, 1.25);
    expect(effectiveSampleSize(x) / expected).to.be.within(0.75, 1.25);
    const e = mcmcMean(x);
    expect(e.se).to.be.closeTo(1 / Math.sqrt(e.n), 0.1 / Math.sqrt(e.n));
  });

  it('chains stuck apart (means 0, 0, 0, 1.5) or drifting: R̂ > 1.1; chains differing only in scale: the rank (folded) R̂ sees it', () => {
    const g = rng(3);
    const stuck = iid(g, 4, 500).map((c, i) => c.map((v) => v + (i === 3 ? 1.5 : 0)));
    expect(rHat(stuck)).to.be.greaterThan(1.1);
    const drifting = iid(g, 4, 500).map((c) => c.map((v, t) => v + (3 * t) / 500));
    expect(rHat(drifting, { method: 'split' })).to.be.greaterThan(1.1);
    const scaled = iid(g, 4, 1000).map((c, i) => c.map((v) => v * (i === 0 ? 4 : 1)));
    expect(rHat(scaled, { method: 'split' })).to.be.lessThan(1.05);
    expect(rHat(scaled)).to.be.greaterThan(1.1);
  });

  it('rejects bad input by name', () => {
    expect(() => rHat([[1, 2, 3]])).to.throw(/rHat: draws must have at least 4/);
    expect(() => effectiveSampleSize([[1, 2, 3, 4], [1, 2, 3]])).to.throw(/effectiveSampleSize: draws must have one length/);
    expect(() => effectiveSampleSize([[1, 2, NaN, 4]])).to.throw(/draws\[0\]\[2\] must be a finite number/);
    expect(() => rHat([[1, 2, 3, 4]], { method: 'x' as never })).to.throw(/rHat: method/);
  });
});
