// A small U-Net ε̂_θ(x_t, t) for DDPM on small grayscale images (Ronneberger et al.; Ho et al. 2020),
// the image counterpart of TimeMLP (src/models/diffusion/denoiser.ts). Lecture 003: diffusion is a
// hierarchical VAE whose decoder at every step is one network, shared over t and told t by an embedding.
//   e = W₂ SiLU(W₁ sin/cos(t ω))                                            (time embedding)
//   h = conv_in(x_t)                                              [B, H, W, c₁]
//   down level ℓ: h = Res_ℓ(h, e), keep h as skip_ℓ, then 2×2 average pooling (not after the last)
//   middle: h = Res(h, e)
//   up level ℓ (last to first): h = Res'_ℓ([h, skip_ℓ], e), then nearest upsampling (not after the first)
//   ε̂ = conv_out(SiLU(GN(h)))                                     [B, H, W, 1]
// Res(x, e) = x' + conv(SiLU(GN(conv(SiLU(GN(x))) + W_e SiLU(e)))), x' = x or a 1×1 conv of x.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import { Dense } from '../../ops/dense';
import { positiveInteger } from '../../validation/arguments';
import { Conv2d } from './conv2d';
import { GroupNorm } from './group-norm';
import { silu } from '../../ops/silu';
import { sinusoidalEmbedding } from './time-embedding';
import { downsample2, upsample2 } from './resample';
import { arrayOf, checkKind, count as countKind, even, num, optional, record, tensor, where } from '../../validation/contract';

const CHANNELS = { ...arrayOf(countKind({ entriesEach: 0 }), { minLength: 1 }), expected: 'a non-empty array of positive integers' };
// each level's group norm takes min(groups, channels) groups, which must divide its channels
const groupsFor = (channels: number[]) => where(num(), `divide every channel count (channels [${channels}])`, (g: number) => {
  const bad = channels.find((c) => c % Math.min(g, c) !== 0);
  return bad === undefined || `got ${g} (${bad} is not divisible)`;
});
// levels − 1 halvings of the image
const sizeFor = (levels: number) => where(num(), `be divisible by 2^(levels − 1) = ${2 ** (levels - 1)}`, (s: number) => s % 2 ** (levels - 1) === 0);
import { checkWeightsGenerator } from '../../validation/initial-weights';

export interface UNetConfig {
  /** Image height and width; each must be divisible by 2^(levels − 1) (default 28). */
  size?: number;
  /** Input (and output) channels (default 1). */
  imageChannels?: number;
  /** Channels per level, e.g. [16, 32, 32]: 28×28, 14×14, 7×7 (default [16, 32]). */
  channels?: number[];
  /** Groups of the group normalizations; must divide every channel count (default 8). */
  groups?: number;
  /** Width of the sinusoidal embedding of t (default 32). */
  embedding?: number;
}

let count = 0;

/** The residual block Res(x, e) with its time projection. */
class ResBlock {
  readonly gn1: GroupNorm; readonly conv1: Conv2d; readonly time: Dense;
  readonly gn2: GroupNorm; readonly conv2: Conv2d; readonly skip?: Conv2d;

  constructor(inC: number, outC: number, embDim: number, groups: number, rng: Rng, name: string, scope: string) {
    this.gn1 = new GroupNorm(inC, Math.min(groups, inC), `${name}/gn1`, scope);
    this.conv1 = new Conv2d(rng, inC, outC, 3, `${name}/conv1`, scope);
    this.time = new Dense(rng, embDim, outC, `${name}/time`, scope);
    this.gn2 = new GroupNorm(outC, Math.min(groups, outC), `${name}/gn2`, scope);
    this.conv2 = new Conv2d(rng, outC, outC, 3, `${name}/conv2`, scope);
    if (inC !== outC) this.skip = new Conv2d(rng, inC, outC, 1, `${name}/skip`, scope);
  }

  apply(x: tf.Tensor4D, embAct: tf.Tensor2D): tf.Tensor4D {
    return tf.tidy(() => {
      const [B] = x.shape;
      let h = this.conv1.apply(this.gn1.apply(x, 'silu'));
      h = tf.add(h, tf.reshape(this.time.apply(embAct), [B, 1, 1, -1]));
      h = this.conv2.apply(this.gn2.apply(h, 'silu'));
      return tf.add(h, this.skip ? this.skip.apply(x) : x);
    });
  }

  get variables(): tf.Variable[] {
    return [this.gn1, this.conv1, this.time, this.gn2, this.conv2, ...(this.skip ? [this.skip] : [])].flatMap((l) => l.variables);
  }
}

/**
 * ε̂_θ(x_t, t): images x_t [B, H, W, C] and steps t [B] (numbers 1…T) → [B, H, W, C].
 * The DDPM's noise predictor (lecture 003): trained on the simple objective, the ELBO's consistency terms up to
 * their weights (D41, D44; docs/derivations.md#d44),
 *
 *     x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε,   loss = ‖ε − ε̂_θ(x_t, t)‖²   (D39, D44)
 *
 * An encoder–decoder with skip connections, group norm and a sinusoidal embedding of t in every residual block.
 * @example const net = new ll.models.UNet(ll.rng(0), { channels: [16, 32] }); const eps = net.apply(xt, tf.tensor1d([5, 900]));
 */
