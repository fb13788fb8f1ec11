// Stable log-space primitives. Finite wherever the math is finite; exactly −Infinity where the math is
// −∞ (e.g. logSumExp of all −∞), +∞ where an entry is +∞, never NaN from ∞ − ∞. The tensor versions do not
// read their input (no sync in training loops): a NaN entry makes only its own slice NaN. The float64
// versions read every value and reject NaN.
import * as tf from '@tensorflow/tfjs-core';
import { bool, checkKind, contract, describeAny, num, optional, tensor, where } from '../validation/contract';

// the boundary: live tensors and integer axes; the float64 versions take arrays of numbers (−∞ allowed: a weight of 0)
// an axis of x: in [−rank, rank) (a scalar's one axis is 0 or −1)
const rankOf = (c: { args: Readonly<Record<string, unknown>> }) => Math.max((c.args.x as tf.Tensor).rank, 1);
const AXIS_OF_X = where(num({ integer: true }), (c) => `be an integer in [${-rankOf(c)}, ${rankOf(c)}) for x of shape [${(c.args.x as tf.Tensor).shape}]`,
  (a: number, c) => a >= -rankOf(c) && a < rankOf(c));
const T = tensor(), AXIS = optional(AXIS_OF_X), KEEP = optional(bool());
const NUMBERS = { expected: 'an array of numbers', test: (v: unknown) => ((Array.isArray(v) || ArrayBuffer.isView(v)) && Array.prototype.every.call(v, (x: unknown) => typeof x === 'number') ? undefined : `got ${describeAny(v)}`) };
// −∞ is a weight of 0 and +∞ gives +∞; NaN has no answer
const NO_NAN = where(NUMBERS, 'not contain NaN', (xs: ArrayLike<number>) => { for (let i = 0; i < xs.length; i++) if (Number.isNaN(xs[i])) return `got NaN at index ${i}`; return true; });
const NON_EMPTY = where(NUMBERS, 'not be empty', (xs: ArrayLike<number>) => xs.length > 0 || 'got an empty array');
const C_LSE = contract('logSumExp', { x: T, axis: AXIS, keepDims: KEEP });
const C_LME = contract('logMeanExp', { x: T, axis: AXIS, keepDims: KEEP });
const C_SOFTPLUS = contract('softplus', { x: T });
const C_LOG_SIGMOID = contract('logSigmoid', { x: T });
const C_LSE64 = contract('logSumExp64', { xs: NUMBERS });
const C_LME64 = contract('logMeanExp64', { xs: NON_EMPTY });
const C_SOFTPLUS64 = contract('softplus64', { x: num({ allowInfinity: true }) });

/** The axis as a non-negative index; an error naming fn and the axis if x has no such axis. */
function resolveAxis(x: tf.Tensor, axis: number, fn: string): number {
  checkKind(AXIS_OF_X, axis, 'axis', fn, { args: { x } });
  return axis < 0 ? x.rank + axis : axis;
}

/**
 * log Σ_i exp(x_i) along `axis` = m + log Σ exp(x_i − m), m = max x (0 when m is not finite).
 * Along an empty axis the sum is 0 and the answer log 0 = −∞.
 *
 * @example
 * ```ts
 * ll.math.logSumExp(ll.tf.tensor1d([1000, 1000]));   // 1000 + log 2, where exp would overflow
 * ```
 */
export function logSumExp(x: tf.Tensor, axis = -1, keepDims = false): tf.Tensor {
  C_LSE.check(arguments);
  const a = resolveAxis(x, axis, 'logSumExp');
  if (x.shape[a] === 0) {
    const shape = x.shape.map((s, i) => (i === a ? 1 : s));
    return tf.fill(keepDims ? shape : shape.filter((_, i) => i !== a), -Infinity);
  }
  return tf.tidy(() => {
    const m = tf.max(x, axis, true);
    const safe = tf.where(tf.isFinite(m), m, tf.zerosLike(m));
    const s = tf.add(tf.log(tf.sum(tf.exp(tf.sub(x, safe)), axis, true)), safe);
    return keepDims ? s : tf.squeeze(s, [axis < 0 ? x.rank + axis : axis]);
  });
}

/**
 * log (1/K) Σ_k exp(x_k) = logSumExp(x) − log K along `axis` (the IWAE / importance-sampling average).
 *
 * @example
 * ```ts
 * ll.math.logMeanExp(logW, 0);   // IWAE_K from log-weights [K, B] (D26)
 * ```
 */
export function logMeanExp(x: tf.Tensor, axis = -1, keepDims = false): tf.Tensor {
  C_LME.check(arguments);
  const k = x.shape[resolveAxis(x, axis, 'logMeanExp')];
  if (!k) checkKind(where(T, `have at least one entry along axis ${axis} (a mean of nothing is undefined)`, () => `got shape [${x.shape}]`), x, 'x', 'logMeanExp');
  return tf.tidy(() => tf.sub(logSumExp(x, axis, keepDims), Math.log(k)));
}

/**
 * softplus(x) = log(1 + eˣ) = max(x, 0) + log1p(e^−|x|).
 *
 * @example
 * ```ts
 * ll.math.softplus(ll.tf.tensor1d([-1000, 0, 1000]));   // [0, log 2, 1000]
 * ```
 */
export function softplus(x: tf.Tensor): tf.Tensor {
  C_SOFTPLUS.check(arguments);
  return tf.tidy(() => tf.add(tf.relu(x), tf.log1p(tf.exp(tf.neg(tf.abs(x))))));
}

/** log σ(x) = −softplus(−x). */
export function logSigmoid(x: tf.Tensor): tf.Tensor {
  C_LOG_SIGMOID.check(arguments);
  return tf.tidy(() => tf.neg(softplus(tf.neg(x))));
}

/** float64 reference of logSumExp over an array. NaN is an error; +∞ gives +∞ and an empty array −∞ (log 0). */
export function logSumExp64(xs: ArrayLike<number>): number {
  C_LSE64.check(arguments);
  return logSumExp64Checked(xs, 'logSumExp64');
}

function logSumExp64Checked(xs: ArrayLike<number>, fn: string): number {
  checkKind(NO_NAN, xs, 'xs', fn);
  let m = -Infinity;
  for (let i = 0; i < xs.length; i++) m = Math.max(m, xs[i]);
  if (!Number.isFinite(m)) return m;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += Math.exp(xs[i] - m);
  return m + Math.log(s);
}

/** float64 reference of logMeanExp over an array. NaN and an empty array are errors; +∞ gives +∞. */
export function logMeanExp64(xs: ArrayLike<number>): number {
  C_LME64.check(arguments);
  return logSumExp64Checked(xs, 'logMeanExp64') - Math.log(xs.length);
}

/** float64 reference of softplus. */
export function softplus64(x: number): number {
  C_SOFTPLUS64.check(arguments);
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}
