// A small convolutional classifier, trained by the project on each data set, to score generated
// images (lecture 003, evaluation): how confidently it recognizes samples, and the Fréchet distance
// between samples and test images in its penultimate features (FID's recipe with a small network).
//   conv 3×3 (1→c₁), ReLU, 2×2 avg-pool → conv 3×3 (c₁→c₂), ReLU, 2×2 avg-pool → flatten
//   → dense (h), ReLU = the features φ(x) → dense (K) = the logits;  p(y | x) = softmax(logits)
// Trained by Adam on the cross-entropy −log p(y | x) (the minimized loss) over seeded minibatches,
// plus "outlier exposure" (Hendrycks et al. 2019): synthetic non-images — uniform noise, smooth blobs
// and the average of two training images of different classes — are pushed toward the uniform
// p(y | x) by the cross-entropy to it, −(1/K) Σ_k log p(k | x̃). Without it a CNN is as confident on
// noise as on digits (measured: 100% of uniform-noise images at confidence ≥ 0.9), and the confident
// share of samples would not tell a digit from a blob.
import * as tf from '@tensorflow/tfjs-core';
import { mapRows, rowsPerChunk } from '../ops/in-chunks';
import { Rng } from '../random/rng';
import { Dense } from '../ops/dense';
import { Conv2d } from '../models/layers/conv2d';
import { downsample2 } from '../models/layers/resample';
import { ImageDataset } from '../data/image-dataset';
import type { Batch } from '../training/trainable';
import { positiveInteger } from '../validation/arguments';
import { loadModelCheckpoint, loaderRng, savedConfig, writeCheckpoint } from '../checkpoints/checkpoint';
import { checkWeightsGenerator } from '../validation/initial-weights';
import { anything, arrayOf, bool, checkKind, contract, count as countKind, describeAny, instance, memoryBudgetBytes, num, optional, options as optionsKind, record, rngKind, str, tensor, where } from '../validation/contract';

// one label per image of pixels (the argument before labels)
const LABELS_OF_PIXELS = where(anything('an array of labels'), (c) => `have one label per image (${(c.args.pixels as tf.Tensor).shape[0]})`,
  (labels: ArrayLike<number>, c) => labels?.length === (c.args.pixels as tf.Tensor).shape[0] || `got ${labels?.length} labels`);

// two 2×2 poolings: the side divisible by 4
const SIZE = where(num(), 'be divisible by 4', (s: number) => s % 4 === 0);
const CHANNELS = { ...arrayOf(countKind({ entriesEach: 0 }), { minLength: 2, maxLength: 2 }), expected: 'two positive integers' };
const PIXELS = tensor({ shape: ['B', (c) => (c.self as { dim: number }).dim] });
// the outlier images of a batch: as many as prepareBatch drew (⌈B/2⌉), of the classifier's size
const OUTLIERS = tensor({ shape: ['outliers', (c) => (c.self as { dim: number }).dim] });
const OUTLIER_WEIGHT = { ...num({ min: 0 }), expected: 'a finite number ≥ 0' };
const OBJECTIVE = optional(optionsKind({ outlierWeight: OUTLIER_WEIGHT }));
const FEATURE_OPTIONS = optional(optionsKind({ beforeRelu: bool() }));
// the config's counts (the layers' own checks bound their weights by memory)
// the feature layer's weights are (size/4)² · channels[1] × hidden float32 entries: hidden bounded by memory through them
const HIDDEN = where(countKind({ entriesEach: 0 }), 'fit its weights in memory ((size/4)² · channels[1] × hidden float32 entries)', (h: number, c) => {
  const size = (c.args.size as number | undefined) ?? 28, c2 = (c.args.channels as number[] | undefined)?.[1] ?? 32;
  const bytes = 4 * h * (size / 4) ** 2 * c2;
  return bytes <= memoryBudgetBytes() || `got ${h}: ${(bytes / 1e9).toPrecision(3)} GB`;
});
const CONFIG = optional(optionsKind({ size: countKind({ entries: (s) => s * s, bytesEach: 4 }), classes: countKind({ entriesEach: 0 }), channels: CHANNELS, hidden: HIDDEN }));
// what ll.fit hands prepareBatch: rows of an image data set with their labels
const BATCH = where(record('a batch { x, indices, labels, dataset }'), 'carry its dataset (an ImageDataset) and labels (an Int32Array), as ll.fit gives them',
  (b: { dataset?: unknown; labels?: unknown }) => (b.dataset instanceof ImageDataset && b.labels instanceof Int32Array) || `got dataset ${describeAny(b.dataset)} and labels ${describeAny(b.labels)}`);
