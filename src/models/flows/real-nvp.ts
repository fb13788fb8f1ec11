// RealNVP for images (Dinh, Sohl-Dickstein & Bengio 2017; lecture 003's flows): a density on images by
// the change of variables through a stack of coupling layers (D35, D38),
//   log p(y) = log N(z; 0, I) + log|det ∂z/∂y|,   z = f(y) = (z_1, …, z_S),
// with the multi-scale architecture: at each scale but the last, 3 checkerboard couplings, a squeeze
// (H×W×C → H/2×W/2×4C), 3 channel couplings, then half of the channels factored out as z_s (straight to
// the Gaussian base) while the other half goes on to the next scale; the last scale is 4 checkerboard
// couplings. Before the flow, the logit preprocessing (logit-transform.ts) with its log-det.
// Data: the library's MNIST, 8-bit grey levels k ∈ {0, …, 255} (pixels p = k/255 in [0, 1]),
// dequantized uniformly (D46) as y = (k + u)/256, u ~ U[0, 1)^D. Then P(k) = ∫ p(y) dy over the bin of
// side 1/256 ≥ exp(E_u log p(y) − D log 256)  (Jensen), so
//   bits/dim(k) ≤ E_u[−log p(y)]/(D ln 2) + 8,
// the same units as the DDPM's bound (ddpm.ts: 2(k + u)/256 − 1, hence its +7). A uniform guess over 256
// levels scores 8 bits/dim. The loss is −mean log p(y) over a batch (nats per image), u fresh per batch.
import * as tf from '@tensorflow/tfjs-core';
import { mapRows } from '../../ops/in-chunks';
import { Rng } from '../../random/rng';
import type { Batch } from '../../training/trainable';
import { estimateMean } from '../../check/monte-carlo';
import type { Estimate } from '../../inference/estimate';
import { positiveInteger } from '../../validation/arguments';
import { Bijector, Chain } from './bijector';
import { ImageCoupling } from './image-coupling';
import { LogitTransform } from './logit-transform';
import { Squeeze } from './squeeze';
import { anything, arrayOf, checkKind, contract, count as countKind, instance, num, optional, options as optionsKind, record, tensor, where } from '../../validation/contract';
import { batch } from '../../validation/batch';

const IMAGE_SHAPE = { ...arrayOf(countKind({ entriesEach: 0 }), { minLength: 3, maxLength: 3 }), expected: '[H, W, C], three positive integers' };
// each scale but the last squeezes 2×2 blocks: H and W divisible by 2^(scales − 1)
const divisibleShape = (f: number) => where(IMAGE_SHAPE, `have H and W divisible by 2^(scales − 1) = ${f}`, (s: number[]) => (s[0] % f === 0 && s[1] % f === 0) || `got [${s}]`);
import { checkWeightsGenerator } from '../../validation/initial-weights';

// τ = ∞ is accepted as before: the clipped samples are then 0 or 1
const TEMPERATURE = { ...num({ above: 0, allowInfinity: true }), expected: 'positive' };

// the generator's class itself (not a look-alike): these models call more of its methods than the duck-typed rngKind checks
const RNG = instance(Rng, 'an Rng (ll.rng(seed))');
const PIXELS = tensor({ shape: ['B', (c) => (c.self as RealNVP).dim] });
const RV = {
  // an evaluation: a NaN pixel is refused (one reduction)
  bitsPerDim: contract('RealNVP.bitsPerDim', { rng: RNG, pixels: tensor({ shape: ['B', (c) => (c.self as RealNVP).dim], noNaN: true }), options: optional(optionsKind({ batchSize: countKind({ max: 1e6 }) })) }),
  // n images of D float32 pixels, a few copies live through the inverse
  sample: contract('RealNVP.sample', { rng: RNG, n: countKind({ entriesEach: 4 * 4096, bytesEach: 4 }), options: optional(optionsKind({ temperature: TEMPERATURE })) }),
  trainingLoss: contract('RealNVP.trainingLoss', { rng: RNG, batch: batch(PIXELS), objective: anything('the objective ll.fit passes on (this model has one loss)') }),
};

