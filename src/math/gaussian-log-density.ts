// Gaussian log-densities in float64, for derivation lines and references: the instructor writes
// `ll.math.logGaussian(x, mu, sigma)` instead of a hand-typed −½[log 2π + …] in every notebook.
// Plain numbers in, a number out; the tensor distributions (ll.Normal, ll.MultivariateNormal) are float32.
import { Matrix } from 'ml-matrix';
import { MatrixLike, cholesky } from './linalg64';
import { contract, matrix, num, numberArray, where } from '../validation/contract';

const LOG_2PI = Math.log(2 * Math.PI);

// x binds d, the dimension; mean, sd and the covariance are related to it
const X = numberArray({ shape: ['d'], min: [1], finite: true, what: 'a non-empty vector of finite numbers' });
const LIKE_X = numberArray({ shape: ['d'], finite: true, what: 'a vector of finite numbers' });
const POSITIVE = { ...num({ above: 0 }), expected: 'positive' };
const POSITIVE_ENTRIES = where(LIKE_X, 'be positive', (s: ArrayLike<number>) => { const i = Array.prototype.findIndex.call(s, (v: number) => !(v > 0)); return i < 0 || `got ${s[i]} at [${i}]`; });
const LOG_GAUSSIAN = contract('logGaussian', { x: num(), mean: num(), sd: POSITIVE });
const DIAGONAL = contract('logGaussianDiagonal', { x: X, mean: LIKE_X, sd: POSITIVE_ENTRIES });
const ISOTROPIC = contract('logGaussianIsotropic', { x: X, mean: LIKE_X, sd: POSITIVE });
const MULTIVARIATE = contract('logGaussianMultivariate', { x: X, mean: LIKE_X, covariance: matrix({ rows: 'd', columns: 'd', what: 'a d × d symmetric positive-definite matrix' }) });

/**
 * log N(x; μ, σ²) of a number, in float64:
 *
 *     log N(x; μ, σ²) = −½ log 2π − log σ − (x − μ)² / (2σ²)
 *
 * σ is the standard deviation (> 0).
 *
 * @example
 *   ll.math.logGaussian(0, 0, 1);   // −0.9189… = −½ log 2π
 *   ll.derivation('…', { setup }).line('\\log\\mathcal N(x;\\mu,\\sigma^2)', ({ x, m, s }) => ll.math.logGaussian(x, m, s))
 */
export function logGaussian(x: number, mean: number, sd: number): number {
  LOG_GAUSSIAN.check(arguments);
  const u = (x - mean) / sd;
  return -0.5 * LOG_2PI - Math.log(sd) - 0.5 * u * u;
}

/**
 * log N(x; μ, diag(σ²)) of a vector x [d], in float64: the sum of d univariate log-densities,
 *
 *     log N(x; μ, diag σ²) = −(d/2) log 2π − Σᵢ log σᵢ − Σᵢ (xᵢ − μᵢ)² / (2σᵢ²)
 *
 * mean [d] and sd [d] (standard deviations, > 0).
 *
 * @example
 *   ll.math.logGaussianDiagonal([0, 1], [0, 0], [1, 2]);   // logGaussian(0,0,1) + logGaussian(1,0,2)
 */
export function logGaussianDiagonal(x: ArrayLike<number>, mean: ArrayLike<number>, sd: ArrayLike<number>): number {
  DIAGONAL.check(arguments);
  const xs = Array.from(x), m = Array.from(mean), s = Array.from(sd);
  let sum = -0.5 * xs.length * LOG_2PI;
  for (let i = 0; i < xs.length; i++) {
    const u = (xs[i] - m[i]) / s[i];
    sum -= Math.log(s[i]) + 0.5 * u * u;
  }
  return sum;
}

/**
 * log N(x; μ, σ²I) of a vector x [d], in float64 (one standard deviation σ > 0 for every entry):
 *
 *     log N(x; μ, σ²I) = −(d/2) log 2πσ² − ‖x − μ‖² / (2σ²)
 *
 * @example
 *   ll.math.logGaussianIsotropic([1, 2], [0, 0], 0.5);   // PPCA's log p(x | z) with μ = Wz + b
 */
export function logGaussianIsotropic(x: ArrayLike<number>, mean: ArrayLike<number>, sd: number): number {
  ISOTROPIC.check(arguments);
  const xs = Array.from(x), m = Array.from(mean);
  let ss = 0;
  for (let i = 0; i < xs.length; i++) ss += (xs[i] - m[i]) ** 2;
  return -0.5 * xs.length * (LOG_2PI + 2 * Math.log(sd)) - ss / (2 * sd * sd);
}

/**
 * log N(x; μ, Σ) of a vector x [d] with a full covariance Σ [d, d] (symmetric positive definite), in
 * float64 through the Cholesky factor Σ = LLᵀ:
 *
 *     log N(x; μ, Σ) = −(d/2) log 2π − ½ log|Σ| − ½ (x − μ)ᵀ Σ⁻¹ (x − μ),   log|Σ| = 2 Σᵢ log Lᵢᵢ
 *
 * Σ as number[][] or ll.math.Matrix; a Σ that is not SPD is an error naming it.
 *
 * @example
 *   ll.math.logGaussianMultivariate([1, 0], [0, 0], [[2, 0.5], [0.5, 1]]);
 *   // PPCA's marginal: logGaussianMultivariate(x, mu, W Wᵀ + σ²I) = model.logMarginal(x)
 */
export function logGaussianMultivariate(x: ArrayLike<number>, mean: ArrayLike<number>, covariance: MatrixLike): number {
  const fn = 'logGaussianMultivariate';
  MULTIVARIATE.check(arguments);
  const xs = Array.from(x), m = Array.from(mean);
  const L: Matrix = cholesky(covariance, `${fn}: covariance`);
  // forward substitution L y = x − μ; the quadratic form is ‖y‖²
  const y = new Array<number>(xs.length);
  let quad = 0, logDet = 0;
  for (let i = 0; i < xs.length; i++) {
    let v = xs[i] - m[i];
    for (let j = 0; j < i; j++) v -= L.get(i, j) * y[j];
    y[i] = v / L.get(i, i);
    quad += y[i] * y[i];
    logDet += 2 * Math.log(L.get(i, i));
  }
  return -0.5 * (xs.length * LOG_2PI + logDet + quad);
}
