// Training the lectures' VAE: Adam on minibatches, seeded, with live progress, the train and test
// ELBO per epoch, and checkpoints (weights, Adam's state, the generator and the history) after each
// epoch, from which training resumes exactly.
import * as tf from '@tensorflow/tfjs-core';
import { Rng, RngState } from '../../random/rng';
import { ImageDataset } from '../../data/image-dataset';
import { dynamicBinarizePixels, staticBinarize } from '../../data/binarize';
import { minibatches, batchesPerEpoch } from '../../data/minibatches';
import { progress as startProgress } from '../../display/progress';
import type { Estimate } from '../../inference/estimate';
import { readCheckpoint, writeCheckpoint, CHECKPOINT_FILE } from '../../checkpoints/checkpoint';
import { datasetElbo } from './evaluation';
import { VAE, VAEConfig, VAEObjective, oneHotLabels } from './vae';
import { FusedAdam, adam } from '../../backend/fused-adam';
import { integerAtLeast, positiveFinite, positiveInteger } from '../../validation/arguments';
import fs from 'fs';
import path from 'path';
import { throwIfInterrupted } from '../../display/interruption';

export interface TrainVAEOptions {
  epochs: number;
  seed: number;
  batchSize?: number;
  learningRate?: number;
  objective?: VAEObjective;
  /** 'dynamic' (default for a Bernoulli likelihood): a fresh Bernoulli draw of each batch; 'none' */
  binarize?: 'dynamic' | 'none';
  /** a test set: its ELBO is reported after every epoch (statically binarized with a fixed seed) */
  test?: ImageDataset;
  /** stop each epoch after this many steps (quick runs in notebooks and tests) */
  maxStepsPerEpoch?: number;
  /** write a checkpoint here after every epoch */
  checkpointDir?: string;
  /** continue from the checkpoint in checkpointDir when there is one */
  resume?: boolean;
  /** live progress (default true) */
  progress?: boolean;
  onEpoch?: (record: EpochRecord) => void;
  /** 'fused-adam': every variable in one native call (default when the native kernels are on); 'adam': tf.train.adam (default otherwise). The same update. */
  optimizer?: 'fused-adam' | 'adam';
}

export interface EpochRecord {
  epoch: number;
  /** mean training loss (−ELBO for the ELBO objective) over the epoch's steps */
  trainLoss: number;
  testElbo?: Estimate;
  seconds: number;
  msPerStep: number;
}

export interface TrainResult {
  history: EpochRecord[];
  /** the epoch training started from (0, or the checkpoint's epoch when resumed) */
  startEpoch: number;
}

/** Restores a model from a checkpoint written by trainVAE (weights and config). */
export function loadVAE(dir: string): { model: VAE; meta: Record<string, unknown> } {
  const ck = readCheckpoint(dir);
  const model = new VAE(ck.meta.config as VAEConfig);
  assignWeights(model, ck.tensors, dir);
  ck.tensors.forEach((t) => t.dispose());
  return { model, meta: ck.meta };
}

function assignWeights(model: VAE, tensors: Map<string, tf.Tensor>, source: string) {
  for (const { name, variable } of model.namedVariables) {
    const t = tensors.get(`model/${name}`);
    if (!t) throw new Error(`checkpoint ${source}: no weights for ${name}`);
    if (t.shape.join() !== variable.shape.join()) throw new Error(`checkpoint ${source}: ${name} has shape [${t.shape}], the model needs [${variable.shape}]`);
    variable.assign(t);
  }
}

function modelTensors(model: VAE) {
  return model.namedVariables.map(({ name, variable }) => ({ name: `model/${name}`, tensor: variable as tf.Tensor }));
}

