// The lectures' invertible layers.
//   elementwise affine  y = x ⊙ e^s + t,              log|det| = Σ s
//   linear (LU)         y = x Wᵀ, W = P L U,            log|det| = Σ log|U_ii|
//   planar              y = x + u h(wᵀx + b),           log|det| = log|1 + h'(wᵀx + b) uᵀw|
//   permutation         y = x[:, π],                    log|det| = 0
//   affine coupling (RealNVP, D38)
//     y_A = x_A,  y_B = x_B ⊙ exp(s(x_A)) + t(x_A),     log|det| = Σ s(x_A): the Jacobian is triangular
import * as tf from '@tensorflow/tfjs-core';
import { positiveInteger } from '../../validation/arguments';
import { Rng } from '../../random/rng';
import { Matrix, inv } from '../../math/linalg64';
import { Dense } from '../../ops/dense';
import { Bijector, checkRows } from './bijector';
import { softplus } from '../../math/log-space';
import { checkWeightsGenerator } from '../../validation/initial-weights';
import { checkKind, contract, count, numberArray, optional, record, tensor, where } from '../../validation/contract';

/** π: each of 0…d − 1 exactly once (d the length, or the layer's dimension). */
const permutationOf = (d?: number) => where(numberArray({ depth: 1, what: 'an array of indices' }), (_c, p: number[]) => `be a permutation of 0…${(d ?? p.length) - 1}`,
  (p: number[]) => (p.length === (d ?? p.length) && [...p].sort((a, b) => a - b).every((v, i) => v === i)) || `got [${p}]`);
// m: 0s and 1s, at least one of each (otherwise a coupling changes nothing or everything)
const MASK = where(numberArray({ depth: 1 }), 'hold 0s and 1s, at least one of each', (m: number[]) => (m.every((v) => v === 0 || v === 1) && m.includes(0) && m.includes(1)) || `got [${m}]`);

// z [..., d] (points, or K draws of them) with u, w [..., d] and b [...] broadcasting against it
const PLANAR_STEP = contract('planarStep', {
  z: tensor({ shape: ['...', 'd'] }),
  u: tensor({ shape: ['...', 'd'], must: (c) => `end in z's dimension d = ${c.dims.d}` }),
  w: tensor({ like: 'u' }),
  b: where(tensor(), (c) => `have the shape of u without its last axis, [${(c.args.u as tf.Tensor).shape.slice(0, -1)}]`, (t: tf.Tensor, c) => tf.util.arraysEqual(t.shape, (c.args.u as tf.Tensor).shape.slice(0, -1)) || `got [${t.shape}]`),
});
// a layer's dimension d: its parameters are a few d-vectors (or d × d for LinearLU) of float32
const dimension = (perDim: number) => count({ entriesEach: perDim, bytesEach: 4 });
const INIT = optional(record('{ logScale?, shift? }'));

let layerCount = 0;
const scope = (kind: string) => `flow${++layerCount}/${kind}`;

/**
 * An elementwise affine bijector, the simplest flow layer:
 *
 *     y = x ⊙ e^s + t,    log|det ∂y/∂x| = Σ_i s_i
 *
 * (change of variables, D35, see docs/derivations.md#d35). s (log-scales) and t (shifts) are trainable.
 * Shapes: x [B, d] → y [B, d], log-det [B].
 *
 * @example
 * ```ts
 * const layer = new ll.models.ElementwiseAffine(2, { logScale: [0, Math.log(2)], shift: [1, 0] });
 * layer.forward(ll.tf.tensor2d([[0, 1]]));   // { y: [[1, 2]], logDet: [log 2] }
 * ```
 */
