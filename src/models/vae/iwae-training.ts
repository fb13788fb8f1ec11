// Training the VAE with a tighter bound (lectures 000, 002; D26, D27, D31, D32): the same model trained
// once with the ELBO and once with the IWAE bound (or a Rényi bound), then compared on the same test digits.
//   log w_k = log p(x, z_k) − log q(z_k | x),  z_k ~ q(z | x),  k = 1…K
//   ELBO     L_1  = E log w                                          (D12)
//   IWAE     L_K  = E log (1/K) Σ_k w_k,  L_1 ≤ L_K ≤ log p(x)       (D26)
//   Rényi    L_α  = 1/(1−α) · log (1/K) Σ_k w_k^{1−α}                (D27): α → 1 the ELBO, α = 0 the IWAE bound
// Training maximizes a bound (loss = −bound). Comparison: the test log-likelihood by importance sampling
// with K = 5000 (D31), the ELBO, the training bound, the bound's tightness log p(x) − ELBO (the KL from q
// to the exact posterior, D15) and the active units (D32).
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import { estimateMean } from '../../check/monte-carlo';
import type { Estimate } from '../../inference/estimate';
import { ImageDataset } from '../../data/image-dataset';
import { staticBinarize } from '../../data/binarize';
import { positiveInteger } from '../../validation/arguments';
import { VAE, VAEObjective } from './vae';
import { fit } from '../../training/fit';
import { activeUnits, importanceSampledLogLikelihood, klPerDimension } from './evaluation';
import { checkKind, arrayOf, anything, bool, contract, count, instance, oneOf, optional, options as optionsKind, positive, record, rngKind, str, where } from '../../validation/contract';

const OBJECTIVE_LABEL = contract('objectiveLabel', { objective: record('an objective { type, … }') });
const OBJECTIVES = { ...arrayOf(anything(), { minLength: 1 }), expected: 'a non-empty array of VAE objectives' };
// every option checked before the first model is built or trained: a bad one found after training would cost the run
const COMPARE = contract('compareTrainingObjectives', {
  rng: rngKind(), train: instance(ImageDataset), test: instance(ImageDataset),
  options: optional(optionsKind({
    objectives: OBJECTIVES, epochs: count({ max: 1e6 }), latentDim: count({ max: 1e5 }), hiddenDim: count({ max: 1e5 }), batchSize: count({ max: 1e6 }),
    learningRate: positive(), steps: count({ max: 1e9 }), testPoints: count({ max: 1e6 }), evalSamples: count({ entriesEach: 4096, bytesEach: 4 }),
    elboSamples: count({ entriesEach: 4096, bytesEach: 4 }), progress: oneOf(bool(), str()),
  })),
});

/** A readable name for an objective: 'ELBO', 'β-VAE (β = 4)', 'IWAE (K = 5)', 'Rényi (α = 0.5, K = 5)', 'WAE-MMD'. */
export function objectiveLabel(objective: VAEObjective): string {
  OBJECTIVE_LABEL.check(arguments);
  switch (objective.type) {
    case 'elbo': return objective.beta !== undefined && objective.beta !== 1 ? `β-VAE (β = ${objective.beta})` : 'ELBO';
    case 'iwae': return `IWAE (K = ${objective.samples})`;
    case 'renyi': return `Rényi (α = ${objective.alpha}, K = ${objective.samples})`;
    case 'wae-mmd': return 'WAE-MMD';
    default: return JSON.stringify(objective);
  }
}

/** The objective's own bound on test data, per point [B] (what training maximized). */
function trainingBound(rng: Rng, model: VAE, x: tf.Tensor, objective: VAEObjective): tf.Tensor {
  switch (objective.type) {
    case 'iwae': return model.iwae(rng, x, { samples: objective.samples });
    case 'renyi': return model.renyiBound(rng, x, { alpha: objective.alpha, samples: objective.samples });
    default: return model.elbo(rng, x, { samples: 1 });
  }
}

export interface ObjectiveComparisonRow {
  objective: VAEObjective;
  label: string;
  /** the trained model (dispose it when done) */
  model: VAE;
  trainSeconds: number;
  msPerStep: number;
  /** mean over test points of log p̂(x) by importance sampling with `evalSamples` samples (D31) */
  logLikelihood: Estimate;
  /** the same in bits per dimension: −log p̂(x) / (D ln 2) */
  bitsPerDim: Estimate;
  /** the ELBO (analytic KL, `elboSamples` samples per point) */
  elbo: Estimate;
  /** the bound the model was trained with, on the test points */
  trainingBound: Estimate;
  /** log p̂(x) − ELBO per point, averaged: the bound's looseness, ≈ KL(q(z|x) ‖ p(z|x))  (D15) */
  gap: Estimate;
  /** active units: Cov_x(E_q[z_j | x]) > 0.01  (D32) */
  activeUnits: number;
  /** KL(q(z_j|x) ‖ N(0,1)) per latent dimension, averaged over test points */
  klPerDimension: Float64Array;
  /**
   * log p̂(x) minus that of the first objective's model, paired over the same test points (so the spread
   * between digits cancels): the first row's is 0
   */
  gainOverFirst: Estimate;
  /** the per-point values behind the means */
  perPoint: { logLikelihood: Float64Array; elbo: Float64Array; trainingBound: Float64Array };
}

