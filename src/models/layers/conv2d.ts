// A 2-D convolution layer y = W ⋆ x + b on NHWC images, with PyTorch's default initialization
// W, b ~ U(−1/√fan_in, 1/√fan_in), fan_in = k·k·C_in, drawn from a seeded generator. It is stock
// tf.conv2d: native convolution kernels, when registered for the backend, make it fast transparently.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import { positiveInteger } from '../../validation/arguments';
import { checkKind, describeAny, tensor } from '../../validation/contract';
import { checkWeightsGenerator } from '../../validation/initial-weights';
import { weightsFit } from '../../validation/model-size';

const ODD = { expected: "odd (for 'same' padding)", test: (v: unknown) => (typeof v === 'number' && v % 2 === 1 ? undefined : `got ${describeAny(v)}`) };

/**
 * A k×k convolution, stride 1, 'same' padding: x [B, H, W, C_in] → [B, H, W, C_out].
 *
 *     y[b, i, j, o] = β_o + Σ_{u, v, c} W[u, v, c, o] · x[b, i + u − ⌊k/2⌋, j + v − ⌊k/2⌋, c]   (zero outside the image)
 *
 * @example const c = new Conv2d(ll.rng(0), 1, 16, 3, 'in'); const y = c.apply(x); // [B, 28, 28, 16]
 */
export class Conv2d {
  /** [k, k, C_in, C_out] */
  readonly W: tf.Variable;
  readonly b: tf.Variable;

  /**
   * A k×k convolution from C_in to C_out channels with W, b ~ U(−1/√fan_in, 1/√fan_in) drawn from `rng`.
   *
   * @param rng  the generator of the initial weights
   * @param inChannels  C_in
   * @param outChannels  C_out
   * @param kernel  k, odd
   * @param name  the layer's name in its model
   * @param scope  the model's scope of tfjs variable names
   */
  constructor(rng: Rng, readonly inChannels: number, readonly outChannels: number, readonly kernel: number, readonly name: string, scope = 'conv') {
    checkWeightsGenerator('Conv2d', rng);
    positiveInteger(inChannels, `Conv2d ${name}`, 'inChannels');
    positiveInteger(outChannels, `Conv2d ${name}`, 'outChannels');
    positiveInteger(kernel, `Conv2d ${name}`, 'kernel');
    checkKind(ODD, kernel, 'kernel', `Conv2d ${name}`);
    checkKind(weightsFit(['kernel', 'inChannels', 'outChannels'], 'kernel² × inChannels × outChannels', (c) => c.kernel * c.kernel * c.inChannels * c.outChannels), { kernel, inChannels, outChannels }, 'inChannels × outChannels', `Conv2d ${name}`);
    const bound = 1 / Math.sqrt(kernel * kernel * inChannels);
    const draw = (r: Rng) => bound * (2 * r.nextUniform() - 1);
    this.W = tf.tidy(() => tf.variable(rng.tensor([kernel, kernel, inChannels, outChannels], draw), true, `${scope}/${name}/W`));
    this.b = tf.tidy(() => tf.variable(rng.tensor([outChannels], draw), true, `${scope}/${name}/b`));
  }

  /**
   * y = W ⋆ x + b: [B, H, W, C_in] → [B, H, W, C_out] (stride 1, 'same' padding).
   */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    checkKind(tensor({ shape: ['B', 'H', 'W', this.inChannels] }), x, 'x', `Conv2d.apply (${this.name})`);
    if (canDifferentiateConv()) return tf.fused.conv2d({ x, filter: this.W as tf.Tensor4D, strides: 1, pad: 'same', bias: this.b });
    return tf.tidy(() => tf.add(im2colConv(x, this.W as tf.Tensor4D), this.b) as tf.Tensor4D);
  }

  get variables(): tf.Variable[] { return [this.W, this.b]; }

  /**
   * Frees W and b.
   */
  dispose(): void { this.W.dispose(); this.b.dispose(); }
}

/**
 * The filter gradient ∂L/∂W[i, j, c, o] = Σ_{b,h,w} x_pad[b, h+i, w+j, c] · dy[b, h, w, o] for a k×k
 * 'same' convolution, as one matrix product patchesᵀ·dy (im2col): for backends without a
 * Conv2DBackpropFilter kernel (stock wasm has none).
 */
function filterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, k: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [B, H, W, C] = x.shape, O = dy.shape[3], p = (k - 1) / 2;
    const xp = tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]]);
    const cols: tf.Tensor[] = [];
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) cols.push(tf.slice(xp, [0, i, j, 0], [B, H, W, C]));
    const patches = tf.reshape(tf.concat(cols, 3), [B * H * W, k * k * C]);
    return tf.reshape(tf.matMul(patches, tf.reshape(dy, [B * H * W, O]), true, false), [k, k, C, O]) as tf.Tensor4D;
  });
}

const im2colConv = tf.customGrad(((x: tf.Tensor4D, W: tf.Tensor4D, save: (t: tf.Tensor[]) => void) => {
  save([x, W]);
  return {
    value: tf.conv2d(x, W, 1, 'same'),
    gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
      const [xs, Ws] = saved as tf.Tensor4D[];
      return [tf.conv2dTranspose(dy, Ws, xs.shape, 1, 'same'), filterGradient(xs, dy, Ws.shape[0])];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor4D, W: tf.Tensor4D) => tf.Tensor4D;

/**
 * W ⋆ x, stride 1, 'same' padding, with the filter gradient by im2col whatever the backend (the
 * fallback of conv2dSame, exported to test it against tf.conv2d's gradients).
 */
export function conv2dIm2col(x: tf.Tensor4D, W: tf.Tensor4D): tf.Tensor4D {
  return im2colConv(x, W);
}

/** Whether the active backend has tf.conv2d's filter gradient (stock wasm has not; the native kernels add it). */
function canDifferentiateConv(): boolean {
  return tf.getKernel('Conv2DBackpropFilter', tf.getBackend()) !== undefined;
}

/**
 * W ⋆ x, stride 1, 'same' padding: x [B, H, W, C_in], W [k, k, C_in, C_out] → [B, H, W, C_out].
 * tf.conv2d when the backend can differentiate it; otherwise the same forward with the filter gradient
 * by im2col (a matrix product, which the native BLAS kernels make fast).
 */
export function conv2dSame(x: tf.Tensor4D, W: tf.Tensor4D): tf.Tensor4D {
  return canDifferentiateConv() ? tf.conv2d(x, W, 1, 'same') : im2colConv(x, W);
}