export class ElementwiseAffine implements Bijector {
  readonly name = 'elementwise-affine';
  readonly eventNdims = 1;
  readonly logScale: tf.Variable;
  readonly shift: tf.Variable;
  /**
   * A d-dimensional elementwise affine layer, the identity unless `init` says otherwise.
   *
   * @param dim  d
   * @param init  initial `logScale` s and `shift` t (length d each; zeros by default)
   */
  constructor(readonly dim: number, init: { logScale?: number[]; shift?: number[] } = {}) {
    checkKind(dimension(2), dim, 'dim', 'ElementwiseAffine');
    checkKind(INIT, init, 'init', 'ElementwiseAffine');
    for (const [name, v] of [['logScale', init.logScale], ['shift', init.shift]] as const) {
      if (v === undefined) continue;
      checkKind(numberArray({ shape: [dim], finite: true, what: `an array of ${dim} finite numbers` }), v, name, 'ElementwiseAffine');
    }
    const s = scope('affine');
    this.logScale = tf.tidy(() => tf.variable(tf.tensor1d(init.logScale ?? new Array(dim).fill(0)), true, `${s}/logScale`));
    this.shift = tf.tidy(() => tf.variable(tf.tensor1d(init.shift ?? new Array(dim).fill(0)), true, `${s}/shift`));
  }
  forward(x: tf.Tensor2D) {
    checkRows(x, this.dim, 'ElementwiseAffine.forward');
    return tf.tidy(() => ({ y: tf.add(tf.mul(x, tf.exp(this.logScale)), this.shift) as tf.Tensor2D, logDet: tf.fill([x.shape[0]], 1).mul(tf.sum(this.logScale)) as tf.Tensor1D }));
  }
  inverse(y: tf.Tensor2D) {
    checkRows(y, this.dim, 'ElementwiseAffine.inverse');
    return tf.tidy(() => ({ x: tf.mul(tf.sub(y, this.shift), tf.exp(tf.neg(this.logScale))) as tf.Tensor2D, logDet: tf.fill([y.shape[0]], 1).mul(tf.neg(tf.sum(this.logScale))) as tf.Tensor1D }));
  }
  get variables() { return [this.logScale, this.shift]; }
}

/**
 * y = x Wᵀ with W = P L U (L unit lower, U upper): log|det W| = Σ log|U_ii|. The inverse uses float64.
 *
 * Parameterizing W by its LU factors makes log|det W| cost O(d) instead of O(d³) (D35, see
 * docs/derivations.md#d35). Shapes: x [B, d] → y [B, d], log-det [B].
 *
 * @example
 * ```ts
 * const layer = new ll.models.LinearLU(ll.rng(0), 2);
 * const { y, logDet } = layer.forward(ll.tf.tensor2d([[1, 2]]));   // logDet = Σ log|U_ii|
 * ```
 */
export class LinearLU implements Bijector {
  readonly name = 'linear';
  readonly eventNdims = 1;
  readonly lower: tf.Variable;
  readonly upper: tf.Variable;
  private readonly lowerMask: tf.Tensor2D;
  private readonly upperMask: tf.Tensor2D;
  private readonly eye: tf.Tensor2D;
  /**
   * A random invertible linear layer W = P L U of dimension d (L, U drawn from `rng`; P fixed).
   *
   * @param rng  the generator of the initial L and U
   * @param dim  d
   * @param permutation  the fixed permutation P (identity by default)
   */
  constructor(rng: Rng, readonly dim: number, readonly permutation: number[] = Array.from({ length: dim }, (_, i) => i)) {
    checkWeightsGenerator('LinearLU', rng);
    checkKind(count({ entries: (d) => 5 * d * d, bytesEach: 4 }), dim, 'dim', 'LinearLU');
    checkKind(permutationOf(dim), permutation, 'permutation', 'LinearLU');
    const s = scope('linear');
    const mask = (f: (i: number, j: number) => boolean) => tf.tensor2d(Array.from({ length: dim }, (_, i) => Array.from({ length: dim }, (__, j) => (f(i, j) ? 1 : 0))));
    this.lowerMask = mask((i, j) => j < i);
    this.upperMask = mask((i, j) => j >= i);
    this.eye = tf.eye(dim) as tf.Tensor2D;
    this.lower = tf.tidy(() => tf.variable(tf.mul(rng.normal([dim, dim]), 0.1), true, `${s}/L`));
    this.upper = tf.tidy(() => tf.variable(tf.add(tf.eye(dim), tf.mul(rng.normal([dim, dim]), 0.1)), true, `${s}/U`));
  }
  /** W = P L U as a tensor (differentiable). */
  weight(): tf.Tensor2D {
    return tf.tidy(() => {
      const L = tf.add(tf.mul(this.lower, this.lowerMask), this.eye);
      const U = tf.mul(this.upper, this.upperMask);
      const LU = tf.matMul(L, U);
      return tf.gather(LU, tf.tensor1d(this.permutation.map((_, i) => this.permutation.indexOf(i)), 'int32')) as tf.Tensor2D;
    });
  }
  private logDetW(): tf.Scalar {
    return tf.tidy(() => tf.sum(tf.log(tf.abs(tf.sum(tf.mul(this.upper, this.eye), 1)))) as tf.Scalar);
  }
  forward(x: tf.Tensor2D) {
    checkRows(x, this.dim, 'LinearLU.forward');
    return tf.tidy(() => ({ y: tf.matMul(x, this.weight(), false, true) as tf.Tensor2D, logDet: tf.fill([x.shape[0]], 1).mul(this.logDetW()) as tf.Tensor1D }));
  }
  inverse(y: tf.Tensor2D) {
    checkRows(y, this.dim, 'LinearLU.inverse');
    return tf.tidy(() => {
      const Winv = inv(new Matrix(this.weight().arraySync() as number[][])).to2DArray();
      return { x: tf.matMul(y, tf.tensor2d(Winv), false, true) as tf.Tensor2D, logDet: tf.fill([y.shape[0]], 1).mul(tf.neg(this.logDetW())) as tf.Tensor1D };
    });
  }
  get variables() { return [this.lower, this.upper]; }
}

