// Mean field against loopy belief propagation on small pairwise MRFs (lecture 003's bonus slides),
// measured against exact marginals by enumeration: BP is exact on a tree; mean field's ELBO never
// decreases and stays below log Z; on a loopy Ising grid loopy BP's marginals are closer to the truth.
import { expect } from 'chai';
import { rng } from '../../../src';
import { exactMarginals, isingGrid, PairwiseMRF } from '../../../src/inference/discrete-mrf/pairwise-mrf';
import { meanFieldMarginals } from '../../../src/inference/discrete-mrf/mean-field-mrf';
import { loopyBeliefPropagation } from '../../../src/inference/discrete-mrf/loopy-belief-propagation';

const maxError = (a: number[][], b: number[][]) => Math.max(...a.map((r, j) => Math.max(...r.map((v, s) => Math.abs(v - b[j][s])))));

// a random tree with 3-state nodes: node j > 0 hangs from a random earlier node
function randomTree(seed: number, d: number): PairwiseMRF {
  const g = rng(seed);
  const unary = Array.from({ length: d }, () => [0, 1, 2].map(() => g.nextNormal()));
  const edges = Array.from({ length: d - 1 }, (_, k) => ({ i: g.int(k + 1), j: k + 1,
    logPotential: [0, 1, 2].map(() => [0, 1, 2].map(() => 1.5 * g.nextNormal())) }));
  return { unary, edges };
}

describe('inference/discrete-mrf: mean field and loopy belief propagation', () => {
  it('exact marginals by enumeration: each sums to 1, and log Z of independent nodes is Σ_j log Σ_x φ_j', () => {
    const m = isingGrid(2, 3, { coupling: 0.7, field: 0.3 });
    exactMarginals(m).marginals.forEach((r) => expect(r[0] + r[1]).to.be.closeTo(1, 1e-12));
    const free = isingGrid(2, 2, { coupling: 0, field: 0.4 });
    expect(exactMarginals(free).logZ).to.be.closeTo(4 * Math.log(Math.exp(0.4) + Math.exp(-0.4)), 1e-12);
  });

  it('belief propagation is exact on a tree (random 3-state trees of 9 nodes)', () => {
    for (const seed of [1, 2, 3]) {
      const m = randomTree(seed, 9);
      const bp = loopyBeliefPropagation(m);
      expect(bp.converged).to.equal(true);
      expect(maxError(bp.beliefs, exactMarginals(m).marginals)).to.be.lessThan(1e-9);
    }
  });

  it('mean field: the ELBO never decreases and ends below log Z', () => {
    const m = isingGrid(3, 3, { coupling: 0.5, field: 0.1 });
    const mf = meanFieldMarginals(m);
    for (let t = 1; t < mf.elbo.length; t++) expect(mf.elbo[t]).to.be.at.least(mf.elbo[t - 1] - 1e-12);
    expect(mf.elbo[mf.elbo.length - 1]).to.be.lessThan(exactMarginals(m).logZ);
    // on a tree mean field is still approximate (it ignores the edges' correlations)
    const tree = randomTree(4, 7);
    expect(maxError(meanFieldMarginals(tree).marginals, exactMarginals(tree).marginals)).to.be.greaterThan(1e-3);
  });

  it('on a 3 × 3 Ising grid (J = 0.4, h = 0.2) loopy BP converges and its marginals are closer to the truth than mean field\'s', () => {
    const m = isingGrid(3, 3, { coupling: 0.4, field: 0.2 });
    const exact = exactMarginals(m).marginals;
    const bp = loopyBeliefPropagation(m);
    expect(bp.converged).to.equal(true);
    expect(maxError(bp.beliefs, exact)).to.be.lessThan(maxError(meanFieldMarginals(m).marginals, exact));
  });

  it('rejects bad input by name', () => {
    expect(() => isingGrid(0, 3)).to.throw(/isingGrid: rows/);
    expect(() => exactMarginals({ unary: [[0, 0], [0, 0]], edges: [{ i: 0, j: 0, logPotential: [[0, 0], [0, 0]] }] })).to.throw(/exactMarginals: mrf.edges\[0\] must join two different nodes/);
    expect(() => loopyBeliefPropagation(isingGrid(2, 2), { damping: 1 })).to.throw(/loopyBeliefPropagation: damping/);
    expect(() => meanFieldMarginals({ unary: [[0]], edges: [] })).to.throw(/meanFieldMarginals: mrf.unary\[0\]/);
  });
});
