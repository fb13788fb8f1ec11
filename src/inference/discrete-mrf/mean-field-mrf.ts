// Mean field on a pairwise discrete MRF (lecture 003's bonus slides): coordinate updates
//   q_j(x_j) ∝ φ_j(x_j) exp(Σ_{i ∈ N(j)} Σ_{x_i} q_i(x_i) log φ_ij(x_i, x_j)),
// each of which maximizes the ELBO (the negative Gibbs mean-field free energy)
//   L(q) = Σ_j E_q log φ_j + Σ_(i,j) E_q log φ_ij + Σ_j H(q_j) ≤ log Z
// in q_j with the others fixed, so L never decreases.
import { logSumExp64 } from '../../math/log-space';
import { contract, count, num, optional, options as optionsKind, where, type Kind } from '../../validation/contract';
import { MRF, PairwiseMRF } from './pairwise-mrf';

const TABLE: Kind = { expected: 'marginals [node][state]', test: (v) => (Array.isArray(v) && v.every(Array.isArray) ? undefined : 'got something else') };
const unaryOf = (c: { args: Readonly<Record<string, unknown>> }) => (c.args.mrf as PairwiseMRF).unary;
const INIT = where(TABLE, 'have the shape of mrf.unary (one marginal per node, over its states)',
  (q: number[][], c) => q.length === unaryOf(c).length && q.every((r, j) => r.length === unaryOf(c)[j].length));
const MEAN_FIELD = contract('meanFieldMarginals', { mrf: MRF, options: optional(optionsKind({ sweeps: count({ max: 1e7 }), tolerance: num({ min: 0 }), init: INIT })) });

/** Neighbour lists: for node j, the edges touching it with the log-potential oriented as [x_j][x_other]. */
export function neighbourTables(mrf: PairwiseMRF): { other: number; table: number[][] }[][] {
  const out: { other: number; table: number[][] }[][] = mrf.unary.map(() => []);
  for (const e of mrf.edges) {
    out[e.i].push({ other: e.j, table: e.logPotential });
    out[e.j].push({ other: e.i, table: e.logPotential[0].map((_, b) => e.logPotential.map((row) => row[b])) });
  }
  return out;
}

function elbo(mrf: PairwiseMRF, q: number[][]): number {
  let L = 0;
  q.forEach((qj, j) => qj.forEach((p, s) => { if (p > 0) L += p * (mrf.unary[j][s] - Math.log(p)); }));
  for (const e of mrf.edges) q[e.i].forEach((pi, a) => q[e.j].forEach((pj, b) => { L += pi * pj * e.logPotential[a][b]; }));
  return L;
}

/**
 * Mean-field marginals of a pairwise MRF by coordinate ascent (lecture 003, bonus slides), sweeping
 * the nodes in order:
 *
 *     q_j(x_j) ∝ φ_j(x_j) · exp(Σ_{i∈N(j)} Σ_{x_i} q_i(x_i) log φ_ij(x_i, x_j))
 *
 * Returns the ELBO after each sweep (non-decreasing, ≤ log Z).
 *
 * @param mrf  the model
 * @param options  `sweeps` (default 100), `tolerance` on the largest change of a marginal (1e-10), `init` marginals (default uniform)
 * @returns marginals [node][state], elbo per sweep, sweeps done
 * @example
 * ```ts
 * const m = ll.infer.isingGrid(3, 3, { coupling: 0.4, field: 0.2 });
 * ll.infer.meanFieldMarginals(m).elbo.at(-1);   // ≤ ll.infer.exactMarginals(m).logZ
 * ```
 */
export function meanFieldMarginals(mrf: PairwiseMRF, options: { sweeps?: number; tolerance?: number; init?: number[][] } = {}): { marginals: number[][]; elbo: number[]; sweeps: number } {
  MEAN_FIELD.check(arguments);
  const sweeps = options.sweeps ?? 100;
  const tol = options.tolerance ?? 1e-10;
  const nb = neighbourTables(mrf);
  const q = options.init ? options.init.map((r) => r.slice()) : mrf.unary.map((u) => u.map(() => 1 / u.length));
  const trace: number[] = [];
  let t = 0;
  for (; t < sweeps; t++) {
    let change = 0;
    for (let j = 0; j < q.length; j++) {
      const logM = mrf.unary[j].map((u, s) => u + nb[j].reduce((acc, { other, table }) => acc + q[other].reduce((a, p, b) => a + p * table[s][b], 0), 0));
      const lz = logSumExp64(logM);
      logM.forEach((v, s) => { const p = Math.exp(v - lz); change = Math.max(change, Math.abs(p - q[j][s])); q[j][s] = p; });
    }
    trace.push(elbo(mrf, q));
    if (change < tol) { t++; break; }
  }
  return { marginals: q, elbo: trace, sweeps: t };
}