// û = u + (m(wᵀu) − wᵀu) w/‖w‖², m(a) = −1 + softplus(a): ûᵀw > −1, so the planar step is invertible
function invertibleU(u: tf.Tensor, w: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const wu = tf.sum(tf.mul(w, u), -1);
    const m = tf.sub(softplus(wu), 1);
    return tf.add(u, tf.mul(tf.expandDims(tf.div(tf.sub(m, wu), tf.add(tf.sum(tf.square(w), -1), 1e-12)), -1), w));
  });
}

/**
 * One planar step (D35): z [..., M] with u, w [..., M] and b [...] broadcasting against it — one set of parameters
 * per point (the amortized posterior of RichVAE) or one for all (the Planar layer) — → z' = z + û tanh(wᵀz + b) and
 * log|det ∂z'/∂z| = log|1 + (1 − tanh²(wᵀz + b)) ûᵀw| [...]. û = u + (m(wᵀu) − wᵀu) w/‖w‖² with
 * m(a) = −1 + softplus(a) makes ûᵀw > −1, so the step is invertible (Rezende & Mohamed 2015, appendix A).
 * Example: `const { z: z1, logDet } = planarStep(z0, u, w, b)`.
 */
export function planarStep(z: tf.Tensor, u: tf.Tensor, w: tf.Tensor, b: tf.Tensor): { z: tf.Tensor; logDet: tf.Tensor } {
  PLANAR_STEP.check(arguments);
  return tf.tidy(() => {
    const uHat = invertibleU(u, w);
    const h = tf.tanh(tf.add(tf.sum(tf.mul(z, w), -1), b));
    const out = tf.add(z, tf.mul(tf.expandDims(h, -1), uHat));
    const uw = tf.sum(tf.mul(uHat, w), -1);
    const logDet = tf.log(tf.abs(tf.add(1, tf.mul(tf.sub(1, tf.square(h)), uw))));
    return { z: out, logDet };
  });
}

/**
 * Planar flow y = x + u tanh(wᵀx + b). Invertible when wᵀu ≥ −1 (enforced here by using
 * û = u + (m(wᵀu) − wᵀu) w/‖w‖², m(a) = −1 + softplus(a)); the inverse solves for wᵀx by bisection.
 *
 *     log|det ∂y/∂x| = log|1 + tanh'(wᵀx + b) ûᵀw|   (D35, see docs/derivations.md#d35)
 *
 * Shapes: x [B, d] → y [B, d], log-det [B].
 *
 * @example
 * ```ts
 * const flow = new ll.models.FlowDistribution(2, [new ll.models.Planar(ll.rng(0), 2), new ll.models.Planar(ll.rng(1), 2)]);
 * ```
 */
