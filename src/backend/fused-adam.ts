// Adam in one pass for all variables (lecture 002's adaptive step sizes):
//   m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  w ← w − lr · m̂ / (√v̂ + ε),  m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ)
// tf.train.adam spends about ten kernel launches per variable per step (80 for the lectures' VAE, each
// a pass over the weights); this optimizer updates every variable in one native call (native/adam.c),
// in place on the tensors' memory, or — without the native kernels — in one JavaScript pass per
// variable. Same formula and defaults as tf.train.adam (the test compares the two).
import * as tf from '@tensorflow/tfjs-core';
import { activeAddon } from './native-kernels';
import { anything, checkKind, contract, num, optional, positive, where } from '../validation/contract';

const MOMENT_DECAY = optional({ ...num({ min: 0, below: 1 }), expected: 'in [0, 1)' });
const FUSED_ADAM = contract('FusedAdam', { learningRate: optional(positive()), beta1: MOMENT_DECAY, beta2: MOMENT_DECAY, epsilon: optional(positive()) });
import { ownsMemory, tensorValues } from './tensor-memory';

interface NamedTensor { name: string; tensor: tf.Tensor }
type NamedGrads = tf.NamedTensorMap | NamedTensor[];

// tf.Optimizer defines Symbol.hasInstance by duck typing, so `x instanceof FusedAdam` is true for
// every tfjs optimizer; FusedAdam instances are recognized by this brand instead.
const fusedAdams = new WeakSet<object>();

/**
 * Adam (lecture 002's adaptive step sizes) updating every variable in one native call:
 *
 *     m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²,  w ← w − lr · m̂/(√v̂ + ε),  m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ).
 *
 * The same update and defaults as `tf.train.adam`, in one pass instead of about ten kernel launches per
 * variable; without the native kernels, one JavaScript pass per variable. `adam(lr)` (same module) picks it when the
 * native kernels are on.
 *
 * @example
 * ```ts
 * const opt = new FusedAdam(1e-3);   // not in the public API: import it from src/backend/fused-adam
 * opt.minimize(() => vae.loss(ll.rng(0), x, { type: 'elbo' }), false, vae.variables);
 * ```
 */
export class FusedAdam extends tf.Optimizer {
  static get className(): string { return 'FusedAdam'; }
  // Moments by position in the variable list, as tf.train.adam keeps them: a restored state then
  // applies to a new model's variables (whose tfjs names differ) in the same order.
  private first: Float32Array[] = [];
  private second: Float32Array[] = [];
  private names: string[] = [];
  private step = 0;

  /**
   * Adam with the given step size and moment decays (tf.train.adam's defaults).
   *
   * @param learningRate  lr > 0
   * @param beta1  β₁ in [0, 1)
   * @param beta2  β₂ in [0, 1)
   * @param epsilon  ε added to √v̂
   */
  constructor(readonly learningRate = 1e-3, readonly beta1 = 0.9, readonly beta2 = 0.999, readonly epsilon = 1e-7) {
    super();
    FUSED_ADAM.check(arguments);
    fusedAdams.add(this);
  }

  /** True only for a FusedAdam (`instanceof` is not reliable: tf.Optimizer's Symbol.hasInstance accepts any optimizer). */
  static isFusedAdam(x: unknown): x is FusedAdam {
    return typeof x === 'object' && x !== null && fusedAdams.has(x);
  }

