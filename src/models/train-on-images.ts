// The minibatch loop for models of binarized images other than the lectures' VAE (which has trainVAE):
// the VAE with a flow posterior and a richer prior, the autoregressive model, the hierarchical VAE. Adam on
// seeded shuffled minibatches, each batch binarized afresh (dynamic binarization), loss = −objective.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random/rng';
import { ImageDataset } from '../data/image-dataset';
import { dynamicBinarizePixels } from '../data/binarize';
import { minibatches, batchesPerEpoch } from '../data/minibatches';
import { progress as startProgress } from '../display/progress';
import { adam } from '../backend/fused-adam';
import { positiveFinite, positiveInteger } from '../validation/arguments';

/** A model trained on images: its variables and a loss to minimize on a batch x [B, D]. */
export interface ImageModel {
  readonly variables: tf.Variable[];
  loss(rng: Rng, x: tf.Tensor2D): tf.Scalar;
}

export interface TrainOnImagesOptions {
  epochs: number;
  batchSize?: number;
  learningRate?: number;
  /** stop each epoch after this many steps (quick runs) */
  maxStepsPerEpoch?: number;
  /** 'dynamic' (default): a fresh Bernoulli draw of each batch's pixels; 'none': the pixels as they are */
  binarize?: 'dynamic' | 'none';
  /** live progress (default true, as trainVAE) */
  progress?: boolean;
  title?: string;
}

export interface TrainOnImagesResult {
  /** the mean loss of each epoch */
  epochLosses: number[];
  seconds: number;
  msPerStep: number;
}

/**
 * Minimizes model.loss over minibatches of `data`. Example:
 *   ll.models.trainOnImages(ll.rng(0), made, ll.loadMnist('train'), { epochs: 5 });
 */
export function trainOnImages(rng: Rng, model: ImageModel, data: ImageDataset, options: TrainOnImagesOptions): TrainOnImagesResult {
  const fn = 'trainOnImages';
  const epochs = positiveInteger(options?.epochs, fn, 'epochs');
  const batchSize = positiveInteger(options.batchSize ?? 100, fn, 'batchSize');
  const lr = positiveFinite(options.learningRate ?? 1e-3, fn, 'learningRate');
  if (options.maxStepsPerEpoch !== undefined) positiveInteger(options.maxStepsPerEpoch, fn, 'maxStepsPerEpoch');
  const binarize = options.binarize ?? 'dynamic';
  if (binarize !== 'dynamic' && binarize !== 'none') throw new Error(`${fn}: binarize must be 'dynamic' or 'none', got ${JSON.stringify(binarize)}`);
  const steps = Math.min(batchesPerEpoch(data.count, batchSize), options.maxStepsPerEpoch ?? Infinity);
  const optimizer = adam(lr);
  const bar = options.progress !== false ? startProgress({ total: epochs * steps, title: options.title ?? 'training', epochs }) : undefined;
  const epochLosses: number[] = [];
  const t0 = Date.now();
  let done = 0;
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      let sum = 0, count = 0;
      for (const idx of minibatches(rng, data.count, batchSize)) {
        if (count >= steps) break;
        const pixels = data.batchPixels(idx);
        const x = tf.tensor2d(binarize === 'dynamic' ? dynamicBinarizePixels(rng, pixels) : pixels, [idx.length, data.dim]);
        const cost = optimizer.minimize(() => model.loss(rng, x), true, model.variables)!;
        const loss = cost.dataSync()[0];
        tf.dispose([cost, x]);
        if (!Number.isFinite(loss)) throw new Error(`${fn}: the loss became ${loss} at epoch ${epoch}, step ${count + 1}; lower the learning rate`);
        sum += loss;
        count++;
        done++;
        bar?.update(done, { epoch, loss });
      }
      epochLosses.push(sum / count);
    }
  } finally {
    bar?.done();
    optimizer.dispose();
  }
  const seconds = (Date.now() - t0) / 1000;
  return { epochLosses, seconds, msPerStep: (1000 * seconds) / Math.max(done, 1) };
}
