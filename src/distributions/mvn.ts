// MultivariateNormal N(μ, Σ) with full covariance. Σ = LLᵀ is factored in float64 (tfjs has no Cholesky).
// log p(x) = −½‖L⁻¹(x−μ)‖² − Σ_i log L_ii − (d/2) log 2π;  H = ½ log|Σ| + (d/2) log(2πe)  (D18).
// loc may carry batch axes [...batch, d]; the covariance is shared. Gradients flow to loc.
import { anything, checkKind, contract, instance, matrix, options as optionsKind, tensor, tensorLike, where } from '../validation/contract';

// loc [...batch, d] binds d; the covariance or scaleTril is d × d
const LOC = where(tensor({ minRank: 1 }), 'have shape [...batch, d] with d ≥ 1', (t: tf.Tensor) => t.size > 0 || `got [${t.shape}]`);
const entry = (m: MatrixLike, i: number, j: number) => (Array.isArray(m) ? m[i][j] : m.get(i, j));
const SCALE_TRIL = (d: number) => where(where(matrix({ rows: d, columns: d }), 'have a positive diagonal', (m: MatrixLike) => {
  for (let i = 0; i < d; i++) if (!(entry(m, i, i) > 0)) return `got ${entry(m, i, i)} at [${i}][${i}]`;
  return true;
}), 'be lower triangular', (m: MatrixLike) => {
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) if (entry(m, i, j) !== 0) return `got ${entry(m, i, j)} at [${i}][${j}]`;
  return true;
});
const MVN = contract('MultivariateNormal', { params: optionsKind({ loc: tensorLike(), covariance: anything('a d × d matrix'), scaleTril: anything('a d × d lower-triangular matrix') }, { required: ['loc'] }) });
import * as tf from '@tensorflow/tfjs-core';
import { distributionBundle } from '../display/rich-values';
import { stopGradient } from '../math/stop-gradient';
import { Rng } from '../random/rng';
import { Matrix, MatrixLike, cholesky, inv, toMatrix } from '../math/linalg64';
import { Distribution, SupportKind, TensorLike, asTensor, broadcastMask, checkValue, orDispose, requireAll, sampleShape } from './distribution';
import { checkKLShapes, registerKL } from './kl';

/**
 * The multivariate normal N(μ, Σ) with a full covariance, factored once as Σ = LLᵀ in float64:
 *
 *     log N(x; μ, Σ) = −½ ‖L⁻¹(x − μ)‖² − Σ_i log L_ii − (d/2) log 2π,    H = ½ log|Σ| + (d/2) log(2πe)
 *
 * (D18, see docs/derivations.md#d18). `rsample` computes μ + Lε, ε ~ N(0, I), so gradients reach μ;
 * `ll.kl` between two of them is the closed form of D17.
 *
 * Shapes: `loc` [...B, d] (batch axes allowed), the covariance [d, d] shared by the batch;
 * `sample(rng, n)` → [n, ...B, d]; `logProb(x)`: [...S, ...B, d] → [...S, ...B].
 *
 * @example
 * ```ts
 * const p = new ll.MultivariateNormal({ loc: [0, 0], covariance: [[1, 0.8], [0.8, 1]] });
 * const x = p.sample(ll.rng(0), 500);   // [500, 2]
 * p.logProb(x);                          // [500]
 * ```
 */
export class MultivariateNormal implements Distribution {
  readonly loc: tf.Tensor;
  readonly batchShape: number[];
  readonly eventShape: number[];
  readonly support: SupportKind = 'continuous';
  /** L with Σ = LLᵀ, float64. */
  readonly scaleTril64!: Matrix;
  readonly covariance64!: Matrix;
  /** log|Σ|. */
  readonly logDet: number;
  private readonly scaleTrilT: tf.Tensor2D;
  private readonly precisionTrilT: tf.Tensor2D;

  /** Give exactly one of covariance Σ and scaleTril L (lower triangular, positive diagonal). */
  constructor(params: { loc: TensorLike; covariance?: MatrixLike; scaleTril?: MatrixLike }) {
    MVN.check(arguments);
    this.loc = asTensor(params.loc, 'MultivariateNormal: loc');
    // the checks (and the float64 factorization) run before any other tensor is made
    orDispose([{ tensor: this.loc, given: params.loc }], () => this.factor(params));
    const d = this.loc.shape[this.loc.rank - 1];
    let logDet = 0;
    for (let i = 0; i < d; i++) logDet += 2 * Math.log(this.scaleTril64.get(i, i));
    this.logDet = logDet;
    this.scaleTrilT = tf.tensor2d(this.scaleTril64.transpose().to2DArray());
    this.precisionTrilT = tf.tensor2d(inv(this.scaleTril64).transpose().to2DArray());
    this.batchShape = this.loc.shape.slice(0, -1);
    this.eventShape = [d];
  }

