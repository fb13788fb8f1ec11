// Binarization of [0, 1] pixels for the Bernoulli likelihood.
//   dynamic: a fresh draw x_b ~ Bernoulli(x) for every minibatch (a data augmentation),
//   static: one draw with a fixed seed, or a threshold, used for every epoch.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random/rng';
import { contract, optional, probability, rngKind, tensor, where, type Kind } from '../validation/contract';

/** Every value in [0, 1]: a NaN would otherwise binarize to 0 and a 2 to 1, silently. */
const inUnit = (values: ArrayLike<number>): true | string => {
  for (let i = 0; i < values.length; i++) if (!(values[i] >= 0 && values[i] <= 1)) return `got ${values[i]} at index ${i}`;
  return true;
};
const FLOAT32: Kind = { expected: 'a Float32Array of probabilities', test: (v: unknown) => (v instanceof Float32Array ? undefined : `got ${typeof v}`) };
const DYNAMIC = contract('dynamicBinarize', { rng: rngKind(), x: where(tensor(), 'be in [0, 1]', (t: tf.Tensor) => inUnit(t.dataSync())) });
const THRESHOLD = contract('thresholdBinarize', { x: tensor(), threshold: optional(probability()) });
const PIXELS = contract('dynamicBinarizePixels', { rng: rngKind(), pixels: FLOAT32 });
const STATIC = contract('staticBinarize', { rng: rngKind(), pixels: where(FLOAT32, 'be in [0, 1]', inUnit) });

/**
 * x_b ~ Bernoulli(x), elementwise; x in [0, 1] (anything else is an error: it is not a probability). Shapes:
 * the result has x's shape (and rank).
 *
 * A fresh draw at every use, so a model with a Bernoulli likelihood never sees the same binary image twice
 * (the lectures' MNIST VAE, D29).
 *
 * @example
 * ```ts
 * const xb = ll.data.dynamicBinarize(ll.rng(0), ll.loadMnist('train').batch([0, 1]));   // [2, 784] of 0/1
 * ```
 */
export function dynamicBinarize<T extends tf.Tensor>(rng: Rng, x: T): T {
  DYNAMIC.check(arguments);
  // the shape of x, so of its rank: a [B, D] batch stays a Tensor2D
  return tf.tidy(() => tf.cast(tf.less(rng.uniform(x.shape), x), 'float32') as T);
}

/**
 * The same draw on pixels before they become a tensor, in place: one pass and one upload instead of a
 * uniform tensor, a comparison and a cast; the generator is used exactly as dynamicBinarize uses it.
 */
export function dynamicBinarizePixels(rng: Rng, pixels: Float32Array): Float32Array {
  // the hot path of every image batch: types only (the values are the data set's own pixels, in [0, 1])
  PIXELS.check(arguments);
  const u = rng.fillUniform(new Float32Array(pixels.length));
  // ⌈p − u⌉ is 1 when u < p, else 0 (p, u in [0, 1]): no branch to mispredict on random bits
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.ceil(pixels[i] - u[i]) + 0;
  return pixels;
}

/** 1 where x > threshold, else 0. */
export function thresholdBinarize(x: tf.Tensor, threshold = 0.5): tf.Tensor {
  THRESHOLD.check(arguments);
  return tf.tidy(() => tf.cast(tf.greater(x, threshold), 'float32'));
}

/**
 * One Bernoulli draw of every pixel of a dataset, x_b ~ Bernoulli(x), made once and kept (static binarization):
 * the same generator state gives the same binary images. pixels [N·D] in [0, 1] → [N·D] of 0 and 1.
 *
 * @example
 * ```ts
 * const x = ll.tf.tensor2d(ll.data.staticBinarize(ll.rng(99), test.images), [test.count, 784]);
 * ```
 */
export function staticBinarize(rng: Rng, pixels: Float32Array): Float32Array {
  STATIC.check(arguments);
  return Float32Array.from(pixels, (p) => (rng.nextUniform() < p ? 1 : 0));
}
