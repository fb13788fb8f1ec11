// The Fréchet distance between Gaussians, the formula behind FID (lecture 003; D47):
//   d² = ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2(Σ₁Σ₂)^{1/2}),
// computed in float64 as Tr(Σ₁ + Σ₂) − 2 Tr((Σ₁^{1/2} Σ₂ Σ₁^{1/2})^{1/2}) (the same trace, symmetric form).
import { Matrix, MatrixLike, symmetricEigen, toMatrix } from '../math/linalg64';
import { contract, matrix, numberArray } from '../validation/contract';

// mu1 binds d, the dimension; both covariances are d × d and mu2 has d entries
const MEAN = numberArray({ shape: ['d'], min: [1], finite: true, what: 'a non-empty array of finite numbers' }), COV = matrix({ rows: 'd', columns: 'd', what: 'a d × d covariance matrix' });
const FRECHET = contract('frechetDistance', { mu1: MEAN, cov1: COV, mu2: numberArray({ depth: 1, like: 'mu1', finite: true, what: 'an array of finite numbers' }), cov2: COV });

/** The symmetric square root of a positive semi-definite matrix (eigenvalues clipped at 0). */
export function sqrtmPSD(a: MatrixLike, name = 'sqrtmPSD: matrix'): Matrix {
  const { values, vectors } = symmetricEigen(a, name);
  return vectors.mmul(Matrix.diag(values.map((v) => Math.sqrt(Math.max(v, 0))))).mmul(vectors.transpose());
}

/**
 * The Fréchet distance d² between N(mu1, cov1) and N(mu2, cov2) (D47); all four must share one dimension.
 *
 *     d² = ‖μ₁ − μ₂‖² + tr(Σ₁ + Σ₂ − 2(Σ₁Σ₂)^{1/2})   (see docs/derivations.md#d47)
 *
 * The FID is this distance between Gaussians fitted to features of real and generated images.
 *
 * @example
 * ```ts
 * ll.evaluation.frechetDistance([0, 0], [[1, 0], [0, 1]], [1, 0], [[1, 0], [0, 1]]);   // 1
 * ```
 */
export function frechetDistance(mu1: number[], cov1: MatrixLike, mu2: number[], cov2: MatrixLike): number {
  FRECHET.check(arguments);
  const S1 = toMatrix(cov1, 'frechetDistance: cov1'), S2 = toMatrix(cov2, 'frechetDistance: cov2');
  const d = mu1.length;
  const r1 = sqrtmPSD(S1, 'cov1');
  const cross = sqrtmPSD(r1.mmul(S2).mmul(r1), 'Σ₁^{1/2}Σ₂Σ₁^{1/2}');
  const dm = mu1.reduce((s, v, i) => s + (v - mu2[i]) ** 2, 0);
  return dm + S1.trace() + S2.trace() - 2 * cross.trace();
}
