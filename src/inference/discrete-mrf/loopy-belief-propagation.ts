// Loopy belief propagation (lecture 003's bonus slides): messages along every directed edge,
//   m_{i→j}(x_j) ∝ Σ_{x_i} φ_i(x_i) φ_ij(x_i, x_j) Π_{k∈N(i)\j} m_{k→i}(x_i),
// updated one edge at a time with the others fixed, and beliefs b_j(x_j) ∝ φ_j(x_j) Π_{k∈N(j)} m_{k→j}(x_j).
// On a tree (a forest) this is belief propagation and the beliefs are the exact marginals once every
// message has been passed along the tree in both directions; on a graph with loops it is "a hacker
// approach" that need not converge and optimizes no bound, yet is often better than mean field.
import { logSumExp64 } from '../../math/log-space';
import { contract, count, num, optional, options as optionsKind } from '../../validation/contract';
import { MRF, PairwiseMRF } from './pairwise-mrf';

// damping 1 would keep the first messages forever
const LBP = contract('loopyBeliefPropagation', { mrf: MRF, options: optional(optionsKind({ iterations: count({ max: 1e7 }), tolerance: num({ min: 0 }), damping: num({ min: 0, below: 1 }) })) });
import { neighbourTables } from './mean-field-mrf';

/**
 * Loopy belief propagation on a pairwise MRF, sequential sweeps over the directed edges in log space:
 *
 *     log m_{i→j}(x_j) = log Σ_{x_i} exp(log φ_i(x_i) + log φ_ij(x_i, x_j) + Σ_{k∈N(i)\j} log m_{k→i}(x_i)) + const
 *
 * with optional damping (the new message mixed with the old in log space). Exact on trees.
 *
 * @param mrf  the model
 * @param options  `iterations` (sweeps, default 200), `tolerance` on the largest message change (1e-10), `damping` in [0, 1) (default 0)
 * @returns beliefs [node][state], whether it converged, and the sweeps done
 * @example
 * ```ts
 * const m = ll.infer.isingGrid(3, 3, { coupling: 0.4, field: 0.2 });
 * ll.infer.loopyBeliefPropagation(m).beliefs[4];   // close to ll.infer.exactMarginals(m).marginals[4]
 * ```
 */
export function loopyBeliefPropagation(mrf: PairwiseMRF, options: { iterations?: number; tolerance?: number; damping?: number } = {}): { beliefs: number[][]; converged: boolean; iterations: number } {
  LBP.check(arguments);
  const iterations = options.iterations ?? 200;
  const tol = options.tolerance ?? 1e-10;
  const damping = options.damping ?? 0;
  const nb = neighbourTables(mrf);
  // logMsg[j][n]: the message into j from its n-th neighbour, over x_j
  const logMsg = nb.map((list, j) => list.map(() => mrf.unary[j].map(() => 0)));
  const slot = (j: number, from: number) => nb[j].findIndex((e) => e.other === from);
  let converged = false, t = 0;
  for (; t < iterations && !converged; t++) {
    let change = 0;
    for (let i = 0; i < nb.length; i++) {
      for (const { other: j, table } of nb[i]) {
        // Π_{k∈N(i)\j} m_{k→i}(x_i), in logs; table is [x_i][x_j]
        const into = mrf.unary[i].map((u, a) => u + nb[i].reduce((acc, e, n) => (e.other === j ? acc : acc + logMsg[i][n][a]), 0));
        const fresh = mrf.unary[j].map((_, b) => logSumExp64(into.map((v, a) => v + table[a][b])));
        const lz = logSumExp64(fresh);
        const s = slot(j, i);
        const next = fresh.map((v, b) => (1 - damping) * (v - lz) + damping * logMsg[j][s][b]);
        const lz2 = logSumExp64(next);
        next.forEach((v, b) => { change = Math.max(change, Math.abs(v - lz2 - logMsg[j][s][b])); logMsg[j][s][b] = v - lz2; });
      }
    }
    converged = change < tol;
  }
  const beliefs = mrf.unary.map((u, j) => {
    const lb = u.map((v, s) => v + logMsg[j].reduce((acc, m) => acc + m[s], 0));
    const lz = logSumExp64(lb);
    return lb.map((v) => Math.exp(v - lz));
  });
  return { beliefs, converged, iterations: t };
}
