// tfjs's elementwise kernels that tfjs-backend-wasm runs on one thread, natively on every thread
// (native/elementwise.c, LATENT_THREADS) on wasm and cpu, for float32 and the shapes the models use; the
// stock kernel for everything else:
//   Add, Sub, Multiply   same shapes, or one operand broadcast from the other's trailing axes (a bias, a
//                        per-channel scale, a [1, H, W, C] mask over the batch, a scalar) or leading axes
//                        ([B, 1, 1, 1] against [B, H, W, C])
//   Relu, Step, Tanh, Exp, LeakyRelu, Softplus; the gradients of ReLU and leaky ReLU as one kernel each (LatentReluGrad,
//   LatentLeakyReluGrad) instead of step, cast, multiply and greater, multiply, select
//   Tile                 along the leading axis only (reps [k, 1, …, 1]: the batch copies of a mask)
// The profile that asked for them: RealNVP's step spent ~40% of its time in these on one thread (environment.md).
import * as tf from '@tensorflow/tfjs-core';
import { Addon } from './addon';
import { NativeBackendName, newOutput, sizeOf, tensorValues } from './tensor-memory';

/** How an operand maps onto the output (native/elementwise.c): its own shape, repeated, or held. */
export const enum Broadcast { Full = 0, Repeated = 1, Held = 2 }

/**
 * The native broadcast of operands of shapes a and b, or undefined when it is none of the three (then the
 * stock kernel runs): at most one operand smaller than the output, and it matches the output's trailing
 * axes (Repeated: index i mod its size) or its leading ones (Held: index ⌊i / (n / its size)⌋).
 * @example broadcastModes([128, 28, 28, 1], [1, 28, 28, 1])   // { out: [128, 28, 28, 1], a: Full, b: Repeated }
 */
export function broadcastModes(a: number[], b: number[]): { out: number[]; a: Broadcast; b: Broadcast } | undefined {
  // the common case first, without the padded copies (this runs on every Add/Sub/Multiply: a few µs matter)
  if (a.length === b.length && a.every((d, i) => d === b[i])) return { out: a, a: Broadcast.Full, b: Broadcast.Full };
  const rank = Math.max(a.length, b.length);
  const pa = [...new Array(rank - a.length).fill(1), ...a], pb = [...new Array(rank - b.length).fill(1), ...b];
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    if (pa[i] !== pb[i] && pa[i] !== 1 && pb[i] !== 1) return undefined;  // the stock kernel names the mismatch
    out.push(pa[i] === 1 ? pb[i] : pa[i]);
  }
  const same = (p: number[]) => p.every((d, i) => d === out[i]);
  const mode = (p: number[]): Broadcast | undefined => {
    if (same(p)) return Broadcast.Full;
    // the axes where p is 1 but out is not must be a leading run (Repeated) or a trailing run (Held)
    const ones = p.map((d, i) => d !== out[i]);
    const first = ones.indexOf(true), last = ones.lastIndexOf(true);
    if (!ones.slice(first, last + 1).every((o, i) => o || p[first + i] === 1)) return undefined;
    const lead = p.slice(0, last + 1).every((d) => d === 1);
    const trail = p.slice(first).every((d) => d === 1);
    return lead ? Broadcast.Repeated : trail ? Broadcast.Held : undefined;
  };
  const ma = mode(pa), mb = mode(pb);
  if (ma === undefined || mb === undefined || (ma !== Broadcast.Full && mb !== Broadcast.Full)) return undefined;
  return { out, a: ma, b: mb };
}

const BINARY: Record<string, number> = { Add: 0, Sub: 1, Multiply: 2 };
const RELU_GRAD_OP = 3;

/** ReLU's gradient dy · step(x) as one kernel: inputs x (ReLU's input) and dy. */
export const RELU_GRAD = 'LatentReluGrad';
/** Leaky ReLU's gradient (dy where x > 0, alpha·dy elsewhere) as one kernel: inputs x, dy; attr alpha. */
export const LEAKY_RELU_GRAD = 'LatentLeakyReluGrad';

