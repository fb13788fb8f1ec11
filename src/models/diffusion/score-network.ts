// Score matching, trained (lecture 003, "energy-based models, score matching"; D45, D50). A network
// s_θ(x, σ) ≈ ∇_x log q_σ(x), the score of the data blurred by N(0, σ²I), for a ladder of noise levels
// σ_1 > … > σ_L (Song & Ermon 2019), fitted by denoising score matching (Vincent 2011):
//   x̃ = x + σ ε,  ∇_x̃ log q(x̃ | x) = −ε/σ,
//   J_DSM(θ) = E_{σ, x, ε} σ² ‖s_θ(x̃, σ) + ε/σ‖² = E_σ σ² E‖s_θ(x̃, σ) − ∇ log q_σ(x̃)‖² + const
// (the denoising form needs no ∇ log p; its minimizer is the blurred data's score, Tweedie: D45). The σ²
// weight makes every level count alike. The network reads [x, log σ] and divides its output by σ, since
// the score's size grows like 1/σ.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import { Dense } from '../../ops/dense';
import type { Batch } from '../../training/trainable';
import { positiveFinite, positiveInteger } from '../../validation/arguments';
import { anything, arrayOf, contract, count as countKind, func, memoryBudgetBytes, num, oneOf, optional, options as optionsKind, positive, record, rngKind, str, tensor, checkKind, where } from '../../validation/contract';
import { batch as batchKind } from '../../validation/batch';
import { hutchinsonProbes } from '../../inference/jacobian-trace';
import { slicedScoreMatchingTerms } from '../../inference/score-matching';

// points [n, d], d the network's dim
const POINTS = tensor({ shape: ['n', (c) => (c.self as { dim: number }).dim] });
const DSM = contract('dsmLossTerms', { score: func('a function (x [n, d], σ [n]) → [n, d]'), x: tensor({ shape: ['n', 'd'] }), eps: tensor({ like: 'x' }), sigma: tensor({ shape: ['n'] }) });
import { checkWeightsGenerator } from '../../validation/initial-weights';

const RANGE = arrayOf(num(), { minLength: 2, maxLength: 2 });
const SCORE_FIELD = contract('scoreField', { score: func('a score function (x, σ) → [n, 2]'), sigma: positive(), options: optional(optionsKind({ size: countKind({ max: 1000 }), xRange: RANGE, yRange: RANGE })) });
const SIGMAS = { ...arrayOf(positive(), { minLength: 1 }), expected: 'a non-empty array of positive numbers' };
// samples × options.dim float32 entries within this process's memory (a dim that is not a count is left to its own check)
const SAMPLES_WITH_DIM = where(countKind(), "fit, with options.dim, in this process's memory as float32 entries", (n: number, c) => {
  const dim = (c.args.options as { dim?: unknown } | undefined)?.dim;
  if (!(typeof dim === 'number' && Number.isInteger(dim) && dim > 0)) return true;
  return !(n * dim * 4 > memoryBudgetBytes()) || `got ${n} × ${dim}: that needs ${(n * dim * 4 / 1e9).toPrecision(3)} GB and this process has ${(memoryBudgetBytes() / 1e9).toPrecision(3)} GB`;
});
const LANGEVIN = contract('langevinSample', {
  rng: rngKind(), score: func('a score function (x, σ) → [n, d]'), samples: SAMPLES_WITH_DIM,
  options: optionsKind({ dim: countKind(), sigmas: SIGMAS, steps: countKind({ max: 1e6 }), stepSize: positive(), init: oneOf(positive(), tensor({ rank: 2 })) }, { required: ['dim', 'sigmas'] }),
});

/** A score function of points x [n, d] at one noise level σ → [n, d]. */
export type ScoreFunction = (x: tf.Tensor2D, sigma: number) => tf.Tensor2D;

/** σ_1 > … > σ_L spaced geometrically from `max` to `min`. Example: `noiseLevels(1, 0.01, 10)`. */
export function noiseLevels(max: number, min: number, count: number): number[] {
  positiveFinite(max, 'noiseLevels', 'max');
  positiveFinite(min, 'noiseLevels', 'min');
  positiveInteger(count, 'noiseLevels', 'count');
  if (count > 1) checkKind(where(num(), `be below max (${max})`, (m: number) => m < max), min, 'min', 'noiseLevels');
  if (count === 1) return [max];
  return Array.from({ length: count }, (_, i) => max * (min / max) ** (i / (count - 1)));
}

let instances = 0;

/** ScoreNetwork's training objectives (fit's `objective`): denoising (default) or sliced score matching. */
export type ScoreObjective = 'denoising' | 'sliced';
const OBJECTIVE = str(['denoising', 'sliced']);
const ACTIVATION = optional(str(['relu', 'softplus']));

