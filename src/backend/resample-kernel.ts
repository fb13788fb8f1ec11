// tfjs's kernels for a U-Net's resolution changes and skip connections, natively (native/resample.c)
// on wasm and cpu for the cases a U-Net uses, the stock kernels for everything else:
//   AvgPool, AvgPoolGrad                       2×2 windows, stride 2, no padding, even H and W
//   ResizeNearestNeighbor(Grad)                to exactly twice the size, alignCorners false
//   Concat, SplitV                             float32 along the last (channel) axis
import * as tf from '@tensorflow/tfjs-core';
import { Addon } from './addon';
import { NativeBackendName, newOutput, sizeOf, tensorValues } from './tensor-memory';

type Shape4 = [number, number, number, number];
interface PoolAttrs { filterSize: number | [number, number]; strides: number | [number, number]; pad: 'same' | 'valid' | number; dimRoundingMode?: 'floor' | 'round' | 'ceil' }

/** Whether an AvgPool of these attributes on an NHWC shape is the plain 2×2, stride-2 pooling of the native kernel. */
export function isPool2(shape: number[], a: PoolAttrs): boolean {
  if (shape.length !== 4 || shape[1] % 2 || shape[2] % 2 || sizeOf(shape) === 0) return false;
  const info = tf.backend_util.computePool2DInfo(shape as Shape4, a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
  const { top, bottom, left, right } = info.padInfo;
  return info.filterHeight === 2 && info.filterWidth === 2 && info.strideHeight === 2 && info.strideWidth === 2 && top + bottom + left + right === 0;
}

export function resampleKernels(addon: Addon, name: NativeBackendName, stock: (kernelName: string) => tf.KernelConfig): tf.KernelConfig[] {
  const view = (backend: unknown) => (t: tf.TensorInfo) => tensorValues(name, backend, t);

  const avgPool: tf.KernelFunc = (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (x.dtype !== 'float32' || !isPool2(x.shape, args.attrs as unknown as PoolAttrs)) return stock('AvgPool').kernelFunc(args);
    const [B, H, W, C] = x.shape;
    const { info, values } = newOutput(name, args.backend, [B, H / 2, W / 2, C]);
    addon.avgPool2(B, H, W, C, view(args.backend)(x), values);
    return info;
  };
  const avgPoolGrad: tf.KernelFunc = (args) => {
    const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    if (dy.dtype !== 'float32' || !isPool2(input.shape, args.attrs as unknown as PoolAttrs)) return stock('AvgPoolGrad').kernelFunc(args);
    const [B, H, W, C] = input.shape;
    const { info, values } = newOutput(name, args.backend, input.shape);
    addon.avgPool2Grad(B, H, W, C, view(args.backend)(dy), values);
    return info;
  };
  const doubles = (small: number[], big: number[], alignCorners: boolean) =>
    !alignCorners && small.length === 4 && sizeOf(small) > 0 && big[1] === 2 * small[1] && big[2] === 2 * small[2];
  const resize: tf.KernelFunc = (args) => {
    const { images } = args.inputs as { images: tf.TensorInfo };
    const { alignCorners, size } = args.attrs as unknown as { alignCorners: boolean; size: [number, number] };
    const [B, H, W, C] = images.shape;
    if (images.dtype !== 'float32' || !doubles(images.shape, [B, ...size, C], alignCorners)) return stock('ResizeNearestNeighbor').kernelFunc(args);
    const { info, values } = newOutput(name, args.backend, [B, 2 * H, 2 * W, C]);
    addon.upsample2(B, H, W, C, view(args.backend)(images), values);
    return info;
  };
  const resizeGrad: tf.KernelFunc = (args) => {
    const { images, dy } = args.inputs as { images: tf.TensorInfo; dy: tf.TensorInfo };
    const { alignCorners } = args.attrs as unknown as { alignCorners: boolean };
    if (dy.dtype !== 'float32' || !doubles(images.shape, dy.shape, alignCorners)) return stock('ResizeNearestNeighborGrad').kernelFunc(args);
    const [B, H, W, C] = images.shape;
    const { info, values } = newOutput(name, args.backend, images.shape);
    addon.upsample2Grad(B, H, W, C, view(args.backend)(dy), values);
    return info;
  };
  const lastAxis = (axis: number | number[], rank: number) => {
    const a = Array.isArray(axis) ? axis[0] : axis;
    return rank >= 1 && (a === rank - 1 || a === -1);
  };
  const concat: tf.KernelFunc = (args) => {
    const parts = Object.values(args.inputs) as tf.TensorInfo[];
    const { axis } = args.attrs as unknown as { axis: number | number[] };
    const rank = parts[0]?.shape.length ?? 0;
    if (parts.length < 2 || parts.length > 64 || !lastAxis(axis, rank) || parts.some((t) => t.dtype !== 'float32' || sizeOf(t.shape) === 0 || t.shape.length !== rank)) return stock('Concat').kernelFunc(args);
    const lead = parts[0].shape.slice(0, -1);
    if (parts.some((t) => t.shape.slice(0, -1).some((d, i) => d !== lead[i]))) return stock('Concat').kernelFunc(args);  // the stock kernel names the mismatch
    const { info, values } = newOutput(name, args.backend, [...lead, parts.reduce((s, t) => s + t.shape[rank - 1], 0)]);
    addon.concatLast(sizeOf(lead), parts.map(view(args.backend)), values);
    return info;
  };
  const split: tf.KernelFunc = (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { numOrSizeSplits, axis } = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number };
    const rank = x.shape.length;
    if (x.dtype !== 'float32' || sizeOf(x.shape) === 0 || !lastAxis(axis, rank)) return stock('SplitV').kernelFunc(args);
    const sizes = tf.backend_util.prepareSplitSize(x, numOrSizeSplits, rank - 1);
    if (sizes.length > 64 || sizes.some((s) => s === 0)) return stock('SplitV').kernelFunc(args);
    const lead = x.shape.slice(0, -1);
    const outs = sizes.map((s) => newOutput(name, args.backend, [...lead, s]).info);
    const v = view(args.backend);  // after the allocations (wasm heap growth)
    addon.splitLast(sizeOf(lead), v(x), outs.map(v));
    return outs;
  };
  return [
    { kernelName: 'AvgPool', backendName: name, kernelFunc: avgPool },
    { kernelName: 'AvgPoolGrad', backendName: name, kernelFunc: avgPoolGrad },
    { kernelName: 'ResizeNearestNeighbor', backendName: name, kernelFunc: resize },
    { kernelName: 'ResizeNearestNeighborGrad', backendName: name, kernelFunc: resizeGrad },
    { kernelName: 'Concat', backendName: name, kernelFunc: concat },
    { kernelName: 'SplitV', backendName: name, kernelFunc: split },
  ];
}
