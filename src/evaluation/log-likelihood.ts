// One evaluator for the log-likelihood of every model family on the same binary data (lecture 003,
// "evaluation": log-likelihood, dequantization; 000/001 compare the families). Each family reaches
// log P(x) its own way, and the report says which:
//   autoregressive (MADE,  exact:              log P(x) = Σ_d log p(x_d | x_<d)
//   PixelCNN)
//   VAE                    importance-sampled: log (1/K) Σ_k p(x, z_k)/q(z_k | x)  (D31; below log P(x) in
//                                              expectation by Jensen, the gap shrinking as K grows)
//   flow                   lower bound:        log P(x) ≥ E_u log p(x + u − 1), u ~ U[0,1)^D   (dequantization, D46)
//   diffusion              lower bound:        the diffusion ELBO (D41) with a discretized decoder
//                                              P(x_d | x_1) = Φ(y_d x̂_d(x_1, 1)/√β_1), y = 2x − 1 ∈ {−1, 1}
//                                              (Ho et al. 2020, §3.3), so it bounds the discrete log P(x)
// All in nats per image, and in bits per dimension −log P(x)/(D ln 2): the number papers compare across
// image sizes. And the Fréchet distance (D47) between two sets of feature vectors — FID when the
// features come from a classifier's hidden layer.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random/rng';
import { iwaeInChunks } from '../inference/bounds';
import { mapRows, rowsPerChunk } from '../ops/in-chunks';
import { estimateMean } from '../check/monte-carlo';
import type { Estimate } from '../inference/estimate';
import { meanAndCovariance } from '../math/linalg64';
import { frechetDistance } from './frechet-distance';
import { positiveInteger, tensorRank } from '../validation/arguments';
import type { VAE } from '../models/vae/vae';
import type { RichVAE } from '../models/vae/rich-vae';
import type { MADE } from '../models/autoregressive/made';
import type { PixelCNN } from '../models/autoregressive/pixel-cnn';
import type { ConvVAE } from '../models/vae/conv-vae';
import type { HierarchicalVAE } from '../models/vae/hierarchical-vae';
import type { FlowDistribution } from '../models/flows/flow-distribution';
import type { DiffusionSchedule } from '../models/diffusion/schedule';
import type { Denoiser } from '../models/diffusion/elbo';
import { importanceSampledLogLikelihood } from '../models/vae/evaluation';
import { arrayOf, checkKind, contract, count, func, num, oneOf, optional, options as optionsKind, record, rngKind, str, tensor, where, type Kind } from '../validation/contract';

const EVALUATORS = { ...arrayOf(record('an evaluator'), { minLength: 1 }), expected: 'a non-empty array (madeLikelihood, vaeLikelihood, …)' };
// the likelihoods are of binary images: any other value has probability 0 under every evaluator
const BINARY = where(tensor({ rank: 2 }), 'be binary (0 or 1)', (x: tf.Tensor) => { const v = x.dataSync(); const i = v.findIndex((u) => u !== 0 && u !== 1); return i < 0 || `got ${v[i]} at flat index ${i}`; });

