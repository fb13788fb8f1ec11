// The prior over a VQ-VAE's codes, fit after the VQ-VAE on its frozen encoder's codes (lecture 003: "learn a
// prior on them"). The P code positions of the grid, in raster order, are modelled autoregressively:
//   π(k) = Π_d π(k_d | k_<d),   π(k_d = j | k_<d) = softmax_j(ℓ_d(k_<d)),   log π(k) = Σ_d log softmax(ℓ_d)_{k_d}
// with all P conditionals in one pass of a categorical MADE (made.ts for binary pixels; Germain et al. 2015):
//   input: each code k_d embedded as a row of A [K, E], concatenated to [P·E]; unit (d, ·) has degree d
//   hidden: masked ReLU layers, unit u of degree m(u) = (u mod (P − 1)) + 1, seeing units below of degree ≤ m(u)
//   output: position d's E-vector h_d sees hidden units with m < d; ℓ_{d,j} = h_d · C_j + b_{d,j}, C [K, E]
// The two K×E tables replace one-hot weights of size P·K per hidden unit: the checkpoint stays small.
// Trained by maximum likelihood (loss = −mean log π(k), in nats); sampling is ancestral, P passes.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import { Dense } from '../../ops/dense';
import type { Batch } from '../../training/trainable';
import { integerAtLeast, positiveInteger, tensorRank } from '../../validation/arguments';
import { autoregressiveMask } from './mask';
import { checkKind, contract, count as countKind, instance, arrayOf, anything, tensor } from '../../validation/contract';
import { batch } from '../../validation/batch';
import { weightsFit } from '../../validation/model-size';

// code grids [B, P], P the prior's positions
const CODES = tensor({ shape: ['B', (c) => (c.self as { config: { positions: number } }).config.positions] });
import { checkWeightsGenerator } from '../../validation/initial-weights';

// each width is then checked as a positive integer, naming hiddenDims[i]
const HIDDEN_DIMS = { ...arrayOf(anything(), { minLength: 1 }), expected: 'a non-empty array of positive integers' };

// the generator's class itself (not a look-alike): these models call more of its methods than the duck-typed rngKind checks
const RNG = instance(Rng, 'an Rng (ll.rng(seed))');
// embeddings 2 K × E, biases P × K, masked layers P·E → h₁ → … → P·E
const SIZE = weightsFit(['positions', 'codes', 'embedding'], '2 × codes × embedding + positions × codes + positions × embedding × (hiddenDims[0] + hiddenDims[last]) + Σ hᵢ hᵢ₊₁',
  (c) => { const h = c.hiddenDims as unknown as number[]; return 2 * c.codes * c.embedding + c.positions * c.codes + c.positions * c.embedding * (h[0] + h[h.length - 1]) + h.slice(1).reduce((s, x, i) => s + x * h[i], 0); });
const CP = {
  loss: contract('CodePrior.loss', { codes: CODES }),
  trainingLoss: contract('CodePrior.trainingLoss', { rng: anything(), batch: batch(CODES), objective: anything('the objective ll.fit passes on (this model has one loss)') }),
  // n grids of P int32 codes and, per position, an [n, P, K] pass
  sample: contract('CodePrior.sample', { rng: RNG, n: countKind({ entriesEach: 65536, bytesEach: 4 }) }),
};

export interface CodePriorConfig {
  /** P, code positions per image (49 for a 7×7 grid; at least 2) */
  positions: number;
  /** K, codes in the codebook (at least 2) */
  codes: number;
  /** E, the width of the code embeddings in and out (default 16) */
  embedding?: number;
  /** widths of the masked hidden layers (default [256]) */
  hiddenDims?: number[];
}

let count = 0;

/**
 * An autoregressive categorical model of code sequences k ∈ {0…K−1}^P (a categorical MADE).
 *
 *     log p(k) = Σ_{i=1}^{P} log Categorical(k_i; softmax(ℓ_i(k_<i)))   (exact; trained by maximum likelihood, D48)
 *
 * Shapes: codes [B, P] (int32) → logProb [B]; sample(rng, n) → [n, P].
 *
 * @example const prior = new ll.models.CodePrior(ll.rng(0), { positions: 49, codes: 32 }); await ll.fit(prior, codes, { steps: 1000, seed: 1 });
 *          prior.logProb(codes)   // [B] nats;  prior.sample(ll.rng(2), 16)  // [16, 49] int32
 */
