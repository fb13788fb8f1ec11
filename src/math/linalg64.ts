// float64 linear algebra (ml-matrix) for what tfjs lacks: Cholesky, inverses, log-determinants and
// symmetric eigendecompositions. Closed forms and references are computed here and compared with
// the float32 tensor versions.
import { CholeskyDecomposition, EigenvalueDecomposition, Matrix, inverse } from 'ml-matrix';
import { anything, checkKind, matrix, splitName, where } from '../validation/contract';

export { Matrix };

export type MatrixLike = Matrix | number[][];

/**
 * A Matrix from number[][] (or a Matrix); `name` (e.g. 'PPCA: W') prefixes the errors. Non-finite entries
 * are errors: ml-matrix would otherwise report a NaN as "Matrix is not symmetric" or return NaN results.
 */
export function toMatrix(a: MatrixLike, name: string): Matrix {
  const [fn, at] = named(name);
  checkKind(MATRIX, a, at, fn);
  return a instanceof Matrix ? a : new Matrix(a);
}

const MATRIX = matrix();
const SQUARE = matrix({ square: true });
const SYMMETRIC = where(anything(), 'be symmetric', (m: Matrix) => {
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < i; j++) {
      const x = m.get(i, j), y = m.get(j, i);
      if (Math.abs(x - y) > 1e-8 * (1 + Math.abs(x) + Math.abs(y))) return `got [${i}][${j}] = ${x} and [${j}][${i}] = ${y}`;
    }
  }
  return true;
});
const POSITIVE_DEFINITE = where(anything(), 'be positive definite', (c: CholeskyDecomposition) => c.isPositiveDefinite() || 'got a matrix with a non-positive eigenvalue');

const named = (name: string) => splitName(name, 'matrix');

function requireSquare(m: Matrix, name: string): void {
  const [fn, at] = named(name);
  checkKind(SQUARE, m, at, fn);
}

/**
 * Lower-triangular L with A = LLᵀ; throws, naming the argument, unless A is symmetric positive definite.
 *
 * @example
 * ```ts
 * ll.math.cholesky([[4, 2], [2, 3]]).to2DArray();   // [[2, 0], [1, √2]]
 * ```
 */
export function cholesky(a: MatrixLike, name = 'cholesky: matrix'): Matrix {
  const m = toMatrix(a, name);
  requireSquare(m, name);
  const [fn, at] = named(name);
  checkKind(SYMMETRIC, m, at, fn);
  // symmetrize exactly: ml-matrix refuses round-off asymmetry such as σ²M⁻¹ computed in float64
  const c = new CholeskyDecomposition(m.clone().add(m.transpose()).div(2));
  checkKind(POSITIVE_DEFINITE, c, at, fn);
  return c.lowerTriangularMatrix;
}

/**
 * log|A| of a symmetric positive-definite A = 2 Σ_i log L_ii.
 *
 * @example
 * ```ts
 * ll.math.logDetSPD([[2, 0], [0, 3]]);   // log 6
 * ```
 */
export function logDetSPD(a: MatrixLike, name = 'logDetSPD: matrix'): number {
  const l = cholesky(a, name);
  let s = 0;
  for (let i = 0; i < l.rows; i++) s += Math.log(l.get(i, i));
  return 2 * s;
}

/**
 * A⁻¹ of a square matrix in float64 (LU with pivoting); throws when A is singular.
 *
 * @param a  the matrix, an ml-matrix Matrix or number[][]
 * @param name  how errors name it
 * @example
 * ```ts
 * ll.math.inv([[2, 0], [0, 4]]).to2DArray();   // [[0.5, 0], [0, 0.25]]
 * ```
 */
export function inv(a: MatrixLike, name = 'inv: matrix'): Matrix {
  const m = toMatrix(a, name);
  requireSquare(m, name);
  return inverse(m);
}

/**
 * Eigenvalues in decreasing order and the matching eigenvectors (columns) of a symmetric matrix.
 *
 * The eigendecomposition behind PPCA's maximum likelihood (D08, see docs/derivations.md#d08).
 */
export function symmetricEigen(a: MatrixLike, name = 'symmetricEigen: matrix'): { values: number[]; vectors: Matrix } {
  const m = toMatrix(a, name);
  requireSquare(m, name);
  const e = new EigenvalueDecomposition(m, { assumeSymmetric: true });
  const order = e.realEigenvalues.map((v, i) => [v, i] as const).sort((x, y) => y[0] - x[0]);
  const vectors = new Matrix(m.rows, m.rows);
  order.forEach(([, i], j) => vectors.setColumn(j, e.eigenvectorMatrix.getColumn(i)));
  return { values: order.map(([v]) => v), vectors };
}

/**
 * Mean vector (length D) and biased sample covariance S = (1/N) Σ (x−x̄)(x−x̄)ᵀ of the rows of X.
 *
 * @example
 * ```ts
 * ll.math.meanAndCovariance([[0, 0], [2, 2]]);   // mean [1, 1], cov [[1, 1], [1, 1]]
 * ```
 */
export function meanAndCovariance(x: MatrixLike, name = 'meanAndCovariance: X'): { mean: number[]; cov: Matrix } {
  const m = toMatrix(x, name);
  const mean = m.mean('column');
  const c = m.clone().subRowVector(mean);
  return { mean, cov: c.transpose().mmul(c).div(m.rows) };
}
