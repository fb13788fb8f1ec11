// A set of grayscale images with labels, kept as flat float32 pixels in [0, 1] (row-major [n, h·w]).
import * as tf from '@tensorflow/tfjs-core';
import { anything, checkKind, contract, num, where } from '../validation/contract';

// more than count is clamped to count, so n needs no memory bound
const TAKE = contract('ImageDataset.take', { n: { ...num({ integer: true, min: 1 }), expected: 'a positive integer' } });

/**
 * A set of grayscale images with labels, kept as flat float32 pixels in [0, 1], image after image
 * (row-major [n, h·w]); `loadMnist` returns one. `batch(indices)` gives a [k, h·w] tensor for a model.
 *
 * @example
 * ```ts
 * const train = ll.loadMnist('train');
 * train.count;               // number of images
 * const x = train.batch([0, 1, 2]);   // [3, 784]
 * ```
 */
export class ImageDataset {
  /**
   * A data set of `labels.length` images of `imageShape`, from their pixels.
   *
   * @param images  pixels in [0, 1], image after image
   * @param labels  one label per image
   * @param imageShape  [height, width] of one image
   * @param name  the data set's name, used in errors
   */
  constructor(
    /** pixels in [0, 1], image after image */
    readonly images: Float32Array,
    readonly labels: Int32Array,
    /** [height, width] of one image */
    readonly imageShape: [number, number],
    readonly name: string,
  ) {
    const d = imageShape[0] * imageShape[1];
    if (images.length !== labels.length * d) {
      checkKind(where(anything(), `hold one ${imageShape.join('×')} image per label (${labels.length} × ${d} = ${labels.length * d} pixels)`, () => `got ${images.length} pixels`), images, 'images', `ImageDataset ${name}`);
    }
  }

  get count(): number { return this.labels.length; }
  get dim(): number { return this.imageShape[0] * this.imageShape[1]; }

  /** The images at `indices` as a [k, h·w] tensor. */
  batch(indices: ArrayLike<number>): tf.Tensor2D {
    return tf.tensor2d(this.batchPixels(indices), [indices.length, this.dim]);
  }

  /** The pixels of the given images, image after image (before upload: to binarize them in the same pass). */
  batchPixels(indices: ArrayLike<number>): Float32Array {
    const d = this.dim;
    const out = new Float32Array(indices.length * d);
    for (let i = 0; i < indices.length; i++) {
      const j = indices[i];
      if (!Number.isInteger(j) || j < 0 || j >= this.count) throw new Error(`ImageDataset ${this.name}: index ${j} is outside [0, ${this.count})`);
      out.set(this.images.subarray(j * d, (j + 1) * d), i * d);
    }
    return out;
  }

  /** The labels at `indices`. */
  batchLabels(indices: ArrayLike<number>): Int32Array {
    return Int32Array.from(indices, (j) => this.labels[j]);
  }

  /** All images as one [n, h·w] tensor. */
  toTensor(): tf.Tensor2D {
    return tf.tensor2d(this.images, [this.count, this.dim]);
  }

  /** The first n images (a smaller set for quick runs). */
  take(n: number): ImageDataset {
    TAKE.check(arguments);
    const k = Math.min(n, this.count);
    return new ImageDataset(this.images.slice(0, k * this.dim), this.labels.slice(0, k), this.imageShape, `${this.name}[:${k}]`);
  }
}