/**
 * Trains a VAE with Adam on minibatches, minimizing the objective's loss (−ELBO by default, so the
 * bound rises, D12/D14; see docs/derivations.md#d14):
 *
 *     loss(θ, φ) = −(1/B) Σ_b [E_q[log p_θ(x_b|z)] − KL(q_φ(z|x_b) ‖ p(z))],   z = μ_φ(x_b) + σ_φ(x_b) ⊙ ε.
 *
 * Seeded end to end (`options.seed`: the batches, the binarization, ε), with live progress, the test
 * set's ELBO after each epoch (an `Estimate` with its standard error) and, with `checkpointDir`, a
 * checkpoint after each epoch from which `resume: true` continues exactly.
 *
 * Shapes: `data` holds N images of D = `model.config.inputDim` pixels in [0, 1]; with a Bernoulli
 * likelihood each batch is binarized afresh (dynamic binarization) unless `binarize: 'none'`.
 *
 * @param model  the VAE to train (its variables are updated in place)
 * @param data  the training images
 * @param options  `epochs` and `seed` (required); `batchSize` (128), `learningRate` (1e-3), `objective`
 *   (ELBO with analytic KL by default; β-VAE, IWAE_K or WAE-MMD), `test`, `maxStepsPerEpoch`,
 *   `checkpointDir`, `resume`, `progress`, `onEpoch`, `optimizer`
 * @returns the per-epoch history (training loss, test ELBO, time) and the epoch training started from
 * @example
 * ```ts
 * const train = ll.loadMnist('train'), test = ll.loadMnist('test');
 * const vae = new ll.VAE({ inputDim: 784, latentDim: 16 });
 * const { history } = await ll.trainVAE(vae, train, { epochs: 5, seed: 0, test });
 * history.at(-1)!.testElbo;   // { value, se, n }: nats per test image
 * ```
 */
