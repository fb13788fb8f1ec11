// The small DDPM U-Net the image benchmarks train, built from the library's layers exactly as
// src/models (layers/, diffusion/, flows/, vae/) builds its image models (tf.conv2d + bias, group norm by moments, SiLU as x·σ(x), tf.avgPool,
// nearest-neighbour upsampling): the native kernels must make these stock ops fast. bench/torch_steps.py
// defines the same network in PyTorch.
//   28×28×1: conv 1→32; Res 32→32 @28; avg-pool; Res 32→64 @14; avg-pool; Res 64→64 @7; nearest ×2, concat;
//   Res 128→64 @14; nearest ×2, concat; Res 96→32 @28; GN, SiLU, conv 32→1. Time: sinusoidal 32 → 128 → SiLU → 128.
import * as tf from '@tensorflow/tfjs-core';
import { Dense } from '../src/ops/dense';
import { Rng } from '../src/random/rng';
import { Conv2d } from '../src/models/layers/conv2d';
import { GroupNorm } from '../src/models/layers/group-norm';
import { silu } from '../src/ops/silu';
import { sinusoidalEmbedding } from '../src/models/layers/time-embedding';

class ResBlock {
  readonly gn1: GroupNorm; readonly conv1: Conv2d; readonly proj: Dense; readonly gn2: GroupNorm; readonly conv2: Conv2d; readonly skip?: Conv2d;
  constructor(cin: number, cout: number, rng: Rng, name: string) {
    this.gn1 = new GroupNorm(cin, 8, `${name}/gn1`, 'bench-unet');
    this.conv1 = new Conv2d(rng, cin, cout, 3, `${name}/conv1`, 'bench-unet');
    this.proj = new Dense(rng, 128, cout, `${name}/proj`, 'bench-unet');
    this.gn2 = new GroupNorm(cout, 8, `${name}/gn2`, 'bench-unet');
    this.conv2 = new Conv2d(rng, cout, cout, 3, `${name}/conv2`, 'bench-unet');
    if (cin !== cout) this.skip = new Conv2d(rng, cin, cout, 1, `${name}/skip`, 'bench-unet');
  }
  apply(x: tf.Tensor4D, e: tf.Tensor2D): tf.Tensor4D {
    const cout = this.conv1.outChannels;
    let h = this.conv1.apply(silu(this.gn1.apply(x)));
    h = tf.add(h, tf.reshape(this.proj.apply(silu(e)), [-1, 1, 1, cout]));
    h = this.conv2.apply(silu(this.gn2.apply(h)));
    return tf.add(h, this.skip ? this.skip.apply(x) : x);
  }
  get variables(): tf.Variable[] {
    return [this.gn1, this.conv1, this.proj, this.gn2, this.conv2, ...(this.skip ? [this.skip] : [])].flatMap((l) => l.variables);
  }
}

/** The benchmark U-Net: predict(x [B, 28, 28, 1], t [B]) → ε̂ [B, 28, 28, 1]. */
export class BenchUNet {
  readonly t1: Dense; readonly t2: Dense; readonly convIn: Conv2d; readonly blocks: ResBlock[]; readonly gnOut: GroupNorm; readonly convOut: Conv2d;
  constructor(rng: Rng) {
    this.t1 = new Dense(rng, 32, 128, 't1', 'bench-unet');
    this.t2 = new Dense(rng, 128, 128, 't2', 'bench-unet');
    this.convIn = new Conv2d(rng, 1, 32, 3, 'conv_in', 'bench-unet');
    this.blocks = [new ResBlock(32, 32, rng, 'd1'), new ResBlock(32, 64, rng, 'd2'), new ResBlock(64, 64, rng, 'mid'), new ResBlock(128, 64, rng, 'u2'), new ResBlock(96, 32, rng, 'u1')];
    this.gnOut = new GroupNorm(32, 8, 'gn_out', 'bench-unet');
    this.convOut = new Conv2d(rng, 32, 1, 3, 'conv_out', 'bench-unet');
  }
  predict(x: tf.Tensor4D, t: tf.Tensor1D): tf.Tensor4D {
    return tf.tidy(() => {
      const e = this.t2.apply(silu(this.t1.apply(sinusoidalEmbedding(t, 32)))) as tf.Tensor2D;
      const [d1, d2, mid, u2, u1] = this.blocks;
      const pool = (h: tf.Tensor4D) => tf.avgPool(h, 2, 2, 'valid');
      const up = (h: tf.Tensor4D) => tf.image.resizeNearestNeighbor(h, [2 * h.shape[1], 2 * h.shape[2]]);
      const h1 = d1.apply(this.convIn.apply(x), e);
      const h2 = d2.apply(pool(h1), e);
      const m = mid.apply(pool(h2), e);
      const v = u2.apply(tf.concat([up(m), h2], 3), e);
      const w = u1.apply(tf.concat([up(v), h1], 3), e);
      return this.convOut.apply(silu(this.gnOut.apply(w)));
    });
  }
  get variables(): tf.Variable[] {
    return [this.t1, this.t2, this.convIn, ...this.blocks, this.gnOut, this.convOut].flatMap((l) => l.variables);
  }
  dispose(): void { tf.dispose(this.variables); }
}

