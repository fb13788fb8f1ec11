// The U-Net DDPM on images: shapes, the ELBO against the library's diffusion ELBO, sampling against
// the library's ancestral sampler, determinism per seed, training, checkpoints and memory.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { Rng } from '../../../src/random/rng';
import { estimateMean } from '../../../src/check/monte-carlo';
import { DiffusionSchedule } from '../../../src/models/diffusion/schedule';
import { diffusionElbo } from '../../../src/models/diffusion/elbo';
import { ancestralSample } from '../../../src/models/diffusion/denoiser';
import { ddimStep } from '../../../src/models/diffusion/ddim';
import { UNet } from '../../../src/models/layers/unet';
import { ImageDDPM } from '../../../src/models/diffusion/ddpm';
import { saveDDPM, loadDDPM } from '../../../src/checkpoints/ddpm';
import { loadMnist } from '../../../src/data/mnist';
import { ImageDataset } from '../../../src/data/image-dataset';
import { fit } from '../../../src/training/fit';

// a tiny model on 8×8 images keeps every test fast
const tiny = (T = 6, seed = 0) => new ImageDDPM(new UNet(new Rng(seed), { size: 8, channels: [8, 8], groups: 4, embedding: 8 }), DiffusionSchedule.linear(T, 0.01, 0.3));
const pixels8 = (n: number, seed: number) => tf.tidy(() => tf.div(tf.round(tf.mul(new Rng(seed).uniform([n, 64]), 255)), 255)) as tf.Tensor2D;

