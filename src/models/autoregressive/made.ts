// An autoregressive model of binary images (lectures 000, 001, 003: the model families — autoregressive
// models have an exact likelihood; lecture 003: evaluation in nats and bits per dimension):
//   p(x) = Π_d p(x_d | x_<d),   p(x_d = 1 | x_<d) = σ(ℓ_d(x_<d)),
//   log p(x) = Σ_d x_d ℓ_d − softplus(ℓ_d)          (exact: no latent variable, no bound)
// The logits come from MADE (Germain et al. 2015): an MLP whose weights are masked so that ℓ_d sees only
// x_1 … x_{d−1}, all D conditionals in one pass. Hidden unit k gets a degree m(k) ∈ {1, …, D−1} and may see
// inputs 1…m(k); output d may see hidden units with m(k) < d. An optional direct input→output connection
// (strictly lower triangular) adds the logistic autoregressive model (FVSBN). With no hidden layers the
// model is exactly FVSBN.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import type { Batch } from '../../training/trainable';
import { Dense } from '../../ops/dense';
import { bernoulliLogLikelihood } from '../../ops/bernoulli-log-likelihood';
import { integerAtLeast, positiveInteger } from '../../validation/arguments';
import { autoregressiveMask } from './mask';
import { checkKind, arrayOf, anything, bool, contract, count, rngKind, tensor, where } from '../../validation/contract';
import { batch } from '../../validation/batch';

const X_OF_MODEL = tensor({ shape: ['batch', (c) => (c.self as { config: { inputDim: number } }).config.inputDim] });
import { checkWeightsGenerator } from '../../validation/initial-weights';

// each width is then checked as a positive integer, naming hiddenDims[i]
const M = {
  trainingLoss: contract('MADE.trainingLoss', { rng: anything(), batch: batch(X_OF_MODEL), objective: anything('the objective ll.fit passes on (this model has one loss)') }),
  loss: contract('MADE.loss', { rng: anything(), x: X_OF_MODEL }),
  // n rows of D float32 pixels and the hidden units' running sums
  sample: contract('MADE.sample', { rng: rngKind(), n: count({ entriesEach: 4096, bytesEach: 8 }) }),
};
const HIDDEN_DIMS = { ...arrayOf(anything()), expected: 'an array of positive integers' };

export interface MADEConfig {
  /** D, pixels per image (at least 2) */
  inputDim: number;
  /** widths of the hidden layers (default [500]; [] gives the logistic autoregressive model FVSBN) */
  hiddenDims?: number[];
  /** add the direct, strictly lower-triangular input → output weights (default true) */
  direct?: boolean;
}

let instances = 0;

/**
 * MADE (Germain et al. 2015) on binary vectors: one network with masked weights gives every conditional,
 *
 *     log p(x) = Σ_d log Bernoulli(x_d; σ(ℓ_d(x_<d))),   d = 1 … D   (exact; sampled ancestrally)
 *
 * trained by maximum likelihood, which minimizes KL(p_data ‖ p_θ) (D48; docs/derivations.md#d48): the loss is
 * −mean log p(x). Shapes: x [B, D] → logProb [B]; sample(rng, n) → [n, D].
 *
 * @example
 * ```ts
 * const made = new ll.models.MADE(ll.rng(0), { inputDim: 784, hiddenDims: [500] });
 * const x = ll.data.dynamicBinarize(ll.rng(0), ll.loadMnist('test').batch([0, 1]));   // [2, 784]
 * made.logProb(x);             // [2] nats, exact
 * made.sample(ll.rng(1), 16);  // [16, 784]
 * ```
 */
export class MADE {
  readonly config: Required<MADEConfig>;
  readonly layers: Dense[];
  readonly output: Dense;
  readonly directWeights?: tf.Variable;
  private readonly masks: tf.Tensor2D[];
  private readonly outputMask: tf.Tensor2D;
  private readonly directMask?: tf.Tensor2D;