  /** Checks loc and the covariance (or scaleTril) and sets the float64 factors. */
  private factor(params: { loc: TensorLike; covariance?: MatrixLike; scaleTril?: MatrixLike }): void {
    checkKind(LOC, this.loc, 'loc', 'MultivariateNormal');
    requireAll(this.loc, Number.isFinite, 'MultivariateNormal: loc must be finite');
    const d = this.loc.shape[this.loc.rank - 1];
    if ((params.covariance === undefined) === (params.scaleTril === undefined)) {
      throw new Error('MultivariateNormal: give exactly one of covariance and scaleTril');
    }
    if (params.covariance !== undefined) {
      checkKind(matrix({ rows: d, columns: d }), params.covariance, 'covariance', 'MultivariateNormal');
      const cov = toMatrix(params.covariance, 'MultivariateNormal: covariance');
      (this as { covariance64: Matrix }).covariance64 = cov;
      (this as { scaleTril64: Matrix }).scaleTril64 = cholesky(cov, 'MultivariateNormal: covariance');
    } else {
      checkKind(SCALE_TRIL(d), params.scaleTril, 'scaleTril', 'MultivariateNormal');
      const l = toMatrix(params.scaleTril!, 'MultivariateNormal: scaleTril');
      (this as { scaleTril64: Matrix }).scaleTril64 = l;
      (this as { covariance64: Matrix }).covariance64 = l.mmul(l.transpose());
    }
  }

  get dim(): number {
    return this.eventShape[0];
  }

  /** μ + εLᵀ, ε ~ N(0, I): reparameterized in loc. */
  rsample(rng: Rng, n?: number): tf.Tensor {
    const shape = sampleShape(n, [...this.batchShape, this.dim], 'MultivariateNormal.rsample', rng);
    return tf.tidy(() => tf.add(this.loc, matmulLast(rng.normal(shape), this.scaleTrilT)));
  }

  sample(rng: Rng, n?: number): tf.Tensor {
    sampleShape(n, [], 'MultivariateNormal.sample', rng);
    return tf.tidy(() => stopGradient(this.rsample(rng, n)));
  }

  logProb(x: tf.Tensor): tf.Tensor {
    checkValue(x, this, 'MultivariateNormal.logProb', true);
    return tf.tidy(() => {
      // an infinite coordinate has density 0 (log p = −∞); computed directly, ∞ · 0 in the product gives NaN.
      // The mask uses only ops with gradients (isFinite, cast, min, greaterEqual): tf.any and tf.logicalNot have
      // none, and an op without one anywhere on the path stops training through this density.
      const finite = tf.isFinite(x);
      const xs = tf.where(finite, x, tf.zerosLike(x));
      const y = matmulLast(tf.sub(xs, this.loc), this.precisionTrilT);
      const lp = tf.sub(tf.mul(tf.sum(tf.square(y), -1), -0.5), 0.5 * this.logDet + 0.5 * this.dim * Math.log(2 * Math.PI));
      const allFinite = broadcastMask(tf.greaterEqual(tf.min(tf.cast(finite, 'float32'), -1), 0.5), lp.shape);
      return tf.where(allFinite, lp, tf.fill(lp.shape, -Infinity));
    });
  }

  entropy(): tf.Tensor {
    return tf.fill(this.batchShape, 0.5 * this.logDet + 0.5 * this.dim * Math.log(2 * Math.PI * Math.E));
  }

  /**
   * E[x] = μ, [...batch, d].
   */
  mean(): tf.Tensor {
    return this.loc.clone();
  }

  /** The diagonal of Σ. */
  variance(): tf.Tensor {
    const diag = Array.from({ length: this.dim }, (_, i) => this.covariance64.get(i, i));
    return tf.tidy(() => tf.broadcastTo(tf.tensor1d(diag), [...this.batchShape, this.dim]));
  }

  /** Shows the class, shapes and parameters as a table in the kernel. */
  toMimeBundle() {
    return distributionBundle(this);
  }
}

/** x[..., d] · M[d, k] → [..., k]. */
function matmulLast(x: tf.Tensor, m: tf.Tensor2D): tf.Tensor {
  const lead = x.shape.slice(0, -1);
  const flat = tf.reshape(x, [-1, x.shape[x.rank - 1]]);
  return tf.reshape(tf.matMul(flat, m), [...lead, m.shape[1]]);
}

const KL_MVN = contract('klMvnMvn', { q: instance(MultivariateNormal), p: instance(MultivariateNormal) });

/**
 * KL(N(μq,Σq)‖N(μp,Σp)) = ½[tr(Σp⁻¹Σq) + (μp−μq)ᵀΣp⁻¹(μp−μq) − d + log|Σp| − log|Σq|]  (D17).
 * The covariance terms are float64; the mean term is a tensor (differentiable in the locs).
 */
export function klMvnMvn(q: MultivariateNormal, p: MultivariateNormal): tf.Tensor {
  KL_MVN.check(arguments);
  if (q.dim !== p.dim) throw new Error(`kl(MultivariateNormal‖MultivariateNormal): dimensions ${q.dim} and ${p.dim} differ`);
  checkKLShapes(q, p, 'kl(MultivariateNormal‖MultivariateNormal)');
  const pPrec = inv(p.covariance64);
  const trace = pPrec.mmul(q.covariance64).trace();
  const constant = 0.5 * (trace - q.dim + p.logDet - q.logDet);
  return tf.tidy(() => {
    const diff = tf.sub(p.loc, q.loc);
    const y = matmulLast(diff, tf.tensor2d(inv(p.scaleTril64).transpose().to2DArray()));
    return tf.add(tf.mul(tf.sum(tf.square(y), -1), 0.5), constant);
  });
}
registerKL(MultivariateNormal, MultivariateNormal, klMvnMvn);