export async function trainVAE(model: VAE, data: ImageDataset, options: TrainVAEOptions): Promise<TrainResult> {
  const { epochs, seed } = options;
  if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`trainVAE: epochs must be a positive integer, got ${epochs}`);
  if (data.dim !== model.config.inputDim) throw new Error(`trainVAE: the data has ${data.dim} pixels per image, the model expects ${model.config.inputDim}`);
  // every count and rate here drives the loop or the update: a bad one would hang, or train to NaN quietly
  const batchSize = positiveInteger(options.batchSize ?? 128, 'trainVAE', 'batchSize');
  if (options.maxStepsPerEpoch !== undefined) positiveInteger(options.maxStepsPerEpoch, 'trainVAE', 'maxStepsPerEpoch');
  if (options.learningRate !== undefined) positiveFinite(options.learningRate, 'trainVAE', 'learningRate');
  integerAtLeast(seed, 0, 'trainVAE', 'seed');
  const objective: VAEObjective = options.objective ?? { type: 'elbo', kl: 'analytic' };
  const binarize = options.binarize ?? (model.config.likelihood === 'bernoulli' ? 'dynamic' : 'none');
  const conditional = model.config.conditionDim > 0;
  const rng = new Rng(seed);
  const lr = options.learningRate ?? 1e-3;
  const optimizer: tf.Optimizer = options.optimizer === 'adam' ? tf.train.adam(lr) : options.optimizer === 'fused-adam' ? new FusedAdam(lr) : adam(lr);
  const history: EpochRecord[] = [];
  let startEpoch = 0;

  if (options.resume && options.checkpointDir && fs.existsSync(path.join(options.checkpointDir, CHECKPOINT_FILE))) {
    const ck = readCheckpoint(options.checkpointDir);
    try {
      if (JSON.stringify(ck.meta.config) !== JSON.stringify(model.config)) throw new Error(`trainVAE: the checkpoint in ${options.checkpointDir} is for another model config`);
      assignWeights(model, ck.tensors, options.checkpointDir);
      const optWeights = (ck.meta.optimizer as string[]).map((name, i) => {
        const t = ck.tensors.get(`optimizer/${i}`);
        if (!t) throw new Error(`trainVAE: the checkpoint in ${options.checkpointDir} lacks optimizer state ${i} (${name})`);
        return { name, tensor: t.clone() };
      });
      await optimizer.setWeights(optWeights);
      // the optimizer's new variables share the data; these handles can go
      tf.dispose(optWeights.map((w) => w.tensor));
      rng.setState(ck.meta.rng as RngState);
      history.push(...(ck.meta.history as EpochRecord[]));
      startEpoch = ck.meta.epoch as number;
    } finally {
      ck.tensors.forEach((t) => t.dispose());
    }
  }

  // The test set is binarized once with a fixed seed, so every epoch is scored on the same data.
  let testX: tf.Tensor2D | undefined, testC: tf.Tensor2D | undefined;
  if (options.test) {
    const pixels = binarize === 'dynamic' ? staticBinarize(options.test.images, seed + 1) : options.test.images;
    testX = tf.tensor2d(pixels, [options.test.count, options.test.dim]);
    if (conditional) testC = oneHotLabels(options.test.labels, model.config.conditionDim);
  }

  const steps = Math.min(batchesPerEpoch(data.count, batchSize), options.maxStepsPerEpoch ?? Infinity);
  const bar = options.progress === false ? undefined : startProgress({ total: (epochs - startEpoch) * steps, title: 'training the VAE', epochs });
  let done = 0;
  try {
    for (let epoch = startEpoch + 1; epoch <= epochs; epoch++) {
      const t0 = Date.now();
      let lossSum = 0, count = 0;
      for (const idx of minibatches(rng, data.count, batchSize)) {
        if (count >= steps) break;
        throwIfInterrupted();
        const pixels = data.batchPixels(idx);
        const x = tf.tensor2d(binarize === 'dynamic' ? dynamicBinarizePixels(rng, pixels) : pixels, [idx.length, data.dim]);
        const c = conditional ? oneHotLabels(data.batchLabels(idx), model.config.conditionDim) : undefined;
        const cost = optimizer.minimize(() => model.loss(rng, x, objective, c), true, model.variables)!;
        const loss = cost.dataSync()[0];
        tf.dispose([cost, x, ...(c ? [c] : [])]);
        if (!Number.isFinite(loss)) throw new Error(`trainVAE: the loss became ${loss} at epoch ${epoch}, step ${count + 1}; lower the learning rate`);
        lossSum += loss;
        count++;
        bar?.update(++done, { epoch, loss });
      }
      const seconds = (Date.now() - t0) / 1000;
      const record: EpochRecord = { epoch, trainLoss: lossSum / count, seconds, msPerStep: (1000 * seconds) / count };
      if (testX) record.testElbo = datasetElbo(rng, model, testX, { condition: testC });
      history.push(record);
      options.onEpoch?.(record);
      if (options.checkpointDir) {
        // getWeights returns Adam's live moment variables (not copies) and a new int32 iteration count
        const opt = await optimizer.getWeights();
        // Adam names both moments of a variable alike: store them by position
        const stored = opt.map((w, i) => ({ name: `optimizer/${i}`, tensor: w.tensor.dtype === 'float32' ? w.tensor : tf.cast(w.tensor, 'float32') }));
        writeCheckpoint(options.checkpointDir, {
          meta: { config: model.config, epoch, history, rng: rng.getState(), optimizer: opt.map((w) => w.name) },
          tensors: [...modelTensors(model), ...stored],
        });
        // tf.train.adam hands out its live moment variables (keep them); FusedAdam and the iteration count are copies
        const copies = FusedAdam.isFusedAdam(optimizer);
        opt.forEach((w, i) => {
          if (copies || w.name === 'iter' || w.tensor.dtype !== 'float32') { w.tensor.dispose(); if (stored[i].tensor !== w.tensor) stored[i].tensor.dispose(); }
        });
      }
    }
  } finally {
    bar?.done();
    optimizer.dispose();
    tf.dispose([...(testX ? [testX] : []), ...(testC ? [testC] : [])]);
  }
  return { history, startEpoch };
}