export class CodePrior {
  readonly config: Required<CodePriorConfig>;
  /** A [K, E]: input embeddings of the codes */
  readonly inputEmbedding: tf.Variable;
  /** C [K, E]: output embeddings of the codes */
  readonly outputEmbedding: tf.Variable;
  /** b [P, K]: per-position biases of the logits */
  readonly outputBias: tf.Variable;
  readonly layers: Dense[];
  readonly output: Dense;
  private readonly masks: tf.Tensor2D[];

  /**
   * Builds the masked layers (degrees as in MADE, one degree per position block), weights drawn from `rng`.
   *
   * @param rng  the generator of the initial weights (`ll.rng(seed)`)
   * @param config  `positions` P and `codes` K (required), `embedding` E (16), `hiddenDims` ([256])
   */
  constructor(rng: Rng, config: CodePriorConfig) {
    checkWeightsGenerator('CodePrior', rng, config);
    const c: Required<CodePriorConfig> = { embedding: 16, hiddenDims: [256], ...config };
    integerAtLeast(c.positions, 2, 'CodePrior', 'positions');
    integerAtLeast(c.codes, 2, 'CodePrior', 'codes');
    positiveInteger(c.embedding, 'CodePrior', 'embedding');
    checkKind(HIDDEN_DIMS, c.hiddenDims, 'hiddenDims', 'CodePrior');
    c.hiddenDims.forEach((h, i) => positiveInteger(h, 'CodePrior', `hiddenDims[${i}]`));
    checkKind(SIZE, c, 'config', 'CodePrior');
    this.config = c;
    const { positions: P, codes: K, embedding: E } = c;
    const scope = `codeprior${++count}`;
    const draw = (r: Rng) => r.nextNormal() / Math.sqrt(E);
    this.inputEmbedding = tf.tidy(() => tf.variable(rng.tensor([K, E], draw), true, `${scope}/inputEmbedding`));
    this.outputEmbedding = tf.tidy(() => tf.variable(rng.tensor([K, E], draw), true, `${scope}/outputEmbedding`));
    this.outputBias = tf.tidy(() => tf.variable(tf.zeros([P, K]), true, `${scope}/outputBias`));
    // degrees: input and output blocks of E units per position d = 1…P; hidden units cycle through 1…P−1
    const block = (i: number) => Math.floor(i / E) + 1;
    const degrees: ((i: number) => number)[] = [block];
    this.layers = [];
    this.masks = [];
    let width = P * E;
    c.hiddenDims.forEach((h, l) => {
      this.layers.push(new Dense(rng, width, h, `hidden/${l + 1}`, scope));
      const prev = degrees[l], next = (u: number) => (u % (P - 1)) + 1;
      this.masks.push(autoregressiveMask(width, h, (i, j) => next(j) >= prev(i)));
      degrees.push(next);
      width = h;
    });
    this.output = new Dense(rng, width, P * E, 'output', scope);
    const last = degrees[degrees.length - 1];
    this.masks.push(autoregressiveMask(width, P * E, (i, j) => Math.floor(j / E) + 1 > last(i)));
  }

  get variables(): tf.Variable[] {
    return [this.inputEmbedding, this.outputEmbedding, this.outputBias, ...this.layers.flatMap((l) => l.variables), ...this.output.variables];
  }

  /** The variables under names local to the model (for checkpoints). */
  get namedVariables(): { name: string; variable: tf.Variable }[] {
    return [
      { name: 'inputEmbedding', variable: this.inputEmbedding }, { name: 'outputEmbedding', variable: this.outputEmbedding },
      { name: 'outputBias', variable: this.outputBias }, ...this.layers.flatMap((l) => l.namedVariables), ...this.output.namedVariables,
    ];
  }

  /** Number of trainable parameters (masked-out weights included). */
  get parameterCount(): number {
    return this.variables.reduce((s, v) => s + v.size, 0);
  }