export class Planar implements Bijector {
  readonly name = 'planar';
  readonly eventNdims = 1;
  readonly u: tf.Variable;
  readonly w: tf.Variable;
  readonly b: tf.Variable;
  /**
   * A d-dimensional planar layer with u, w drawn from `rng` (scaled by 0.5) and b = 0.
   *
   * @param rng  the generator of the initial u and w
   * @param dim  d
   */
  constructor(rng: Rng, readonly dim: number) {
    checkWeightsGenerator('Planar', rng);
    checkKind(dimension(3), dim, 'dim', 'Planar');
    const s = scope('planar');
    this.u = tf.tidy(() => tf.variable(tf.mul(rng.normal([dim]), 0.5), true, `${s}/u`));
    this.w = tf.tidy(() => tf.variable(tf.mul(rng.normal([dim]), 0.5), true, `${s}/w`));
    this.b = tf.tidy(() => tf.variable(tf.scalar(0), true, `${s}/b`));
  }
  private uHat(): tf.Tensor1D {
    return invertibleU(this.u, this.w) as tf.Tensor1D;
  }
  forward(x: tf.Tensor2D) {
    checkRows(x, this.dim, 'Planar.forward');
    const { z, logDet } = planarStep(x, this.u, this.w, this.b);
    return { y: z as tf.Tensor2D, logDet: logDet as tf.Tensor1D };
  }
  inverse(y: tf.Tensor2D) {
    checkRows(y, this.dim, 'Planar.inverse');
    // wᵀy = α + wᵀû tanh(α + b) with α = wᵀx: monotone in α, solved by bisection, then x = y − û tanh(α + b)
    const u = this.uHat();
    const uArr = Array.from(u.dataSync()), wArr = Array.from(this.w.dataSync()), b = this.b.dataSync()[0];
    u.dispose();
    const wu = uArr.reduce((s, v, i) => s + v * wArr[i], 0);
    const rows = y.arraySync();
    const xs = rows.map((row) => {
      const target = row.reduce((s, v, i) => s + v * wArr[i], 0);
      let lo = target - Math.abs(wu) - 1, hi = target + Math.abs(wu) + 1;
      for (let k = 0; k < 100; k++) { const mid = (lo + hi) / 2; if (mid + wu * Math.tanh(mid + b) < target) lo = mid; else hi = mid; }
      const h = Math.tanh((lo + hi) / 2 + b);
      return row.map((v, i) => v - uArr[i] * h);
    });
    return tf.tidy(() => {
      const x = tf.tensor2d(xs);
      return { x, logDet: tf.neg(this.forward(x).logDet) as tf.Tensor1D };
    });
  }
  get variables() { return [this.u, this.w, this.b]; }
}

/**
 * Reorders the coordinates, y = x[:, π]; volume-preserving, log|det| = 0. Placed between coupling
 * layers so every coordinate gets transformed (D38, see docs/derivations.md#d38).
 * Shapes: x [B, d] → y [B, d].
 *
 * @example
 * ```ts
 * new ll.models.Permutation([1, 0]).forward(ll.tf.tensor2d([[1, 2]]));   // { y: [[2, 1]], logDet: [0] }
 * ```
 */
export class Permutation implements Bijector {
  readonly name = 'permutation';
  readonly eventNdims = 1;
  readonly variables: tf.Variable[] = [];
  private readonly inversePerm: number[];
  /**
   * The layer y_j = x_{π(j)} for a permutation π of 0…d − 1.
   *
   * @param permutation  π, each of 0…d − 1 exactly once
   */
  constructor(readonly permutation: number[]) {
    checkKind(permutationOf(), permutation, 'permutation', 'Permutation');
    this.inversePerm = permutation.map((_, i) => permutation.indexOf(i));
  }
  forward(x: tf.Tensor2D) {
    checkRows(x, this.permutation.length, 'Permutation.forward');
    return tf.tidy(() => ({ y: tf.gather(x, tf.tensor1d(this.permutation, 'int32'), 1) as tf.Tensor2D, logDet: tf.zeros([x.shape[0]]) as tf.Tensor1D }));
  }
  inverse(y: tf.Tensor2D) {
    checkRows(y, this.permutation.length, 'Permutation.inverse');
    return tf.tidy(() => ({ x: tf.gather(y, tf.tensor1d(this.inversePerm, 'int32'), 1) as tf.Tensor2D, logDet: tf.zeros([y.shape[0]]) as tf.Tensor1D }));
  }
}

