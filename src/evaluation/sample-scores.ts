// Scores of generated images by a trained classifier (lecture 003, evaluation):
//   confident share  s = (1/n) Σ_i 1[max_y p(y | x_i) ≥ τ],  se = √(s(1 − s)/n)   (samples that look like
//                    some class to it; τ = 0.9 by default)
//   Fréchet distance d² = ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2(Σ₁Σ₂)^{1/2}) between Gaussians fitted to the
//                    classifier's penultimate features φ(x) of two image sets (D47; FID's recipe)
// and the class histogram of the samples (a collapsed model puts its samples in few classes).
import * as tf from '@tensorflow/tfjs-core';
import type { Estimate } from '../inference/estimate';
import { meanAndCovariance } from '../math/linalg64';
import { frechetDistance } from './frechet-distance';
import { ImageClassifier } from './classifier';
import { contract, instance, num, optional, tensor, where } from '../validation/contract';

const CLASSIFIER = instance(ImageClassifier);
const THRESHOLD = optional({ ...num({ above: 0, below: 1 }), expected: 'in (0, 1)' });
// images of the classifier's size: rows of size² pixels
const width = (c: { args: Readonly<Record<string, unknown>> }) => (c.args.classifier as ImageClassifier).dim;
// the scores read the probabilities out: NaN pixels would count as class −1
const IMAGES = tensor({ shape: ['n', width], noNaN: true });
// a covariance needs at least two images
const IMAGE_SET = where(IMAGES, 'have at least 2 images (rows), for a covariance', (x: tf.Tensor) => x.shape[0] >= 2 || `got [${x.shape}]`);
const CONFIDENT = contract('confidentShare', { classifier: CLASSIFIER, pixels: IMAGES, threshold: THRESHOLD });
const HISTOGRAM = contract('classHistogram', { classifier: CLASSIFIER, pixels: IMAGES });
// b's rows are its own count: the two sets may differ in size (a contract binds a shape's name across arguments)
const IMAGE_SET_B = where(tensor({ shape: ['m', width], noNaN: true }), 'have at least 2 images (rows), for a covariance', (x: tf.Tensor) => x.shape[0] >= 2 || `got [${x.shape}]`);
const FRECHET = contract('classifierFrechetDistance', { classifier: CLASSIFIER, a: IMAGE_SET, b: IMAGE_SET_B });

/**
 * The share of images [n, D] the classifier assigns a class with probability ≥ threshold, with its
 * binomial standard error.
 * @example confidentShare(classifier, samples) // { value: 0.74, se: 0.02, n: 500 }
 */
export function confidentShare(classifier: ImageClassifier, pixels: tf.Tensor2D, threshold = 0.9): Estimate {
  CONFIDENT.check(arguments);
  const { confidence } = classifier.predict(pixels);
  const n = confidence.length;
  const s = confidence.filter((c) => c >= threshold).length / n;
  return { value: s, se: Math.sqrt((s * (1 - s)) / n), n };
}

/** How many of the images [n, D] fall in each predicted class. */
export function classHistogram(classifier: ImageClassifier, pixels: tf.Tensor2D): number[] {
  HISTOGRAM.check(arguments);
  const { labels } = classifier.predict(pixels);
  const h = new Array(classifier.config.classes).fill(0);
  labels.forEach((l) => h[l]++);
  return h;
}

/**
 * The Fréchet distance d² between Gaussians fitted to the classifier's features of two image sets
 * [n₁, D] and [n₂, D] (D47). Both need more images than the feature width for full-rank covariances.
 */
export function classifierFrechetDistance(classifier: ImageClassifier, a: tf.Tensor2D, b: tf.Tensor2D): number {
  FRECHET.check(arguments);
  const fa = meanAndCovariance(classifier.featureRows(a), 'classifierFrechetDistance: features of a');
  const fb = meanAndCovariance(classifier.featureRows(b), 'classifierFrechetDistance: features of b');
  return frechetDistance(fa.mean, fa.cov, fb.mean, fb.cov);
}