export interface RealNVPConfig {
  /** The image's [H, W, C] (default [28, 28, 1]); H and W divisible by 2^(scales − 1). */
  shape?: [number, number, number];
  /** Number of scales S (default 2). */
  scales?: number;
  /** Couplings per mask type at each non-final scale (default 3; the last scale has this + 1 checkerboard ones). */
  couplings?: number;
  /** Hidden channels of each coupling's s, t network (default 32). */
  hidden?: number;
  /** α of the logit preprocessing (default 0.05). */
  alpha?: number;
  /** Start every coupling as the identity (default true). */
  identityInit?: boolean;
}

interface Scale { flow: Chain<tf.Tensor4D>; factorOut: boolean; shape: [number, number, number] }

let count = 0;

/**
 * RealNVP on images given as [B, D] rows (D = H·W·C, pixels in [0, 1]), multi-scale:
 *
 *     log p(y) = Σ_s log N(z_s; 0, I) + log|det ∂z/∂y|,   bits/dim ≤ E_u[−log p((k + u)/256)]/(D ln 2) + 8
 *
 * The change of variables (D35) through affine couplings (D38) and squeezes; bits/dim on 8-bit pixels is a
 * dequantization bound (D46; docs/derivations.md#d38).
 *
 * @example
 * ```ts
 * const flow = new ll.models.RealNVP(ll.rng(0), { shape: [28, 28, 1], hidden: 32 });
 * await ll.fit(flow, ll.loadMnist('train'), { steps: 100, seed: 1, batchSize: 64 });
 * flow.sample(ll.rng(0), 16);                    // [16, 784] pixels
 * flow.bitsPerDim(ll.rng(1), ll.loadMnist('test').batch([0, 1, 2]));   // { value, se, n }
 * ```
 */
export class RealNVP {
  readonly config: Required<RealNVPConfig>;
  readonly preprocess: LogitTransform;
  private readonly scaleList: Scale[];
  /** D = H·W·C. */
  readonly dim: number;
  /** Shapes of the factored-out z_1 … z_S, in order. */
  readonly latentShapes: [number, number, number][];

  /**
   * Builds the multi-scale flow with coupling networks drawn from `rng`.
   *
   * @param rng  the generator of the initial weights (`ll.rng(seed)`)
   * @param config  `shape` ([28, 28, 1]), `scales` (2), `couplings` (3), `hidden` (32), `alpha` (0.05), `identityInit` (true)
   */
  constructor(rng: Rng, config: RealNVPConfig = {}) {
    checkWeightsGenerator('RealNVP', rng, config);
    checkKind(optional(record('a config object')), config, 'config', 'RealNVP');
    const shape = config.shape ?? [28, 28, 1];
    checkKind(IMAGE_SHAPE, shape, 'shape', 'RealNVP');
    const scales = positiveInteger(config.scales ?? 2, 'RealNVP', 'scales');
    checkKind(divisibleShape(2 ** (scales - 1)), shape, 'shape', 'RealNVP');
    const couplings = positiveInteger(config.couplings ?? 3, 'RealNVP', 'couplings');
    // each of the (2 couplings + 1) layers per scale: 3×3 convolutions in and out of `hidden` channels, and hidden × hidden
    const widest = shape[2] * 4 ** (scales - 1) + 1;
    const hidden = config.hidden ?? 32;
    checkKind(countKind({ entries: (h) => scales * (2 * couplings + 1) * (h * h + 27 * h * widest), bytesEach: 4 }), hidden, 'hidden', 'RealNVP');
    const alpha = config.alpha ?? 0.05;
    checkKind({ ...num({ min: 0, below: 0.5 }), expected: 'in [0, 0.5)' }, alpha, 'alpha', 'RealNVP');
    this.config = { shape, scales, couplings, hidden, alpha, identityInit: config.identityInit ?? true };
    this.preprocess = new LogitTransform(this.config.alpha);
    this.dim = shape[0] * shape[1] * shape[2];
    const scope = `realnvp${++count}`, K = this.config.couplings;
    const common = { hidden, identityInit: this.config.identityInit };
    this.scaleList = [];
    this.latentShapes = [];
    let [H, W, C] = shape;
    for (let s = 0; s < scales; s++) {
      const layers: Bijector<tf.Tensor4D>[] = [], last = s === scales - 1;
      const n = last ? K + 1 : K;
      for (let k = 0; k < n; k++) layers.push(new ImageCoupling(rng, { shape: [H, W, C], mask: 'checkerboard', parity: (k % 2) as 0 | 1, ...common }, scope, `s${s}/checker${k}`));
      const inShape: [number, number, number] = [H, W, C];
      if (!last) {
        layers.push(new Squeeze());
        [H, W, C] = [H / 2, W / 2, 4 * C];
        for (let k = 0; k < K; k++) layers.push(new ImageCoupling(rng, { shape: [H, W, C], mask: 'channel', parity: (k % 2) as 0 | 1, ...common }, scope, `s${s}/channel${k}`));
        C /= 2;
        this.latentShapes.push([H, W, C]);
      } else {
        this.latentShapes.push([H, W, C]);
      }
      this.scaleList.push({ flow: new Chain(layers), factorOut: !last, shape: inShape });
    }
  }