const BITS = contract('bitsPerDim', { logLikelihoodNats: num(), dims: count() });
const NORMAL_CDF = contract('logNormalCdf', { a: num({ allowInfinity: true }) });
// each set [n ≥ 2, k] (a covariance needs two points), b's k that of a
const FEATURES = oneOf(where(tensor({ rank: 2 }), 'have at least 2 rows (feature vectors)', (t: tf.Tensor) => t.shape[0] >= 2 || `got shape [${t.shape}]`), arrayOf(arrayOf(num(), { minLength: 1 }), { minLength: 2 }));
const featureSize = (v: unknown) => (v instanceof tf.Tensor ? v.shape[1] : (v as number[][])[0].length);
const FEATURE_FRECHET = contract('featureFrechetDistance', { a: FEATURES, b: where(FEATURES, (c) => `have a's feature size (${featureSize(c.args.a)})`, (b, c) => featureSize(b) === featureSize(c.args.a) || `got ${featureSize(b)}`) });
// the models an evaluator wraps, duck-typed by the method it calls (a model from another copy of the library passes)
const modelWith = (method: string, what: string): Kind => ({
  expected: `${what} (an object with ${method}())`,
  test: (v) => (v !== null && typeof v === 'object' && typeof (v as Record<string, unknown>)[method] === 'function' ? undefined : `got ${v === null ? 'null' : typeof v}`),
});
const SAMPLES = count({ max: 1e8 });
const EVAL_OPTIONS = optional(optionsKind({ samples: SAMPLES, name: str() }));
const LIKELIHOOD = {
  made: contract('madeLikelihood', { model: modelWith('logProb', 'a MADE'), name: optional(str()) }),
  pixelcnn: contract('pixelCNNLikelihood', { model: modelWith('inputGradient', 'a PixelCNN'), name: optional(str()) }),
  vae: contract('vaeLikelihood', { model: modelWith('encode', 'a VAE'), options: EVAL_OPTIONS }),
  rich: contract('richVAELikelihood', { model: modelWith('logWeights', 'a RichVAE'), options: EVAL_OPTIONS }),
  hierarchical: contract('hierarchicalVAELikelihood', { model: modelWith('logWeights', 'a HierarchicalVAE'), options: EVAL_OPTIONS }),
  conv: contract('convVAELikelihood', { model: modelWith('logWeights', 'a ConvVAE'), options: optional(optionsKind({ samples: SAMPLES, chunk: count({ max: 1e8 }), name: str() })) }),
  flow: contract('dequantizedFlowLikelihood', { flow: modelWith('logProb', 'a flow'), options: EVAL_OPTIONS }),
  diffusion: contract('diffusionLikelihood', { denoise: func('a denoiser (x_t, t) → x̂₀'), schedule: modelWith('noised', 'a DiffusionSchedule'), options: EVAL_OPTIONS }),
  importance: contract('importanceLogLikelihood', {
    rng: rngKind(), logWeights: func('a function (rng, x, samples) → log-weights [samples, B]'), x: tensor({ rank: 2 }),
    options: optional(optionsKind({ samples: SAMPLES, chunk: count({ max: 1e8 }) })),
  }),
  evaluate: contract('evaluateLikelihoods', { rng: rngKind(), evaluators: EVALUATORS, x: tensor({ rank: 2 }), options: optional(optionsKind({ batchSize: count({ entriesEach: 0 }) })) }),
};
// a standard error needs two points
const TWO_POINTS = where(tensor({ rank: 2 }), 'have at least 2 points (rows) for a standard error', (x: tf.Tensor) => x.shape[0] >= 2 || `got ${x.shape[0]}`);

/** Bits per dimension from a log-likelihood in nats per image of D dimensions: −log P(x)/(D ln 2). */
export function bitsPerDim(logLikelihoodNats: number, dims: number): number {
  BITS.check(arguments);
  positiveInteger(dims, 'bitsPerDim', 'dims');
  return -logLikelihoodNats / (dims * Math.LN2);
}

/** How a number relates to log P(x): exactly it, an importance-sampling estimate, or a lower bound. */
export type LikelihoodKind = 'exact' | 'importance-sampled' | 'lower-bound';

/** A model's way to log P(x): per point, in nats, for binary data x [B, D]. */
export interface LikelihoodEvaluator {
  name: string;
  kind: LikelihoodKind;
  logLikelihood(rng: Rng, x: tf.Tensor2D): Float64Array;
}

/** log P(x) of an autoregressive model, exact (no sampling). Example: `ll.evaluation.madeLikelihood(made)`. */
export function madeLikelihood(model: MADE, name = 'autoregressive (MADE)'): LikelihoodEvaluator {
  LIKELIHOOD.made.check(arguments);
  return {
    name, kind: 'exact',
    logLikelihood: (_rng, x) => { const t = model.logProb(x); const v = Float64Array.from(t.dataSync()); t.dispose(); return v; },
  };
}

/**
 * log P(x) of a PixelCNN, exact (no sampling): Σ_i log Bernoulli(x_i; σ(ℓ_i(x_<i))) in raster order (D66).
 * Example: `ll.evaluation.pixelCNNLikelihood(cnn)`.
 */
