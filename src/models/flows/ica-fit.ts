// Maximum-likelihood ICA fitted by the natural gradient (Amari, Cichocki & Yang 1996; lecture 000):
// the model of icaLogLikelihood (D37), x = A s with independent non-Gaussian sources, W = A⁻¹, and
//   ℓ(W) = (1/N) Σ_n [Σ_i log p((W x_n)_i)] + log|det W|.
// Its Euclidean gradient is ∂ℓ/∂W = (I − E[φ(y) yᵀ]) W⁻ᵀ with y = W x and φ = −(log p)′; multiplying by
// WᵀW (the natural gradient on the group of invertible matrices) removes the inverse:
//   W ← W + η (I − E[φ(y) yᵀ]) W.
// The data are centred and whitened first (x̃ = V (x − m), cov x̃ = I), which leaves only a rotation
// to find and makes one step size fit every scale; the unmixing of the raw data is W V.
import { Matrix, inv, meanAndCovariance, symmetricEigen } from '../../math/linalg64';
import { Rng } from '../../random/rng';
import { anything, arrayOf, checkKind, contract, count, num, optional, options, rngKind, str, where } from '../../validation/contract';
import { IcaPrior, LOG_PRIORS, logAbsDet } from './ica';

/** φ = −(log p)′ of each fitting prior: the "score" the natural gradient pulls against. */
const SCORES: Record<Exclude<IcaPrior, 'gaussian'>, (y: number) => number> = {
  logistic: (y) => Math.tanh(y / 2),
  cauchy: (y) => (2 * y) / (1 + y * y),
  bimodal: (y) => y - Math.tanh(y),
};

/** fitICA's prior: one for every source, or 'adaptive' (logistic or bimodal per source, by the sign of its kurtosis). */
export type IcaFitPrior = Exclude<IcaPrior, 'gaussian'> | 'adaptive';

/** Excess kurtosis E[y⁴]/E[y²]² − 3 of column i of Y (0 for a Gaussian; > 0 heavy tails, < 0 light tails). */
function excessKurtosis(Y: Matrix, i: number): number {
  let m = 0, m2 = 0, m4 = 0;
  for (let n = 0; n < Y.rows; n++) m += Y.get(n, i) / Y.rows;
  for (let n = 0; n < Y.rows; n++) { const c = Y.get(n, i) - m; m2 += (c * c) / Y.rows; m4 += (c * c * c * c) / Y.rows; }
  return m4 / (m2 * m2) - 3;
}

/** A fitted ICA model. */
export interface IcaFit {
  /** W V: the unmixing of the raw (uncentred) data, [D, D]; sources are unmixing · (x − mean) */
  unmixing: number[][];
  /** its inverse, the estimated mixing matrix A (columns up to order and scale) */
  mixing: number[][];
  /** the data's mean, [D] */
  mean: number[];
  /** the mean log-likelihood ℓ(W V) of the centred data after each step (steps + 1 values, the first before any step), under that step's priors */
  logLikelihoods: number[];
  /** the prior of each recovered source at the last step (all the same unless the prior was 'adaptive') */
  priors: IcaPrior[];
  /** the estimated sources of the rows of X: unmixing · (x − mean), [N, D] */
  sources(X: number[][]): number[][];
}

const FIT = contract('fitICA', {
  rng: rngKind(),
  // rows of one length D, more of them than D (a D × D covariance from N ≤ D points is singular)
  X: where(where(arrayOf(arrayOf(num(), { minLength: 1, maxLength: 64 }), { minLength: 2 }), 'have rows of one length', (X: number[][]) => {
    const i = X.findIndex((x) => x.length !== X[0].length);
    return i < 0 || `got row 0 with ${X[0].length} entries, row ${i} with ${X[i].length}`;
  }), 'have more rows than columns, to estimate a D × D covariance', (X: number[][]) => X.length > X[0].length || `got ${X.length} rows of ${X[0].length}`),
  options: optional(options({
    prior: str(['logistic', 'cauchy', 'bimodal', 'adaptive']),
    steps: count({ min: 1, max: 100_000 }),
    learningRate: num({ above: 0, max: 2 }),
  })),
});

/**
 * Fits maximum-likelihood ICA to the rows of X by the natural gradient (step size `learningRate`, 0.3;
 * `steps`, 200), from a random rotation drawn with `rng`:
 *
 *   W ← W + η (I − (1/N) Σ_n φ(y_n) y_nᵀ) W,   y_n = W x̃_n,   φ = −(log p)′
 *
 * on the centred, whitened data x̃ (D37: the likelihood is icaLogLikelihood's). The prior is the
 * sources' assumed density: 'logistic' (φ(y) = tanh(y/2), default) or 'cauchy' (φ(y) = 2y/(1 + y²)),
 * both heavier-tailed than a Gaussian, which suits super-Gaussian sources (speech, image filters);
 * 'bimodal' (½N(−1, 1) + ½N(1, 1), φ(y) = y − tanh y), lighter-tailed, for sub-Gaussian ones (a square
 * wave, a sawtooth); or 'adaptive': at every step each recovered source gets the logistic prior if its
 * excess kurtosis is positive and the bimodal one if not (the idea of extended infomax, Lee, Girolami &
 * Sejnowski 1999) — a fixed prior whose tails do not match a source's makes that source's fixed point
 * unstable. With Gaussian sources the likelihood is the same for every rotation, so no fit can find A
 * (see `amariDistance`). See docs/derivations.md#d37.
 *
 * Shapes: X is N rows of D numbers (D ≤ 64); unmixing and mixing are [D, D].
 *
 * @example
 * ```ts
 * const fit = ll.models.fitICA(ll.rng(0), X, { steps: 200 });
 * ll.evaluation.amariDistance(fit.unmixing, A);   // ≈ 0 when A is found up to order and scale
 * ```
 */
