// ICA as a linear flow (lecture 000; D37): x = A z with independent sources z_i ~ p, so with W = A⁻¹
//   log p(x) = Σ_i log p(z_i) − log|det A| = Σ_i log p((W x)_i) + log|det W|.
// A Gaussian prior cannot identify A: for any rotation R, W and RW give the same likelihood.
// Heavy-tailed priors (logistic, Cauchy) break that symmetry, so A is identified up to order and scale; for
// light-tailed (sub-Gaussian) sources such as a square wave or a sawtooth the prior must be light-tailed too
// (bimodal: ½N(−1, 1) + ½N(1, 1)), since maximum likelihood is stable only when the prior's tails match the source's.
import { Matrix, MatrixLike, toMatrix } from '../../math/linalg64';
import { arrayOf, checkKind, matrix, num, oneOf, str, where } from '../../validation/contract';

// a mean over no points is NaN: at least one, each a finite point
const POINTS = arrayOf(arrayOf(num()), { minLength: 1 });
// W maps a point x [D] to sources [D]: square, with the width of every x
const UNMIXING = matrix({ square: true });
const widthOf = (c: { args: Readonly<Record<string, unknown>> }) => { const w = c.args.unmixing as number[][] | { columns: number }; return Array.isArray(w) ? w[0].length : w.columns; };
const POINTS_FOR_W = where(POINTS, (c) => `have ${widthOf(c)} entries in every row (the unmixing matrix's width)`, (X: number[][], c) => {
  const i = X.findIndex((x) => x.length !== widthOf(c));
  return i < 0 || `got ${X[i].length} in row ${i}`;
});
const ONE_PRIOR = { ...str(['gaussian', 'logistic', 'cauchy', 'bimodal']), expected: "'gaussian', 'logistic', 'cauchy' or 'bimodal'" };
// one prior for every source, or one per source (as many as W has rows)
const PRIOR = where(oneOf(ONE_PRIOR, arrayOf(ONE_PRIOR, { minLength: 1 })), (c) => `be one prior for every source or one per source (${widthOf(c)})`,
  (v: string | string[], c) => !Array.isArray(v) || v.length === widthOf(c) || `got ${v.length}`);

/** A source's prior density: Gaussian, the heavy-tailed logistic and Cauchy, or the light-tailed bimodal ½N(−1, 1) + ½N(1, 1). */
export type IcaPrior = 'gaussian' | 'logistic' | 'cauchy' | 'bimodal';

/** log p(z) of each source prior (shared with fitICA). */
export const LOG_PRIORS: Record<IcaPrior, (z: number) => number> = {
  gaussian: (z) => -0.5 * z * z - 0.5 * Math.log(2 * Math.PI),
  logistic: (z) => -Math.abs(z) - 2 * Math.log1p(Math.exp(-Math.abs(z))),
  cauchy: (z) => -Math.log(Math.PI) - Math.log1p(z * z),
  // ½N(z; −1, 1) + ½N(z; 1, 1) = N(z; 0, 1) e^{−1/2} cosh z, with log cosh z = |z| + log(1 + e^{−2|z|}) − log 2
  bimodal: (z) => -0.5 * z * z - 0.5 * Math.log(2 * Math.PI) - 0.5 + Math.abs(z) + Math.log1p(Math.exp(-2 * Math.abs(z))) - Math.LN2,
};

/** log|det W| from the LU decomposition with partial pivoting, in float64 (−∞ for a singular W). */
export function logAbsDet(W: Matrix): number {
  // |det W| from the LU decomposition, in float64
  const n = W.rows;
  const a = W.to2DArray();
  let logDet = 0;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(a[i][k]) > Math.abs(a[p][k])) p = i;
    if (a[p][k] === 0) return -Infinity;
    [a[k], a[p]] = [a[p], a[k]];
    logDet += Math.log(Math.abs(a[k][k]));
    for (let i = k + 1; i < n; i++) {
      const f = a[i][k] / a[k][k];
      for (let j = k; j < n; j++) a[i][j] -= f * a[k][j];
    }
  }
  return logDet;
}

/**
 * Mean log-likelihood (1/N) Σ_n [Σ_i log p_i((W x_n)_i) + log|det W|] of the rows of X under unmixing W, with one
 * prior for every source or one per source (`prior` an array, entry i for source i).
 *
 * (D37, see docs/derivations.md#d37: a Gaussian prior gives the same value for W and RW, any rotation R.)
 *
 * @example
 * ```ts
 * ll.models.icaLogLikelihood(X, ll.models.rotation2d(0.3), 'logistic');
 * ```
 */
export function icaLogLikelihood(X: number[][], unmixing: MatrixLike, prior: IcaPrior | IcaPrior[]): number {
  checkKind(POINTS, X, 'X', 'icaLogLikelihood');
  checkKind(UNMIXING, unmixing, 'unmixing', 'icaLogLikelihood');
  const W = toMatrix(unmixing, 'icaLogLikelihood: unmixing');
  checkKind(POINTS_FOR_W, X, 'X', 'icaLogLikelihood', { args: { unmixing } });
  checkKind(PRIOR, prior, 'prior', 'icaLogLikelihood', { args: { unmixing } });
  const lp = Array.from({ length: W.rows }, (_, i) => LOG_PRIORS[Array.isArray(prior) ? prior[i] : prior]);
  const Z = new Matrix(X).mmul(W.transpose());
  let s = 0;
  for (let n = 0; n < Z.rows; n++) for (let i = 0; i < Z.columns; i++) s += lp[i](Z.get(n, i));
  return s / X.length + logAbsDet(W);
}

/** A 2-D rotation by angle θ. */
export function rotation2d(theta: number): number[][] {
  return [[Math.cos(theta), -Math.sin(theta)], [Math.sin(theta), Math.cos(theta)]];
}