export function pixelCNNLikelihood(model: PixelCNN, name = 'autoregressive (PixelCNN)'): LikelihoodEvaluator {
  LIKELIHOOD.pixelcnn.check(arguments);
  // A forward pass holds every layer's H·W·C activations of every row until it ends, and the backend's memory
  // keeps that high-water mark for good (100 digits at once: 165 MB in notebook 12): a few rows at a time.
  // (A model the contract admits by its methods alone may have no config: a PixelCNN's defaults then.)
  const widthPerPixel = (model.config?.channels ?? 32) * ((model.config?.layers ?? 5) + 2);
  return {
    name, kind: 'exact',
    logLikelihood: (_rng, x) => {
      const t = mapRows(x, rowsPerChunk(x.shape[1] * widthPerPixel), (xs) => model.logProb(xs));
      const v = Float64Array.from(t.dataSync());
      t.dispose();
      return v;
    },
  };
}

/** The VAE's importance-sampled log p(x) with K samples from the encoder (D31). Example: `ll.evaluation.vaeLikelihood(vae, { samples: 5000 })`. */
export function vaeLikelihood(model: VAE, options: { samples?: number; name?: string } = {}): LikelihoodEvaluator {
  LIKELIHOOD.vae.check(arguments);
  const K = positiveInteger(options.samples ?? 1000, 'vaeLikelihood', 'samples');
  return {
    name: options.name ?? `VAE (IS, K = ${K})`, kind: 'importance-sampled',
    logLikelihood: (rng, x) => importanceSampledLogLikelihood(rng, model, x, { samples: K }).perPoint,
  };
}

/**
 * log (1/K) Σ_k w_k per point from any model's log-weights [K, B] (D11, D31), K drawn in chunks so that
 * K = 5000 fits in memory (ll.infer.iwaeInChunks; by default 2²¹ decoder outputs a chunk, CHUNK_OUTPUTS in
 * ops/in-chunks.ts). Example: `importanceLogLikelihood(rng, (r, xb, k) => m.logWeights(r, xb, { samples: k }), x, { samples: 1000 })`.
 */
export function importanceLogLikelihood(rng: Rng, logWeights: (rng: Rng, x: tf.Tensor2D, samples: number) => tf.Tensor, x: tf.Tensor2D,
  options: { samples?: number; chunk?: number } = {}): Float64Array {
  LIKELIHOOD.importance.check(arguments);
  const K = positiveInteger(options.samples ?? 1000, 'importanceLogLikelihood', 'samples');
  const chunk = positiveInteger(options.chunk ?? rowsPerChunk(x.size), 'importanceLogLikelihood', 'chunk');
  const total = iwaeInChunks(rng, (r, n) => logWeights(r, x, n), { samples: K, chunk });
  const v = Float64Array.from(total.dataSync());
  total.dispose();
  return v;
}

/** The RichVAE's importance-sampled log p(x), its own (flow) posterior as the proposal. */
export function richVAELikelihood(model: RichVAE, options: { samples?: number; name?: string } = {}): LikelihoodEvaluator {
  LIKELIHOOD.rich.check(arguments);
  const K = positiveInteger(options.samples ?? 1000, 'richVAELikelihood', 'samples');
  return {
    name: options.name ?? `VAE, flow posterior / rich prior (IS, K = ${K})`, kind: 'importance-sampled',
    logLikelihood: (rng, x) => importanceLogLikelihood(rng, (r, xb, k) => model.logWeights(r, xb, { samples: k }), x, { samples: K }),
  };
}

/** The two-layer VAE's importance-sampled log p(x), q(z₁ | x) q(z₂ | z₁) as the proposal. */
export function hierarchicalVAELikelihood(model: HierarchicalVAE, options: { samples?: number; name?: string } = {}): LikelihoodEvaluator {
  LIKELIHOOD.hierarchical.check(arguments);
  const K = positiveInteger(options.samples ?? 1000, 'hierarchicalVAELikelihood', 'samples');
  return {
    name: options.name ?? `hierarchical VAE (IS, K = ${K})`, kind: 'importance-sampled',
    logLikelihood: (rng, x) => importanceLogLikelihood(rng, (r, xb, k) => model.logWeights(r, xb, { samples: k }), x, { samples: K }),
  };
}

