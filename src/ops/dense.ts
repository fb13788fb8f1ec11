// A fully connected layer y = xW + b, with PyTorch's default initialization
// W, b ~ U(−1/√fan_in, 1/√fan_in) from a seeded generator (so a run can be compared with PyTorch's).
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random/rng';
import { DENSE, DenseActivation } from '../backend/dense-kernel';
import { hasNativeKernel } from '../backend/native-kernels';
import { checkWeightsGenerator } from '../validation/initial-weights';
import { checkKind, contract, count, str, tensor } from '../validation/contract';

// x [B, in], W [in, out], b [out]: checked only when the shapes disagree (the failure path), so the training
// step pays one comparison of shapes and never a contract walk
const DENSE_SHAPES = contract('dense', { x: tensor({ shape: ['B', 'in'] }), W: tensor({ shape: ['in', 'out'] }), b: tensor({ shape: ['out'] }), activation: str(['linear', 'relu']) });
const X_OF_LAYER = tensor({ shape: ['...', (c) => (c.self as Dense).inputDim], must: (c) => `have last dimension inputDim = ${(c.self as Dense).inputDim}` });

// W is inputDim × outputDim float32 entries: both counts, and their product bounded by memory
const dims = (other: number) => count({ entriesEach: Number.isInteger(other) && other > 0 ? other : 1, bytesEach: 4 });

/**
 * act(x W + b) composed of tfjs ops, for backends without the native kernels: one fused kernel forward
 * (tf.fused.matMul) with its gradient written out: g = dy (⊙ 1[y > 0] for ReLU), ∂x = g Wᵀ, ∂W = xᵀ g,
 * ∂b = Σ_rows g — recorded as one node instead of two or three (matMul, add, relu).
 */