/**
 * RealNVP affine coupling with a binary mask m: the masked part x_A = m ⊙ x passes through and
 * conditions s, t (an MLP d → hidden → hidden → 2d, s squashed by tanh for stability);
 * y = x_A + (1 − m) ⊙ (x e^{s} + t), log|det| = Σ (1 − m) ⊙ s  (D38).
 *
 * Shapes: x [B, d] → y [B, d], log-det [B]. See docs/derivations.md#d38.
 *
 * @example
 * ```ts
 * const layer = new ll.models.AffineCoupling(ll.rng(0), [1, 0]);   // x₁ passes, x₂ is scaled and shifted given x₁
 * const { y, logDet } = layer.forward(ll.tf.tensor2d([[0.5, -1]]));
 * layer.inverse(y).x;                                              // [[0.5, −1]] again, exactly
 * ```
 */
export class AffineCoupling implements Bijector {
  readonly name = 'affine-coupling';
  readonly eventNdims = 1;
  private readonly mask: tf.Tensor1D;
  private readonly layers: Dense[];
  /**
   * A coupling layer whose s and t networks see the coordinates where the mask is 1.
   *
   * @param rng  the generator of the initial weights of the s, t network
   * @param maskValues  m, 0s and 1s (at least one of each), length d
   * @param hidden  width of its two hidden layers (64)
   */
  constructor(rng: Rng, readonly maskValues: number[], hidden = 64) {
    checkWeightsGenerator('AffineCoupling', rng);
    checkKind(MASK, maskValues, 'maskValues', 'AffineCoupling');
    const d = maskValues.length;
    // its network: d × hidden, hidden × hidden, hidden × 2d float32 weights
    checkKind(count({ entries: (h) => d * h + h * h + 2 * h * d, bytesEach: 4 }), hidden, 'hidden', 'AffineCoupling');
    const s = scope('coupling');
    this.mask = tf.tensor1d(maskValues);
    this.layers = [new Dense(rng, d, hidden, 'l1', s), new Dense(rng, hidden, hidden, 'l2', s), new Dense(rng, hidden, 2 * d, 'l3', s)];
    // start at the identity map: the last layer's weights begin at zero
    tf.tidy(() => { this.layers[2].W.assign(tf.zerosLike(this.layers[2].W)); this.layers[2].b.assign(tf.zerosLike(this.layers[2].b)); });
  }
  private st(xa: tf.Tensor2D): { s: tf.Tensor2D; t: tf.Tensor2D } {
    const h = tf.relu(this.layers[1].apply(tf.relu(this.layers[0].apply(xa))));
    const [s, t] = tf.split(this.layers[2].apply(h), 2, 1) as tf.Tensor2D[];
    const free = tf.sub(1, this.mask);
    return { s: tf.mul(tf.tanh(s), free) as tf.Tensor2D, t: tf.mul(t, free) as tf.Tensor2D };
  }
  forward(x: tf.Tensor2D) {
    checkRows(x, this.maskValues.length, 'AffineCoupling.forward');
    return tf.tidy(() => {
      const xa = tf.mul(x, this.mask) as tf.Tensor2D;
      const { s, t } = this.st(xa);
      return { y: tf.add(tf.mul(x, tf.exp(s)), t) as tf.Tensor2D, logDet: tf.sum(s, 1) as tf.Tensor1D };
    });
  }
  inverse(y: tf.Tensor2D) {
    checkRows(y, this.maskValues.length, 'AffineCoupling.inverse');
    return tf.tidy(() => {
      const ya = tf.mul(y, this.mask) as tf.Tensor2D; // = x_A: the masked part passed through unchanged
      const { s, t } = this.st(ya);
      return { x: tf.mul(tf.sub(y, t), tf.exp(tf.neg(s))) as tf.Tensor2D, logDet: tf.neg(tf.sum(s, 1)) as tf.Tensor1D };
    });
  }
  get variables() { return this.layers.flatMap((l) => l.variables); }
}
