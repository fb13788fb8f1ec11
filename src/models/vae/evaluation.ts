// Evaluating a VAE the way papers do (lectures 000, 003, 004).
//   log p(x) ≈ log (1/K) Σ_k p(x, z_k)/q(z_k | x), z_k ~ q(z | x): the encoder as proposal, K = 100 in
//   the lecture, K = 5000 for a benchmark; it rises toward log p(x) with K and stays above the ELBO  (D31)
//   KL per latent dimension, averaged over data: a dimension with KL ≈ 0 everywhere is unused (D32)
//   active units (Burda et al.): dimension j is active when Cov_x(E_q[z_j | x]) > 0.01
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import { iwaeInChunks, logImportanceWeights } from '../../inference/bounds';
import { rowsPerChunk } from '../../ops/in-chunks';
import { estimateMean } from '../../check/monte-carlo';
import type { Estimate } from '../../inference/estimate';
import { VAE } from './vae';
import { klStandardNormal } from '../../ops/kl-standard-normal';
import { positiveInteger, tensorRank } from '../../validation/arguments';
import { checkKind, contract, count, instance, num, optional, options as optionsKind, rngKind, tensor, where } from '../../validation/contract';

// x [N, D] or one point [D], D the model's inputDim
const X_OF_MODEL = where(tensor({ shape: [['N', (c) => (c.self as VAE).config.inputDim], [(c) => (c.self as VAE).config.inputDim]] }), 'have at least one point', (x: tf.Tensor) => x.size > 0);
// a condition per point of x: [N, C] for x [N, D], [1, C] or [C] for one point
const rowsOfX = (c: { args: Readonly<Record<string, unknown>> }) => { const x = c.args.x as tf.Tensor; return x.rank === 2 ? x.shape[0] : 1; };
const CONDITION_OF_X = tensor({ shape: (c) => (rowsOfX(c) === 1 ? [[1, 'C'], ['C']] : [[rowsOfX(c), 'C']]), must: (c) => `have one row per point of x (${rowsOfX(c)})` });

/**
 * x (and its condition) as [N, ·]: a single point may come as a rank-1 tensor. The returned tensors are
 * new only when reshaped (`owned`), so the caller disposes exactly those.
 */
// points x [N, D] or one point [D] (asRows relates them to the model); an evaluation refuses a NaN pixel (one reduction)
const X = tensor({ rank: [1, 2], noNaN: true });
const CONDITION = tensor({ rank: [1, 2] });
const E = {
  logLikelihood: contract('importanceSampledLogLikelihood', { rng: rngKind(), model: instance(VAE), x: X, options: optional(optionsKind({ samples: count({ entriesEach: 4096, bytesEach: 4 }), batchSize: count({ max: 1e6 }), chunk: count({ entriesEach: 4096, bytesEach: 4 }), condition: CONDITION })) }),
  klPerDimension: contract('klPerDimension', { model: instance(VAE), x: X, condition: optional(CONDITION) }),
  activeUnits: contract('activeUnits', { model: instance(VAE), x: X, options: optional(optionsKind({ threshold: num({ min: 0 }), condition: CONDITION })) }),
  datasetElbo: contract('datasetElbo', { rng: rngKind(), model: instance(VAE), x: X, options: optional(optionsKind({ batchSize: count({ max: 1e6 }), condition: CONDITION })) }),
};

function asRows(model: VAE, x: tf.Tensor, condition: tf.Tensor | undefined, fn: string): { x: tf.Tensor2D; condition?: tf.Tensor2D; owned: tf.Tensor[] } {
  tensorRank(x, [1, 2], fn, 'x');
  checkKind(X_OF_MODEL, x, 'x', fn, { self: model });
  if (condition) tensorRank(condition, [1, 2], fn, 'condition');
  if (condition) checkKind(CONDITION_OF_X, condition, 'condition', fn, { args: { x } });
  const owned: tf.Tensor[] = [];
  const rows = (t: tf.Tensor) => { if (t.rank === 2) return t as tf.Tensor2D; const r = tf.reshape(t, [1, -1]) as tf.Tensor2D; owned.push(r); return r; };
  const x2 = rows(x);
  const c2 = condition ? rows(condition) : undefined;
  return { x: x2, condition: c2, owned };
}

/**
 * The mean over data points with its standard error across points. With a single point the spread across
 * points is unknown, so se is +∞: an honest "no error bar", never a NaN or a false claim of precision.
 */
function meanOverPoints(values: Float64Array): Estimate {
  if (values.length === 1) return { value: values[0], se: Infinity, n: 1 };
  return estimateMean(values);
}

export interface LogLikelihoodEstimate extends Estimate {
  /** log p̂(x_n) per data point */
  perPoint: Float64Array;
  samples: number;
}

/**
 * Importance-sampled test log-likelihood (D31): per point log p̂(x_n) with K samples from the encoder,
 * then the mean over points with its standard error across points. Samples are processed in chunks
 * (by default 2²¹ decoder outputs, 8 MB a tensor: CHUNK_OUTPUTS in ops/in-chunks.ts), so K = 5000 fits in
 * memory and the backend's memory, which never shrinks, keeps no high-water mark of 31 MB tensors. x is [N, D],
 * or [D] for a single point (whose se is +∞: one point has no spread).
 *
 *     log p̂(x) = log (1/K) Σ_k p(x, z_k)/q(z_k|x),  z_k ~ q(z|x)   (D31, see docs/derivations.md#d31)
 *
 * It rises toward log p(x) with K and stays above the ELBO (it is IWAE_K, D26).
 *
 * @example
 * ```ts
 * const x = ll.tf.tensor2d(ll.data.staticBinarize(ll.rng(99), test.images), [test.count, 784]);
 * ll.models.importanceSampledLogLikelihood(ll.rng(0), vae, x, { samples: 5000 });   // { value, se, n }: nats per image
 * ```
 */
