// Probabilistic PCA (lecture 001) in float64: z ~ N(0, I_M), x | z ~ N(Wz + μ, σ²I_D).
//   p(x) = N(x; μ, C), C = WWᵀ + σ²I                                               (D05)
//   p(z | x) = N(M⁻¹Wᵀ(x − μ), σ²M⁻¹), M = WᵀW + σ²I                                 (D06)
//   C⁻¹ = σ⁻²(I − W M⁻¹ Wᵀ),  log|C| = (D − M) log σ² + log|M|   (only M×M work)   (D07)
//   W_ML = U_M (L_M − σ²I)^{1/2} R,  σ²_ML = mean of the D − M smallest eigenvalues of S   (D08)
//   log p(X) = −ND/2 ln 2π − N/2 ln|C| − ½ Σ_n (x_n − μ)ᵀ C⁻¹ (x_n − μ)              (D09)
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import { Matrix, MatrixLike, inv, logDetSPD, meanAndCovariance, symmetricEigen, toMatrix } from '../../math/linalg64';
import { MultivariateNormal } from '../../distributions/mvn';
import { LogJoint } from '../../inference/bounds';
import { anything, arrayOf, contract, count, matrix, num, optional, options as optionsKind, positive, rngKind, where } from '../../validation/contract';

// M latent dimensions below the data's D (X's width); an X that is not a matrix is named by its own check
const widthOfX = (c: { args: Readonly<Record<string, unknown>> }) => { const X = c.args.X; return Array.isArray(X) && Array.isArray(X[0]) ? X[0].length : NaN; };
const LATENT = where(count({ max: 1e4 }), (c) => `be an integer in [1, ${widthOfX(c) - 1}]`, (M: number, c) => !(widthOfX(c) >= 0) || M < widthOfX(c));

// the boundary of PPCA's public methods: points are arrays of finite numbers of the model's D (x) or M (z), read
// from the receiver; W is D × M with M ≤ D and mu has one entry per row of W
const POINT = arrayOf(num(), { minLength: 1 });
const rowsOf = (W: unknown) => (Array.isArray(W) ? W.length : (W as { rows?: number } | undefined)?.rows ?? NaN);
const columnsOf = (W: unknown) => (Array.isArray(W) ? (W[0] as unknown[] | undefined)?.length ?? NaN : (W as { columns?: number } | undefined)?.columns ?? NaN);
const lengthOf = (x: unknown) => `got length ${(x as unknown[]).length}`;
const OF_D = where(POINT, (c) => `have the model's D = ${c.self.D} entries`, (x: number[], c) => !c.self || x.length === c.self.D || lengthOf(x));
const OF_M = where(POINT, (c) => `have the model's M = ${c.self.M} entries`, (z: number[], c) => !c.self || z.length === c.self.M || lengthOf(z));
const POINTS = arrayOf(POINT, { minLength: 1 });
const ROWS_OF_D = arrayOf(OF_D, { minLength: 1 });
const LOADINGS = where(matrix({ what: 'a D × M matrix (number[][] or a Matrix)' }), 'have M ≤ D (at most as many columns as rows)',
  (W) => columnsOf(W) <= rowsOf(W) || `got ${rowsOf(W)}×${columnsOf(W)}`);