export interface CompareObjectivesOptions {
  /** default [ELBO, IWAE K = 5] */
  objectives?: VAEObjective[];
  epochs?: number;
  latentDim?: number;
  hiddenDim?: number;
  batchSize?: number;
  learningRate?: number;
  /** train for this many steps instead of `epochs` passes (quick runs) */
  steps?: number;
  /** test points used for every number (default 100, spread over the classes) */
  testPoints?: number;
  /** K of the importance-sampled log-likelihood (default 1000; papers use 5000) */
  evalSamples?: number;
  /** samples per point of the ELBO (default 10) */
  elboSamples?: number;
  progress?: boolean;
}

/**
 * Indices of n points spread evenly over a data set (the embedded MNIST test set is sorted by class,
 * so its first n points are all zeros).
 */
export function spreadIndices(count: number, n: number): number[] {
  positiveInteger(n, 'spreadIndices', 'n');
  const k = Math.min(n, count);
  return Array.from({ length: k }, (_, i) => Math.floor((i * count) / k));
}

/**
 * Trains one VAE per objective — the same architecture, the same initial weights and the same minibatch
 * order — and scores each on the same statically binarized test digits: test log-likelihood (importance
 * sampling, D31), ELBO, the training bound, the gap log p(x) − ELBO (D15) and active units (D32).
 * Example (about 20 s):
 *   const rows = await ll.models.compareTrainingObjectives(ll.rng(0), ll.loadMnist('train'), ll.loadMnist('test'),
 *     { objectives: [{ type: 'elbo' }, { type: 'iwae', samples: 5 }], epochs: 3 });
 *   rows.map((r) => [r.label, r.logLikelihood.value, r.activeUnits]);
 */
export async function compareTrainingObjectives(rng: Rng, train: ImageDataset, test: ImageDataset, options: CompareObjectivesOptions = {}): Promise<ObjectiveComparisonRow[]> {
  const fn = 'compareTrainingObjectives';
  COMPARE.check(arguments);
  const objectives = options.objectives ?? [{ type: 'elbo' }, { type: 'iwae', samples: 5 }];
  checkKind(OBJECTIVES, objectives, 'objectives', fn);
  const epochs = positiveInteger(options.epochs ?? 3, fn, 'epochs');
  const evalSamples = positiveInteger(options.evalSamples ?? 1000, fn, 'evalSamples');
  const elboSamples = positiveInteger(options.elboSamples ?? 10, fn, 'elboSamples');
  const testPoints = positiveInteger(options.testPoints ?? 100, fn, 'testPoints');
  checkKind(where(anything('an ImageDataset'), `have images of train's size (${train.dim} pixels)`, (t: ImageDataset) => t.dim === train.dim || `got ${t.dim} pixels`), test, 'test', fn);
  const modelSeed = rng.nextUint32(), trainSeed = rng.nextUint32(), dataSeed = rng.nextUint32();
  const idx = spreadIndices(test.count, testPoints);
  const x = tf.tensor2d(staticBinarize(new Rng(dataSeed), test.batchPixels(idx)), [idx.length, test.dim]);
  const D = test.dim;
  const rows: ObjectiveComparisonRow[] = [];
  try {
    for (const objective of objectives) {
      const model = new VAE(new Rng(modelSeed), { inputDim: D, latentDim: options.latentDim ?? 16, hiddenDim: options.hiddenDim ?? 300 });
      const t0 = Date.now();
      const run = await fit(model, train, {
        ...(options.steps !== undefined ? { steps: positiveInteger(options.steps, fn, 'steps') } : { epochs }), seed: trainSeed, objective,
        batchSize: options.batchSize ?? 100, ...(options.learningRate !== undefined ? { learningRate: options.learningRate } : {}), progress: options.progress ?? false,
      });
      const trainSeconds = (Date.now() - t0) / 1000;
      const evalRng = rng.split();
      const ll = importanceSampledLogLikelihood(evalRng, model, x, { samples: evalSamples });
      const perPoint = (f: () => tf.Tensor) => { const t = tf.tidy(f); const v = Float64Array.from(t.dataSync()); t.dispose(); return v; };
      const elbo = perPoint(() => model.elbo(evalRng, x, { samples: elboSamples }));
      const bound = perPoint(() => trainingBound(evalRng, model, x, objective));
      const gap = ll.perPoint.map((v, i) => v - elbo[i]);
      const bits = ll.perPoint.map((v) => -v / (D * Math.LN2));
      rows.push({
        objective, label: objectiveLabel(objective), model, trainSeconds,
        msPerStep: run.msPerStep,
        logLikelihood: { value: ll.value, se: ll.se, n: ll.n }, bitsPerDim: estimateMean(bits),
        elbo: estimateMean(elbo), trainingBound: estimateMean(bound), gap: estimateMean(gap),
        activeUnits: activeUnits(model, x).count, klPerDimension: klPerDimension(model, x),
        perPoint: { logLikelihood: ll.perPoint, elbo, trainingBound: bound },
        gainOverFirst: rows.length === 0 ? { value: 0, se: 0, n: ll.perPoint.length }
          : (ll.perPoint.length > 1 ? estimateMean(ll.perPoint.map((v, i) => v - rows[0].perPoint.logLikelihood[i])) : { value: ll.perPoint[0] - rows[0].perPoint.logLikelihood[0], se: Infinity, n: 1 }),
      });
    }
  } catch (e) {
    rows.forEach((r) => r.model.dispose());
    throw e;
  } finally {
    x.dispose();
  }
  return rows;
}
