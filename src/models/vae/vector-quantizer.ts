// Vector quantization (van den Oord et al. 2017, "Neural discrete representation learning"; lecture 003's
// VQ-VAE: "encoder maps to a single discrete value of the latent; learn a prior on them"). A codebook of K
// vectors e_1 … e_K ∈ ℝ^D replaces each encoder output z_e by its nearest code:
//   k(z_e) = argmin_j ‖z_e − e_j‖²,   z_q = e_{k(z_e)}
// argmin has no gradient, so the decoder's gradient is copied to the encoder (the straight-through estimator):
//   z_q = z_e + sg(e_k − z_e)         (value e_k; ∂z_q/∂z_e = I; sg = stop-gradient)
// and two squared distances train the codebook and keep the encoder near it:
//   codebook loss ‖sg(z_e) − e_k‖²  (moves only e_k),   commitment loss β‖z_e − sg(e_k)‖²  (moves only z_e).
// Codes no encoder output picks get no gradient at all ("dead" codes); they are restarted at encoder
// outputs. Usage is summarized by the perplexity exp(H) of the code frequencies: K when all codes are used
// equally, 1 when one code takes everything.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import { stopGradient } from '../../math/stop-gradient';
import { positiveInteger, tensorRank } from '../../validation/arguments';
import { contract, count as countKind, oneOf, tensor, checkKind, instance, numberArray, where } from '../../validation/contract';
import { checkWeightsGenerator } from '../../validation/initial-weights';
import { weightsFit } from '../../validation/model-size';

// the generator's class itself (not a look-alike): these models call more of its methods than the duck-typed rngKind checks
const RNG = instance(Rng, 'an Rng (ll.rng(seed))');

const INDICES = { expected: 'an array of code indices', test: (v: unknown) => ((Array.isArray(v) || ArrayBuffer.isView(v)) && Array.prototype.every.call(v, (c: unknown) => typeof c === 'number' && Number.isInteger(c) && c >= 0) ? undefined : 'got something else') };
// every code among 0…K−1 (K is the argument after codes)
const kOf = (c: { args: Readonly<Record<string, unknown>> }) => c.args.K as number;
const CODES = where(oneOf(tensor(), INDICES), (c) => `be integers in 0…${kOf(c) - 1}`, (codes: ArrayLike<number> | tf.Tensor, c) => {
  // a K that is not a count is left to its own check, after codes
  if (!(Number.isInteger(kOf(c)) && kOf(c) >= 1)) return true;
  const v = codes instanceof tf.Tensor ? codes.dataSync() : codes;
  for (let i = 0; i < v.length; i++) if (!Number.isInteger(v[i]) || v[i] < 0 || v[i] >= kOf(c)) return `got ${v[i]} at index ${i}`;
  return true;
});
const CODE_USAGE = contract('codeUsage', { codes: where(CODES, 'hold at least one code', (codes: ArrayLike<number> | tf.Tensor) => (codes instanceof tf.Tensor ? codes.size : codes.length) > 0), K: countKind({ max: 1e7 }) });
const STRAIGHT_THROUGH = contract('straightThrough', { ze: tensor(), e: tensor({ like: 'ze' }) });
const Z_OF_CODEBOOK = tensor({ shape: ['N', (c) => (c.self as VectorQuantizer).D] });

/**
 * z_e + sg(e − z_e): the value of e, the gradient of z_e (the straight-through estimator). Shapes: any, equal.
 *
 *     z_q = z_e + sg(e − z_e),   ∂L/∂z_e = ∂L/∂z_q
 *
 * @example const zq = straightThrough(ze, e);   // forward: e; backward: dL/dze = dL/dzq, dL/de = 0
 */
export function straightThrough<T extends tf.Tensor>(ze: T, e: T): T {
  STRAIGHT_THROUGH.check(arguments);
  return tf.tidy(() => tf.add(ze, stopGradient(tf.sub(e, ze))) as T);
}

/** The quantizer's output for N vectors. */
export interface Quantized {
  /** the nearest code's index per vector, [N] int32 */
  codes: tf.Tensor1D;
  /** z_e + sg(e_k − z_e), [N, D]: the decoder's input (value e_k, gradient to z_e) */
  zq: tf.Tensor2D;
  /** mean over vectors of ‖sg(z_e) − e_k‖² (gradient to the codebook only) */
  codebookLoss: tf.Scalar;
  /** mean over vectors of ‖z_e − sg(e_k)‖² (gradient to z_e only; the model multiplies it by β) */
  commitmentLoss: tf.Scalar;
}

/** Code usage: counts per code, frequencies, entropy H = −Σ p_k log p_k (nats) and perplexity exp(H). */
export interface CodeUsage {
  counts: number[];
  frequencies: number[];
  entropy: number;
  perplexity: number;
  /** codes used at least once */
  used: number;
}

/**
 * Counts, frequencies and perplexity of codes in 0…K−1 (any array or int tensor of indices).
 *
 *     p_k = n_k / N,   H = −Σ_k p_k log p_k,   perplexity = exp(H) ∈ [1, K]
 *
 * @example codeUsage([0, 0, 1, 3], 4).perplexity   // exp(1.04) = 2.83
 */
export function codeUsage(codes: ArrayLike<number> | tf.Tensor, K: number): CodeUsage {
  CODE_USAGE.check(arguments);
  positiveInteger(K, 'codeUsage', 'K');
  const v = codes instanceof tf.Tensor ? codes.dataSync() : codes;
  const counts = new Array<number>(K).fill(0);
  for (let i = 0; i < v.length; i++) {
    const k = v[i];
    counts[k]++;
  }
  const frequencies = counts.map((c) => c / v.length);
  const entropy = -frequencies.reduce((s, p) => (p > 0 ? s + p * Math.log(p) : s), 0);
  return { counts, frequencies, entropy, perplexity: Math.exp(entropy), used: counts.filter((c) => c > 0).length };
}