function composedDense(activation: DenseActivation) {
  return tf.customGrad(((x: tf.Tensor2D, W: tf.Tensor2D, b: tf.Tensor1D, save: (t: tf.Tensor[]) => void) => {
    const y = tf.fused.matMul({ a: x, b: W, bias: b, activation });
    save(activation === 'relu' ? [x, W, y] : [x, W]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [xs, Ws, ys] = saved as tf.Tensor2D[];
        const g = activation === 'relu' ? (tf.mul(dy, tf.step(ys)) as tf.Tensor2D) : dy;
        return [tf.matMul(g, Ws, false, true), tf.matMul(xs, g, true, false), tf.sum(g, 0)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor2D, W: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;
}
const composed = { linear: composedDense('linear'), relu: composedDense('relu') };

/**
 * act(x W + b) as one recorded node: the native dense kernel when it is on (backend/dense-kernel.ts),
 * otherwise composed of tfjs ops. x [B, in], W [in, out], b [out] → [B, out].
 */
const live = (t: unknown): t is tf.Tensor => t instanceof tf.Tensor && !t.isDisposed;

/** `fn` names the public caller in errors (denseLinear, denseRelu). */
export function dense(x: tf.Tensor2D, W: tf.Tensor2D, b: tf.Tensor1D, activation: DenseActivation, fn = 'dense'): tf.Tensor2D {
  if (!live(x) || !live(W) || !live(b) || x.rank !== 2 || W.rank !== 2 || b.rank !== 1 || x.shape[1] !== W.shape[0] || b.shape[0] !== W.shape[1]) DENSE_SHAPES.check([x, W, b, activation], fn);
  if (x.dtype === 'float32' && W.dtype === 'float32' && b.dtype === 'float32' && hasNativeKernel(DENSE)) {
    return tf.engine().runKernel(DENSE, { x, W, b }, { activation } as unknown as tf.NamedAttrMap) as tf.Tensor2D;
  }
  return composed[activation](x, W, b);
}

/** x W + b: x [B, in], W [in, out], b [out] → [B, out]. */
export const denseLinear = (x: tf.Tensor2D, W: tf.Tensor2D, b: tf.Tensor1D) => dense(x, W, b, 'linear', 'denseLinear');

/** relu(x W + b): x [B, in], W [in, out], b [out] → [B, out]. */
export const denseRelu = (x: tf.Tensor2D, W: tf.Tensor2D, b: tf.Tensor1D) => dense(x, W, b, 'relu', 'denseRelu');

/**
 * A fully connected layer y = x W + b (optionally followed by a ReLU), the building block of the
 * lectures' VAE (D29, see docs/derivations.md#d29), with W and b drawn from a generator,
 * uniform on (−1/√in, 1/√in) (PyTorch's default, as in the lecture's code). Shapes: x [..., in] → [..., out]; W [in, out], b [out].
 *
 * @example
 * ```ts
 * const layer = new ll.ops.Dense(ll.rng(0), 784, 300, 'encoder/1');
 * layer.applyRelu(x);   // [B, 300]
 * ```
 */
export class Dense {
  readonly W: tf.Variable;
  readonly b: tf.Variable;

  /**
   * W and b drawn from `rng`; `name` is the layer's name inside its model, and tfjs variables get
   * `${scope}/${name}/W` (globally unique).
   */
  constructor(rng: Rng, readonly inputDim: number, readonly outputDim: number, readonly name: string, scope = 'dense') {
    checkWeightsGenerator('Dense', rng);
    // each count on its own first, so a huge outputDim is named as outputDim, then their product
    checkKind(dims(1), inputDim, 'inputDim', `Dense ${name}`);
    checkKind(dims(inputDim), outputDim, 'outputDim', `Dense ${name}`);
    const bound = 1 / Math.sqrt(inputDim);
    const draw = (r: Rng) => bound * (2 * r.nextUniform() - 1);
    this.W = tf.tidy(() => tf.variable(rng.tensor([inputDim, outputDim], draw), true, `${scope}/${name}/W`));
    this.b = tf.tidy(() => tf.variable(rng.tensor([outputDim], draw), true, `${scope}/${name}/b`));
  }

  /** x [..., inputDim] → [..., outputDim]. */
  apply(x: tf.Tensor): tf.Tensor {
    this.checkX(x, 'apply');
    return tf.tidy(() => {
      if (x.rank === 2) return denseLinear(x as tf.Tensor2D, this.W as tf.Tensor2D, this.b as tf.Tensor1D);
      const lead = x.shape.slice(0, -1);
      const y = denseLinear(tf.reshape(x, [-1, this.inputDim]) as tf.Tensor2D, this.W as tf.Tensor2D, this.b as tf.Tensor1D);
      return tf.reshape(y, [...lead, this.outputDim]);
    });
  }

  /** relu(x W + b): fused for [B, in] inputs (denseRelu), composed otherwise. */
  applyRelu(x: tf.Tensor): tf.Tensor {
    this.checkX(x, 'applyRelu');
    if (x.rank === 2 && x.shape[1] === this.inputDim) return denseRelu(x as tf.Tensor2D, this.W as tf.Tensor2D, this.b as tf.Tensor1D);
    return tf.tidy(() => tf.relu(this.apply(x)));
  }

  /** x's last dimension against inputDim: the shapes compared on every call, the contract only when they disagree. */
  private checkX(x: tf.Tensor, method: string): void {
    if (!live(x) || x.shape[x.rank - 1] !== this.inputDim) checkKind(X_OF_LAYER, x, 'x', `Dense.${method} ('${this.name}')`, { self: this });
  }

  get variables(): tf.Variable[] {
    return [this.W, this.b];
  }

  /** The variables under names local to the model (stable across instances, for checkpoints). */
  get namedVariables(): { name: string; variable: tf.Variable }[] {
    return [{ name: `${this.name}/W`, variable: this.W }, { name: `${this.name}/b`, variable: this.b }];
  }

  /**
   * Frees W and b.
   */
  dispose(): void {
    this.W.dispose();
    this.b.dispose();
  }
}