// one label per row of x (the field before labels)
const LABELS_OF_X = where(anything('an array of labels'), (c) => `have one label per row of x (${(c.args.x as tf.Tensor).shape[0]})`,
  (labels: ArrayLike<number>, c) => (labels !== null && typeof labels === 'object' && labels.length === (c.args.x as tf.Tensor).shape[0]) || `got ${describeAny(labels)}`);
const C = {
  features: contract('ImageClassifier.features', { pixels: PIXELS, options: FEATURE_OPTIONS }),
  featureRows: contract('ImageClassifier.featureRows', { pixels: PIXELS, options: FEATURE_OPTIONS }),
  prepareBatch: contract('ImageClassifier.prepareBatch', { rng: rngKind(), batch: BATCH, objective: OBJECTIVE }),
  trainingLoss: contract('ImageClassifier.trainingLoss', {
    rng: anything(), p: optionsKind({ x: PIXELS, labels: LABELS_OF_X, outliers: optional(OUTLIERS) }, { required: ['x', 'labels'], path: true }), objective: OBJECTIVE,
  }),
  // predict reads the probabilities out: NaN pixels would give class −1
  predict: contract('ImageClassifier.predict', { pixels: tensor({ shape: ['B', (c) => (c.self as { dim: number }).dim], noNaN: true }) }),
  accuracy: contract('ImageClassifier.accuracy', { data: instance(ImageDataset) }),
  save: contract('ImageClassifier.save', { dir: str(), meta: optional(record('an object of notes')) }),
  load: contract('ImageClassifier.load', { dirOrFile: str() }),
};

export interface ClassifierConfig {
  /** Image height and width, divisible by 4 (default 28). */
  size?: number;
  /** Number of classes K (default 10). */
  classes?: number;
  /** Channels of the two convolutions (default [16, 32]). */
  channels?: [number, number];
  /** Width of the penultimate (feature) layer (default 64). */
  hidden?: number;
}

/** The classifier's training objective for `ll.fit`. */
export interface ClassifierObjective {
  /** Weight of the outlier term (default 0.5; 0 trains on the labelled images only). */
  outlierWeight?: number;
}

let count = 0;

/**
 * The scoring classifier: pixels [B, H·W] in [0, 1] → logits [B, K], features [B, hidden].
 * @example const c = new ll.evaluation.ImageClassifier(ll.rng(0)); await ll.fit(c, ll.loadMnist('train'), { epochs: 2, seed: 1, batchSize: 64, learningRate: 2e-3 });
 *          c.accuracy(ll.loadMnist('test')) // ≈ 0.97
 */
export class ImageClassifier {
  readonly config: Required<ClassifierConfig>;
  private readonly conv1: Conv2d; private readonly conv2: Conv2d;
  private readonly fc: Dense; private readonly out: Dense;

