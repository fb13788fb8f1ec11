// Argument checks shared by the student-facing functions. Every message has the form
// "<function>: <argument> must be …, got <value>", so an error in a notebook says which call and which
// argument went wrong. Counts matter most: a loop `for (i = 0; i < n; i += batch)` with batch = 0
// never ends, so every count that drives a loop is checked here before the loop starts.
import * as tf from '@tensorflow/tfjs-core';

/** Formats a value for an error message (arrays shortened, strings quoted). */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return v.length > 8 ? `[${v.slice(0, 8).join(', ')}, …] (${v.length} entries)` : `[${v.join(', ')}]`;
  return String(v);
}

/** Returns n if it is an integer ≥ 1; else throws "<fn>: <arg> must be a positive integer, got n". */
export function positiveInteger(n: unknown, fn: string, arg: string): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new Error(`${fn}: ${arg} must be a positive integer, got ${describeValue(n)}`);
  return n;
}

/** Returns n if it is an integer ≥ min; else throws naming fn and arg. */
export function integerAtLeast(n: unknown, min: number, fn: string, arg: string): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min) throw new Error(`${fn}: ${arg} must be an integer ≥ ${min}, got ${describeValue(n)}`);
  return n;
}

/** Returns x if it is a finite number; else throws naming fn and arg. */
export function finiteNumber(x: unknown, fn: string, arg: string): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new Error(`${fn}: ${arg} must be a finite number, got ${describeValue(x)}`);
  return x;
}

/** Returns x if it is positive and finite; else throws naming fn and arg. */
export function positiveFinite(x: unknown, fn: string, arg: string): number {
  if (typeof x !== 'number' || !(x > 0) || !Number.isFinite(x)) throw new Error(`${fn}: ${arg} must be positive and finite, got ${describeValue(x)}`);
  return x;
}

/**
 * Throws, naming fn and arg and the first offending entry, if any value is NaN. +∞ is rejected too unless
 * `allowPositiveInfinity`; −∞ is always allowed (a log-weight of −∞ is a weight of 0, a legitimate value).
 */
export function noNaNLogValues(values: ArrayLike<number>, fn: string, arg: string, options: { allowPositiveInfinity?: boolean } = {}): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) throw new Error(`${fn}: ${arg} must not contain NaN, got NaN at index ${i}`);
    if (v === Infinity && !options.allowPositiveInfinity) {
      throw new Error(`${fn}: ${arg} must not contain +∞ (an infinite weight: the proposal has no mass where the target does), got +∞ at index ${i}`);
    }
  }
}

/** Throws unless every value is finite (no NaN, no ±∞), naming fn, arg and the first offender. */
export function allFinite(values: ArrayLike<number>, fn: string, arg: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new Error(`${fn}: ${arg} must be finite, got ${values[i]} at index ${i}`);
  }
}

/** Throws unless t has one of the given ranks, naming fn and arg and the shape it got. */
export function tensorRank(t: tf.Tensor, ranks: number[], fn: string, arg: string): void {
  if (!ranks.includes(t.rank)) {
    const want = ranks.length === 1 ? `rank ${ranks[0]}` : `rank ${ranks.slice(0, -1).join(', ')} or ${ranks[ranks.length - 1]}`;
    throw new Error(`${fn}: ${arg} must have ${want}, got shape [${t.shape}]`);
  }
}

/** Throws unless t has at least one entry, naming fn and arg. */
export function nonEmptyTensor(t: tf.Tensor, fn: string, arg: string): void {
  if (t.size === 0) throw new Error(`${fn}: ${arg} must not be empty, got shape [${t.shape}]`);
}

/** Throws unless every entry of t is finite; reads the values (a sync). */
export function finiteTensor(t: tf.Tensor, fn: string, arg: string): void {
  allFinite(t.dataSync(), fn, arg);
}