const MEAN = where(POINT, (c) => `have one entry per row of W (D = ${rowsOf(c.args.W)})`, (mu: number[], c) => mu.length === rowsOf(c.args.W) || lengthOf(mu));
const PC = {
  ctor: contract('PPCA', { W: LOADINGS, mu: MEAN, sigma2: positive() }),
  logMarginal: contract('PPCA.logMarginal', { x: OF_D }),
  logMarginalDirect: contract('PPCA.logMarginalDirect', { x: OF_D }),
  logLikelihood: contract('PPCA.logLikelihood', { X: ROWS_OF_D }),
  posterior: contract('PPCA.posterior', { x: OF_D }),
  logJoint64: contract('PPCA.logJoint64', { x: OF_D, z: OF_M }),
  posteriorDistribution: contract('PPCA.posteriorDistribution', { x: OF_D }),
  sample: contract('PPCA.sample', { rng: rngKind(), n: count({ entriesEach: 64 }) }),
  fitML: contract('PPCA.fitML', { X: POINTS, M: LATENT, R: optional(anything('an M × M rotation')) }),
  fitEM: contract('PPCA.fitEM', { rng: rngKind(), X: POINTS, M: LATENT, options: optional(optionsKind({ iterations: count({ max: 1e7 }), tolerance: num({ min: 0 }) })) }),
};

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * Probabilistic PCA (lecture 001), a linear-Gaussian latent variable model, computed in float64:
 *
 *     z ~ N(0, I_M),    x | z ~ N(Wz + μ, σ² I_D)
 *     p(x) = N(x; μ, C),  C = WWᵀ + σ²I                                  (D05)
 *     p(z|x) = N(M⁻¹Wᵀ(x − μ), σ²M⁻¹),  M = WᵀW + σ²I                    (D06)
 *     C⁻¹ = σ⁻²(I − W M⁻¹ Wᵀ),  log|C| = (D − M) log σ² + log|M|         (D07)
 *     log p(X) = −(ND/2) log 2π − (N/2) log|C| − ½ Σ_n (x_n − μ)ᵀ C⁻¹ (x_n − μ)   (D09)
 *
 * Every posterior and marginal is exact, which makes PPCA the test bed of the course's bounds and
 * estimators (importance sampling D11/D13, the ELBO's gap D15, IWAE D26); see docs/derivations.md#d05.
 * `PPCA.fitML` is the closed-form maximum likelihood (D08), `PPCA.fitEM` the EM algorithm.
 *
 * Shapes: W is D×M (M ≤ D), μ has length D; points are number[] of length D, latents of length M.
 *
 * As tensors, for the bounds of ll.infer: x [B, D], z [K, B, M] → logJoint() gives [K, B].
 *
 * @example
 * ```ts
 * const model = new ll.PPCA([[1, 0], [0, 1], [1, 1]], [0, 0, 0], 0.1);   // D = 3, M = 2
 * const { x } = model.sample(ll.rng(0), 500);                           // x: 500 points in R³
 * model.logLikelihood(x);                                                // log p(X), D09
 * model.posterior(x[0]);                                                 // { mean, covariance } of p(z|x), D06
 * ll.PPCA.fitML(x, 2).sigma2;                                            // ≈ 0.1 (D08)
 * ```
 */
export class PPCA {
  readonly W: Matrix;
  readonly mu: number[];
  readonly sigma2: number;

  /**
   * The model with loading matrix W (D×M), mean μ (length D) and noise variance σ² > 0.
   *
   * @param W  the D×M loadings (rows: observed dimensions), a matrix or number[][]
   * @param mu  μ, the data mean
   * @param sigma2  σ², the isotropic noise variance
   */
  constructor(W: MatrixLike, mu: number[], sigma2: number) {
    PC.ctor.check(arguments);
    this.W = toMatrix(W, 'PPCA: W');
    this.mu = mu;
    this.sigma2 = sigma2;
  }

  get D(): number { return this.W.rows; }
  get M(): number { return this.W.columns; }

  /** C = WWᵀ + σ²I (D×D). */
  marginalCovariance(): Matrix {
    return this.W.mmul(this.W.transpose()).add(Matrix.eye(this.D).mul(this.sigma2));
  }

  /** M = WᵀW + σ²I (M×M). */
  mMatrix(): Matrix {
    return this.W.transpose().mmul(this.W).add(Matrix.eye(this.M).mul(this.sigma2));
  }

  /** C⁻¹ through the M×M matrix (D07). */
  precisionViaM(): Matrix {
    const corr = this.W.mmul(inv(this.mMatrix())).mmul(this.W.transpose());
    return Matrix.eye(this.D).sub(corr).div(this.sigma2);
  }

  /** log|C| through the M×M matrix (D07). */
  logDetViaM(): number {
    return (this.D - this.M) * Math.log(this.sigma2) + logDetSPD(this.mMatrix(), 'M');
  }

  /** log p(x) with C⁻¹ and log|C| from the M×M matrix (D05, D07). */
  logMarginal(x: number[]): number {
    PC.logMarginal.check(arguments, undefined, this);
    return this.logLikelihood([x]);
  }

  /** log p(x) with a direct D×D inverse and determinant: the reference for logMarginal. */
  logMarginalDirect(x: number[]): number {
    PC.logMarginalDirect.check(arguments, undefined, this);
    const C = this.marginalCovariance();
    const d = Matrix.columnVector(x.map((v, i) => v - this.mu[i]));
    const quad = d.transpose().mmul(inv(C)).mmul(d).get(0, 0);
    return -0.5 * (this.D * LOG_2PI + logDetSPD(C, 'C') + quad);
  }

  /** log p(X) = Σ_n log p(x_n) in the closed form of D09. */
  logLikelihood(X: number[][]): number {
    PC.logLikelihood.check(arguments, undefined, this);
    const P = this.precisionViaM();
    const logDet = this.logDetViaM();
    let quad = 0;
    for (const x of X) {
      const d = Matrix.columnVector(x.map((v, i) => v - this.mu[i]));
      quad += d.transpose().mmul(P).mmul(d).get(0, 0);
    }
    const N = X.length;
    return -0.5 * N * this.D * LOG_2PI - 0.5 * N * logDet - 0.5 * quad;
  }

  /** p(z | x) = N(M⁻¹Wᵀ(x − μ), σ²M⁻¹) (D06). */
  posterior(x: number[]): { mean: number[]; covariance: number[][] } {
    PC.posterior.check(arguments, undefined, this);
    const Minv = inv(this.mMatrix());
    const d = Matrix.columnVector(x.map((v, i) => v - this.mu[i]));
    return { mean: Minv.mmul(this.W.transpose()).mmul(d).getColumn(0), covariance: Minv.mul(this.sigma2).to2DArray() };
  }

  /** log p(x, z) = log N(z; 0, I) + log N(x; Wz + μ, σ²I), float64. */
  logJoint64(x: number[], z: number[]): number {
    PC.logJoint64.check(arguments, undefined, this);
    const wz = this.W.mmul(Matrix.columnVector(z)).getColumn(0);
    let sx = 0;
    for (let i = 0; i < this.D; i++) sx += (x[i] - wz[i] - this.mu[i]) ** 2;
    const sz = z.reduce((s, v) => s + v * v, 0);
    return -0.5 * sz - 0.5 * this.M * LOG_2PI - 0.5 * sx / this.sigma2 - 0.5 * this.D * Math.log(2 * Math.PI * this.sigma2);
  }

  /** log p(x, z) as a tensor function for the bounds: x [B, D], z [K, B, M] → [K, B]. */
  logJoint(): LogJoint {
    // W and μ stay float64 arrays and become tensors inside each call's tidy: a closure that held tensors
    // could never free them (the caller has no handle), so every logJoint() call would leak two.
    const W = this.W.transpose().to2DArray(), muValues = this.mu;
    const { D, M, sigma2 } = this;
    return (x, z) => tf.tidy(() => {
      const Wt = tf.tensor2d(W), mu = tf.tensor1d(muValues);
      const lead = z.shape.slice(0, -1);
      const mean = tf.add(tf.reshape(tf.matMul(tf.reshape(z, [-1, M]), Wt), [...lead, D]), mu);
      const lx = tf.sub(tf.mul(tf.sum(tf.square(tf.sub(x, mean)), -1), -0.5 / sigma2), 0.5 * D * Math.log(2 * Math.PI * sigma2));
      const lz = tf.sub(tf.mul(tf.sum(tf.square(z), -1), -0.5), 0.5 * M * LOG_2PI);
      return tf.add(lx, lz);
    });
  }

  /** The exact posterior p(z | x) as a distribution (batch [], event [M]). */
  posteriorDistribution(x: number[]): MultivariateNormal {
    PC.posteriorDistribution.check(arguments, undefined, this);
    const p = this.posterior(x);
    return new MultivariateNormal({ loc: p.mean, covariance: p.covariance });
  }

  /** Ancestral samples: z [n, M] from N(0, I), x [n, D] from N(Wz + μ, σ²I). float64 arrays. */
  sample(rng: Rng, n: number): { z: number[][]; x: number[][] } {
    PC.sample.check(arguments);
    const sd = Math.sqrt(this.sigma2);
    const z = Array.from({ length: n }, () => Array.from(rng.normalArray(this.M)));
    const x = z.map((zi) => {
      const wz = this.W.mmul(Matrix.columnVector(zi)).getColumn(0);
      return wz.map((v, i) => v + this.mu[i] + sd * rng.nextNormal());
    });
    return { z, x };
  }

  /**
   * Closed-form maximum likelihood (D08): μ = x̄, σ² = mean of the D − M smallest eigenvalues of S,
   * W = U_M (L_M − σ²I)^{1/2} R for any rotation R (identity by default).
   */
  static fitML(X: number[][], M: number, R?: MatrixLike): PPCA {
    PC.fitML.check(arguments);
    const Xm = toMatrix(X, 'PPCA.fitML: X');
    const D = Xm.columns;
    const { mean, cov } = meanAndCovariance(Xm, 'X');
    const { values, vectors } = symmetricEigen(cov, 'S');
    const sigma2 = values.slice(M).reduce((a, b) => a + b, 0) / (D - M);
    const U = vectors.subMatrix(0, D - 1, 0, M - 1);
    const scale = Matrix.diag(values.slice(0, M).map((l) => Math.sqrt(Math.max(l - sigma2, 0))));
    let W = U.mmul(scale);
    if (R !== undefined) W = W.mmul(toMatrix(R, 'PPCA.fitML: R'));
    return new PPCA(W, mean, sigma2);
  }

  /**
   * EM for PPCA (Tipping & Bishop): E-step E[z_n] = M⁻¹Wᵀ(x_n − μ), E[z_n z_nᵀ] = σ²M⁻¹ + E[z_n]E[z_n]ᵀ;
   * M-step W = [Σ (x_n−μ)E[z_n]ᵀ][Σ E[z_n z_nᵀ]]⁻¹, σ² = (1/ND) Σ [‖x_n−μ‖² − 2E[z_n]ᵀWᵀ(x_n−μ) + tr(E[z_n z_nᵀ]WᵀW)].
   * Returns the model and the log-likelihood before each iteration and at the end (non-decreasing).
   */
  static fitEM(rng: Rng, X: number[][], M: number, options: { iterations?: number; tolerance?: number } = {}): { model: PPCA; logLikelihoods: number[] } {
    PC.fitEM.check(arguments);
    const Xm = toMatrix(X, 'PPCA.fitEM: X');
    const N = Xm.rows, D = Xm.columns;
    const { mean } = meanAndCovariance(Xm, 'X');
    const Xc = Xm.clone().subRowVector(mean);
    let W = new Matrix([...Array(D)].map(() => Array.from(rng.normalArray(M))));
    let sigma2 = 1;
    let model = new PPCA(W, mean, sigma2);
    const lls = [model.logLikelihood(X)];
    const iterations = options.iterations ?? 500, tol = options.tolerance ?? 1e-9;
    for (let it = 0; it < iterations; it++) {
      const Minv = inv(model.mMatrix());
      const Ez = Xc.mmul(W).mmul(Minv);                          // N×M, rows E[z_n]ᵀ
      const sumEzz = Minv.mul(sigma2 * N).add(Ez.transpose().mmul(Ez)); // Σ_n E[z_n z_nᵀ]
      const Wnew = Xc.transpose().mmul(Ez).mmul(inv(sumEzz));
      const trXX = Xc.clone().pow(2).sum();
      const cross = Ez.mmul(Wnew.transpose()).clone().mul(Xc).sum();
      const tr = sumEzz.mmul(Wnew.transpose().mmul(Wnew)).trace();
      sigma2 = (trXX - 2 * cross + tr) / (N * D);
      W = Wnew;
      model = new PPCA(W, mean, sigma2);
      lls.push(model.logLikelihood(X));
      if (Math.abs(lls[lls.length - 1] - lls[lls.length - 2]) < tol * Math.abs(lls[lls.length - 1])) break;
    }
    return { model, logLikelihoods: lls };
  }
}
