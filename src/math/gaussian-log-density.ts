// Gaussian log-densities in float64, for derivation lines and references: the instructor writes
// `ll.math.logGaussian(x, mu, sigma)` instead of a hand-typed −½[log 2π + …] in every notebook.
// Plain numbers in, a number out; the tensor distributions (ll.Normal, ll.MultivariateNormal) are float32.
import { Matrix } from 'ml-matrix';
import { MatrixLike, cholesky } from './linalg64';

const LOG_2PI = Math.log(2 * Math.PI);

function vector(v: ArrayLike<number>, fn: string, arg: string): number[] {
  if (v === null || typeof v !== 'object' || typeof v.length !== 'number') throw new Error(`${fn}: ${arg} must be a vector of numbers, got ${v === null ? 'null' : typeof v}`);
  const a = Array.from(v);
  const bad = a.findIndex((x) => typeof x !== 'number' || !Number.isFinite(x));
  if (bad >= 0) throw new Error(`${fn}: ${arg} must have finite entries, got ${a[bad]} at [${bad}]`);
  if (a.length === 0) throw new Error(`${fn}: ${arg} is empty`);
  return a;
}

function sameLength(x: number[], other: number[], fn: string, arg: string): void {
  if (other.length !== x.length) throw new Error(`${fn}: ${arg} has ${other.length} entries, x has ${x.length}`);
}

function finite(v: number, fn: string, arg: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${fn}: ${arg} must be a finite number, got ${v}`);
}

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
  finite(x, 'logGaussian', 'x');
  finite(mean, 'logGaussian', 'mean');
  finite(sd, 'logGaussian', 'sd');
  if (!(sd > 0)) throw new Error(`logGaussian: sd must be positive, got ${sd}`);
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
  const fn = 'logGaussianDiagonal';
  const xs = vector(x, fn, 'x'), m = vector(mean, fn, 'mean'), s = vector(sd, fn, 'sd');
  sameLength(xs, m, fn, 'mean');
  sameLength(xs, s, fn, 'sd');
  let sum = -0.5 * xs.length * LOG_2PI;
  for (let i = 0; i < xs.length; i++) {
    if (!(s[i] > 0)) throw new Error(`${fn}: sd must be positive, got ${s[i]} at [${i}]`);
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
  const fn = 'logGaussianIsotropic';
  const xs = vector(x, fn, 'x'), m = vector(mean, fn, 'mean');
  sameLength(xs, m, fn, 'mean');
  finite(sd, fn, 'sd');
  if (!(sd > 0)) throw new Error(`${fn}: sd must be positive, got ${sd}`);
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
  const xs = vector(x, fn, 'x'), m = vector(mean, fn, 'mean');
  sameLength(xs, m, fn, 'mean');
  const L: Matrix = cholesky(covariance, `${fn}: covariance`);
  if (L.rows !== xs.length) throw new Error(`${fn}: covariance is ${L.rows}×${L.columns}, x has ${xs.length} entries`);
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
