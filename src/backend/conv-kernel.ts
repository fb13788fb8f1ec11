// tfjs's 2-D convolution kernels on oneDNN (native/conv.c), for the wasm and cpu backends: Conv2D and
// _FusedConv2D (bias, ReLU) forward, and the two kernels of their gradients, Conv2DBackpropInput (also
// the forward pass of tf.conv2dTranspose) and Conv2DBackpropFilter (which tfjs-backend-wasm lacks: without
// it a convolution cannot be trained on wasm at all). NHWC float32 with every stride, dilation and padding
// (number, 'same', 'valid', explicit, any rounding) tfjs accepts; NCHW, other dtypes and shapes oneDNN
// declines go to the stock kernel.
import * as tf from '@tensorflow/tfjs-core';
import { Addon } from './addon';
import { NativeBackendName, newOutput, sizeOf, tensorValues } from './tensor-memory';

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
type Shape4 = [number, number, number, number];

/**
 * oneDNN's 17 convolution parameters from tfjs's own shape arithmetic (computeConv2DInfo), so that both
 * agree on the output size: B, H, W, Cin, OH, OW, Cout, KH, KW, strides, dilations (1 = none), pad top,
 * left, and bottom/right as oneDNN needs them for that output size (negative when tfjs's rounding drops
 * input rows or columns at the end).
 * Example: convParams([2, 5, 5, 3], [3, 3, 3, 4], 1, 1, 'same') → [2, 5, 5, 3, 5, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1].
 */
export function convParams(xShape: Shape4, filterShape: Shape4, strides: number | [number, number], dilations: number | [number, number],
  pad: Pad, dimRoundingMode?: 'floor' | 'round' | 'ceil'): Int32Array {
  const c = tf.backend_util.computeConv2DInfo(xShape, filterShape, strides, dilations, pad, dimRoundingMode, false, 'channelsLast');
  const { top, left } = c.padInfo;
  const bottom = (c.outHeight - 1) * c.strideHeight + c.effectiveFilterHeight - c.inHeight - top;
  const right = (c.outWidth - 1) * c.strideWidth + c.effectiveFilterWidth - c.inWidth - left;
  return Int32Array.from([c.batchSize, c.inHeight, c.inWidth, c.inChannels, c.outHeight, c.outWidth, c.outChannels,
    c.filterHeight, c.filterWidth, c.strideHeight, c.strideWidth, c.dilationHeight, c.dilationWidth, top, left, bottom, right]);
}

interface ConvAttrs {
  strides: number | [number, number];
  pad: Pad;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape?: Shape4;
  filterShape?: Shape4;
  activation?: string;
}

/** How many calls oneDNN declined (and the stock kernel ran) since the process started: tests check it stays 0 on the cases they cover. */
export const convDeclines = { count: 0 };

type StockLookup = (kernelName: string) => tf.KernelConfig | undefined;