/** A training batch of ScoreNetwork: points, noise, one σ per point, and the projections of 'sliced'. */
export interface ScoreBatch { x: tf.Tensor2D; eps: tf.Tensor2D; sigma: tf.Tensor1D; probe?: tf.Tensor2D }

// one declared contract per public method (issue 35); the receiver's dim gives the points' width, x binds n
const NOISE_LEVELS = tensor({ shape: ['n'] });
const SN = {
  scoreAt: contract('ScoreNetwork.scoreAt', { x: POINTS, sigma: NOISE_LEVELS }),
  // a noise level the network's log σ input and 1/σ output stay finite for
  score: contract('ScoreNetwork.score', { x: POINTS, sigma: { ...num({ above: 0, max: 1e6 }), expected: 'a noise level σ in (0, 1e6]' } }),
  prepareBatch: contract('ScoreNetwork.prepareBatch', { rng: rngKind(), batch: batchKind(POINTS), objective: optional(anything()) }),
  trainingLoss: contract('ScoreNetwork.trainingLoss', { rng: anything(), b: batchKind(POINTS, { eps: POINTS, sigma: NOISE_LEVELS, probe: POINTS }, ['x', 'eps', 'sigma']), objective: optional(anything()) }),
};

/**
 * A noise-conditional score network s_θ(x, σ) ≈ ∇_x log q_σ(x) for d-D points: [x, log σ] → hidden → ReLU →
 * hidden → ReLU → d (or softplus), divided by σ. Trained by denoising score matching (or sliced, D65),
 *
 *     E ‖s_θ(x + σε, σ) + ε/σ‖² = E ‖s_θ(x̃, σ) − ∇ log q_σ(x̃)‖² + const   (Hyvärinen, D50; Tweedie's score, D45)
 *
 * and sampled by annealed Langevin dynamics (`langevinSample`). Shapes: x [n, d] → score [n, d].
 *
 * @example
 * ```ts
 * const net = new ll.models.ScoreNetwork(ll.rng(0), 2, { sigmas: ll.models.noiseLevels(1, 0.02, 10) });
 * await ll.fit(net, ll.data.swissRoll(ll.rng(1), 2000), { steps: 2000, seed: 0, batchSize: 256 });
 * const s = net.score(x, 0.05);   // [n, 2]
 * ```
 */
export class ScoreNetwork {
  readonly layers: Dense[];
  readonly sigmas: number[];
  readonly activation: 'relu' | 'softplus';

  /**
   * `dim` coordinates per point; `sigmas` the noise levels trained on (default noiseLevels(2, 0.05, 10), sized
   * for the 2-D toys: σ_1 about the data's spread, σ_L below its finest detail);
   * `hidden` width (default 128); `activation` 'relu' (default) or 'softplus' — smooth, which sliced score
   * matching needs (a ReLU network's ∇ₓs is piecewise constant in x, so the gradient of its trace term misses
   * how the pieces move with the weights); the initial weights drawn from `rng`.
   */
  constructor(rng: Rng, readonly dim: number, options: { sigmas?: number[]; hidden?: number; activation?: 'relu' | 'softplus' } = {}) {
    checkWeightsGenerator('ScoreNetwork', rng, options, 'options');
    checkKind(optional(record('an options object')), options, 'options', 'ScoreNetwork');
    checkKind(countKind({ max: 1e6 }), dim, 'dim', 'ScoreNetwork');
    const hidden = options.hidden ?? 128;
    // its three layers: (dim + 1) × hidden, hidden × hidden, hidden × dim float32 weights
    checkKind(countKind({ entries: (h) => (dim + 1) * h + h * h + h * dim, bytesEach: 4 }), hidden, 'hidden', 'ScoreNetwork');
    this.sigmas = options.sigmas ?? noiseLevels(2, 0.05, 10);
    checkKind(SIGMAS, this.sigmas, 'sigmas', 'ScoreNetwork');
    checkKind(ACTIVATION, options.activation, 'activation', 'ScoreNetwork');
    this.activation = options.activation ?? 'relu';
    const r = rng;
    const scope = `score${++instances}`;
    this.layers = [new Dense(r, dim + 1, hidden, 'l1', scope), new Dense(r, hidden, hidden, 'l2', scope), new Dense(r, hidden, dim, 'l3', scope)];
  }

  get variables(): tf.Variable[] {
    return this.layers.flatMap((l) => l.variables);
  }

