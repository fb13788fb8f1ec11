// tfjs's Sum kernel, natively for float32 sums over leading axes (native/sum.c): the reduction in
// every gradient of a broadcast (a bias's gradient Σ_rows g, a batch's), which tfjs's wasm kernel
// computes by transposing first; and over trailing axes (native/elementwise.c: a per-example total such as
// a flow's log-determinant Σ_{h,w,c} s), on every thread. Every other sum goes to the stock kernel.
import * as tf from '@tensorflow/tfjs-core';
import { Addon } from './addon';
import { NativeBackendName, newOutput, sizeOf, tensorValues } from './tensor-memory';

/** The number k of trailing axes when `axis` is exactly r−k…r−1 of a rank-r tensor (0 < k < r), else 0. */
export function trailingAxes(axis: number | number[], rank: number): number {
  const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
  const k = axes.length;
  return k > 0 && k < rank && axes.every((a, i) => a === rank - k + i) ? k : 0;
}

/** The number k of leading axes when `axis` is exactly 0…k−1 of a rank-r tensor (k < r), else 0. */
export function leadingAxes(axis: number | number[], rank: number): number {
  const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
  const k = axes.length;
  return k > 0 && k < rank && axes.every((a, i) => a === i) ? k : 0;
}

export function sumKernel(addon: Addon, name: NativeBackendName, stock: (kernelName: string) => tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const t = x.dtype === 'float32' && sizeOf(x.shape) > 0 ? trailingAxes(axis, x.shape.length) : 0;
    if (t > 0) {
      const lead = x.shape.slice(0, x.shape.length - t);
      const { info, values } = newOutput(name, backend, keepDims ? [...lead, ...new Array(t).fill(1)] : lead);
      addon.sumTrailing(sizeOf(lead), sizeOf(x.shape.slice(lead.length)), tensorValues(name, backend, x), values);
      return info;
    }
    const k = x.dtype === 'float32' ? leadingAxes(axis, x.shape.length) : 0;
    if (k === 0) return stock('Sum').kernelFunc({ inputs, backend, attrs });
    const rows = sizeOf(x.shape.slice(0, k)), cols = sizeOf(x.shape.slice(k));
    const outShape = keepDims ? [...new Array(k).fill(1), ...x.shape.slice(k)] : x.shape.slice(k);
    const { info, values } = newOutput(name, backend, outShape);
    addon.sumLeading(rows, cols, tensorValues(name, backend, x), values);
    return info;
  };
  return { kernelName: 'Sum', backendName: name, kernelFunc };
}