  /**
   * Builds the masked layers: hidden unit k of every layer gets degree m(k) = (k mod (D − 1)) + 1 and sees the
   * units of the layer below with degree ≤ m(k); output d sees hidden units with m(k) < d (so ℓ_d depends on
   * x_<d only). Weights are drawn from `rng`. Example: `new ll.models.MADE(ll.rng(0), { inputDim: 784, hiddenDims: [500] })`.
   */
  constructor(rng: Rng, config: MADEConfig) {
    checkWeightsGenerator('MADE', rng, config);
    const c: Required<MADEConfig> = { hiddenDims: [500], direct: true, ...config };
    integerAtLeast(c.inputDim, 2, 'MADE', 'inputDim');
    checkKind(HIDDEN_DIMS, c.hiddenDims, 'hiddenDims', 'MADE');
    c.hiddenDims.forEach((h, i) => positiveInteger(h, 'MADE', `hiddenDims[${i}]`));
    // with no hidden layers the direct connection is the whole model
    checkKind(where(bool(), 'be true when hiddenDims is empty (the direct connection is then the whole model)', (d: boolean) => d || c.hiddenDims.length > 0), c.direct, 'direct', 'MADE');
    this.config = c;
    const D = c.inputDim;
    const r = rng;
    const scope = `made${++instances}`;
    // degrees: inputs 1…D; hidden units cycle through 1…D−1 so every degree is represented
    const degrees: number[][] = [Array.from({ length: D }, (_, d) => d + 1)];
    c.hiddenDims.forEach((h) => degrees.push(Array.from({ length: h }, (_, k) => (k % (D - 1)) + 1)));
    this.layers = [];
    this.masks = [];
    let width = D;
    c.hiddenDims.forEach((h, l) => {
      this.layers.push(new Dense(r, width, h, `hidden/${l + 1}`, scope));
      const prev = degrees[l], next = degrees[l + 1];
      this.masks.push(autoregressiveMask(width, h, (i, j) => next[j] >= prev[i]));
      width = h;
    });
    this.output = new Dense(r, width, D, 'output', scope);
    const last = degrees[degrees.length - 1];
    this.outputMask = c.hiddenDims.length > 0 ? autoregressiveMask(width, D, (i, d) => d + 1 > last[i]) : autoregressiveMask(width, D, (i, d) => i < d);
    if (c.direct && c.hiddenDims.length > 0) {
      this.directWeights = tf.tidy(() => tf.variable(tf.zeros([D, D]), true, `${scope}/direct/W`));   // tidy frees the zeros the variable copied
      this.directMask = autoregressiveMask(D, D, (i, d) => i < d);
    }
  }

  get variables(): tf.Variable[] {
    return [...this.layers.flatMap((l) => l.variables), ...this.output.variables, ...(this.directWeights ? [this.directWeights] : [])];
  }

  /** Number of trainable parameters (masked-out weights included: they are stored, but always multiplied by 0). */
  parameterCount(): number {
    return this.variables.reduce((s, v) => s + v.size, 0);
  }

  private checkX(x: tf.Tensor, fn: string) {
    checkKind(X_OF_MODEL, x, 'x', `MADE.${fn}`, { self: this });
  }

  /** The logits ℓ_d(x_<d) of all D conditionals in one pass: x [B, D] → [B, D]. */
  logits(x: tf.Tensor): tf.Tensor2D {
    this.checkX(x, 'logits');
    return tf.tidy(() => {
      let h = x as tf.Tensor2D;
      this.layers.forEach((l, i) => { h = tf.relu(tf.add(tf.matMul(h, tf.mul(l.W, this.masks[i])), l.b)) as tf.Tensor2D; });
      let out = tf.add(tf.matMul(h, tf.mul(this.output.W, this.outputMask)), this.output.b);
      if (this.directWeights) out = tf.add(out, tf.matMul(x as tf.Tensor2D, tf.mul(this.directWeights, this.directMask!)));
      return out as tf.Tensor2D;
    });
  }

  /** The exact log p(x) = Σ_d x_d ℓ_d − softplus(ℓ_d), in nats: x [B, D] binary → [B]. */
  logProb(x: tf.Tensor): tf.Tensor1D {
    this.checkX(x, 'logProb');
    return tf.tidy(() => bernoulliLogLikelihood(x, this.logits(x)) as tf.Tensor1D);
  }

  /** Binary pixels: `ll.fit` binarizes each image batch afresh (dynamic binarization). */
  get binaryPixels(): boolean { return true; }