/**
 * The convolutional VAE's importance-sampled log p(x), its encoder as the proposal (D31).
 *
 *     log p̂(x) = log (1/K) Σ_k p(x | z_k) N(z_k; 0, I)/q(z_k | x),  z_k ~ q(z | x)
 *
 * @example ll.evaluation.evaluateLikelihoods(ll.rng(0), [ll.evaluation.convVAELikelihood(conv, { samples: 200 })], x)
 */
export function convVAELikelihood(model: ConvVAE, options: { samples?: number; chunk?: number; name?: string } = {}): LikelihoodEvaluator {
  LIKELIHOOD.conv.check(arguments);
  const K = positiveInteger(options.samples ?? 1000, 'convVAELikelihood', 'samples');
  // K·B decoded images per chunk: the convolutions' activations, not the weights, bound the memory
  const chunk = positiveInteger(options.chunk ?? 20, 'convVAELikelihood', 'chunk');
  return {
    name: options.name ?? `conv VAE (IS, K = ${K})`, kind: 'importance-sampled',
    logLikelihood: (rng, x) => importanceLogLikelihood(rng, (r, xb, k) => model.logWeights(r, xb, { samples: k }), x, { samples: K, chunk }),
  };
}

/**
 * A flow's bound on the discrete log P(x) by uniform dequantization (D46): the flow models y = x + u − 1 ∈ [−1, 1)^D
 * (a unit shift, Jacobian 1), and log P(x) = log ∫ p(x + u − 1) du ≥ E_u log p(x + u − 1), averaged over `samples` draws of u.
 */
export function dequantizedFlowLikelihood(flow: FlowDistribution, options: { samples?: number; name?: string } = {}): LikelihoodEvaluator {
  LIKELIHOOD.flow.check(arguments);
  const S = positiveInteger(options.samples ?? 1, 'dequantizedFlowLikelihood', 'samples');
  return {
    name: options.name ?? 'flow (dequantized, lower bound)', kind: 'lower-bound',
    logLikelihood: (rng, x) => {
      const out = new Float64Array(x.shape[0]);
      for (let s = 0; s < S; s++) {
        const lp = tf.tidy(() => flow.logProb(tf.sub(tf.add(x, rng.uniform(x.shape)), 1)));
        lp.dataSync().forEach((v, i) => { out[i] += v / S; });
        lp.dispose();
      }
      return out;
    },
  };
}

// log erfc(z) for z ≥ 0 in log form (Numerical Recipes' erfcc, relative error < 1.2e-7), so it never underflows
function logErfc(z: number): number {
  const t = 1 / (1 + 0.5 * z);
  const poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807
    + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return Math.log(t) + poly;
}

/** log Φ(a), the standard normal log-CDF, accurate in both tails. */
export function logNormalCdf(a: number): number {
  NORMAL_CDF.check(arguments);
  const z = Math.abs(a) / Math.SQRT2;
  const lower = Math.log(0.5) + logErfc(z); // log Φ(−|a|)
  return a < 0 ? lower : Math.log1p(-Math.exp(lower));
}

/**
 * The diffusion model's ELBO on binary data as a bound on the discrete log P(x) (D41): y = 2x − 1, the
 * forward process on y, the consistency KLs and the prior KL as in diffusionElbo, and the discretized
 * decoder P(x_d | x_1) = Φ(y_d x̂_d(x_1, 1)/√β_1) in place of the Gaussian density. One draw of the
 * chain per point and repetition (`samples`).
 */