  /** s_θ(x, σ) for x [n, d] and one σ per row (sigma [n]) → [n, d]. */
  scoreAt(x: tf.Tensor2D, sigma: tf.Tensor1D): tf.Tensor2D {
    SN.scoreAt.check(arguments, undefined, this);
    return tf.tidy(() => {
      const input = tf.concat([x, tf.expandDims(tf.log(sigma), 1)], 1) as tf.Tensor2D;
      const hiddenLayer = (l: Dense, h: tf.Tensor) => (this.activation === 'relu' ? l.applyRelu(h) : tf.softplus(l.apply(h)));
      const out = this.layers[2].apply(hiddenLayer(this.layers[1], hiddenLayer(this.layers[0], input)));
      return tf.div(out, tf.expandDims(sigma, 1)) as tf.Tensor2D;
    });
  }

  /** s_θ(x, σ) at one noise level for all rows: x [n, d] → [n, d]. */
  score(x: tf.Tensor2D, sigma: number): tf.Tensor2D {
    SN.score.check(arguments, undefined, this);
    return tf.tidy(() => this.scoreAt(x, tf.fill([x.shape[0]], sigma) as tf.Tensor1D));
  }

  /**
   * The data side of a training batch for `ll.fit`, outside the gradient tape: a noise level per point drawn
   * uniformly from `sigmas`, ε ~ N(0, I) [B, d], and for objective 'sliced' a Rademacher projection v [B, d].
   *
   * @example
   * ```ts
   * await ll.fit(net, points, { steps: 2000, seed: 0 });   // prepareBatch, then trainingLoss
   * ```
   */
  prepareBatch(rng: Rng, batch: Batch, objective: ScoreObjective = 'denoising'): ScoreBatch {
    SN.prepareBatch.check(arguments, undefined, this);
    checkKind(OBJECTIVE, objective, 'objective', 'ScoreNetwork.prepareBatch');
    const n = batch.x.shape[0], L = this.sigmas.length;
    const sigma = tf.tensor1d(Array.from({ length: n }, () => this.sigmas[Math.min(L - 1, Math.floor(rng.nextUniform() * L))]));
    const eps = rng.normal([n, this.dim]) as tf.Tensor2D;
    return objective === 'sliced' ? { x: batch.x, eps, sigma, probe: hutchinsonProbes(rng, [n, this.dim]) } : { x: batch.x, eps, sigma };
  }

  /**
   * The loss `ll.fit` minimizes, averaged over the batch: denoising score matching (Vincent 2011, D45; default),
   *
   *     'denoising':  ‖σ s_θ(x̃, σ) + ε‖² = σ² ‖s_θ(x̃, σ) + ε/σ‖²,   x̃ = x + σε   (dsmLossTerms)
   *
   * or sliced score matching (D65) on the same noisy points, weighted 2σ² so that both equal
   * σ² E‖s_θ(x̃, σ) − ∇ log q_σ(x̃)‖² plus a constant (each its own constant):
   *
   *     'sliced':     2σ² [vᵀ ∇_x̃ s_θ(x̃, σ) v + ½ (vᵀ s_θ(x̃, σ))²],   v Rademacher   (slicedScoreMatchingTerms)
   *
   * @example
   * ```ts
   * const run = await ll.fit(net, ll.data.swissRoll(ll.rng(1), 2000), { steps: 2000, seed: 0, batchSize: 256 });
   * const sliced = await ll.fit(net2, points, { steps: 2000, seed: 0, batchSize: 256, objective: 'sliced' });
   * ```
   */
  trainingLoss(_rng: Rng, b: ScoreBatch, objective: ScoreObjective = 'denoising'): tf.Scalar {
    SN.trainingLoss.check(arguments, undefined, this);
    if (objective !== 'sliced') return tf.tidy(() => tf.mean(dsmLossTerms((xx, s) => this.scoreAt(xx, s), b.x, b.eps, b.sigma)) as tf.Scalar);
    return tf.tidy(() => {
      const s = tf.expandDims(b.sigma, 1);
      const noisy = tf.add(b.x, tf.mul(s, b.eps)) as tf.Tensor2D;
      const terms = slicedScoreMatchingTerms((z) => this.scoreAt(z, b.sigma), noisy, b.probe!);
      return tf.mean(tf.mul(terms, tf.mul(tf.square(b.sigma), 2))) as tf.Scalar;
    });
  }

  /** The network as a ScoreFunction, for langevinSample and scoreField. */
  get scoreFunction(): ScoreFunction {
    return (x, sigma) => this.score(x, sigma);
  }

  /** Frees the weights. */
  dispose(): void {
    this.layers.forEach((l) => l.dispose());
  }
}

/**
 * The denoising score-matching loss per point [n] for given noise ε [n, d] and levels σ [n]:
 * σ² ‖s(x + σε, σ) + ε/σ‖² = ‖σ s(x + σε, σ) + ε‖². Its mean over ε is σ² E‖s − ∇ log q_σ‖² plus a constant
 * that does not depend on s (Vincent 2011). Example: `dsmLossTerms(net.scoreAt.bind(net), x, eps, sigma)`.
 */