  /**
   * The loss `ll.fit` minimizes: the exact −(1/B) Σ_b log p(x_b), in nats per image.
   *
   * @example
   * ```ts
   * const run = await ll.fit(made, ll.loadMnist('train'), { epochs: 5, seed: 1, batchSize: 100, learningRate: 2e-3 });
   * ```
   */
  trainingLoss(_rng: Rng, batch: Batch): tf.Scalar {
    M.trainingLoss.check(arguments, undefined, this);
    return this.loss(_rng, batch.x);
  }

  /** −mean log p(x) over the batch (the rng is unused: the objective is exact). */
  loss(_rng: Rng, x: tf.Tensor2D): tf.Scalar {
    M.loss.check(arguments, undefined, this);
    return tf.tidy(() => tf.neg(tf.mean(this.logProb(x))) as tf.Scalar);
  }

  /**
   * n samples by ancestral sampling, x_d ~ Bernoulli(σ(ℓ_d(x_<d))) for d = 1…D: D passes of the network
   * (with one hidden layer, running sums of the hidden and direct pre-activations: the same draws at 1/D of the work).
   * Returns binary images [n, D].
   */
  sample(rng: Rng, n: number): tf.Tensor2D {
    M.sample.check(arguments);
    if (this.layers.length === 1) return this.sampleOneHiddenLayer(rng, n);
    const D = this.config.inputDim;
    const x = new Float32Array(n * D);
    for (let d = 0; d < D; d++) {
      const p = tf.tidy(() => tf.sigmoid(tf.slice(this.logits(tf.tensor2d(x, [n, D])), [0, d], [n, 1])));
      const probs = p.dataSync();
      p.dispose();
      for (let i = 0; i < n; i++) x[i * D + d] = rng.nextUniform() < probs[i] ? 1 : 0;
    }
    return tf.tensor2d(x, [n, D]);
  }

  // With one hidden layer, setting x_d changes the hidden pre-activations by x_d·W[d, :] and the direct
  // term by x_d·A[d, :]: keep both as running sums and read off ℓ_d alone, n·H operations a pixel instead
  // of a full pass (n·D·H): 1,000 MNIST samples took 6.5 s instead of 53 s (loaded machine). Same draws as D passes.
  private sampleOneHiddenLayer(rng: Rng, n: number): tf.Tensor2D {
    const D = this.config.inputDim, H = this.config.hiddenDims[0];
    const read = (t: () => tf.Tensor) => { const v = tf.tidy(t); const a = v.dataSync() as Float32Array; v.dispose(); return a; };
    const W = read(() => tf.mul(this.layers[0].W, this.masks[0]));            // [D, H]
    const b = this.layers[0].b.dataSync() as Float32Array;                   // [H]
    const V = read(() => tf.transpose(tf.mul(this.output.W, this.outputMask))); // [D, H]: row d feeds ℓ_d
    const c = this.output.b.dataSync() as Float32Array;                      // [D]
    const A = this.directWeights ? read(() => tf.mul(this.directWeights!, this.directMask!)) : undefined; // [D, D]
    const pre = new Float64Array(n * H), direct = new Float64Array(n * D);
    for (let i = 0; i < n; i++) pre.set(b, i * H);
    const x = new Float32Array(n * D);
    for (let d = 0; d < D; d++) {
      for (let i = 0; i < n; i++) {
        let l = c[d] + direct[i * D + d];
        for (let k = 0, o = i * H, v = d * H; k < H; k++) { const h = pre[o + k]; if (h > 0) l += h * V[v + k]; }
        const p = 1 / (1 + Math.exp(-l));
        if (rng.nextUniform() < p) {
          x[i * D + d] = 1;
          for (let k = 0, o = i * H, w = d * H; k < H; k++) pre[o + k] += W[w + k];
          if (A) for (let e = d + 1, o = i * D, a = d * D; e < D; e++) direct[o + e] += A[a + e];
        }
      }
    }
    return tf.tensor2d(x, [n, D]);
  }

  /** Frees the weights and the masks. */
  dispose(): void {
    tf.dispose([...this.variables, ...this.masks, this.outputMask, ...(this.directMask ? [this.directMask] : [])]);
  }
}