export function importanceSampledLogLikelihood(rng: Rng, model: VAE, x: tf.Tensor, options: { samples?: number; batchSize?: number; chunk?: number; condition?: tf.Tensor } = {}): LogLikelihoodEstimate {
  const fn = 'importanceSampledLogLikelihood';
  E.logLikelihood.check(arguments);
  const K = options.samples ?? 100, batch = options.batchSize ?? 100;
  const rows = asRows(model, x, options.condition, fn);
  try {
    const N = rows.x.shape[0];
    const perPoint = new Float64Array(N);
    for (let start = 0; start < N; start += batch) {
      const size = Math.min(batch, N - start);
      const chunk = options.chunk ?? rowsPerChunk(size * rows.x.shape[1]);
      const values = tf.tidy(() => {
        const xb = tf.slice(rows.x, [start, 0], [size, -1]);
        const cb = rows.condition ? tf.slice(rows.condition, [start, 0], [size, -1]) : undefined;
        const q = model.posterior(xb, cb);
        const logJoint = (xx: tf.Tensor, z: tf.Tensor) => model.logJoint(xx, z, cb);
        return iwaeInChunks(rng, (r, n) => logImportanceWeights(r, { x: xb, logJoint, proposal: q, samples: n }), { samples: K, chunk });
      });
      perPoint.set(values.dataSync(), start);
      values.dispose();
    }
    return { ...meanOverPoints(perPoint), perPoint, samples: K };
  } finally {
    tf.dispose(rows.owned);
  }
}

/**
 * The average over data of the analytic KL(q(z_j | x) ‖ N(0, 1)) per latent dimension j: [M].
 *
 *     KL_j = (1/N) Σ_n KL(N(μ_j(x_n), σ_j(x_n)²) ‖ N(0, 1)) = (1/N) Σ_n [½(μ_j² + σ_j² − 1) − log σ_j]   (D17, D32)
 *
 * A dimension with KL_j ≈ 0 is unused: posterior collapse (see docs/derivations.md#d32).
 *
 * @example
 * ```ts
 * ll.barChart({ labels: [...Array(16).keys()], values: ll.models.klPerDimension(vae, x), yTitle: 'KL (nats)' });
 * ```
 */
export function klPerDimension(model: VAE, x: tf.Tensor, condition?: tf.Tensor): Float64Array {
  E.klPerDimension.check(arguments);
  const rows = asRows(model, x, condition, 'klPerDimension');
  const kl = tf.tidy(() => {
    const { mean, logStd } = model.encode(rows.x, rows.condition);
    const perDim = klStandardNormal(mean, logStd);
    return tf.mean(perDim, 0);
  });
  const out = Float64Array.from(kl.dataSync());
  tf.dispose([kl, ...rows.owned]);
  return out;
}

/**
 * Active units: Cov_x(E_q[z_j | x]) per dimension, and how many exceed the threshold (0.01).
 *
 *     A_j = Cov_x(E_q[z_j | x]) ,  unit j is active when A_j > 0.01   (Burda et al.; D32, see docs/derivations.md#d32)
 *
 * @example
 * ```ts
 * ll.models.activeUnits(vae, x).count;   // how many latent dimensions the model uses
 * ```
 */
export function activeUnits(model: VAE, x: tf.Tensor, options: { threshold?: number; condition?: tf.Tensor } = {}): { count: number; variances: Float64Array; active: boolean[] } {
  E.activeUnits.check(arguments);
  const threshold = options.threshold ?? 0.01;
  const rows = asRows(model, x, options.condition, 'activeUnits');
  const v = tf.tidy(() => tf.moments(model.encode(rows.x, rows.condition).mean, 0).variance);
  tf.dispose(rows.owned);
  const variances = Float64Array.from(v.dataSync());
  v.dispose();
  const active = Array.from(variances, (s) => s > threshold);
  return { count: active.filter(Boolean).length, variances, active };
}

/**
 * The mean ELBO over a data set (analytic KL, one sample), with its standard error across points.
 * x is [N, D], or [D] for a single point (whose se is +∞: one point has no spread).
 *
 *     (1/N) Σ_n [E_q[log p(x_n|z)] − KL(q(z|x_n) ‖ N(0, I))]   (D14, see docs/derivations.md#d14)
 *
 * @example
 * ```ts
 * ll.models.datasetElbo(ll.rng(0), vae, x);   // { value, se, n }
 * ```
 */
export function datasetElbo(rng: Rng, model: VAE, x: tf.Tensor, options: { batchSize?: number; condition?: tf.Tensor } = {}): Estimate {
  E.datasetElbo.check(arguments);
  const batch = options.batchSize ?? 500;
  const rows = asRows(model, x, options.condition, 'datasetElbo');
  try {
    const N = rows.x.shape[0];
    const values = new Float64Array(N);
    for (let s = 0; s < N; s += batch) {
      const size = Math.min(batch, N - s);
      const e = tf.tidy(() => model.elbo(rng, tf.slice(rows.x, [s, 0], [size, -1]), { condition: rows.condition ? tf.slice(rows.condition, [s, 0], [size, -1]) : undefined }));
      values.set(e.dataSync(), s);
      e.dispose();
    }
    return meanOverPoints(values);
  } finally {
    tf.dispose(rows.owned);
  }
}
