// The distribution interface (as in distrax / TFP): sample, rsample, logProb, entropy, mean, variance.
// Shapes: a distribution has a batch shape B and an event shape E. sample(rng, n) returns [n, ...B, ...E]
// (or [...B, ...E] without n); logProb(x) takes [...S, ...B, ...E] and returns [...S, ...B].
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random/rng';
import { logSumExp } from '../math/log-space';
import { anything, checkKind, count, describeAny, rngKind, splitName, tensor, tensorLike, where } from '../validation/contract';

export type TensorLike = tf.Tensor | number | number[] | number[][] | number[][][];

/**
 * What a distribution's values are: 'continuous' (a density on real vectors) or 'discrete' (probabilities
 * of integers). KL between the two kinds is not defined (a density against a probability mass).
 */
export type SupportKind = 'continuous' | 'discrete';

/**
 * What every distribution of Latent Lab offers (the distrax / TensorFlow Probability interface).
 *
 * Shapes: a distribution has a batch shape B (independent distributions side by side) and an event
 * shape E (the shape of one draw). `sample(rng, n)` returns [n, ...B, ...E]; `logProb(x)` takes
 * [...S, ...B, ...E] and returns [...S, ...B], summed over the event axes.
 */
export interface Distribution {
  readonly batchShape: number[];
  readonly eventShape: number[];
  /** The kind of values (optional for distributions written elsewhere; the library's all declare it). */
  readonly support?: SupportKind;
  /** Samples without gradient: [n, ...batch, ...event]. */
  sample(rng: Rng, n?: number): tf.Tensor;
  /** Reparameterized samples: gradients flow to the parameters. Throws for discrete families. */
  rsample(rng: Rng, n?: number): tf.Tensor;
  /** log p(x): [...sample, ...batch, ...event] → [...sample, ...batch]. */
  logProb(x: tf.Tensor): tf.Tensor;
  /** H[p], [...batch]; throws where there is no closed form. */
  entropy(): tf.Tensor;
  /** E[x], [...batch, ...event]; throws where the mean does not exist (Cauchy). */
  mean(): tf.Tensor;
  /** Var[x] elementwise, [...batch, ...event]; throws where it is not finite. */
  variance(): tf.Tensor;
}

/** A float32 tensor from a tensor or nested numbers; `name` is used in errors. */
export function asTensor(x: TensorLike, name: string): tf.Tensor {
  if (x instanceof tf.Tensor) return x.dtype === 'float32' ? x : tf.cast(x, 'float32');
  const [fn, at] = splitName(name);
  checkKind(TENSOR_LIKE, x, at, fn);
  return tf.tensor(x as number[], undefined, 'float32');
}

const TENSOR_LIKE = tensorLike();
const CATEGORY_AXIS = where(tensor(), 'be non-empty with a last axis of categories', (t: tf.Tensor) => (t.rank >= 1 && t.size > 0) || `got shape [${t.shape}]`);
const NON_EMPTY = where(tensor(), 'not be empty', (t: tf.Tensor) => t.size > 0 || `got shape [${t.shape}]`);
const LIVE = tensor();

/**
 * Normalized log-probabilities over the last axis, from exactly one of probabilities or logits:
 * log p_k = ℓ_k − logSumExp(ℓ), with ℓ = log p when probabilities are given. `who` and `probsName`
 * name the distribution and its argument in errors (probabilities in [0, 1] summing to 1; logits not NaN or +∞).
 */
export function normalizedLogProbs(probs: TensorLike | undefined, logits: TensorLike | undefined, who: string, probsName: string, validate: boolean): tf.Tensor {
  if ((logits === undefined) === (probs === undefined)) {
    checkKind(where(anything(), `be given exactly when ${probsName} is not: give exactly one of ${probsName} and logits`, (l: unknown) => `got ${describeAny(l)}`), logits, 'logits', who);
  }
  return tf.tidy(() => {
    let l: tf.Tensor;
    if (probs !== undefined) {
      const p = asTensor(probs, `${who}: ${probsName}`);
      // the shape first: an empty axis sums to 0 (or to garbage), which would hide the real mistake
      requireCategoryAxis(p, who, probsName);
      if (validate) {
        requireAll(p, (v) => v >= 0 && v <= 1, `${who}: ${probsName} must be in [0, 1]`);
        requireAll(tf.sum(p, -1), (v) => Math.abs(v - 1) < 1e-4, `${who}: ${probsName} must sum to 1 on the last axis`);
      }
      l = tf.log(p);
    } else {
      l = asTensor(logits!, `${who}: logits`);
      requireCategoryAxis(l, who, 'logits');
      if (validate) requireAll(l, (v) => !Number.isNaN(v) && v !== Infinity, `${who}: logits must not be NaN or +∞`);
    }
    return tf.sub(l, logSumExp(l, -1, true));
  });
}