export function fitICA(rng: Rng, X: number[][], opts: { prior?: IcaFitPrior; steps?: number; learningRate?: number } = {}): IcaFit {
  FIT.check(arguments);
  const D = X[0].length;
  const prior = opts.prior ?? 'logistic';
  const steps = opts.steps ?? 200;
  const eta = opts.learningRate ?? 0.3;
  const chosen = (Y: Matrix): Exclude<IcaPrior, 'gaussian'>[] => Array.from({ length: D }, (_, i) =>
    (prior !== 'adaptive' ? prior : excessKurtosis(Y, i) > 0 ? 'logistic' : 'bimodal'));
  let priors: Exclude<IcaPrior, 'gaussian'>[] = [];

  const { mean, cov } = meanAndCovariance(X, 'fitICA: X');
  const { values, vectors } = symmetricEigen(cov, 'fitICA: covariance of X');
  const smallest = Math.min(...values), largest = Math.max(...values);
  if (smallest <= 1e-12 * largest) {
    checkKind(where(anything(), 'have variance in every direction (not be rank-deficient): otherwise no unmixing is identifiable',
      () => `got covariance eigenvalues from ${smallest.toPrecision(3)} to ${largest.toPrecision(3)}`), X, 'X', 'fitICA');
  }
  // V = Λ^{-1/2} Eᵀ (PCA whitening).
  const V = Matrix.diag(values.map((l) => 1 / Math.sqrt(l))).mmul(vectors.transpose());
  const centred = new Matrix(X.map((x) => x.map((v, i) => v - mean[i])));
  const white = centred.mmul(V.transpose()); // [N, D]
  const N = X.length;

  // A random rotation: Gram–Schmidt of a Gaussian matrix (Haar-distributed up to signs).
  let W = randomRotation(rng, D);
  const logDetV = -0.5 * values.reduce((s, l) => s + Math.log(l), 0);
  // ℓ(W V) from the step's own y = W x̃ (the same value as icaLogLikelihood(centred, W V, prior)).
  const meanLogLik = (Y: Matrix, Wt: Matrix) => {
    let s = 0;
    for (let n = 0; n < N; n++) for (let i = 0; i < D; i++) s += LOG_PRIORS[priors[i]](Y.get(n, i));
    return s / N + logAbsDet(Wt) + logDetV;
  };
  const trace: number[] = [];
  for (let t = 0; t <= steps; t++) {
    const Y = white.mmul(W.transpose()); // [N, D]
    priors = chosen(Y);
    trace.push(meanLogLik(Y, W));
    if (!Number.isFinite(trace[t])) {
      throw new Error(`fitICA: the fit diverged at step ${t} (log-likelihood ${trace[t]}); use a smaller learningRate than ${eta}`);
    }
    if (t === steps) break;
    const G = Matrix.eye(D);
    for (let i = 0; i < D; i++) {
      const phi = SCORES[priors[i]];
      for (let j = 0; j < D; j++) {
        let s = 0;
        for (let n = 0; n < N; n++) s += phi(Y.get(n, i)) * Y.get(n, j);
        G.set(i, j, G.get(i, j) - s / N);
      }
    }
    W = W.add(G.mmul(W).mul(eta));
  }
  const unmixing = W.mmul(V);
  return {
    unmixing: unmixing.to2DArray(),
    mixing: inv(unmixing, 'fitICA: unmixing').to2DArray(),
    mean,
    logLikelihoods: trace,
    priors: priors.slice(),
    sources(Xs: number[][]) {
      return new Matrix(Xs.map((x) => x.map((v, i) => v - mean[i]))).mmul(unmixing.transpose()).to2DArray();
    },
  };
}

function randomRotation(rng: Rng, D: number): Matrix {
  const Q: number[][] = [];
  for (let i = 0; i < D; i++) {
    let v = Array.from({ length: D }, () => rng.nextNormal());
    for (const q of Q) {
      const d = v.reduce((s, x, k) => s + x * q[k], 0);
      v = v.map((x, k) => x - d * q[k]);
    }
    const norm = Math.hypot(...v);
    Q.push(v.map((x) => x / norm));
  }
  return new Matrix(Q);
}