/** The kernels for one backend (only when the addon was built with oneDNN). */
export function convKernels(addon: Addon, name: NativeBackendName, stock: StockLookup): tf.KernelConfig[] {
  if (!addon.convForward || !addon.convBackwardData || !addon.convBackwardWeights) return [];
  const fwd = addon.convForward.bind(addon), bwdData = addon.convBackwardData.bind(addon), bwdWeights = addon.convBackwardWeights.bind(addon);

  // Runs the native call into a new output; on a decline frees it and runs the stock kernel.
  const run = (kernelName: string, args: tf.KernelFunc extends (a: infer A) => unknown ? A : never, shape: number[],
    call: (view: (t: tf.TensorInfo) => Float32Array, out: Float32Array) => boolean): tf.TensorInfo => {
    const { backend } = args;
    const { info, values } = newOutput(name, backend, shape);
    if (sizeOf(shape) > 0 && call((t) => tensorValues(name, backend, t), values)) return info;
    (backend as tf.KernelBackend).disposeData(info.dataId);
    convDeclines.count++;
    const fallback = stock(kernelName);
    if (!fallback) throw new Error(`${kernelName}: oneDNN declined this convolution and ${name} has no stock kernel for it`);
    return fallback.kernelFunc(args) as tf.TensorInfo;
  };
  const float = (...ts: (tf.TensorInfo | undefined)[]) => ts.every((t) => !t || t.dtype === 'float32');
  const nhwc = (a: ConvAttrs) => (a.dataFormat ?? 'NHWC') === 'NHWC';

  const nativeConv2d: tf.KernelFunc = (args) => {
    const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    const a = args.attrs as unknown as ConvAttrs;
    if (!float(x, filter) || !nhwc(a)) return stock('Conv2D')!.kernelFunc(args);
    const p = convParams(x.shape as Shape4, filter.shape as Shape4, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode);
    return run('Conv2D', args, [p[0], p[4], p[5], p[6]], (view, out) => fwd(p, view(x), view(filter), out, null, false));
  };

  const fusedConv2d: tf.KernelFunc = (args) => {
    const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const a = args.attrs as unknown as ConvAttrs;
    const act = a.activation ?? 'linear';
    const outChannels = filter!.shape[3];
    const simpleBias = !bias || (bias.shape.length === 1 && bias.shape[0] === outChannels) || (sizeOf(bias.shape) === outChannels && bias.shape[bias.shape.length - 1] === outChannels);
    if (!float(x, filter, bias) || !nhwc(a) || preluActivationWeights || !simpleBias || (act !== 'linear' && act !== 'relu')) {
      return stock('FusedConv2D')!.kernelFunc(args);
    }
    const p = convParams(x!.shape as Shape4, filter!.shape as Shape4, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode);
    return run('FusedConv2D', args, [p[0], p[4], p[5], p[6]], (view, out) => fwd(p, view(x!), view(filter!), out, bias ? view(bias) : null, act === 'relu'));
  };

  const backpropInput: tf.KernelFunc = (args) => {
    const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const a = args.attrs as unknown as ConvAttrs;
    if (!float(dy, filter) || !nhwc(a)) return stock('Conv2DBackpropInput')!.kernelFunc(args);
    const p = convParams(a.inputShape!, filter.shape as Shape4, a.strides, 1, a.pad, a.dimRoundingMode);
    if (p[4] !== dy.shape[1] || p[5] !== dy.shape[2]) throw new Error(`Conv2DBackpropInput: dy [${dy.shape}] does not fit input [${a.inputShape}]`);
    return run('Conv2DBackpropInput', args, [...a.inputShape!], (view, out) => bwdData(p, view(dy), view(filter), out));
  };

  const backpropFilter: tf.KernelFunc = (args) => {
    const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const a = args.attrs as unknown as ConvAttrs;
    if (!float(x, dy) || !nhwc(a)) {
      const fallback = stock('Conv2DBackpropFilter');
      if (!fallback) throw new Error(`Conv2DBackpropFilter: ${name} has no stock kernel for this case (dtype ${x.dtype}/${dy.dtype}, ${a.dataFormat})`);
      return fallback.kernelFunc(args);
    }
    const p = convParams(x.shape as Shape4, a.filterShape!, a.strides, 1, a.pad, a.dimRoundingMode);
    return run('Conv2DBackpropFilter', args, [...a.filterShape!], (view, out) => bwdWeights(p, view(x), out, view(dy)));
  };

  return [
    { kernelName: 'Conv2D', backendName: name, kernelFunc: nativeConv2d },
    { kernelName: 'FusedConv2D', backendName: name, kernelFunc: fusedConv2d },
    { kernelName: 'Conv2DBackpropInput', backendName: name, kernelFunc: backpropInput },
    { kernelName: 'Conv2DBackpropFilter', backendName: name, kernelFunc: backpropFilter },
  ];
}