  /**
   * An untrained classifier for `config.size`² images, weights drawn from `rng`.
   *
   * @param rng  the generator of the initial weights (`ll.rng(seed)`)
   * @param config  `size`, the number of classes and the hidden width (all optional)
   */
  constructor(rng: Rng, config: ClassifierConfig = {}) {
    checkWeightsGenerator('ImageClassifier', rng, config);
    checkKind(CONFIG, config, 'config', 'ImageClassifier');
    const size = positiveInteger(config.size ?? 28, 'ImageClassifier', 'size');
    checkKind(SIZE, size, 'size', 'ImageClassifier');
    const channels = config.channels ?? [16, 32];
    checkKind(CHANNELS, channels, 'channels', 'ImageClassifier');
    this.config = {
      size, channels,
      classes: positiveInteger(config.classes ?? 10, 'ImageClassifier', 'classes'),
      hidden: positiveInteger(config.hidden ?? 64, 'ImageClassifier', 'hidden'),
    };
    const scope = `classifier${++count}`;
    // a layer refused (a width beyond memory) frees the ones made before it
    const made: { dispose(): void }[] = [];
    const keep = <L extends { dispose(): void }>(l: L) => { made.push(l); return l; };
    try {
      this.conv1 = keep(new Conv2d(rng, 1, channels[0], 3, 'conv1', scope));
      this.conv2 = keep(new Conv2d(rng, channels[0], channels[1], 3, 'conv2', scope));
      this.fc = keep(new Dense(rng, (size / 4) * (size / 4) * channels[1], this.config.hidden, 'fc', scope));
      this.out = keep(new Dense(rng, this.config.hidden, this.config.classes, 'out', scope));
    } catch (e) {
      made.forEach((l) => l.dispose());
      throw e;
    }
  }

  get dim(): number { return this.config.size * this.config.size; }

  private check(pixels: tf.Tensor2D, who: string): void {
    checkKind(PIXELS, pixels, 'pixels', `ImageClassifier.${who}`, { self: this });
  }

  /**
   * φ(x) = max(a(x), 0): the penultimate features [B, hidden]; with `{ beforeRelu: true }` the
   * pre-activations a(x) = W h(x) + b themselves.
   *
   * Outlier exposure trains the network to send a non-digit to the uniform p(y | x), and the cheapest
   * way is a(x) < 0 in every unit: then φ(x) = 0 exactly, and every set the classifier rejects has the
   * same features (measured: the blurry means of a small VAE and uniform noise, both 100% all-zero). A
   * Fréchet distance on φ cannot rank such sets; on a(x) it still can (how far below zero they fall).
   *
   * @example
   * ```ts
   * const c = ll.evaluation.ImageClassifier.load(ll.data.checkpointPath('classifier-mnist'));
   * c.features(x);                          // [B, 64], ≥ 0
   * c.features(x, { beforeRelu: true });    // [B, 64], any sign
   * ```
   */
  features(pixels: tf.Tensor2D, options: { beforeRelu?: boolean } = {}): tf.Tensor2D {
    C.features.check(arguments, undefined, this);
    return tf.tidy(() => {
      const s = this.config.size;
      const x = tf.reshape(pixels, [pixels.shape[0], s, s, 1]) as tf.Tensor4D;
      const h1 = downsample2(tf.relu(this.conv1.apply(x)));
      const h2 = downsample2(tf.relu(this.conv2.apply(h1)));
      const h = tf.reshape(h2, [pixels.shape[0], -1]);
      return (options.beforeRelu ? this.fc.apply(h) : this.fc.applyRelu(h)) as tf.Tensor2D;
    });
  }

  /** The logits [B, K]. */
  logits(pixels: tf.Tensor2D): tf.Tensor2D {
    this.check(pixels, 'logits');
    return tf.tidy(() => this.out.apply(this.features(pixels)) as tf.Tensor2D);
  }

  /** p(y | x) [B, K]. */
  probabilities(pixels: tf.Tensor2D): tf.Tensor2D {
    this.check(pixels, 'probabilities');
    return tf.tidy(() => tf.softmax(this.logits(pixels)) as tf.Tensor2D);
  }