export class UNet {
  readonly size: number;
  readonly imageChannels: number;
  readonly channels: number[];
  readonly embedding: number;
  /** The configuration, every default filled in (for checkpoints). */
  readonly config: Required<UNetConfig>;
  private readonly t1: Dense; private readonly t2: Dense;
  private readonly inConv: Conv2d; private readonly outNorm: GroupNorm; private readonly outConv: Conv2d;
  private readonly down: ResBlock[]; private readonly mid: ResBlock; private readonly up: ResBlock[];

  /**
   * A U-Net for images of `config.size`² pixels with `imageChannels` channels, weights drawn from `rng`.
   *
   * @param rng  the generator of the initial weights (`ll.rng(seed)`)
   * @param config  `size`, `imageChannels`, `channels` per level, `embedding` size of the time features
   *   (every field optional; `config` records them with the defaults filled in)
   */
  constructor(rng: Rng, config: UNetConfig = {}) {
    checkWeightsGenerator('UNet', rng, config);
    checkKind(optional(record('a config object')), config, 'config', 'UNet');
    this.size = positiveInteger(config.size ?? 28, 'UNet', 'size');
    this.imageChannels = positiveInteger(config.imageChannels ?? 1, 'UNet', 'imageChannels');
    this.channels = config.channels ?? [16, 32];
    checkKind(CHANNELS, this.channels, 'channels', 'UNet');
    const groups = positiveInteger(config.groups ?? 8, 'UNet', 'groups');
    checkKind(groupsFor(this.channels), groups, 'groups', 'UNet');
    const L = this.channels.length;
    checkKind(sizeFor(L), this.size, 'size', 'UNet');
    this.embedding = positiveInteger(config.embedding ?? 32, 'UNet', 'embedding');
    checkKind(even(), this.embedding, 'embedding', 'UNet');
    this.config = { size: this.size, imageChannels: this.imageChannels, channels: [...this.channels], groups, embedding: this.embedding };
    const scope = `unet${++count}`;
    const embDim = 4 * this.channels[0];
    this.t1 = new Dense(rng, this.embedding, embDim, 'time1', scope);
    this.t2 = new Dense(rng, embDim, embDim, 'time2', scope);
    this.inConv = new Conv2d(rng, this.imageChannels, this.channels[0], 3, 'in', scope);
    this.down = this.channels.map((c, l) => new ResBlock(l === 0 ? this.channels[0] : this.channels[l - 1], c, embDim, groups, rng, `down${l}`, scope));
    this.mid = new ResBlock(this.channels[L - 1], this.channels[L - 1], embDim, groups, rng, 'mid', scope);
    // up level ℓ takes [h, skip_ℓ]: h has channels[ℓ + 1] after upsampling (channels[L − 1] at the bottom)
    this.up = this.channels.map((c, l) => new ResBlock((l === L - 1 ? c : this.channels[l + 1]) + c, c, embDim, groups, rng, `up${l}`, scope));
    this.outNorm = new GroupNorm(this.channels[0], Math.min(groups, this.channels[0]), 'out/gn', scope);
    this.outConv = new Conv2d(rng, this.channels[0], this.imageChannels, 3, 'out', scope);
  }

  /** ε̂ for images x [B, H, W, C] at steps t [B]. */
  apply(x: tf.Tensor4D, t: tf.Tensor1D): tf.Tensor4D {
    // x binds B; t has one step per image
    const ctx = { dims: {} };
    checkKind(tensor({ shape: ['B', this.size, this.size, this.imageChannels] }), x, 'x', 'UNet.apply', ctx);
    checkKind(tensor({ shape: ['B'] }), t, 't', 'UNet.apply', ctx);
    return tf.tidy(() => {
      const e = silu(this.t2.apply(silu(this.t1.apply(sinusoidalEmbedding(t, this.embedding))))) as tf.Tensor2D;
      let h = this.inConv.apply(x);
      const skips: tf.Tensor4D[] = [];
      const L = this.channels.length;
      for (let l = 0; l < L; l++) {
        h = this.down[l].apply(h, e);
        skips.push(h);
        if (l < L - 1) h = downsample2(h);
      }
      h = this.mid.apply(h, e);
      for (let l = L - 1; l >= 0; l--) {
        h = this.up[l].apply(tf.concat([h, skips[l]], 3), e);
        if (l > 0) h = upsample2(h);
      }
      return this.outConv.apply(this.outNorm.apply(h, 'silu'));
    });
  }

  get variables(): tf.Variable[] {
    return [this.t1, this.t2, this.inConv, ...this.down, this.mid, ...this.up, this.outNorm, this.outConv].flatMap((l) => l.variables);
  }

  /** The variables under names local to the model (stable across instances, for checkpoints). */
  get namedVariables(): { name: string; variable: tf.Variable }[] {
    return this.variables.map((v) => ({ name: v.name.slice(v.name.indexOf('/') + 1), variable: v }));
  }

  /** The number of trainable parameters. */
  get parameterCount(): number {
    return this.variables.reduce((s, v) => s + v.size, 0);
  }

  /**
   * Frees every weight of the network.
   */
  dispose(): void {
    this.variables.forEach((v) => v.dispose());
  }
}
