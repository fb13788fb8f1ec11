// Plot inputs: numbers from arrays, typed arrays or 1-D tensors, checked with the argument's name.
import * as tf from '@tensorflow/tfjs-core';

export type Numbers = ArrayLike<number> | tf.Tensor;

export function asNumbers(x: Numbers, name: string): number[] {
  if (x instanceof tf.Tensor) {
    if (x.rank !== 1) throw new Error(`${name} must be 1-D, got a tensor of shape [${x.shape}]`);
    return Array.from(x.dataSync());
  }
  if (x === null || typeof x !== 'object' || typeof x.length !== 'number') throw new Error(`${name} must be an array of numbers or a 1-D tensor`);
  const out = Array.from(x);
  out.forEach((v, i) => { if (typeof v !== 'number' || Number.isNaN(v)) throw new Error(`${name}[${i}] is not a number (${v})`); });
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