  private checkCodes(codes: tf.Tensor, fn: string): void {
    checkKind(CODES, codes, 'codes', `CodePrior.${fn}`, { self: this });
  }

  /** The logits ℓ_{d,j}(k_<d) of all P conditionals in one pass: codes [B, P] (int) → [B, P, K]. */
  logits(codes: tf.Tensor2D): tf.Tensor3D {
    this.checkCodes(codes, 'logits');
    const { positions: P, codes: K, embedding: E } = this.config, B = codes.shape[0];
    return tf.tidy(() => {
      // a one-hot product rather than gather: its gradient is a matrix product on every backend
      const emb = tf.matMul(tf.reshape(tf.oneHot(tf.cast(codes, 'int32'), K), [B * P, K]), this.inputEmbedding);
      let h = tf.reshape(emb, [B, P * E]) as tf.Tensor2D;
      this.layers.forEach((l, i) => { h = tf.relu(tf.add(tf.matMul(h, tf.mul(l.W, this.masks[i])), l.b)) as tf.Tensor2D; });
      const out = tf.add(tf.matMul(h, tf.mul(this.output.W, this.masks[this.layers.length])), this.output.b);
      const l = tf.matMul(tf.reshape(out, [B * P, E]), this.outputEmbedding, false, true);
      return tf.add(tf.reshape(l, [B, P, K]), this.outputBias) as tf.Tensor3D;
    });
  }

  /** The exact log π(k) = Σ_d log softmax(ℓ_d)_{k_d} in nats: codes [B, P] (int) → [B]. */
  logProb(codes: tf.Tensor2D): tf.Tensor1D {
    this.checkCodes(codes, 'logProb');
    return tf.tidy(() => {
      const lp = tf.logSoftmax(this.logits(codes));
      return tf.sum(tf.mul(lp, tf.oneHot(tf.cast(codes, 'int32'), this.config.codes)), [1, 2]) as tf.Tensor1D;
    });
  }

  /** −mean log π(k) over the batch: the maximum-likelihood loss, in nats per sequence. */
  loss(codes: tf.Tensor2D): tf.Scalar {
    CP.loss.check(arguments, undefined, this);
    return tf.tidy(() => tf.neg(tf.mean(this.logProb(codes))) as tf.Scalar);
  }

  /**
   * n sequences by ancestral sampling, k_d ~ π(k_d | k_<d) for d = 1…P (P passes; the draw of each code by
   * inverting the cumulative probabilities with one uniform from `rng`). Returns [n, P] int32.
   */
  sample(rng: Rng, n: number): tf.Tensor2D {
    CP.sample.check(arguments);
    const { positions: P, codes: K } = this.config;
    const k = new Int32Array(n * P);
    for (let d = 0; d < P; d++) {
      const p = tf.tidy(() => tf.softmax(tf.reshape(tf.slice(this.logits(tf.tensor2d(k, [n, P], 'int32')), [0, d, 0], [n, 1, K]), [n, K])));
      const probs = p.dataSync();
      p.dispose();
      for (let i = 0; i < n; i++) {
        const u = rng.nextUniform();
        let j = 0, c = probs[i * K];
        while (j < K - 1 && u >= c) c += probs[i * K + ++j];
        k[i * P + d] = j;
      }
    }
    return tf.tensor2d(k, [n, P], 'int32');
  }

  /**
   * The loss `ll.fit` minimizes on a batch of code sequences [B, P] (the rows of the codes tensor):
   * −(1/B) Σ_b log π(k_b), in nats per sequence.
   *
   * @example
   * ```ts
   * const run = await ll.fit(prior, codes, { steps: 3000, seed: 2, batchSize: 128, learningRate: 2e-3 });   // codes: [N, 49] int32
   * ```
   */
  trainingLoss(_rng: Rng, batch: Batch): tf.Scalar {
    CP.trainingLoss.check(arguments, undefined, this);
    return this.loss(batch.x);
  }

  /** Frees the weights and the masks. */
  dispose(): void {
    tf.dispose([...this.variables, ...this.masks]);
  }
}
