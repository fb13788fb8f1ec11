// Seeded randomness, passed explicitly to every random function (no hidden global state).
// xoshiro128** seeded by splitmix32: the numbers are computed in JavaScript, so the same seed gives
// the same numbers on every TensorFlow.js backend.
import * as tf from '@tensorflow/tfjs-core';
import { checkKind, count, func, num, shapeArray, where, type Kind } from '../validation/contract';

// The generator's own boundary. Its methods run inside sampling loops, so the hot ones (int, nextGamma) test
// the plain condition first and hand a failing value to the validator for the message.
const SHAPE = shapeArray();
const LENGTH = count({ min: 0 });
const SEED = { ...num({ integer: true, min: 0, max: Number.MAX_SAFE_INTEGER }), expected: 'a non-negative integer' };
// +∞ would loop forever (the acceptance test is never true), NaN never enter it
const GAMMA_SHAPE = { ...num({ above: 0 }), expected: 'positive and finite' };
const INT_N = count({ max: Number.MAX_SAFE_INTEGER, entriesEach: 0 });
const STATE: Kind = {
  expected: 'a state from getState() ({ words: four uint32, spare: number | null })',
  test: (v) => {
    const s = v as RngState | null;
    const ok = !!s && Array.isArray(s.words) && s.words.length === 4 && s.words.every((w) => Number.isInteger(w) && w >= 0 && w < TWO32)
      && (s.spare === null || typeof s.spare === 'number');
    return ok ? undefined : 'got something else';
  },
};
const FLOAT_ARRAY: Kind = { expected: 'a Float32Array or Float64Array', test: (v) => (v instanceof Float32Array || v instanceof Float64Array ? undefined : `got ${v === null ? 'null' : typeof v}`) };
const DRAW = func('a function (r) => number');
const LOW = num();
const HIGH = where(num(), (c) => `exceed low (${c.args.low})`, (h: number, c) => h > (c.args.low as number));

const TWO32 = 4294967296;

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function checkShape(shape: number[], fn: string): number {
  checkKind(SHAPE, shape, 'shape', `Rng.${fn}`);
  return shape.reduce((a, b) => a * b, 1);
}

/** Refuses a draw count that is not a non-negative integer or whose array would not fit in memory (a loop of 1e308 never ends). */
function checkLength(n: unknown, fn: string, arg: string): number {
  checkKind(LENGTH, n, arg, `Rng.${fn}`);
  return n as number;
}

/** The state of an Rng: its four xoshiro words and a pending Box–Muller normal. */
/**
 * The tensor a shape gives: [n] → Tensor1D, [n, d] → Tensor2D, [a, b, c] → Tensor3D, [a, b, c, d] → Tensor4D,
 * and a shape of unknown length (a number[] variable) → Tensor. So `ll.rng(0).normal([16, 2])` is a Tensor2D
 * wherever a [B, M] tensor is expected, with no cast.
 */
export type TensorOfShape<S extends readonly number[]> = number extends S['length'] ? tf.Tensor
  : S['length'] extends 1 ? tf.Tensor1D : S['length'] extends 2 ? tf.Tensor2D : S['length'] extends 3 ? tf.Tensor3D
  : S['length'] extends 4 ? tf.Tensor4D : tf.Tensor;

export interface RngState {
  words: number[];
  spare: number | null;
}