// second derivatives through leaky ReLU's one-pass gradient: linear in dy with the same mask, flat in x
tf.registerGradient({
  kernelName: LEAKY_RELU_GRAD,
  inputsToSave: ['x'],
  gradFunc: (g, saved, attrs) => {
    const [x] = saved;
    return { x: () => tf.zerosLike(x), dy: () => tf.engine().runKernel(LEAKY_RELU_GRAD, { x, dy: g as tf.Tensor }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor };
  },
});
// second derivatives through the one-pass gradient: ∂/∂dy is the same masking of the incoming gradient,
// ∂/∂x is zero (step is flat)
tf.registerGradient({
  kernelName: RELU_GRAD,
  inputsToSave: ['x'],
  gradFunc: (g, saved) => {
    const [x] = saved;
    return { x: () => tf.zerosLike(x), dy: () => tf.engine().runKernel(RELU_GRAD, { x, dy: g as tf.Tensor }) as tf.Tensor };
  },
});
const UNARY: Record<string, number> = { Relu: 0, Step: 1, Tanh: 2, Exp: 3, LeakyRelu: 4, Softplus: 5 };

/**
 * ReLU's gradient in one pass where the native kernel is registered (tfjs's is step, cast and multiply: two
 * passes over the activation and a tensor more), the stock composition elsewhere. Registered when the
 * native kernels are enabled, after tfjs's own gradients (a later registration replaces an earlier one).
 */
function registerReluGradients(): void {
  tf.registerGradient({
    kernelName: 'Relu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved;
      const native = tf.getKernel(RELU_GRAD, tf.getBackend()) !== undefined && x.dtype === 'float32';
      return { x: () => (native ? tf.engine().runKernel(RELU_GRAD, { x, dy: dy as tf.Tensor }) as tf.Tensor : tf.mul(dy as tf.Tensor, tf.cast(tf.step(x), 'float32'))) };
    },
  });
  // tfjs's: where(x > 0, dy, alpha · dy), three kernels (greater, multiply, select) and a boolean mask
  tf.registerGradient({
    kernelName: 'LeakyRelu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const { alpha } = attrs as unknown as { alpha: number };
      const native = tf.getKernel(LEAKY_RELU_GRAD, tf.getBackend()) !== undefined && x.dtype === 'float32';
      return { x: () => (native ? tf.engine().runKernel(LEAKY_RELU_GRAD, { x, dy: dy as tf.Tensor }, { alpha }) as tf.Tensor : tf.where(tf.greater(x, 0), dy as tf.Tensor, tf.mul(dy as tf.Tensor, alpha))) };
    },
  });
}

export function elementwiseKernels(addon: Addon, name: NativeBackendName, stock: (kernelName: string) => tf.KernelConfig): tf.KernelConfig[] {
  const binary = (kernelName: string): tf.KernelConfig => ({
    kernelName, backendName: name,
    kernelFunc: (args) => {
      const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const modes = a.dtype === 'float32' && b.dtype === 'float32' ? broadcastModes(a.shape, b.shape) : undefined;
      if (!modes || sizeOf(modes.out) === 0) return stock(kernelName).kernelFunc(args);
      const { info, values } = newOutput(name, args.backend, modes.out);
      addon.binary(BINARY[kernelName], modes.a, modes.b, tensorValues(name, args.backend, a), tensorValues(name, args.backend, b), values);
      return info;
    },
  });
  const unary = (kernelName: string): tf.KernelConfig => ({
    kernelName, backendName: name,
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      if (x.dtype !== 'float32') return stock(kernelName).kernelFunc(args);
      const { info, values } = newOutput(name, args.backend, x.shape);
      const alpha = kernelName === 'Step' || kernelName === 'LeakyRelu' ? (args.attrs as unknown as { alpha?: number }).alpha ?? (kernelName === 'Step' ? 0 : 0.2) : 0;
      addon.unary(UNARY[kernelName], alpha, tensorValues(name, args.backend, x), values);
      return info;
    },
  });
  const tile: tf.KernelFunc = (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { reps } = args.attrs as unknown as { reps: number[] };
    const leading = x.dtype === 'float32' && reps.length === x.shape.length && reps.length > 0 && reps.slice(1).every((r) => r === 1) && Number.isInteger(reps[0]) && reps[0] >= 1;
    if (!leading || sizeOf(x.shape) === 0) return stock('Tile').kernelFunc(args);
    const { info, values } = newOutput(name, args.backend, [x.shape[0] * reps[0], ...x.shape.slice(1)]);
    addon.tileLeading(tensorValues(name, args.backend, x), values);
    return info;
  };
  registerReluGradients();
  const reluGrad: tf.KernelFunc = (args) => {
    const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const { info, values } = newOutput(name, args.backend, x.shape);
    if (sizeOf(x.shape) > 0) addon.binary(RELU_GRAD_OP, Broadcast.Full, Broadcast.Full, tensorValues(name, args.backend, x), tensorValues(name, args.backend, dy), values);
    return info;
  };
  const leakyGrad: tf.KernelFunc = (args) => {
    const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const { alpha } = args.attrs as unknown as { alpha: number };
    const { info, values } = newOutput(name, args.backend, x.shape);
    if (sizeOf(x.shape) > 0) addon.leakyReluGrad(alpha, tensorValues(name, args.backend, x), tensorValues(name, args.backend, dy), values);
    return info;
  };
  return [
    ...Object.keys(BINARY).map(binary),
    { kernelName: RELU_GRAD, backendName: name, kernelFunc: reluGrad },
    { kernelName: LEAKY_RELU_GRAD, backendName: name, kernelFunc: leakyGrad },
    ...Object.keys(UNARY).map(unary),
    { kernelName: 'Tile', backendName: name, kernelFunc: tile },
  ];
}
