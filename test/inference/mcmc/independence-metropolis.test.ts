// D51: independence Metropolis–Hastings (variational MCMC): exact for any q that covers p, accepts
// everything when q = p, and its acceptance rate falls as q departs from p.
import { expect } from 'chai';
import { checkMonteCarlo, rng, Rng } from '../../../src';
import { independenceMetropolis } from '../../../src/inference/mcmc/independence-metropolis';
import { coordinate } from '../../../src/inference/mcmc/chains';
import { mcmcMean } from '../../../src/inference/mcmc/effective-sample-size';

const logDensity = ([x]: number[]) => -0.5 * ((x - 1) / 2) ** 2;                  // p = N(1, 2²)
const gaussian = (m: number, s: number) => ({
  sample: (g: Rng) => [m + s * g.nextNormal()],
  logDensity: ([x]: number[]) => -0.5 * ((x - m) / s) ** 2 - Math.log(s),
});
const starts = [[0], [1], [2], [3]];

describe('inference/mcmc: independence Metropolis–Hastings (variational MCMC)', () => {
  it('accepts every proposal when q = p', () => {
    const r = independenceMetropolis(rng(1), { logDensity, proposal: gaussian(1, 2), init: starts, steps: 500 });
    r.acceptanceRate.forEach((a) => expect(a).to.equal(1));
  });

  it('D51: with a q that is too narrow it still recovers p (within sd/√ESS), and accepts less than with a good q', () => {
    const narrow = independenceMetropolis(rng(2), { logDensity, proposal: gaussian(0.5, 1.2), init: starts, steps: 5000 });
    const good = independenceMetropolis(rng(3), { logDensity, proposal: gaussian(1, 2.2), init: starts, steps: 5000 });
    const x = coordinate(narrow.samples, 0);
    for (const [name, draws, exact] of [['E x', x, 1], ['Var x', x.map((c) => c.map((v) => (v - 1) ** 2)), 4]] as const) {
      const c = checkMonteCarlo(name, mcmcMean(draws as number[][]), exact, { id: 'D51' });
      expect(c.pass, `${c.name}: ${c.lhs} vs ${c.rhs} ± ${c.tolerance}`).to.equal(true);
    }
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(good.acceptanceRate)).to.be.greaterThan(0.85);
    expect(mean(narrow.acceptanceRate)).to.be.lessThan(mean(good.acceptanceRate) - 0.1);
  });

  it('rejects a proposal without sample/logDensity, by name', () => {
    expect(() => independenceMetropolis(rng(0), { logDensity, proposal: {} as never, init: [[0]], steps: 5 })).to.throw(/independenceMetropolis: proposal/);
  });
});