export function diffusionLikelihood(denoise: Denoiser, schedule: DiffusionSchedule, options: { samples?: number; name?: string } = {}): LikelihoodEvaluator {
  LIKELIHOOD.diffusion.check(arguments);
  const S = positiveInteger(options.samples ?? 1, 'diffusionLikelihood', 'samples');
  return {
    name: options.name ?? `diffusion (ELBO, T = ${schedule.T})`, kind: 'lower-bound',
    logLikelihood: (rng, x) => {
      const [B, D] = x.shape;
      const out = new Float64Array(B);
      const y = tf.tidy(() => tf.sub(tf.mul(x, 2), 1)) as tf.Tensor2D;
      const ys = y.dataSync();
      const sd = Math.sqrt(schedule.betas[1]);
      const abT = schedule.alphaBars[schedule.T];
      try {
        for (let s = 0; s < S; s++) {
          const xHat = tf.tidy(() => denoise(schedule.noised(rng, y, 1).xt as tf.Tensor2D, 1));
          const h = xHat.dataSync();
          xHat.dispose();
          for (let b = 0; b < B; b++) {
            let rec = 0;
            for (let d = 0; d < D; d++) rec += logNormalCdf((ys[b * D + d] * h[b * D + d]) / sd);
            // KL(N(√ᾱ_T y, (1 − ᾱ_T) I) ‖ N(0, I)) with ‖y‖² = D
            const priorKL = 0.5 * (abT * D + D * (-abT - Math.log(1 - abT)));
            out[b] += (rec - priorKL) / S;
          }
          for (let t = 2; t <= schedule.T; t++) {
            const w = schedule.klWeight(t);
            const kl = tf.tidy(() => tf.mul(tf.sum(tf.square(tf.sub(denoise(schedule.noised(rng, y, t).xt as tf.Tensor2D, t), y)), 1), w));
            kl.dataSync().forEach((v, b) => { out[b] -= v / S; });
            kl.dispose();
          }
        }
      } finally {
        y.dispose();
      }
      return out;
    },
  };
}

export interface LikelihoodReport {
  name: string;
  kind: LikelihoodKind;
  /** mean log P(x) in nats per image, with its standard error across points */
  nats: Estimate;
  /** −nats/(D ln 2), with its standard error */
  bitsPerDim: Estimate;
  perPoint: Float64Array;
  dims: number;
  seconds: number;
}

/**
 * Every model's log-likelihood on the same binary data x [N, D] (in batches), in nats and bits per dimension.
 * Example:
 *   const rows = ll.evaluation.evaluateLikelihoods(ll.rng(0), [ll.evaluation.madeLikelihood(made), ll.evaluation.vaeLikelihood(vae)], x);
 *   rows.map((r) => [r.name, r.kind, r.nats.value, r.bitsPerDim.value]);
 */
export function evaluateLikelihoods(rng: Rng, evaluators: LikelihoodEvaluator[], x: tf.Tensor, options: { batchSize?: number } = {}): LikelihoodReport[] {
  const fn = 'evaluateLikelihoods';
  LIKELIHOOD.evaluate.check(arguments);
  const batch = positiveInteger(options.batchSize ?? 100, fn, 'batchSize');
  const [N, D] = x.shape;
  checkKind(TWO_POINTS, x, 'x', fn);
  checkKind(BINARY, x, 'x', fn);
  return evaluators.map((ev) => {
    const t0 = Date.now();
    const perPoint = new Float64Array(N);
    for (let s = 0; s < N; s += batch) {
      const size = Math.min(batch, N - s);
      const xb = tf.slice(x, [s, 0], [size, -1]) as tf.Tensor2D;
      try { perPoint.set(ev.logLikelihood(rng, xb), s); } finally { xb.dispose(); }
    }
    const nats = estimateMean(perPoint);
    return {
      name: ev.name, kind: ev.kind, nats,
      bitsPerDim: { value: bitsPerDim(nats.value, D), se: nats.se / (D * Math.LN2), n: nats.n },
      perPoint, dims: D, seconds: (Date.now() - t0) / 1000,
    };
  });
}

/**
 * The Fréchet distance (D47) between the Gaussians fitted to two sets of feature vectors [n, k] (rows are
 * points): FID when the features are a classifier's hidden activations on real and generated images.
 * Example: `ll.evaluation.featureFrechetDistance(classifier.features(real), classifier.features(fake))`.
 */
export function featureFrechetDistance(a: tf.Tensor | number[][], b: tf.Tensor | number[][]): number {
  FEATURE_FRECHET.check(arguments);
  const rows = (t: tf.Tensor | number[][], name: string): number[][] => {
    if (Array.isArray(t)) return t;
    tensorRank(t, [2], 'featureFrechetDistance', name);
    return t.arraySync() as number[][];
  };
  const A = rows(a, 'a'), B = rows(b, 'b');
  const ma = meanAndCovariance(A), mb = meanAndCovariance(B);
  return frechetDistance(ma.mean, ma.cov, mb.mean, mb.cov);
}
