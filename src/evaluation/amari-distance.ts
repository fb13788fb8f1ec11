// ICA recovers the sources only up to order and scale (any permutation and rescaling of the rows of
// W fits as well), so an estimated unmixing W is judged by how far P = W A is from a scaled permutation:
// the Amari distance (Amari, Cichocki & Yang 1996), normalized to [0, 1].
import { toMatrix, MatrixLike } from '../math/linalg64';
import { contract, matrix, where } from '../validation/contract';

// W and A are D × D for one D ≥ 2 (with one source every unmixing is a scaling): unmixing binds it, mixing must
// be square of the same size
const sources = (W: number[][] | { rows: number }) => (Array.isArray(W) ? W.length : W.rows);
const AMARI = contract('amariDistance', { unmixing: where(matrix({ rows: 'D', columns: 'D', what: 'a square matrix (number[][])' }), 'have at least 2 sources (rows): with one, every unmixing is a scaling', (W) => sources(W) >= 2 || `got ${sources(W)}`), mixing: matrix({ rows: 'D', columns: 'D', what: 'a square matrix (number[][]) of the size of unmixing' }) });

/**
 * The Amari distance between an estimated unmixing W and the true mixing A, with P = W A ([D, D]):
 *
 *   d(W, A) = 1/(2D(D−1)) [ Σ_i (Σ_j |p_ij| / max_k |p_ik| − 1) + Σ_j (Σ_i |p_ij| / max_k |p_kj| − 1) ]
 *
 * 0 exactly when P is a permutation times a diagonal scaling (the sources found up to order and scale,
 * the ambiguity ICA cannot resolve), 1 at most; reordering or negating the recovered sources (rows of W)
 * leaves it unchanged (D37; docs/derivations.md#d37).
 *
 * @example
 * ```ts
 * ll.evaluation.amariDistance([[0, 2], [-3, 0]], [[1, 0], [0, 1]]);   // 0: a scaled permutation
 * ll.evaluation.amariDistance([[1, 1], [1, -1]], [[1, 0], [0, 1]]);   // 1: every source mixed equally
 * ```
 */
export function amariDistance(unmixing: MatrixLike, mixing: MatrixLike): number {
  AMARI.check(arguments);
  const W = toMatrix(unmixing, 'amariDistance: unmixing');
  const A = toMatrix(mixing, 'amariDistance: mixing');
  const D = W.rows;
  const P = W.mmul(A).abs();
  let rows = 0;
  let cols = 0;
  for (let i = 0; i < D; i++) {
    const r = P.getRow(i);
    const c = P.getColumn(i);
    const rmax = Math.max(...r);
    const cmax = Math.max(...c);
    if (rmax === 0 || cmax === 0) throw new Error('amariDistance: W A has a zero row or column (W or A is singular)');
    rows += r.reduce((s, v) => s + v, 0) / rmax - 1;
    cols += c.reduce((s, v) => s + v, 0) / cmax - 1;
  }
  return (rows + cols) / (2 * D * (D - 1));
}