  applyGradients(variableGradients: NamedGrads): void {
    const entries = Array.isArray(variableGradients)
      ? variableGradients.map((v) => [v.name, v.tensor] as const)
      : Object.keys(variableGradients).map((k) => [k, variableGradients[k]] as const);
    const updates: { variable: tf.Variable; grad: tf.Tensor; m: Float32Array; v: Float32Array }[] = [];
    entries.forEach(([name, grad], k) => {
      if (grad == null) return;
      const variable = tf.engine().registeredVariables[name];
      if (!variable) throw new Error(`FusedAdam: no variable named ${name}`);
      if (variable.dtype !== 'float32') throw new Error(`FusedAdam: variable ${name} is ${variable.dtype}, not float32`);
      if (grad.size !== variable.size) throw new Error(`FusedAdam: the gradient of ${name} has ${grad.size} entries, the variable ${variable.size}`);
      if (!this.first[k]) {
        this.first[k] = new Float32Array(variable.size);
        this.second[k] = new Float32Array(variable.size);
        this.names[k] = name;
      }
      if (this.first[k].length !== variable.size) throw new Error(`FusedAdam: variable ${k} (${name}) has ${variable.size} entries, its moments ${this.first[k].length}`);
      updates.push({ variable, grad, m: this.first[k], v: this.second[k] });
    });
    this.step++;
    const c1 = 1 - Math.pow(this.beta1, this.step), c2 = 1 - Math.pow(this.beta2, this.step);
    const native = activeAddon();
    if (native) {
      const backend = tf.engine().backend;
      // a variable whose memory another tensor shares (a clone, a reshape) gets memory of its own first;
      // every allocation happens before the views are taken (an allocation can move the wasm heap)
      for (const { variable } of updates) {
        if (!ownsMemory(native.backend, backend, variable)) {
          const own = tf.tensor(variable.dataSync(), variable.shape, 'float32');
          variable.assign(own);
          own.dispose();
        }
      }
      const grads = updates.map(({ grad }) => (grad.dtype === 'float32' ? grad : tf.cast(grad, 'float32')));
      native.addon.adam(updates.map(({ variable }) => tensorValues(native.backend, backend, variable)), grads.map((g) => tensorValues(native.backend, backend, g)),
        updates.map((u) => u.m), updates.map((u) => u.v), this.learningRate, this.beta1, this.beta2, this.epsilon, c1, c2);
      grads.forEach((g, i) => { if (g !== updates[i].grad) g.dispose(); });
    } else {
      const { beta1: b1, beta2: b2, epsilon: eps, learningRate: lr } = this;
      for (const { variable, grad, m, v } of updates) {
        const g = grad.dataSync();
        const w = Float32Array.from(variable.dataSync());
        for (let i = 0; i < w.length; i++) {
          const gi = g[i];
          const mi = b1 * m[i] + (1 - b1) * gi;
          const vi = b2 * v[i] + (1 - b2) * gi * gi;
          m[i] = mi; v[i] = vi;
          w[i] -= (lr * (mi / c1)) / (Math.sqrt(vi / c2) + eps);
        }
        const next = tf.tensor(w, variable.shape, 'float32');
        variable.assign(next);
        next.dispose();
      }
    }
    this.incrementIterations();
  }

  /** [iteration, first moments…, second moments…] as new tensors (the caller disposes them), as tf.train.adam orders them. */
  override async getWeights(): Promise<NamedTensor[]> {
    const shapeOf = (k: number) => tf.engine().registeredVariables[this.names[k]]?.shape ?? [this.first[k].length];
    return [
      { name: 'iter', tensor: tf.scalar(this.step, 'int32') },
      ...this.first.map((m, k) => ({ name: this.names[k], tensor: tf.tensor(m, shapeOf(k)) })),
      ...this.second.map((v, k) => ({ name: this.names[k], tensor: tf.tensor(v, shapeOf(k)) })),
    ];
  }

  /** Restores what getWeights returned; moments apply to variables by position, as in tf.train.adam. */
  override async setWeights(weights: NamedTensor[]): Promise<void> {
    if (!Array.isArray(weights) || weights.length === 0 || weights[0]?.name !== 'iter' || (weights.length - 1) % 2 !== 0) {
      checkKind(where(anything(), 'be [iter, first moments…, second moments…], as getWeights gives', (w: NamedTensor[]) =>
        `got ${Array.isArray(w) ? `${w.length} entries${w.length ? `, the first named '${w[0]?.name}'` : ''}` : typeof w}`), weights, 'weights', 'FusedAdam.setWeights');
    }
    this.step = (await weights[0].tensor.data())[0];
    const n = (weights.length - 1) / 2;
    this.names = weights.slice(1, 1 + n).map((w) => w.name);
    this.first = weights.slice(1, 1 + n).map((w) => Float32Array.from(w.tensor.dataSync()));
    this.second = weights.slice(1 + n).map((w) => Float32Array.from(w.tensor.dataSync()));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

/** The library's Adam: FusedAdam when the native kernels serve the active backend, else tf.train.adam (the same update). */
export function adam(learningRate: number): tf.Optimizer {
  return activeAddon() ? new FusedAdam(learningRate) : tf.train.adam(learningRate);
}