let count = 0;

/**
 * A codebook of K vectors in ℝ^D and nearest-code quantization with the straight-through estimator.
 *
 *     k = argmin_j ‖z − e_j‖²,   z_q = z + sg(e_k − z)   (straight-through: ∂L/∂z = ∂L/∂z_q)
 *
 * Shapes: z [N, D] → codes [N] (int32), z_q [N, D]; the codebook is [K, D].
 *
 * @example const vq = new VectorQuantizer(ll.rng(0), 32, 8); const q = vq.quantize(ze);  // ze [N, 8]
 *          q.codes; q.zq; q.codebookLoss; q.commitmentLoss
 */
export class VectorQuantizer {
  /** e_1 … e_K as rows, [K, D] */
  readonly codebook: tf.Variable;

  /**
   * K codes of dimension D, each entry drawn uniform on (−1/K, 1/K) from `rng` (the VQ-VAE reference
   * implementation's choice: small codes that encoder outputs reach early or that restarts replace).
   *
   * @param rng  the generator of the initial codes
   * @param K  the number of codes
   * @param D  the dimension of each code (and of the encoder's output vectors)
   * @param scope  the model's scope of tfjs variable names
   */
  constructor(rng: Rng, readonly K: number, readonly D: number, scope = `vq${++count}`) {
    checkWeightsGenerator('VectorQuantizer', rng);
    positiveInteger(K, 'VectorQuantizer', 'K');
    positiveInteger(D, 'VectorQuantizer', 'D');
    checkKind(weightsFit(['K', 'D'], 'K × D', () => K * D), { K, D }, 'K × D', 'VectorQuantizer');
    this.codebook = tf.tidy(() => tf.variable(rng.tensor([K, D], (r) => (2 * r.nextUniform() - 1) / K), true, `${scope}/codebook`));
  }

  private checkZ(z: tf.Tensor, fn: string): void {
    checkKind(Z_OF_CODEBOOK, z, 'z', `VectorQuantizer.${fn}`, { self: this });
  }

  /**
   * The index of the nearest code per row, argmin_j ‖z − e_j‖² = argmin_j (‖e_j‖² − 2 z·e_j): z [N, D] → [N] int32.
   */
  nearest(z: tf.Tensor2D): tf.Tensor1D {
    this.checkZ(z, 'nearest');
    return tf.tidy(() => {
      // ‖z‖² is the same for every j and cannot change the argmin
      const d = tf.sub(tf.sum(tf.square(this.codebook), 1), tf.mul(tf.matMul(z, this.codebook, false, true), 2));
      return tf.argMin(d, 1) as tf.Tensor1D;
    });
  }

  /** The codes' vectors e_k for indices [N] (int32) → [N, D] (no gradient path to the codebook: for decoding). */
  lookup(codes: tf.Tensor1D): tf.Tensor2D {
    checkKind(tensor({ rank: 1 }), codes, 'codes', 'VectorQuantizer.lookup');
    return tf.tidy(() => tf.gather(this.codebook, tf.cast(codes, 'int32')) as tf.Tensor2D);
  }

  /**
   * Quantizes z_e [N, D]: the nearest codes, z_q = z_e + sg(e_k − z_e), and the two losses (means over the N vectors
   * of ‖sg(z_e) − e_k‖² and ‖z_e − sg(e_k)‖²). e_k is a one-hot product so the codebook loss reaches the codebook.
   */
  quantize(ze: tf.Tensor): Quantized {
    this.checkZ(ze, 'quantize');
    const codes = this.nearest(ze as tf.Tensor2D);
    const rest = tf.tidy(() => {
      const e = tf.matMul(tf.oneHot(codes, this.K), this.codebook) as tf.Tensor2D;
      const sumSq = (a: tf.Tensor, b: tf.Tensor) => tf.mean(tf.sum(tf.squaredDifference(a, b), 1)) as tf.Scalar;
      return {
        zq: straightThrough(ze as tf.Tensor2D, e),
        codebookLoss: sumSq(stopGradient(ze), e),
        commitmentLoss: sumSq(ze, stopGradient(e)),
      };
    });
    return { codes, ...rest };
  }

  /**
   * Moves every code whose count is 0 to a row of `candidates` [M, D] (encoder outputs) chosen uniformly by
   * `rng`, so that it starts where the data is; returns the restarted indices.
   */
  restart(rng: Rng, counts: ArrayLike<number>, candidates: tf.Tensor2D): number[] {
    checkKind(RNG, rng, 'rng', 'VectorQuantizer.restart');
    checkKind(where(numberArray({ depth: 1, what: 'an array of one count per code' }), `have K = ${this.K} entries`, (v: ArrayLike<number>) => v.length === this.K || `got ${v.length}`), counts, 'counts', 'VectorQuantizer.restart');
    checkKind(Z_OF_CODEBOOK, candidates, 'candidates', 'VectorQuantizer.restart', { self: this });
    const dead: number[] = [];
    for (let k = 0; k < this.K; k++) if (counts[k] === 0) dead.push(k);
    if (dead.length === 0) return dead;
    const cand = candidates.dataSync(), book = Float32Array.from(this.codebook.dataSync()), M = candidates.shape[0];
    for (const k of dead) {
      const m = rng.int(M);
      book.set(cand.subarray(m * this.D, (m + 1) * this.D), k * this.D);
    }
    tf.tidy(() => this.codebook.assign(tf.tensor2d(book, [this.K, this.D])));
    return dead;
  }

  get variables(): tf.Variable[] { return [this.codebook]; }

  /** Frees the codebook. */
  dispose(): void { this.codebook.dispose(); }
}
