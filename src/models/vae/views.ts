// What a VAE looks like, through the plot helpers: reconstructions, prior samples, interpolations,
// latent traversals and the 2-D latent scatter coloured by digit.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import { ImageFigure, imageGrid, latentTraversal } from '../../plot/image-figure';
import { scatterPlot } from '../../plot/scatter-plot';
import { VegaLiteFigure } from '../../plot/vega-lite-figure';
import { VAE } from './vae';
import { positiveInteger, tensorRank } from '../../validation/arguments';
import { arrayOf, contract, count, instance, num, numberArray, optional, options as optionsKind, rngKind, tensor, where, type Context } from '../../validation/contract';

const RECONSTRUCTION_GRID = contract('reconstructionGrid', { model: instance(VAE), x: tensor({ rank: 2, noNaN: true }), options: optional(optionsKind({ columns: count(), condition: tensor() })) });

// the model is checked first, so the relations below read its config
const modelOf = (c: Context) => c.args.model as VAE;
// one image as a vector or a row: inputDim pixels
const IMAGE = where(tensor({ rank: [1, 2], noNaN: true }), (c) => `hold one image of inputDim = ${modelOf(c).config.inputDim} pixels`, (t: tf.Tensor, c) => t.size === modelOf(c).config.inputDim || `got shape [${t.shape}]`);
const LATENT_DIM = where(num({ integer: true, min: 0 }), (c) => `be a latent dimension in 0…${modelOf(c).config.latentDim - 1}`, (d: number, c) => d < modelOf(c).config.latentDim);
// a grid's columns or frames: a figure, not an allocation, so a few thousand at most
const STEPS = count({ min: 2, max: 1000 });
const PRIOR_SAMPLE_GRID = contract('priorSampleGrid', { rng: rngKind(), model: instance(VAE), options: optionsKind({ samples: count({ max: 10000 }), condition: tensor() }, { required: ['samples'] }) });
const INTERPOLATION_GRID = contract('interpolationGrid', { model: instance(VAE), a: IMAGE, b: IMAGE, steps: optional(STEPS) });
const TRAVERSAL_GRID = contract('traversalGrid', { model: instance(VAE), dims: optional(arrayOf(LATENT_DIM, { minLength: 1 })), steps: optional(STEPS) });
const LATENT_SCATTER = contract('latentScatter', {
  model: instance(VAE),
  x: tensor({ shape: ['n', (c) => modelOf(c).config.inputDim], noNaN: true }),
  labels: numberArray({ shape: ['n'], what: 'one label per row of x' }),
  dims: optional(arrayOf(LATENT_DIM, { minLength: 2, maxLength: 2 })),
});

const shapeOf = (model: VAE): [number, number] => {
  const s = Math.round(Math.sqrt(model.config.inputDim));
  return s * s === model.config.inputDim ? [s, s] : [1, model.config.inputDim];
};

/**
 * Originals (odd rows) above their reconstructions (even rows). x: [n, D] in [0, 1].
 *
 * @example
 * ```ts
 * ll.models.reconstructionGrid(vae, test.batch([0, 1, 2, 3, 4, 5, 6, 7]));
 * ```
 */
export function reconstructionGrid(model: VAE, x: tf.Tensor, options: { columns?: number; condition?: tf.Tensor } = {}): ImageFigure {
  RECONSTRUCTION_GRID.check(arguments);
  tensorRank(x, [2], 'reconstructionGrid', 'x');
  // columns 0 would step through the batch by 0: a loop that never ends
  const cols = positiveInteger(options.columns ?? Math.min(10, x.shape[0]), 'reconstructionGrid', 'columns');
  const grid = tf.tidy(() => {
    const rec = model.reconstruct(x, options.condition);
    const rows: tf.Tensor[] = [];
    for (let s = 0; s < x.shape[0]; s += cols) {
      const k = Math.min(cols, x.shape[0] - s);
      rows.push(tf.slice(x, [s, 0], [k, -1]), tf.slice(rec, [s, 0], [k, -1]));
    }
    return tf.concat(rows, 0);
  });
  try {
    return imageGrid(grid, { columns: cols, imageShape: shapeOf(model), title: 'originals (odd rows) and reconstructions (even rows)' });
  } finally {
    grid.dispose();
  }
}

/**
 * n images E[x | z], z ~ N(0, I).
 *
 * The decoder's pixel means at prior draws: what the generative model p(x) = ∫ p(x|z) p(z) dz produces (D29).
 *
 * @example
 * ```ts
 * ll.models.priorSampleGrid(ll.rng(0), vae, { samples: 64 });
 * ```
 */
export function priorSampleGrid(rng: Rng, model: VAE, options: { samples: number; condition?: tf.Tensor }): ImageFigure {
  PRIOR_SAMPLE_GRID.check(arguments);
  const n = options.samples;
  const s = model.sample(rng, n, { condition: options.condition });
  try {
    return imageGrid(s, { imageShape: shapeOf(model), title: `${n} samples from the prior` });
  } finally {
    s.dispose();
  }
}

/**
 * Decodes the straight line between the posterior means of two images, `steps` points.
 *
 * @example
 * ```ts
 * ll.models.interpolationGrid(vae, test.batch([0]), test.batch([1]), 12);
 * ```
 */
export function interpolationGrid(model: VAE, a: tf.Tensor, b: tf.Tensor, steps = 10): ImageFigure {
  INTERPOLATION_GRID.check(arguments);
  const imgs = tf.tidy(() => {
    const za = model.encode(tf.reshape(a, [1, -1])).mean, zb = model.encode(tf.reshape(b, [1, -1])).mean;
    const t = tf.reshape(tf.linspace(0, 1, steps), [steps, 1]);
    return model.decodeMean(tf.add(tf.mul(tf.sub(1, t), za), tf.mul(t, zb)));
  });
  try {
    return imageGrid(imgs, { columns: steps, imageShape: shapeOf(model), title: 'interpolation between two posterior means' });
  } finally {
    imgs.dispose();
  }
}

/**
 * One row per latent dimension: decode z with that coordinate swept over [−3, 3], others 0.
 *
 * @example
 * ```ts
 * ll.models.traversalGrid(vae, [0, 1, 2]);   // three rows, one per latent dimension
 * ```
 */
export function traversalGrid(model: VAE, dims?: number[], steps = 9): ImageFigure {
  TRAVERSAL_GRID.check(arguments);
  const M = model.config.latentDim;
  return latentTraversal({ decode: (z) => model.decodeMean(z), latentDim: M, dims: dims ?? Array.from({ length: Math.min(M, 8) }, (_, i) => i), steps, imageShape: shapeOf(model) });
}

/**
 * The posterior means of x, first two latent coordinates, coloured by label.
 *
 * @example
 * ```ts
 * ll.models.latentScatter(vae, test.batch([...Array(1000).keys()]), test.labels.subarray(0, 1000));
 * ```
 */
export function latentScatter(model: VAE, x: tf.Tensor, labels: ArrayLike<number>, dims: [number, number] = [0, 1]): VegaLiteFigure {
  LATENT_SCATTER.check(arguments);
  const m = tf.tidy(() => model.encode(x).mean);
  const v = m.arraySync() as number[][];
  m.dispose();
  return scatterPlot({ x: v.map((r) => r[dims[0]]), y: v.map((r) => r[dims[1]]), labels: Array.from(labels), title: 'posterior means by digit', xTitle: `z${dims[0] + 1}`, yTitle: `z${dims[1] + 1}` });
}
