// A pairwise discrete undirected graphical model (lecture 003's bonus slides, "Three coordinate-wise
// algorithms"): p(x) ∝ Π_j φ_j(x_j) Π_{(i,j)∈E} φ_ij(x_i, x_j), stored as log-potentials, with its
// exact marginals and log Z by enumeration — the truth that mean field and loopy belief propagation
// are measured against on graphs small enough to enumerate (K^d states).
import { logSumExp64 } from '../../math/log-space';
import { arrayOf, checkKind, contract, count, describeAny, num, numberArray, oneOf, optional, options as optionsKind, where, type Kind } from '../../validation/contract';

/** One edge (i, j) of a pairwise MRF with its log-potential log φ_ij(x_i, x_j) as a [K_i][K_j] table. */
export interface MrfEdge {
  i: number;
  j: number;
  logPotential: number[][];
}

/** A pairwise MRF: `unary[j][x]` = log φ_j(x) (K_j states per node), and the edges. */
export interface PairwiseMRF {
  unary: number[][];
  edges: MrfEdge[];
}

// The parts of an MRF, each named where it sits (mrf.unary[2], mrf.edges[0].logPotential): log-potentials of
// ≥ 2 states per node, and edges joining two different nodes once, each with a [K_i][K_j] table.
const UNARY = arrayOf(numberArray({ depth: 1, min: [2], finite: true, what: 'an array of ≥ 2 finite log-potentials' }), { minLength: 1 });
const nodesOf = (c: { args: Readonly<Record<string, unknown>> }) => (c.args.unary as number[][]).length;
const EDGE_NODES = where({ expected: 'an edge { i, j, logPotential }', test: (v) => (v && typeof v === 'object' ? undefined : `got ${describeAny(v)}`) },
  (c) => `join two different nodes in 0…${nodesOf(c) - 1}`,
  (e: MrfEdge, c) => (Number.isInteger(e.i) && Number.isInteger(e.j) && e.i >= 0 && e.j >= 0 && e.i < nodesOf(c) && e.j < nodesOf(c) && e.i !== e.j) || `got (${e.i}, ${e.j})`);

/** A pairwise MRF as a kind: the shapes of its tables, no self-loops, no repeated edges. */
export const MRF: Kind = {
  expected: 'a pairwise MRF { unary: log-potentials [node][state], edges: [{ i, j, logPotential }] }',
  test: (v, at, fn) => {
    if (!v || typeof v !== 'object') return `got ${describeAny(v)}`;
    const mrf = v as PairwiseMRF;
    checkKind(UNARY, mrf.unary, `${at}.unary`, fn);
    const ctx = { args: { unary: mrf.unary } }, seen = new Map<string, number>();
    checkKind({ ...arrayOf({ expected: 'an edge', test: () => undefined }), expected: 'an array of edges { i, j, logPotential } (empty for independent nodes)' }, mrf.edges, `${at}.edges`, fn);
    mrf.edges.forEach((e, k) => {
      checkKind(EDGE_NODES, e, `${at}.edges[${k}]`, fn, ctx);
      const key = e.i < e.j ? `${e.i},${e.j}` : `${e.j},${e.i}`;
      checkKind(where(EDGE_NODES, 'join a pair of nodes no other edge joins', () => !seen.has(key) || `got (${e.i}, ${e.j}), already edge ${seen.get(key)}`), e, `${at}.edges[${k}]`, fn, ctx);
      seen.set(key, k);
      const [Ki, Kj] = [mrf.unary[e.i].length, mrf.unary[e.j].length];
      checkKind(numberArray({ shape: [Ki, Kj], finite: true, what: `a finite [${Ki}][${Kj}] table` }), e.logPotential, `${at}.edges[${k}].logPotential`, fn);
    });
    return undefined;
  },
};