/**
 * A random number generator. Create one with `rng(seed)`; derive independent streams with `split()`.
 *
 * @example
 * ```ts
 * const g = ll.rng(42);
 * g.nextUniform();            // a number in (0, 1)
 * g.normal([2, 3]);           // a [2, 3] tensor of N(0, 1) draws
 * g.permutation(5);           // e.g. [3, 0, 4, 1, 2]
 * ```
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | undefined;

  /**
   * A generator seeded by a non-negative integer (xoshiro128** seeded by splitmix32): the same seed
   * gives the same numbers on every machine. `ll.rng(seed)` is the short form.
   *
   * @param seed  an integer in [0, 2⁵³ − 1]
   */
  constructor(seed: number) {
    checkKind(SEED, seed, 'seed', 'rng(seed) / new Rng(seed)');
    const mix = splitmix32((seed % TWO32) ^ Math.floor(seed / TWO32));
    this.s0 = mix(); this.s1 = mix(); this.s2 = mix(); this.s3 = mix();
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(((Math.imul(this.s1, 5) << 7) | (Math.imul(this.s1, 5) >>> 25)), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0; this.s3 ^= this.s1; this.s1 ^= this.s2; this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /** Uniform on the open interval (0, 1): never exactly 0 or 1, so log(u) is always finite. */
  nextUniform(): number {
    return (this.nextUint32() + 0.5) / TWO32;
  }

  /** Standard normal by Box–Muller. */
  nextNormal(): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return z;
    }
    const r = Math.sqrt(-2 * Math.log(this.nextUniform()));
    const theta = 2 * Math.PI * this.nextUniform();
    this.spareNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** Gamma(shape, 1) by Marsaglia–Tsang (shape < 1 through the boost u^{1/shape}). */
  nextGamma(shape: number): number {
    if (!(shape > 0) || shape === Infinity) checkKind(GAMMA_SHAPE, shape, 'shape', 'Rng.nextGamma');
    if (shape < 1) return this.nextGamma(shape + 1) * Math.pow(this.nextUniform(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do { x = this.nextNormal(); v = 1 + c * x; } while (v <= 0);
      v = v * v * v;
      const u = this.nextUniform();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
    }
  }

  /** The generator's full state (JSON-safe), to save with a checkpoint and resume the same stream. */
  getState(): RngState {
    return { words: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0], spare: this.spareNormal ?? null };
  }

  /** Restores a state from getState(). */
  setState(state: RngState): void {
    checkKind(STATE, state, 'state', 'Rng.setState');
    [this.s0, this.s1, this.s2, this.s3] = state.words;
    this.spareNormal = state.spare ?? undefined;
  }

  /** An independent generator, seeded from this one's stream. */
  split(): Rng {
    return new Rng(this.nextUint32() * 2097152 + (this.nextUint32() >>> 11));
  }

  /**
   * n uniform draws on (0, 1), the same numbers as n calls of `nextUniform()`.
   */
  uniformArray(n: number): Float64Array {
    checkLength(n, 'uniformArray', 'n');
    return this.fillUniform(new Float64Array(n));
  }

  /**
   * Fills `out` with the next out.length draws of nextUniform(), the same numbers, with the state in
   * local variables (faster over a batch of pixels than calling nextUniform in a loop).
   */
  fillUniform<T extends Float32Array | Float64Array>(out: T): T {
    checkKind(FLOAT_ARRAY, out, 'out', 'Rng.fillUniform');
    let { s0, s1, s2, s3 } = this;
    for (let i = 0; i < out.length; i++) {
      const m = Math.imul(s1, 5);
      const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
      const t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      out[i] = (result + 0.5) / TWO32;
    }
    this.s0 = s0; this.s1 = s1; this.s2 = s2; this.s3 = s3;
    return out;
  }

  /**
   * n standard normal draws N(0, 1) (Box–Muller), the same numbers as n calls of `nextNormal()`.
   */
  normalArray(n: number): Float64Array {
    checkLength(n, 'normalArray', 'n');
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.nextNormal();
    return out;
  }

  /** A float32 tensor whose entries are draw(this), in row-major order. */
  tensor<S extends number[]>(shape: [...S], draw: (r: Rng) => number): TensorOfShape<S> {
    const n = checkShape(shape, 'tensor');
    checkKind(DRAW, draw, 'draw', 'Rng.tensor');
    const v = new Float32Array(n);
    for (let i = 0; i < n; i++) v[i] = draw(this);
    return tf.tensor(v, shape, 'float32') as TensorOfShape<S>;
  }

  /** Uniform(low, high) float32 tensor of the given shape (a Tensor2D for [n, d], …). */
  uniform<S extends number[]>(shape: [...S], low = 0, high = 1): TensorOfShape<S> {
    const n = checkShape(shape, 'uniform');
    checkKind(LOW, low, 'low', 'Rng.uniform');
    checkKind(HIGH, high, 'high', 'Rng.uniform', { args: { low } });
    if (low === 0 && high === 1) return tf.tensor(this.fillUniform(new Float32Array(n)), shape, 'float32') as TensorOfShape<S>;
    const u = this.fillUniform(new Float64Array(n));
    return tf.tensor(Float32Array.from(u, (x) => low + (high - low) * x), shape, 'float32') as TensorOfShape<S>;
  }

  /** N(0, 1) float32 tensor of the given shape (a Tensor2D for [n, d], …). */
  normal<S extends number[]>(shape: [...S]): TensorOfShape<S> {
    const n = checkShape(shape, 'normal');
    const v = new Float32Array(n);
    for (let i = 0; i < n; i++) v[i] = this.nextNormal();
    return tf.tensor(v, shape, 'float32') as TensorOfShape<S>;
  }

  /** Standard Gumbel: −log(−log u), a float32 tensor of the given shape. */
  gumbel<S extends number[]>(shape: [...S]): TensorOfShape<S> {
    const n = checkShape(shape, 'gumbel');
    const v = new Float32Array(n);
    for (let i = 0; i < n; i++) v[i] = -Math.log(-Math.log(this.nextUniform()));
    return tf.tensor(v, shape, 'float32') as TensorOfShape<S>;
  }

  /** An integer uniform on {0, …, n−1}. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) checkKind(INT_N, n, 'n', 'Rng.int');
    return Math.floor(this.nextUniform() * n);
  }

  /** A uniformly random permutation of 0…n−1 (Fisher–Yates). */
  permutation(n: number): number[] {
    checkLength(n, 'permutation', 'n');
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [p[i], p[j]] = [p[j], p[i]];
    }
    return p;
  }
}

/**
 * A generator from an integer seed: `rng(0)` always gives the same numbers.
 *
 * Every random function of Latent Lab takes a generator as its first argument, so a notebook that seeds
 * its generators reruns to the same numbers; `split()` gives independent streams for parallel parts.
 *
 * @example
 * ```ts
 * const g = ll.rng(0);
 * new ll.Normal(0, 1).sample(g, 3);        // the same three numbers every run
 * g.split();                               // an independent generator
 * ```
 */
export function rng(seed: number): Rng {
  return new Rng(seed);
}
