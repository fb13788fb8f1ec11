// Plot inputs: numbers from arrays, typed arrays or 1-D tensors, checked with the argument's name.
import * as tf from '@tensorflow/tfjs-core';
import { checkKind, describeAny, num, splitName, where, type Kind } from '../validation/contract';

export type Numbers = ArrayLike<number> | tf.Tensor;

/** A series of numbers: an array, a typed array or a live 1-D tensor (each array entry a number, NaN refused where it sits). */
export const NUMBERS: Kind = {
  expected: 'an array of numbers or a 1-D tensor',
  test: (v) => {
    if (v instanceof tf.Tensor) return v.isDisposed ? 'got a disposed tensor' : v.rank === 1 ? undefined : { must: 'be 1-D', got: `got a tensor of shape [${v.shape}]` };
    return v !== null && typeof v === 'object' && typeof (v as ArrayLike<number>).length === 'number' ? undefined : `got ${describeAny(v)}`;
  },
};
const ENTRY = { ...num({ allowInfinity: true }), expected: 'a number' };

/** A range [lo, hi] of an axis, hi > lo. */
export const RANGE = where(
  { expected: 'a range [lo, hi]', test: (v) => (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number') ? undefined : `got ${JSON.stringify(v) ?? 'undefined'}`) },
  'have hi > lo', (r: [number, number]) => r[1] > r[0] || `got [${r}]`);

/** Named series of numbers (a line chart's), at least one. */
export const SERIES = where({ expected: 'series by name (an object of name → numbers)', test: (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof tf.Tensor) ? undefined : `got ${describeAny(v)}`) },
  'name at least one series', (v: object) => Object.keys(v).length > 0 || 'got {}');

/** Throws, naming fn and `at`, unless `values` has `n` entries (`what` says whose: "one per column of z"). */
export function checkLength(values: ArrayLike<number>, n: number, at: string, fn: string, what: string): void {
  if (values.length !== n) checkKind(where({ expected: 'numbers', test: () => undefined }, `have ${what} (${n})`, () => `got ${values.length}`), values, at, fn);
}

/** The numbers of a series; `name` ('histogram: values') names the function and the argument in an error. */
export function asNumbers(x: Numbers, name: string): number[] {
  const [fn, at] = splitName(name, 'values');
  checkKind(NUMBERS, x, at, fn);
  if (x instanceof tf.Tensor) return Array.from(x.dataSync());
  const out = Array.from(x);
  out.forEach((v, i) => { if (typeof v !== 'number' || Number.isNaN(v)) checkKind(ENTRY, v, `${at}[${i}]`, fn); });
  return out;
}

export interface ChartOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  width?: number;
  height?: number;
}

/** The shared top-level spec fields of a chart. */
export function frame(o: ChartOptions): Record<string, unknown> {
  return { ...(o.title ? { title: o.title } : {}), width: o.width ?? 400, height: o.height ?? 250 };
}
