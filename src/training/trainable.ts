// What a model tells the trainer (src/training/fit.ts): its variables and the loss of one minibatch. The
// trainer owns everything else — the minibatches, the optimizer, the learning rate, progress, the weight
// average, checkpoints, interruption and disposal — so a model says only what it minimizes.
import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random/rng';
import type { ImageDataset } from '../data/image-dataset';

/** The data fit trains on: an image data set, points as rows (number[][]), or the rows of a 2-D tensor (codes). */
export type TrainingData = ImageDataset | number[][] | tf.Tensor2D;

/** One minibatch as the trainer hands it to a model. */
export interface Batch {
  /**
   * The rows [B, D]: pixels in [0, 1] of an image data set (binarized afresh, x_b ~ Bernoulli(pixels), for a
   * model of binary pixels), points [B, d], or rows of the data tensor (its dtype kept: int32 codes stay int32).
   */
  x: tf.Tensor2D;
  /** The rows' indices in the data (0…N−1). */
  indices: number[];
  /** The images' labels (image data sets only). */
  labels?: Int32Array;
  /** The image data set the rows came from (image data sets only; the classifier mixes in its images as outliers). */
  dataset?: ImageDataset;
}

/** A loss with named parts to record beside it (each a scalar; `loss` is the one minimized). */
export interface LossWithTerms {
  loss: tf.Scalar;
  terms: Record<string, tf.Scalar>;
}

/**
 * A model fit can train: its variables, and the loss of one minibatch.
 *
 *     θ ← θ − lr · Adam(∇_θ trainingLoss(batch)),   one step per minibatch
 *
 * `P` is what `prepareBatch` makes of a batch (the batch itself without it); `O` the model's objective options
 * (fit's `objective` option, passed to both). Randomness comes only from `rng`, the trainer's seeded generator,
 * drawn in the order prepareBatch → trainingLoss → afterStep, step after step.
 *
 * @example
 * ```ts
 * // a model written in a notebook: a Gaussian's mean and log-scale fit by maximum likelihood
 * const mu = ll.tf.variable(ll.tf.zeros([2])), logS = ll.tf.variable(ll.tf.zeros([2]));
 * const gaussian: ll.Trainable = {
 *   variables: [mu, logS],
 *   trainingLoss: (rng, batch) => ll.tf.tidy(() => ll.tf.neg(ll.tf.mean(ll.tf.sum(
 *     new ll.Normal(mu, ll.tf.exp(logS)).logProb(batch.x), 1)))) as ll.tf.Scalar,
 * };
 * await ll.fit(gaussian, points, { steps: 500, seed: 0 });
 * ```
 */
export interface Trainable<P = Batch, O = never> {
  /** The variables the optimizer updates (in a fixed order: checkpoints store the optimizer's moments by position). */
  readonly variables: tf.Variable[];
  /** The values per data row the model takes (pixels per image, coordinates per point): fit checks the data against it. */
  readonly dim?: number;
  /** True for a model of binary pixels: each image batch is binarized afresh (dynamic binarization, D29). */
  readonly binaryPixels?: boolean;
  /**
   * The data-side work of a batch (noise, time steps, labels as one-hot rows) done outside the gradient tape —
   * tfjs records every op run under a tape, where PyTorch records only ops on tensors that need gradients. Returns
   * a tensor or an object whose values are tensors (or arrays of them); the trainer disposes them after the step.
   */
  prepareBatch?(rng: Rng, batch: Batch, objective?: O): P;
  /** The scalar minimized on one (prepared) batch, or that scalar with named terms to record beside it. */
  trainingLoss(rng: Rng, batch: P, objective?: O): tf.Scalar | LossWithTerms;
  /** Runs after each optimizer step (1-based `step`), e.g. the VQ-VAE's restarts of dead codes; numbers it returns are recorded as terms. */
  afterStep?(rng: Rng, batch: Batch, step: number): Record<string, number> | void;
}