  private checkRows(x: tf.Tensor, who: string, arg: string): void {
    checkKind(tensor({ shape: ['B', this.dim] }), x, arg, `RealNVP.${who}`);
  }

  /**
   * z = f(y) and log|det ∂z/∂y| (preprocessing included): y [B, D] in (0, 1) → z [B, D] (z_1, …, z_S
   * flattened and concatenated), [B].
   */
  forward(y: tf.Tensor2D): { z: tf.Tensor2D; logDet: tf.Tensor1D } {
    this.checkRows(y, 'forward', 'y');
    return tf.tidy(() => {
      const B = y.shape[0];
      const pre = this.preprocess.forward(tf.reshape(y, [B, ...this.config.shape]) as tf.Tensor4D);
      let h = pre.y, logDet = pre.logDet;
      const zs: tf.Tensor2D[] = [];
      for (const sc of this.scaleList) {
        const r = sc.flow.forward(h);
        h = r.y; logDet = tf.add(logDet, r.logDet) as tf.Tensor1D;
        if (sc.factorOut) {
          const [keep, out] = tf.split(h, 2, 3) as tf.Tensor4D[];
          zs.push(tf.reshape(out, [B, -1]) as tf.Tensor2D);
          h = keep;
        }
      }
      zs.push(tf.reshape(h, [B, -1]) as tf.Tensor2D);
      return { z: tf.concat(zs, 1) as tf.Tensor2D, logDet };
    });
  }

  /** y = f⁻¹(z) and log|det ∂y/∂z|: z [B, D] → y [B, D] in (0, 1), [B]. */
  inverse(z: tf.Tensor2D): { y: tf.Tensor2D; logDet: tf.Tensor1D } {
    this.checkRows(z, 'inverse', 'z');
    return tf.tidy(() => {
      const B = z.shape[0];
      const sizes = this.latentShapes.map(([h, w, c]) => h * w * c);
      const parts = tf.split(z, sizes, 1).map((p, i) => tf.reshape(p, [B, ...this.latentShapes[i]]) as tf.Tensor4D);
      let h = parts[parts.length - 1], logDet = tf.zeros([B]) as tf.Tensor1D;
      for (let s = this.scaleList.length - 1; s >= 0; s--) {
        const sc = this.scaleList[s];
        if (sc.factorOut) h = tf.concat([h, parts[s]], 3) as tf.Tensor4D;
        const r = sc.flow.inverse(h);
        h = r.x; logDet = tf.add(logDet, r.logDet) as tf.Tensor1D;
      }
      const pre = this.preprocess.inverse(h);
      return { y: tf.reshape(pre.x, [B, this.dim]) as tf.Tensor2D, logDet: tf.add(logDet, pre.logDet) as tf.Tensor1D };
    });
  }

  /** log p(y) = log N(f(y); 0, I) + log|det ∂f/∂y| per image (nats): y [B, D] in (0, 1) → [B]. */
  logProb(y: tf.Tensor2D): tf.Tensor1D {
    this.checkRows(y, 'logProb', 'y');
    return tf.tidy(() => {
      const { z, logDet } = this.forward(y);
      const base = tf.sub(tf.mul(-0.5, tf.sum(tf.square(z), 1)), 0.5 * this.dim * Math.log(2 * Math.PI));
      return tf.add(base, logDet) as tf.Tensor1D;
    });
  }