  /** The mean cross-entropy −log p(y | x) of a batch (the minimized loss); labels [B] in 0…K−1. */
  loss(pixels: tf.Tensor2D, labels: ArrayLike<number>): tf.Scalar {
    this.check(pixels, 'loss');
    if (labels?.length !== pixels.shape[0]) checkKind(LABELS_OF_PIXELS, labels, 'labels', 'ImageClassifier.loss', { args: { pixels } });
    return tf.tidy(() => {
      const logp = tf.logSoftmax(this.logits(pixels));
      const onehot = tf.oneHot(tf.tensor1d(Array.from(labels), 'int32'), this.config.classes);
      return tf.neg(tf.mean(tf.sum(tf.mul(logp, onehot), 1))) as tf.Scalar;
    });
  }

  /** −(1/K) Σ_k log p(k | x), averaged over the images: the cross-entropy to the uniform distribution. */
  uniformCrossEntropy(pixels: tf.Tensor2D): tf.Scalar {
    this.check(pixels, 'uniformCrossEntropy');
    return tf.tidy(() => tf.neg(tf.mean(tf.logSoftmax(this.logits(pixels)))) as tf.Scalar);
  }

  /**
   * The data side of a training batch for `ll.fit`: the labelled images and, unless `outlierWeight` is 0,
   * ⌈B/2⌉ synthetic non-images drawn with `rng` (noise, blobs, averages of two images of the data set).
   *
   * @example
   * ```ts
   * await ll.fit(c, train, { epochs: 2, seed: 1, objective: { outlierWeight: 0 } });   // labelled images only
   * ```
   */
  prepareBatch(rng: Rng, batch: Batch, objective: ClassifierObjective = {}): { x: tf.Tensor2D; labels: Int32Array; outliers?: tf.Tensor2D } {
    C.prepareBatch.check(arguments);
    const w = objective.outlierWeight ?? 0.5;
    const n = Math.ceil(batch.x.shape[0] / 2);
    // the contract made sure both are there
    const outliers = w > 0 ? tf.tensor2d(outlierPixels(rng, batch.dataset!, n), [n, this.dim]) : undefined;
    return { x: batch.x, labels: batch.labels!, ...(outliers ? { outliers } : {}) };
  }

  /**
   * The loss `ll.fit` minimizes: the cross-entropy of the labels plus w times the cross-entropy of the outliers
   * to the uniform distribution (outlier exposure),
   *
   *     L = −(1/B) Σ_b log p(y_b | x_b) − w (1/B') Σ_o (1/K) Σ_k log p(k | x_o)
   *
   * @example
   * ```ts
   * const run = await ll.fit(c, ll.loadMnist('train'), { epochs: 10, seed: 1, batchSize: 64, learningRate: 2e-3 });
   * ```
   */
  trainingLoss(_rng: Rng, p: { x: tf.Tensor2D; labels: Int32Array; outliers?: tf.Tensor2D }, objective: ClassifierObjective = {}): tf.Scalar {
    C.trainingLoss.check(arguments, undefined, this);
    const w = objective.outlierWeight ?? 0.5;
    return p.outliers ? tf.tidy(() => tf.add(this.loss(p.x, p.labels), tf.mul(this.uniformCrossEntropy(p.outliers!), w)) as tf.Scalar) : this.loss(p.x, p.labels);
  }

  /**
   * Applies f to the images of `pixels` a few at a time and collects the rows: a pass holds its convolutions'
   * size²·C activations of every image until it ends, and the backend's memory keeps that high-water mark for
   * good (1,000 images at once: 248 MB in notebook 12).
   */
  private rows(pixels: tf.Tensor2D, f: (x: tf.Tensor2D) => tf.Tensor2D): number[][] {
    const all = mapRows(pixels, rowsPerChunk(this.config.size ** 2 * this.config.channels[0] * 3), f);
    try {
      return all.arraySync() as number[][];
    } finally {
      all.dispose();
    }
  }