describe('models/diffusion DDPM', () => {
  it('the U-Net maps [B, H, W, C] and t [B] to [B, H, W, C], and names bad inputs', () => {
    const net = new UNet(new Rng(1), { channels: [8, 16, 16], groups: 4 });
    const eps = net.apply(tf.zeros([2, 28, 28, 1]) as tf.Tensor4D, tf.tensor1d([1, 999]));
    expect(eps.shape).to.deep.equal([2, 28, 28, 1]);
    expect(net.parameterCount).to.equal(net.variables.reduce((s, v) => s + v.size, 0));
    expect(() => net.apply(tf.zeros([2, 27, 27, 1]) as tf.Tensor4D, tf.tensor1d([1, 2]))).to.throw(/UNet.apply: x must have shape \[B, 28, 28, 1\]/);
    expect(() => net.apply(tf.zeros([2, 28, 28, 1]) as tf.Tensor4D, tf.tensor1d([1]))).to.throw(/UNet.apply: t must have shape \[2\]/);
    expect(() => new UNet(new Rng(0), { size: 28, channels: [8, 8, 8, 8] })).to.throw(/UNet: size must be divisible by 2\^\(levels − 1\) = 8, got 28/);
    expect(() => new UNet(new Rng(0), { channels: [8, 12], groups: 8 })).to.throw(/UNet: groups must divide every channel count \(channels \[8,12\]\), got 8 \(12 is not divisible\)/);
    eps.dispose();
    net.dispose();
  });

  it('the U-Net depends on t (the time embedding reaches the output)', () => {
    const net = new UNet(new Rng(2), { size: 8, channels: [8], groups: 4, embedding: 8 });
    const x = new Rng(3).normal([1, 8, 8, 1]) as tf.Tensor4D;
    const a = net.apply(x, tf.tensor1d([1])), b = net.apply(x, tf.tensor1d([500]));
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0])).to.be.above(1e-4);
    tf.dispose([x, a, b]);
    net.dispose();
  });

  it('the sampled-step ELBO estimates the library\'s diffusion ELBO (D41): means agree within 4 standard errors', () => {
    const m = tiny(6, 4);
    const x0 = m.dequantize(new Rng(5), pixels8(400, 6));
    const exact = estimateMean(diffusionElbo(new Rng(7), x0, m.denoiser, m.schedule).elbo);
    const sampled = estimateMean(m.elbo(new Rng(8), x0, { draws: 2 }));
    expect(Math.abs(exact.value - sampled.value)).to.be.at.most(4 * Math.hypot(exact.se, sampled.se));
    // method 'exact' is diffusionElbo itself
    const viaModel = estimateMean(m.elbo(new Rng(7), x0, { method: 'exact' }));
    expect(viaModel.value).to.be.closeTo(exact.value, 1e-9 * Math.abs(exact.value));
    // and the sampled estimate is not trivially equal to it: it has noise of its own
    expect(sampled.value).to.not.equal(exact.value);
    tf.dispose(x0);
    m.net.dispose();
  });

  it('bits/dim = −ELBO/(D ln 2) + 7 on dequantized 8-bit pixels (D46)', () => {
    const m = tiny(4, 9);
    const px = pixels8(50, 10);
    const bpd = m.bitsPerDim(new Rng(11), px, { method: 'exact' });
    const g = new Rng(11);
    const x0 = m.dequantize(g, px);
    const e = m.elbo(g, x0, { method: 'exact' });
    const manual = estimateMean(Array.from(e, (v) => -v / (64 * Math.LN2) + 7));
    expect(bpd.value).to.be.closeTo(manual.value, 1e-9);
    expect(bpd.n).to.equal(50);
    // the dequantized x_0 stay inside the bins: 2k/256 − 1 ≤ x_0 < 2(k + 1)/256 − 1
    const k = tf.tidy(() => tf.round(tf.mul(px, 255)).dataSync()), xs = x0.dataSync();
    for (let i = 0; i < xs.length; i++) expect((xs[i] + 1) * 128 - k[i]).to.be.within(0, 1);
    tf.dispose([px, x0]);
    m.net.dispose();
  });

  it('respaced sampling with S = T and no clipping is the library\'s ancestral sampler, draw for draw', () => {
    const m = tiny(5, 12);
    const ours = m.sample(new Rng(13), 3, { clip: false });
    const lib = ancestralSample(new Rng(13), m.denoiser, m.schedule, { samples: 3, dim: 64 });
    const libPixels = tf.tidy(() => tf.clipByValue(tf.div(tf.add(lib, 1), 2), 0, 1));
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(ours.pixels, libPixels))).dataSync()[0])).to.be.below(1e-5);
    tf.dispose([ours.pixels, lib, libPixels]);
    m.net.dispose();
  });

  it('sampling is deterministic per seed, keeps the requested frames, and respaces over 1…T', () => {
    const m = tiny(20, 14);
    expect(m.samplingSteps(5)).to.deep.equal([1, 6, 11, 15, 20]);
    expect(m.samplingSteps(20)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i + 1));
    const a = m.sample(new Rng(15), 4, { steps: 5, frames: [20, 11, 0] });
    const b = m.sample(new Rng(15), 4, { steps: 5 });
    const c = m.sample(new Rng(16), 4, { steps: 5 });
    expect(Array.from(a.pixels.dataSync())).to.deep.equal(Array.from(b.pixels.dataSync()));
    expect(Array.from(a.pixels.dataSync())).to.not.deep.equal(Array.from(c.pixels.dataSync()));
    expect([...a.frames.keys()].sort((x, y) => x - y)).to.deep.equal([0, 11, 20]);
    // a step between the sampling steps 6 and 11 gets the state at 6
    const d = m.sample(new Rng(15), 4, { steps: 5, frames: [8, 6] });
    expect(Array.from(d.frames.get(8)!.dataSync())).to.deep.equal(Array.from(d.frames.get(6)!.dataSync()));
    tf.dispose([...d.frames.values(), d.pixels]);
    expect(Array.from(a.frames.get(0)!.dataSync())).to.deep.equal(Array.from(a.pixels.dataSync()));
    const px = a.pixels.dataSync();
    expect(Math.min(...px)).to.be.at.least(0);
    expect(Math.max(...px)).to.be.at.most(1);
    expect(() => m.sample(new Rng(1), 2, { steps: 21 })).to.throw(/steps must be at most T = 20/);
    expect(() => m.sample(3 as unknown as Rng, 2)).to.throw(/rng must be an Rng/);
    tf.dispose([a.pixels, b.pixels, c.pixels, ...a.frames.values()]);
    m.net.dispose();
  });

  it('DDIM\'s step: η = 1 is the posterior of D40, η = 0 maps x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε to √ᾱ_s x_0 + √(1 − ᾱ_s) ε', () => {
    const S = DiffusionSchedule.linear(1000);
    for (const t of [2, 10, 500, 1000]) {
      const post = S.posterior(t), d = ddimStep(S.alphaBars[t], S.alphaBars[t - 1], 1);
      expect(d.gamma).to.be.closeTo(post.gamma, 1e-10);
      expect(d.delta).to.be.closeTo(post.delta, 1e-10);
      expect(d.sigma2).to.be.closeTo(post.sigma2, 1e-12);
    }
    // the deterministic step keeps x_0 and the noise direction: the marginals of D39 at every step
    const g = new Rng(30);
    for (const [t, s] of [[1000, 980], [300, 250], [20, 1]]) {
      const at = S.alphaBars[t], as = S.alphaBars[s], x0 = g.nextNormal(), eps = g.nextNormal();
      const { gamma, delta, sigma2 } = ddimStep(at, as, 0);
      expect(sigma2).to.equal(0);
      expect(gamma * (Math.sqrt(at) * x0 + Math.sqrt(1 - at) * eps) + delta * x0).to.be.closeTo(Math.sqrt(as) * x0 + Math.sqrt(1 - as) * eps, 1e-12);
    }
    expect(() => ddimStep(0.5, 0.4, 0)).to.throw(/ddimStep: alphaBarS must be in \(alphaBarT, 1\]/);
    expect(() => ddimStep(0.5, 0.6, 2)).to.throw(/ddimStep: eta must be in \[0, 1\]/);
  });

  it('sampling with η = 1 is the default sampler draw for draw; η = 0 is x_s = γ x_t + δ x̂_0 from x_T with no noise on the way', () => {
    const m = tiny(20, 31);
    const a = m.sample(new Rng(32), 3, { steps: 7 }), b = m.sample(new Rng(32), 3, { steps: 7, eta: 1 });
    expect(Array.from(a.pixels.dataSync())).to.deep.equal(Array.from(b.pixels.dataSync()));
    const c = m.sample(new Rng(32), 3, { steps: 7, eta: 0 });
    expect(Array.from(c.pixels.dataSync())).to.not.deep.equal(Array.from(a.pixels.dataSync()));
    // η = 0 by hand: x_s = γ x_t + δ x̂_0 from x_T ~ N(0, I), no noise on the way
    const taus = m.samplingSteps(7), ab = m.schedule.alphaBars;
    const manual = tf.tidy(() => {
      let x = new Rng(32).normal([3, 8, 8, 1]) as tf.Tensor4D;
      for (let i = taus.length - 1; i >= 0; i--) {
        const t = taus[i], { gamma, delta } = ddimStep(ab[t], i > 0 ? ab[taus[i - 1]] : 1, 0);
        const x0 = tf.clipByValue(tf.div(tf.sub(x, tf.mul(m.epsHat(x, [t, t, t]), Math.sqrt(1 - ab[t]))), Math.sqrt(ab[t])), -1, 1);
        x = tf.add(tf.mul(x, gamma), tf.mul(x0, delta)) as tf.Tensor4D;
      }
      return tf.clipByValue(tf.reshape(tf.div(tf.add(x, 1), 2), [3, 64]), 0, 1);
    });
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(manual, c.pixels))).dataSync()[0])).to.be.below(1e-5);
    expect(() => m.sample(new Rng(1), 2, { eta: 1.5 })).to.throw(/ImageDDPM.sample: eta must be in \[0, 1\]/);
    tf.dispose([a.pixels, b.pixels, c.pixels, manual]);
    m.net.dispose();
  });

  it('the learning-rate warm-up scales the first Adam step: |Δw| ≤ lr_1 = lr/W', async () => {
    const all = loadMnist('train');
    const data = new ImageDataset(all.batchPixels([0, 1, 2, 3]), all.batchLabels([0, 1, 2, 3]), all.imageShape, 'four');
    const maxChange = async (warmupSteps: number) => {
      const m = new ImageDDPM(new UNet(new Rng(33), { channels: [8], groups: 4, embedding: 8 }), DiffusionSchedule.linear(100));
      const before = m.net.variables.map((v) => Float32Array.from(v.dataSync()));
      await fit(m, data, { steps: 1, seed: 34, batchSize: 4, learningRate: { peak: 1e-3, steps: 1, warmupSteps }, progress: false });
      const change = Math.max(...m.net.variables.map((v, i) => Math.max(...Array.from(v.dataSync(), (w, j) => Math.abs(w - before[i][j])))));
      m.net.dispose();
      return change;
    };
    // Adam's first step moves every weight by lr·g/(|g| + ε): at most lr, close to it where g ≠ 0
    const full = await maxChange(0), warm = await maxChange(10);
    expect(full).to.be.within(0.9e-3, 1.001e-3);  // float32 weights: the difference carries their rounding
    expect(warm).to.be.within(0.9e-4, 1.001e-4);
    const bad = new ImageDDPM(new UNet(new Rng(0), { channels: [8], groups: 4, embedding: 8 }), DiffusionSchedule.linear(5));
    expect(() => fit(bad, data, { steps: 1, seed: 1, learningRate: -1 })).to.throw(/fit: learningRate must be/);
    expect(() => fit(bad, new ImageDataset(new Float32Array(16), new Int32Array(1), [4, 4], 'tiny'), { steps: 1, seed: 1 })).to.throw(/fit: data must have rows of 784 values, as the model \(ImageDDPM\) takes, got rows of 16/);
    bad.net.dispose();
  });

  it('training lowers the denoising loss on MNIST and leaves no tensors behind', async () => {
    const m = new ImageDDPM(new UNet(new Rng(17), { channels: [8, 16], groups: 4 }), DiffusionSchedule.linear(1000));
    const all = loadMnist('train');
    const idx = Array.from({ length: 256 }, (_, i) => Math.floor((i * all.count) / 256));
    const data = new ImageDataset(all.batchPixels(idx), all.batchLabels(idx), all.imageShape, 'spread');
    const before = tf.memory().numTensors;
    const { losses } = await fit(m, data, { steps: 40, seed: 18, batchSize: 32, learningRate: 2e-3, ema: 0.995, progress: false });
    const s = m.sample(new Rng(19), 2, { steps: 3 });
    s.pixels.dispose();
    const three = data.batch([0, 1, 2]);
    m.bitsPerDim(new Rng(20), three);
    three.dispose();
    expect(tf.memory().numTensors).to.equal(before);
    const head = estimateMean(losses.slice(0, 10)), tail = estimateMean(losses.slice(-10));
    expect(head.value - tail.value).to.be.above(4 * Math.hypot(head.se, tail.se));
    // ε̂ = 0 scores ‖ε‖²/D ≈ 1; a trained network must beat it
    expect(tail.value).to.be.below(0.6);
    m.net.dispose();
  });

  it('a checkpoint restores the same network and schedule', () => {
    const m = tiny(7, 21);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddpm-'));
    saveDDPM(dir, m, { note: 'test' });
    const { model, meta } = loadDDPM(dir);
    expect(meta.note).to.equal('test');
    expect(Array.from(model.schedule.betas)).to.deep.equal(Array.from(m.schedule.betas));
    const x = new Rng(22).normal([2, 8, 8, 1]) as tf.Tensor4D;
    const a = m.epsHat(x, [3, 5]), b = model.epsHat(x, [3, 5]);
    expect(Array.from(a.dataSync())).to.deep.equal(Array.from(b.dataSync()));
    tf.dispose([x, a, b]);
    m.net.dispose();
    model.net.dispose();
    fs.rmSync(dir, { recursive: true });
  });
});
