// The rows of the training data as minibatch tensors: images from an ImageDataset (binarized afresh for a
// model of binary pixels: x_b ~ Bernoulli(pixels), a new draw every time an image is seen), points from a
// number[][] (uploaded once), rows of a 2-D tensor (gathered, dtype kept).
import * as tf from '@tensorflow/tfjs-core';
import { ImageDataset } from '../data/image-dataset';
import { dynamicBinarizePixels } from '../data/binarize';
import type { Rng } from '../random/rng';
import type { Batch, TrainingData } from './trainable';

/**
 * Minibatches of the training data: `batch(rng, indices)` makes the rows at `indices` into a Batch (the
 * generator only for the binarization); `dispose()` frees the uploaded points.
 *
 * @example
 * ```ts
 * const source = new BatchSource(ll.loadMnist('train'), true);
 * const b = source.batch(ll.rng(0), [0, 1]);   // b.x: [2, 784] of 0/1, b.labels: the digits
 * ```
 */
export class BatchSource {
  /** N, the rows of the data. */
  readonly count: number;
  private readonly all?: tf.Tensor2D;
  private readonly owned: boolean;

  /**
   * @param data  the training data
   * @param binarize  binarize image batches afresh (dynamic binarization)
   */
  constructor(readonly data: TrainingData, readonly binarize: boolean) {
    if (data instanceof ImageDataset) {
      this.count = data.count;
      this.owned = false;
    } else if (data instanceof tf.Tensor) {
      this.all = data;
      this.count = data.shape[0];
      this.owned = false;
    } else {
      this.all = tf.tensor2d(data);
      this.count = data.length;
      this.owned = true;
    }
  }

  /** The number of values in one row (pixels of an image, coordinates of a point, entries of a tensor row). */
  get rowSize(): number {
    return this.data instanceof ImageDataset ? this.data.dim : this.all!.shape[1];
  }

  /** The rows at `indices` as a Batch (binarized with `rng` when asked). */
  batch(rng: Rng, indices: number[]): Batch {
    const data = this.data;
    if (data instanceof ImageDataset) {
      const pixels = data.batchPixels(indices);
      const x = tf.tensor2d(this.binarize ? dynamicBinarizePixels(rng, pixels) : pixels, [indices.length, data.dim]);
      return { x, indices, labels: data.batchLabels(indices), dataset: data };
    }
    const x = tf.tidy(() => tf.gather(this.all!, tf.tensor1d(indices, 'int32'))) as tf.Tensor2D;
    return { x, indices };
  }

  /** Frees the points uploaded from a number[][] (a tensor passed in stays the caller's). */
  dispose(): void {
    if (this.owned) this.all!.dispose();
  }
}
