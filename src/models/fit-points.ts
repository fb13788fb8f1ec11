// The minibatch loop shared by the 2-D models (flows, denoisers): Adam on seeded shuffled
// minibatches of points for a number of steps, with live progress; returns the loss of every step.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random/rng';
import { stepBatches } from '../data/minibatches';
import { progress as startProgress } from '../display/progress';
import { adam } from '../backend/fused-adam';

export interface FitPointsOptions {
  steps: number;
  seed: number;
  batchSize?: number;
  learningRate?: number;
  progress?: boolean;
}

/**
 * A loss in two parts: `prepare` does the data-side work of a batch (noise, time embeddings) outside the
 * gradient tape — tfjs records every op run under a tape, saving copies of its inputs, where PyTorch
 * records only ops on tensors that need gradients — and `loss` the part that depends on the variables.
 */
export interface PreparedLoss<T extends tf.TensorContainer> {
  prepare: (x: tf.Tensor2D, rng: Rng) => T;
  loss: (batch: T) => tf.Scalar;
}

/**
 * Minimizes loss(batch [B, d], rng) (or a PreparedLoss) over `variables`; `who` names the caller in
 * errors, `title` the progress display.
 */
export function fitPoints<T extends tf.TensorContainer>(who: string, title: string, data: number[][], variables: tf.Variable[],
  loss: ((x: tf.Tensor2D, rng: Rng) => tf.Scalar) | PreparedLoss<T>, options: FitPointsOptions & { defaultLearningRate: number }): number[] {
  if (!Number.isInteger(options.steps) || options.steps < 1) throw new Error(`${who}: steps must be a positive integer, got ${options.steps}`);
  if (data.length < 2) throw new Error(`${who}: data needs at least 2 points`);
  const all = tf.tensor2d(data);
  const rng = new Rng(options.seed);
  const opt = adam(options.learningRate ?? options.defaultLearningRate);
  const losses: number[] = [];
  const bar = options.progress === false ? undefined : startProgress({ total: options.steps, title });
  try {
    for (const idx of stepBatches(rng, data.length, options.batchSize ?? 256, options.steps)) {
      const x = tf.tidy(() => tf.gather(all, tf.tensor1d(idx, 'int32'))) as tf.Tensor2D;
      const batch = typeof loss === 'function' ? undefined : tf.tidy(() => loss.prepare(x, rng));
      const cost = opt.minimize(() => (typeof loss === 'function' ? loss(x, rng) : loss.loss(batch!)), true, variables)!;
      losses.push(cost.dataSync()[0]);
      tf.dispose([x, cost, ...(batch ? [batch] : [])]);
      bar?.update(losses.length, { loss: losses[losses.length - 1] });
    }
  } finally {
    bar?.done();
    all.dispose();
    opt.dispose();
  }
  return losses;
}