export function dsmLossTerms(score: (x: tf.Tensor2D, sigma: tf.Tensor1D) => tf.Tensor2D, x: tf.Tensor2D, eps: tf.Tensor2D, sigma: tf.Tensor1D): tf.Tensor1D {
  DSM.check(arguments);
  return tf.tidy(() => {
    const s = tf.expandDims(sigma, 1);
    const xt = tf.add(x, tf.mul(s, eps)) as tf.Tensor2D;
    return tf.sum(tf.square(tf.add(tf.mul(s, score(xt, sigma)), eps)), 1) as tf.Tensor1D;
  });
}

/**
 * Annealed Langevin dynamics (Song & Ermon 2019): for each σ_i from large to small, `steps` updates
 *   x ← x + (α_i/2) s(x, σ_i) + √α_i z,   α_i = stepSize · σ_i²/σ_L²,   z ~ N(0, I),
 * from x ~ N(0, init² I) (init defaults to σ_1); stepSize defaults to 0.1 σ_L², so α_i = 0.1 σ_i². With one level and the exact score of p this is the unadjusted Langevin algorithm,
 * whose samples follow p up to a bias of order α. Returns [n, d].
 * Example: `ll.models.langevinSample(ll.rng(2), net.scoreFunction, 500, { dim: 2, sigmas: net.sigmas })`.
 */
export function langevinSample(rng: Rng, score: ScoreFunction, samples: number,
  options: { dim: number; sigmas: number[]; steps?: number; stepSize?: number; init?: number | tf.Tensor2D }): tf.Tensor2D {
  const fn = 'langevinSample';
  LANGEVIN.check(arguments);
  const n = positiveInteger(samples, fn, 'samples');
  const dim = positiveInteger(options?.dim, fn, 'dim');
  const steps = positiveInteger(options.steps ?? 100, fn, 'steps');
  const sigmas = options.sigmas;
  const sigmaL = sigmas[sigmas.length - 1];
  // default α_i = 0.1 σ_i²: each step moves about a third of the level's σ, so 100 steps settle at every level
  const stepSize = positiveFinite(options.stepSize ?? 0.1 * sigmaL * sigmaL, fn, 'stepSize');
  let x: tf.Tensor2D;
  if (options.init instanceof tf.Tensor) {
    checkKind(tensor({ shape: [n, dim] }), options.init, 'init', fn);
    x = options.init.clone();
  } else {
    const s0 = positiveFinite(options.init ?? sigmas[0], fn, 'init');
    x = tf.tidy(() => tf.mul(rng.normal([n, dim]), s0) as tf.Tensor2D);
  }
  try {
    for (const sigma of sigmas) {
      const alpha = (stepSize * sigma * sigma) / (sigmaL * sigmaL);
      for (let k = 0; k < steps; k++) {
        const next = tf.tidy(() => tf.add(tf.add(x, tf.mul(score(x, sigma), alpha / 2)), tf.mul(rng.normal([n, dim]), Math.sqrt(alpha))) as tf.Tensor2D);
        x.dispose();
        x = next;
      }
    }
  } catch (e) {
    x.dispose();   // the chain so far, on a score that throws
    throw e;
  }
  return x;
}

/**
 * The score on a grid, for drawing: points (x, y) and vectors (u, v) = s(x, y, σ), on a `size`×`size` grid
 * over xRange × yRange (default [−3, 3]², the swiss roll's extent). 2-D only. Example: `ll.models.scoreField(net.scoreFunction, 0.1, { size: 20 })`.
 */
export function scoreField(score: ScoreFunction, sigma: number, options: { size?: number; xRange?: [number, number]; yRange?: [number, number] } = {}):
  { x: number[]; y: number[]; u: number[]; v: number[] } {
  SCORE_FIELD.check(arguments);
  // the contract bounds size by 1000: a size × size grid of arrows at 1e9 would ask V8 for arrays it cannot make
  const size = options.size ?? 20;
  const [x0, x1] = options.xRange ?? [-3, 3], [y0, y1] = options.yRange ?? [-3, 3];
  const x: number[] = [], y: number[] = [];
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) {
    x.push(x0 + ((x1 - x0) * (j + 0.5)) / size);
    y.push(y0 + ((y1 - y0) * (i + 0.5)) / size);
  }
  const s = tf.tidy(() => score(tf.tensor2d(x.map((xi, k) => [xi, y[k]])), sigma));
  try {
    checkKind(tensor({ shape: [size * size, 2], must: `map points [${size * size}, 2] to scores [${size * size}, 2]` }), s, 'score', 'scoreField');
  } catch (e) {
    s.dispose();
    throw e;
  }
  const flat = s.dataSync();
  s.dispose();
  return { x, y, u: x.map((_, k) => flat[2 * k]), v: x.map((_, k) => flat[2 * k + 1]) };
}