/** One ε-prediction training step of the U-Net on a fixed batch (1000 linear-β steps), as torch_steps.py's unet_step. */
export function unetStep(rng: Rng, optimizer: tf.Optimizer, batch = 128, T = 1000): { step: () => void; dispose: () => void } {
  const net = new BenchUNet(rng);
  const x0 = tf.tidy(() => tf.sub(tf.mul(rng.uniform([batch, 28, 28, 1]), 2), 1)) as tf.Tensor4D;
  const abarAll = tf.tidy(() => tf.exp(tf.cumsum(tf.log(tf.sub(1, tf.linspace(1e-4, 0.02, T))))));
  const vars = net.variables;
  return {
    step: () => {
      const [xt, t, eps] = tf.tidy(() => {
        const idx = tf.cast(tf.floor(tf.mul(rng.uniform([batch]), T)), 'int32');
        const a = tf.reshape(tf.gather(abarAll, idx), [batch, 1, 1, 1]);
        const noise = rng.normal([batch, 28, 28, 1]);
        return [tf.add(tf.mul(tf.sqrt(a), x0), tf.mul(tf.sqrt(tf.sub(1, a)), noise)), tf.add(tf.cast(idx, 'float32'), 1), noise];
      });
      const c = optimizer.minimize(() => tf.tidy(() => tf.mean(tf.square(tf.sub(net.predict(xt as tf.Tensor4D, t as tf.Tensor1D), eps))) as tf.Scalar), true, vars)!;
      c.dataSync();
      tf.dispose([c, xt, t, eps]);
    },
    dispose: () => { net.dispose(); tf.dispose([x0, abarAll]); optimizer.dispose(); },
  };
}

/** One ancestral sampling step x_t → x_{t−1} for a batch (no gradients), t cycling from T down, as torch_steps.py's unet_sample_step. */
export function unetSampleStep(rng: Rng, batch = 128, T = 1000): { step: () => void; dispose: () => void } {
  const net = new BenchUNet(rng);
  const betas = tf.linspace(1e-4, 0.02, T).arraySync() as number[];
  const abar: number[] = [];
  betas.reduce((p, b, i) => (abar[i] = p * (1 - b)), 1);
  let x = rng.normal([batch, 28, 28, 1]) as tf.Tensor4D, t = T;
  return {
    step: () => {
      const next = tf.tidy(() => {
        const b = betas[t - 1];
        const eps = net.predict(x, tf.fill([batch], t) as tf.Tensor1D);
        const mean = tf.div(tf.sub(x, tf.mul(eps, b / Math.sqrt(1 - abar[t - 1]))), Math.sqrt(1 - b));
        return (t > 1 ? tf.add(mean, tf.mul(rng.normal([batch, 28, 28, 1]), Math.sqrt(b))) : mean) as tf.Tensor4D;
      });
      next.dataSync();
      x.dispose();
      x = next;
      t = t > 1 ? t - 1 : T;
    },
    dispose: () => { net.dispose(); x.dispose(); },
  };
}
