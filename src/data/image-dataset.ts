// A set of grayscale images with labels, kept as flat float32 pixels in [0, 1] (row-major [n, h·w]).
import * as tf from '@tensorflow/tfjs-core';
import { anything, checkKind, contract, instance, num, str, where, type Kind } from '../validation/contract';

// more than count is clamped to count, so n needs no memory bound
// the constructor's types (the pixels against the labels are checked after, naming the data set)
const IMAGE_SHAPE: Kind = { expected: '[height, width], two positive integers', test: (v) => (Array.isArray(v) && v.length === 2 && v.every((d) => Number.isInteger(d) && d > 0) ? undefined : `got ${JSON.stringify(v)}`) };
const DATASET = contract('ImageDataset', { images: instance(Float32Array, 'a Float32Array of pixels'), labels: instance(Int32Array, 'an Int32Array of labels'), imageShape: IMAGE_SHAPE, name: str() });
// batch indices: a list of numbers; each is checked against count in the loop that copies it (the hot path pays nothing more)
const INDEX_LIST: Kind = { expected: 'an array of image indices', test: (v) => (Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView)) ? undefined : `got ${v === null ? 'null' : typeof v}`) };
const isIndexList = (v: unknown) => INDEX_LIST.test(v, '', '') === undefined;
const index = (n: number): Kind => ({ expected: `an image index in [0, ${n})`, test: (v: unknown) => (Number.isInteger(v) && (v as number) >= 0 && (v as number) < n ? undefined : `got ${JSON.stringify(v)}`) });
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
    DATASET.check(arguments);
    const d = imageShape[0] * imageShape[1];
    if (images.length !== labels.length * d) {
      checkKind(where(anything(), `hold one ${imageShape.join('×')} image per label (${labels.length} × ${d} = ${labels.length * d} pixels)`, () => `got ${images.length} pixels`), images, 'images', `ImageDataset ${name}`);
    }
  }

  get count(): number { return this.labels.length; }
  get dim(): number { return this.imageShape[0] * this.imageShape[1]; }

  /** The images at `indices` as a [k, h·w] tensor. */
  batch(indices: ArrayLike<number>): tf.Tensor2D {
    return tf.tensor2d(this.pixelsAt(indices, 'ImageDataset.batch'), [indices.length, this.dim]);
  }

  /** The pixels of the given images, image after image (before upload: to binarize them in the same pass). */
  batchPixels(indices: ArrayLike<number>): Float32Array {
    return this.pixelsAt(indices, 'ImageDataset.batchPixels');
  }

  private pixelsAt(indices: ArrayLike<number>, fn: string): Float32Array {
    if (!isIndexList(indices)) checkKind(INDEX_LIST, indices, 'indices', fn);
    const d = this.dim;
    const out = new Float32Array(indices.length * d);
    for (let i = 0; i < indices.length; i++) {
      const j = indices[i];
      if (!Number.isInteger(j) || j < 0 || j >= this.count) checkKind(index(this.count), j, `indices[${i}]`, `${fn} (${this.name})`);
      out.set(this.images.subarray(j * d, (j + 1) * d), i * d);
    }
    return out;
  }

  /** The labels at `indices`. */
  batchLabels(indices: ArrayLike<number>): Int32Array {
    if (!isIndexList(indices)) checkKind(INDEX_LIST, indices, 'indices', 'ImageDataset.batchLabels');
    return Int32Array.from(indices, (j, i) => {
      if (!Number.isInteger(j) || j < 0 || j >= this.count) checkKind(index(this.count), j, `indices[${i}]`, `ImageDataset.batchLabels (${this.name})`);
      return this.labels[j];
    });
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