const ISING = contract('isingGrid', {
  rows: count({ max: 1e4 }), cols: count({ max: 1e4 }),
  options: optional(optionsKind({
    coupling: num(),
    field: oneOf(num(), where(numberArray({ depth: 1, finite: true }), (c) => `have rows × cols = ${(c.args.rows as number) * (c.args.cols as number)} entries`,
      (h: number[], c) => h.length === (c.args.rows as number) * (c.args.cols as number))),
  })),
});
const EXACT = contract('exactMarginals', { mrf: MRF });

/**
 * An Ising model on a rows × cols grid: x_j ∈ {−1, +1} (state 0 is −1, state 1 is +1),
 *
 *     log p(x) = Σ_j h_j x_j + Σ_{(i,j) neighbours} J x_i x_j − log Z
 *
 * `field` is one h for all nodes or one per node (row-major).
 *
 * @param rows  grid height
 * @param cols  grid width
 * @param options  `coupling` J (default 0.5), `field` h (default 0)
 * @returns a PairwiseMRF with rows·cols nodes and the 4-neighbour edges
 * @example
 * ```ts
 * const m = ll.infer.isingGrid(3, 3, { coupling: 0.6, field: 0.1 });
 * ll.infer.exactMarginals(m).marginals[4];   // P(x_center = −1), P(x_center = +1)
 * ```
 */
export function isingGrid(rows: number, cols: number, options: { coupling?: number; field?: number | number[] } = {}): PairwiseMRF {
  ISING.check(arguments);
  const J = options.coupling ?? 0.5;
  const d = rows * cols;
  const f = options.field ?? 0;
  const h = Array.isArray(f) ? f : new Array<number>(d).fill(f);
  const edges: MrfEdge[] = [];
  const pair = [[J, -J], [-J, J]];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const j = r * cols + c;
      if (c + 1 < cols) edges.push({ i: j, j: j + 1, logPotential: pair });
      if (r + 1 < rows) edges.push({ i: j, j: j + cols, logPotential: pair });
    }
  }
  return { unary: h.map((hj) => [-hj, hj]), edges };
}

/**
 * Exact marginals p(x_j) and log Z of a pairwise MRF by enumerating all Π_j K_j states (at most 2²⁰):
 *
 *     log Z = log Σ_x exp(Σ_j log φ_j(x_j) + Σ_(i,j) log φ_ij(x_i, x_j)),   p(x_j = s) = Σ_{x: x_j = s} p(x)
 *
 * @param mrf  the model
 * @returns marginals [node][state] and logZ
 * @example
 * ```ts
 * ll.infer.exactMarginals(ll.infer.isingGrid(2, 2)).logZ;
 * ```
 */
export function exactMarginals(mrf: PairwiseMRF): { marginals: number[][]; logZ: number } {
  const fn = 'exactMarginals';
  EXACT.check(arguments);
  const K = mrf.unary.map((u) => u.length);
  const states = K.reduce((a, b) => a * b, 1);
  if (states > 2 ** 20) throw new Error(`${fn}: the model has ${states} joint states; enumeration is limited to 2^20`);
  const logW = new Float64Array(states);
  const x = new Array<number>(K.length).fill(0);
  for (let s = 0; s < states; s++) {
    let r = s;
    for (let j = 0; j < K.length; j++) { x[j] = r % K[j]; r = Math.floor(r / K[j]); }
    let lw = 0;
    for (let j = 0; j < K.length; j++) lw += mrf.unary[j][x[j]];
    for (const e of mrf.edges) lw += e.logPotential[x[e.i]][x[e.j]];
    logW[s] = lw;
  }
  const logZ = logSumExp64(logW);
  const marginals = K.map((k) => new Array<number>(k).fill(0));
  for (let s = 0; s < states; s++) {
    const p = Math.exp(logW[s] - logZ);
    let r = s;
    for (let j = 0; j < K.length; j++) { marginals[j][r % K[j]] += p; r = Math.floor(r / K[j]); }
  }
  return { marginals, logZ };
}