function requireCategoryAxis(t: tf.Tensor, who: string, name: string): void {
  checkKind(CATEGORY_AXIS, t, name, who);
}

/** Shape of broadcasting a and b; the error names both arguments. */
export function broadcastShapes(a: number[], b: number[], names: [string, string]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`${names[0]} [${a}] and ${names[1]} [${b}] have shapes that do not broadcast`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/**
 * Throws, naming the argument, unless every entry satisfies `ok`. Reads the values (a GPU/wasm sync).
 * `message` is '<fn>: <argument> must <requirement>' ('Normal: scale must be positive and finite').
 */
export function requireAll(t: tf.Tensor, ok: (v: number) => boolean, message: string): void {
  const values = t.dataSync();
  for (let i = 0; i < values.length; i++) {
    if (!ok(values[i])) {
      const k = message.indexOf(' must ');
      const [fn, at] = splitName(message.slice(0, k));
      const v = values[i];
      checkKind(where(anything(), message.slice(k + ' must '.length), () => `got ${v}`), t, at, fn);
    }
  }
}

/** [n, ...shape], or shape without n; `fn` (e.g. 'Normal.sample') names the method in the error. */
export function sampleShape(n: number | undefined, shape: number[], fn = 'sample', rng?: unknown): number[] {
  // the generator and a count whose samples fit in memory (1e9 draws of anything would kill the process)
  checkKind(RNG, rng, 'rng', fn);
  if (n === undefined) return shape;
  const each = shape.reduce((a, b) => a * b, 1);
  checkKind(count({ entriesEach: Math.max(1, each), bytesEach: 4 }), n, 'n', fn);
  return [n, ...shape];
}

const RNG = rngKind();

/** Throws, naming the argument, when a parameter tensor has no entries (a distribution over nothing). */
export function requireNonEmpty(t: tf.Tensor, name: string): void {
  const [fn, at] = splitName(name);
  checkKind(NON_EMPTY, t, at, fn);
}

/**
 * Runs a constructor's checks; if one throws, frees the tensors the constructor made from the caller's
 * numbers (those not identical to an argument), so a rejected distribution leaves nothing behind.
 */
export function orDispose<T>(made: { tensor: tf.Tensor; given: unknown }[], body: () => T): T {
  try {
    return body();
  } catch (e) {
    for (const { tensor, given } of made) if (tensor !== given && !tensor.isDisposed) tensor.dispose();
    throw e;
  }
}

/**
 * Checks that x is a tensor ending in the distribution's batch+event shape (broadcasting allowed) and
 * returns x. With `rejectNaN` (a distribution built with validate: true) a NaN in x is an error: log p(NaN)
 * has no answer, and a NaN would silently spread through every sum it enters.
 */
export function checkValue(x: tf.Tensor, d: Distribution, fn: string, rejectNaN = false): tf.Tensor {
  checkKind(LIVE, x, 'x', fn);
  if (rejectNaN) requireAll(x, (v) => !Number.isNaN(v), `${fn}: x must not contain NaN`);
  const tail = [...d.batchShape, ...d.eventShape];
  checkKind(tensor({ shape: ['...', ...d.eventShape], must: `end in the event shape [${d.eventShape}]` }), x, 'x', fn);
  broadcastShapes(x.shape, tail, ['x', 'the batch+event shape']);
  return x;
}

/** A boolean mask broadcast to `shape` (tf.where wants its condition in the output's shape). */
export function broadcastMask(mask: tf.Tensor, shape: number[]): tf.Tensor {
  return mask.shape.join() === shape.join() ? mask : tf.cast(tf.broadcastTo(tf.cast(mask, 'float32'), shape), 'bool');
}

/** Sums the last k axes (the event axes) of t. */
export function sumLast(t: tf.Tensor, k: number): tf.Tensor {
  if (k === 0) return t;
  const axes = Array.from({ length: k }, (_, i) => t.rank - k + i);
  return tf.sum(t, axes);
}
