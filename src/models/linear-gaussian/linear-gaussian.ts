// The linear-Gaussian model (Bishop 2.113–2.117), in float64:
//   p(z) = N(z; m, S),  p(x | z) = N(x; Az + b, Σ)
//   p(x) = N(x; Am + b, Σ + ASAᵀ)
//   p(z | x) = N(z; P(AᵀΣ⁻¹(x − b) + S⁻¹m), P),  P = (S⁻¹ + AᵀΣ⁻¹A)⁻¹
// PPCA's posterior (D06) is the case m = 0, S = I, A = W, b = μ, Σ = σ²I.
import { Matrix, MatrixLike, inv, toMatrix } from '../../math/linalg64';
import { checkKind, contract, matrix, numberArray, options } from '../../validation/contract';

// the model's parts are checked against A's shape in parts(); here their presence and kinds
const MODEL = options({ priorMean: numberArray({ depth: 1 }), priorCovariance: matrix(), A: matrix(), b: numberArray({ depth: 1 }), noiseCovariance: matrix() },
  { required: ['priorMean', 'priorCovariance', 'A', 'b', 'noiseCovariance'], path: true });
const MARGINAL = contract('linearGaussianMarginal', { model: MODEL });
const POSTERIOR = contract('linearGaussianPosterior', { model: MODEL, x: numberArray({ depth: 1, finite: true }) });

export interface LinearGaussian {
  priorMean: number[];
  priorCovariance: MatrixLike;
  A: MatrixLike;
  b: number[];
  noiseCovariance: MatrixLike;
}

function parts(model: LinearGaussian, fn: string) {
  const A = toMatrix(model.A, `${fn}: A`);
  const S = toMatrix(model.priorCovariance, `${fn}: priorCovariance`);
  const Sigma = toMatrix(model.noiseCovariance, `${fn}: noiseCovariance`);
  // z has A's columns as dimensions, x its rows: the prior lives on the first, b and the noise on the second
  const [Z, X] = [A.columns, A.rows];
  checkKind(numberArray({ shape: [Z], finite: true, what: `an array of ${Z} finite numbers (the columns of A)` }), model.priorMean, 'priorMean', fn);
  checkKind(matrix({ rows: Z, columns: Z }), model.priorCovariance, 'priorCovariance', fn);
  checkKind(numberArray({ shape: [X], finite: true, what: `an array of ${X} finite numbers (the rows of A)` }), model.b, 'b', fn);
  checkKind(matrix({ rows: X, columns: X }), model.noiseCovariance, 'noiseCovariance', fn);
  return { A, S, Sigma, m: Matrix.columnVector(model.priorMean), b: Matrix.columnVector(model.b) };
}

/**
 * p(x) = N(Am + b, Σ + ASAᵀ).
 *
 * For z ~ N(m, S) and x | z ~ N(Az + b, Σ) (Bishop 2.115; PPCA is the case m = 0, S = I, D05).
 *
 * @example
 * ```ts
 * ll.models.linearGaussianMarginal({ priorMean: [0], priorCovariance: [[1]], A: [[1], [1]], b: [0, 0], noiseCovariance: [[0.5, 0], [0, 0.5]] });
 * ```
 */
export function linearGaussianMarginal(model: LinearGaussian): { mean: number[]; covariance: number[][] } {
  MARGINAL.check(arguments);
  const { A, S, Sigma, m, b } = parts(model, 'linearGaussianMarginal');
  return { mean: A.mmul(m).add(b).getColumn(0), covariance: Sigma.clone().add(A.mmul(S).mmul(A.transpose())).to2DArray() };
}

/**
 * p(z | x) = N(P(AᵀΣ⁻¹(x − b) + S⁻¹m), P), P = (S⁻¹ + AᵀΣ⁻¹A)⁻¹.
 *
 * (Bishop 2.116–2.117; PPCA's posterior D06 is the case A = W, see docs/derivations.md#d06.)
 *
 * @example
 * ```ts
 * ll.models.linearGaussianPosterior(model, [1, 0.5]);   // { mean, covariance } of p(z | x)
 * ```
 */
export function linearGaussianPosterior(model: LinearGaussian, x: number[]): { mean: number[]; covariance: number[][] } {
  POSTERIOR.check(arguments);
  const { A, S, Sigma, m, b } = parts(model, 'linearGaussianPosterior');
  checkKind(numberArray({ shape: [A.rows], what: `an array of ${A.rows} numbers (the rows of A)` }), x, 'x', 'linearGaussianPosterior');
  const SigInv = inv(Sigma), Sinv = inv(S);
  const P = inv(Sinv.clone().add(A.transpose().mmul(SigInv).mmul(A)));
  const rhs = A.transpose().mmul(SigInv).mmul(Matrix.columnVector(x).sub(b)).add(Sinv.mmul(m));
  return { mean: P.mmul(rhs).getColumn(0), covariance: P.to2DArray() };
}