  /** Predicted classes and their probabilities, per image. */
  predict(pixels: tf.Tensor2D): { labels: number[]; confidence: number[] } {
    C.predict.check(arguments, undefined, this);
    const p = this.rows(pixels, (x) => this.probabilities(x));
    const labels = p.map((r) => r.indexOf(Math.max(...r)));
    return { labels, confidence: p.map((r, i) => r[labels[i]]) };
  }

  /**
   * The penultimate features φ(x) of every image, as rows [B][hidden] (for Fréchet distances); with
   * `{ beforeRelu: true }` the pre-activations a(x) (see `features`).
   *
   * @example
   * ```ts
   * ll.evaluation.featureFrechetDistance(c.featureRows(real), c.featureRows(fake));
   * ```
   */
  featureRows(pixels: tf.Tensor, options: { beforeRelu?: boolean } = {}): number[][] {
    // any [B, D] tensor (a sum or a slice is typed Tensor): the rank is checked here, not asserted by the caller
    C.featureRows.check(arguments, undefined, this);
    return this.rows(pixels as tf.Tensor2D, (x) => this.features(x, options));
  }

  /** The share of the data set's images classified correctly. */
  accuracy(data: ImageDataset): number {
    C.accuracy.check(arguments);
    const x = data.toTensor();
    try {
      const { labels } = this.predict(x);
      return labels.filter((l, i) => l === data.labels[i]).length / data.count;
    } finally {
      x.dispose();
    }
  }

  get variables(): tf.Variable[] {
    return [this.conv1, this.conv2, this.fc, this.out].flatMap((l) => l.variables);
  }

  /** The variables under names local to the classifier (stable across instances, for checkpoints). */
  get namedVariables(): { name: string; variable: tf.Variable }[] {
    return this.variables.map((v) => ({ name: v.name.slice(v.name.indexOf('/') + 1), variable: v }));
  }

  /** Writes dir/checkpoint.llck: the config, `meta` and the weights. */
  save(dir: string, meta: Record<string, unknown> = {}): string {
    C.save.check(arguments);
    return writeCheckpoint(dir, { meta: { ...meta, kind: 'ImageClassifier', config: this.config }, tensors: this.namedVariables.map(({ name, variable }) => ({ name, tensor: variable })) });
  }

  /** A classifier from a checkpoint written by save. */
  static load(dirOrFile: string): ImageClassifier {
    C.load.check(arguments);
    return loadModelCheckpoint(dirOrFile, 'ImageClassifier', 'ImageClassifier.load', (meta, assign) => {
      const c = new ImageClassifier(loaderRng(), savedConfig(meta.config as ClassifierConfig));
      assign(c.namedVariables);
      return c;
    });
  }

  /**
   * Frees every weight of the classifier.
   */
  dispose(): void {
    this.variables.forEach((v) => v.dispose());
  }
}

/**
 * n synthetic non-images [n·D] for outlier exposure, a third of each kind: uniform noise, smooth blobs
 * (uniform noise on a grid 4× coarser, repeated to full size) and the average of two training images
 * of different classes.
 */
export function outlierPixels(rng: Rng, data: ImageDataset, n: number): Float32Array {
  const [h, w] = data.imageShape, D = h * w;
  const out = new Float32Array(n * D);
  const ch = Math.ceil(h / 4), cw = Math.ceil(w / 4);
  for (let i = 0; i < n; i++) {
    const o = i * D, kind = i % 3;
    if (kind === 0) {
      for (let p = 0; p < D; p++) out[o + p] = rng.nextUniform();
    } else if (kind === 1) {
      const low = rng.uniformArray(ch * cw);
      for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) out[o + r * w + c] = low[Math.floor(r / 4) * cw + Math.floor(c / 4)];
    } else {
      const a = rng.int(data.count);
      let b = rng.int(data.count);
      for (let tries = 0; data.labels[b] === data.labels[a] && tries < 20; tries++) b = rng.int(data.count);
      for (let p = 0; p < D; p++) out[o + p] = 0.5 * (data.images[a * D + p] + data.images[b * D + p]);
    }
  }
  return out;
}