  /** Dequantized y = (k + u)/256 with k = round(255 p), u ~ U[0, 1)^D: pixels [B, D] in [0, 1] → [B, D] (D46). */
  dequantize(rng: Rng, pixels: tf.Tensor2D): tf.Tensor2D {
    checkKind(RNG, rng, 'rng', 'RealNVP.dequantize');
    this.checkRows(pixels, 'dequantize', 'pixels');
    const u = rng.uniform(pixels.shape);
    try {
      return tf.tidy(() => tf.div(tf.add(tf.round(tf.mul(pixels, 255)), u), 256) as tf.Tensor2D);
    } finally {
      u.dispose();
    }
  }

  /** −mean_b log p(y_b), y dequantized from `pixels` with fresh u (the minimized loss, nats per image). */
  loss(rng: Rng, pixels: tf.Tensor2D): tf.Scalar {
    checkKind(RNG, rng, 'rng', 'RealNVP.loss');
    this.checkRows(pixels, 'loss', 'pixels');
    const y = this.dequantize(rng, pixels);
    try {
      return tf.tidy(() => tf.neg(tf.mean(this.logProb(y))) as tf.Scalar);
    } finally {
      y.dispose();
    }
  }

  /**
   * Bits per dimension ≤ E_u[−log p((k + u)/256)]/(D ln 2) + 8 on 8-bit pixels [B, D], one u per image, as an
   * estimate {value, se, n} over the images (B ≥ 2), computed `batchSize` images at a time (default 250).
   */
  bitsPerDim(rng: Rng, pixels: tf.Tensor2D, options: { batchSize?: number } = {}): Estimate {
    RV.bitsPerDim.check(arguments, undefined, this);
    const chunk = options.batchSize ?? 250;
    const y = this.dequantize(rng, pixels);
    try {
      const lp = mapRows(y, chunk, (ys) => this.logProb(ys));
      const values = Array.from(lp.dataSync(), (l) => -l / (this.dim * Math.LN2) + 8);
      lp.dispose();
      return estimateMean(values);
    } finally {
      y.dispose();
    }
  }

  /**
   * n images y = f⁻¹(τ z), z ~ N(0, I): pixels [n, D] clipped to [0, 1]. τ (`temperature`, default 1) below 1
   * draws from a sharper distribution than the model (Glow's trick), not from the model.
   */
  sample(rng: Rng, n: number, options: { temperature?: number } = {}): tf.Tensor2D {
    RV.sample.check(arguments, undefined, this);
    const tau = options.temperature ?? 1;
    const z = rng.normal([n, this.dim]);
    try {
      return tf.tidy(() => tf.clipByValue(this.inverse(tf.mul(z, tau) as tf.Tensor2D).y, 0, 1) as tf.Tensor2D);
    } finally {
      z.dispose();
    }
  }

  /**
   * The loss `ll.fit` minimizes: −(1/B) Σ_b log p(y_b), y dequantized from the batch's 8-bit pixels with fresh u
   * (D46; nats per image; `loss`).
   *
   * @example
   * ```ts
   * const run = await ll.fit(flow, ll.loadMnist('train'), { steps: 2000, seed: 1, batchSize: 64 });
   * run.losses.map((l) => l / (784 * Math.LN2) + 8);   // bits/dim
   * ```
   */
  trainingLoss(rng: Rng, batch: Batch): tf.Scalar {
    RV.trainingLoss.check(arguments, undefined, this);
    return this.loss(rng, batch.x);
  }

  /** The coupling layers in order (squeezes left out). */
  get couplings(): ImageCoupling[] {
    return this.scaleList.flatMap((s) => s.flow.layers.filter((l): l is ImageCoupling => l instanceof ImageCoupling));
  }

  get variables(): tf.Variable[] { return this.couplings.flatMap((l) => l.variables); }

  /** The variables under names local to the model (stable across instances, for checkpoints). */
  get namedVariables(): { name: string; variable: tf.Variable }[] {
    return this.variables.map((v) => ({ name: v.name.slice(v.name.indexOf('/') + 1), variable: v }));
  }

  /** The number of trainable parameters. */
  get parameterCount(): number { return this.variables.reduce((s, v) => s + v.size, 0); }

  /** Frees the weights; the model cannot be used afterwards. */
  dispose(): void { this.couplings.forEach((l) => l.dispose()); }
}
