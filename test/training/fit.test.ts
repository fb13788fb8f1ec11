// The one trainer: seeded (same seed, same losses), the losses fall on a model that can learn, no tensor growth,
// an interrupt stops it between steps, a checkpoint resumes exactly, the weight average and learning-rate
// schedule do what they say, and bad options are refused by name.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { fit } from '../../src/training/fit';
import type { Batch, Trainable } from '../../src/training/trainable';
import { ImageDataset } from '../../src/data/image-dataset';
import { Rng } from '../../src/random/rng';
import { stepBatches } from '../../src/data/minibatches';
import { dynamicBinarizePixels } from '../../src/data/binarize';
import { adam } from '../../src/backend/fused-adam';
import { loadMnist } from '../../src/data/mnist';
import { twoMoons } from '../../src/data/toy-2d';
import { estimateMean } from '../../src/check/monte-carlo';
import type { FitOptions } from '../../src/training/fit';
import type { TrainingData } from '../../src/training/trainable';
import { VAE } from '../../src/models/vae/vae';
import { RichVAE } from '../../src/models/vae/rich-vae';
import { CategoricalVAE } from '../../src/models/vae/categorical-vae';
import { HierarchicalVAE } from '../../src/models/vae/hierarchical-vae';
import { ConvVAE } from '../../src/models/vae/conv-vae';
import { VQVAE } from '../../src/models/vae/vq-vae';
import { MADE } from '../../src/models/autoregressive/made';
import { CodePrior } from '../../src/models/autoregressive/code-prior';
import { FlowDistribution } from '../../src/models/flows/flow-distribution';
import { AffineCoupling } from '../../src/models/flows/layers';
import { dequantizedFlow } from '../../src/models/flows/dequantized-flow';
import { RealNVP } from '../../src/models/flows/real-nvp';
import { TimeMLP } from '../../src/models/diffusion/denoiser';
import { DiffusionSchedule } from '../../src/models/diffusion/schedule';
import { ScoreNetwork } from '../../src/models/diffusion/score-network';
import { VelocityNetwork } from '../../src/models/diffusion/flow-matching';
import { ImageDDPM } from '../../src/models/diffusion/ddpm';
import { UNet } from '../../src/models/layers/unet';
import { ImageClassifier } from '../../src/evaluation/classifier';

/** A Gaussian N(μ, diag e^{2s}) fit to points by maximum likelihood: loss = −mean log N(x; μ, e^{2s}) + noise-free. */
function gaussian(dim: number): Trainable & { mu: tf.Variable; logS: tf.Variable; dispose(): void } {
  const mu = tf.variable(tf.zeros([dim])), logS = tf.variable(tf.zeros([dim]));
  return {
    mu, logS,
    get variables() { return [mu, logS]; },
    trainingLoss: (_r, b: Batch) => tf.tidy(() => {
      const z = tf.div(tf.sub(b.x, mu), tf.exp(logS));
      return tf.mean(tf.sum(tf.add(tf.mul(tf.square(z), 0.5), logS), 1)) as tf.Scalar;
    }),
    dispose: () => tf.dispose([mu, logS]),
  };
}

/** Points from N((2, −1), diag(0.25, 4)), seeded. */
function points(n: number, seed: number): number[][] {
  const g = new Rng(seed);
  return Array.from({ length: n }, () => [2 + 0.5 * g.nextNormal(), -1 + 2 * g.nextNormal()]);
}

/** A tiny image model of binary pixels with noise of its own in the loss (a logistic model per pixel, jittered logits). */
function pixelModel(dim: number): Trainable & { dispose(): void } {
  const logits = tf.variable(tf.zeros([dim]));
  return {
    binaryPixels: true,
    get variables() { return [logits]; },
    trainingLoss: (r, b: Batch) => {
      const eps = r.normal([1, dim]);
      try {
        return tf.tidy(() => {
          const l = tf.add(logits, tf.mul(eps, 0.01));
          // −log Bernoulli(x; σ(l)) summed over pixels, averaged over the batch
          return tf.mean(tf.sum(tf.sub(tf.softplus(l), tf.mul(b.x, l)), 1)) as tf.Scalar;
        });
      } finally {
        eps.dispose();
      }
    },
    dispose: () => logits.dispose(),
  };
}

function images(n: number, seed: number): ImageDataset {
  const g = new Rng(seed);
  const px = new Float32Array(n * 16);
  for (let i = 0; i < px.length; i++) px[i] = (i % 16) / 15 * g.nextUniform();
  return new ImageDataset(px, Int32Array.from({ length: n }, (_, i) => i % 3), [4, 4], 'tiny');
}

describe('training/fit', function () {
  this.timeout(120_000);

  it('trains a model on points: the loss falls to the Gaussian entropy, the fit finds the mean and scale', async () => {
    const m = gaussian(2);
    const data = points(2000, 1);
    const r = await fit(m, data, { steps: 600, seed: 3, batchSize: 100, learningRate: 0.05, progress: false });
    expect(r.losses).to.have.length(600);
    expect(r.steps).to.equal(600);
    r.losses.forEach((l) => expect(Number.isFinite(l)).to.equal(true));
    const first = r.losses.slice(0, 20).reduce((a, b) => a + b) / 20, last = r.losses.slice(-50).reduce((a, b) => a + b) / 50;
    // entropy part of the loss at the optimum: Σ_j (½ + log s_j) = 1 + log(0.5 · 2) = 1
    expect(first).to.be.above(2);
    expect(last).to.be.closeTo(1, 0.1);
    const mu = Array.from(m.mu.dataSync()), s = Array.from(tf.exp(m.logS).dataSync());
    expect(mu[0]).to.be.closeTo(2, 0.1);
    expect(mu[1]).to.be.closeTo(-1, 0.3);
    expect(s[0]).to.be.closeTo(0.5, 0.05);
    expect(s[1]).to.be.closeTo(2, 0.2);
    m.dispose();
  });

  it('the same seed gives the same losses; another seed others', async () => {
    const data = images(50, 2);
    const run = async (seed: number) => { const m = pixelModel(16); const r = await fit(m, data, { steps: 12, seed, batchSize: 8, progress: false }); m.dispose(); return r.losses; };
    const a = await run(5), b = await run(5), c = await run(6);
    expect(a).to.deep.equal(b);
    expect(a).to.not.deep.equal(c);
  });

  it('draws what a hand-written stepBatches loop draws: order, binarization, the model\'s noise, the Adam steps', async () => {
    const data = images(30, 3);
    const m = pixelModel(16), ref = pixelModel(16);
    const r = await fit(m, data, { steps: 9, seed: 7, batchSize: 8, progress: false });
    const g = new Rng(7), opt = adam(1e-3), expected: number[] = [];
    for (const idx of stepBatches(g, data.count, 8, 9)) {
      const x = tf.tensor2d(dynamicBinarizePixels(g, data.batchPixels(idx)), [idx.length, 16]);
      const cost = opt.minimize(() => ref.trainingLoss(g, { x, indices: idx }) as tf.Scalar, true, ref.variables)!;
      expected.push(cost.dataSync()[0]);
      tf.dispose([x, cost]);
    }
    opt.dispose();
    expect(r.losses).to.deep.equal(expected);
    expect(Array.from(m.variables[0].dataSync())).to.deep.equal(Array.from(ref.variables[0].dataSync()));
    m.dispose(); ref.dispose();
  });

  it('epochs: ⌈N/B⌉ steps each, a record per epoch (its mean loss), onEpoch after each', async () => {
    const m = gaussian(2);
    const seen: number[] = [];
    const r = await fit(m, points(250, 4), { epochs: 3, seed: 1, batchSize: 100, learningRate: 0.05, progress: false, onEpoch: (e) => seen.push(e.epoch) });
    expect(r.steps).to.equal(9);
    expect(seen).to.deep.equal([1, 2, 3]);
    expect(r.epochs.map((e) => e.epoch)).to.deep.equal([1, 2, 3]);
    r.epochs.forEach((e, i) => expect(e.loss).to.be.closeTo(r.losses.slice(3 * i, 3 * i + 3).reduce((a, b) => a + b) / 3, 1e-9));
    m.dispose();
  });

  it('trains on the rows of a tensor (int32 codes stay int32), with labels absent', async () => {
    const table = tf.variable(tf.zeros([4, 3]));   // logits of a categorical per position
    let dtype = '';
    const model: Trainable = {
      get variables() { return [table]; },
      trainingLoss: (_r, b) => {
        dtype = b.x.dtype;
        return tf.tidy(() => {
          const logp = tf.logSoftmax(table);   // [4 positions, 3 codes]
          const onehot = tf.oneHot(tf.cast(b.x, 'int32'), 3);   // [B, 4, 3]
          return tf.neg(tf.mean(tf.sum(tf.mul(onehot, logp), [1, 2]))) as tf.Scalar;
        });
      },
    };
    const codes = tf.tensor2d(Array.from({ length: 40 }, (_, i) => [i % 3, 0, 1, 2].map((c) => (c + (i % 2)) % 3)), [40, 4], 'int32');
    const r = await fit(model, codes, { steps: 200, seed: 2, batchSize: 10, learningRate: 0.1, progress: false });
    expect(dtype).to.equal('int32');
    expect(codes.isDisposed).to.equal(false);
    expect(r.losses.at(-1)!).to.be.below(r.losses[0] - 1);
    tf.dispose([codes, table]);
  });

  it('prepareBatch runs outside the tape, its tensors are freed; terms and afterStep numbers are recorded per step', async () => {
    const w = tf.variable(tf.zeros([2]));
    let after = 0;
    const model: Trainable<{ x: tf.Tensor2D; noise: tf.Tensor2D }> = {
      get variables() { return [w]; },
      prepareBatch: (r, b) => ({ x: b.x, noise: tf.mul(r.normal(b.x.shape), 0.1) as tf.Tensor2D }),
      trainingLoss: (_r, p) => tf.tidy(() => {
        const err = tf.mean(tf.sum(tf.square(tf.sub(tf.add(p.x, p.noise), w)), 1)) as tf.Scalar;
        return { loss: err, terms: { norm: tf.sum(tf.square(w)) as tf.Scalar } };
      }),
      afterStep: (_r, _b, step) => { after++; return { step2: 2 * step }; },
    };
    const data = points(64, 5);
    const first = await fit(model, data, { steps: 2, seed: 1, batchSize: 16, progress: false });   // also the warm-up: kernels and caches
    expect(first.terms.norm[0]).to.equal(0);   // the loss (and its terms) of step 1 is taken at w = 0, before the update
    expect(first.terms.norm[1]).to.be.above(0);
    const before = tf.memory().numTensors;
    const r = await fit(model, data, { steps: 5, seed: 1, batchSize: 16, progress: false });
    expect(tf.memory().numTensors, 'tensors leaked').to.equal(before);
    expect(after).to.equal(7);
    expect(r.terms.step2).to.deep.equal([2, 4, 6, 8, 10]);
    expect(r.terms.norm).to.have.length(5);
    w.dispose();
  });

  it('leaves no tensors behind on image data, with ema, a schedule and a checkpoint', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fit-'));
    const data = images(40, 6);
    const m = pixelModel(16);
    const opts = { steps: 6, seed: 1, batchSize: 16, ema: 0.9, learningRate: { peak: 1e-2, steps: 6, warmupSteps: 2, decay: 'cosine' as const }, progress: false, checkpoint: { dir, every: 2 } };
    await fit(m, data, opts);
    fs.rmSync(dir, { recursive: true, force: true });
    const before = tf.memory().numTensors;
    await fit(m, data, opts);
    expect(tf.memory().numTensors, 'tensors leaked').to.equal(before);
    fs.rmSync(dir, { recursive: true, force: true });
    m.dispose();
  });

  it('an interrupt stops it between steps: no step after the cancelled one, every tensor freed', async () => {
    const g = globalThis as { __latentLabKernel__?: unknown };
    let cancelled = false;
    g.__latentLabKernel__ = { display() {}, clearOutput() {}, track() {}, throwIfCancelled: () => { if (cancelled) throw new Error('Interrupted'); } };
    const m = pixelModel(16);
    const data = images(40, 7);
    try {
      await fit(m, data, { steps: 2, seed: 1, batchSize: 8, progress: false });
      const before = tf.memory().numTensors;
      const steps: number[] = [];
      let error: unknown;
      try {
        await fit(m, data, { steps: 50, seed: 1, batchSize: 8, progress: false, ema: 0.5, onStep: (s) => { steps.push(s.step); if (s.step === 3) cancelled = true; } });
      } catch (e) {
        error = e;
      }
      expect(String(error)).to.contain('Interrupted');
      expect(steps).to.deep.equal([1, 2, 3]);
      expect(tf.memory().numTensors, 'tensors leaked').to.equal(before);
    } finally {
      delete g.__latentLabKernel__;
      m.dispose();
    }
  });

  it('a checkpoint resumes exactly: 3 + 5 steps give the losses and weights of 8 straight ones (mid-epoch, with ema and a schedule)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fit-resume-'));
    const data = images(30, 8);
    const opts = { seed: 4, batchSize: 8, ema: 0.8, learningRate: { peak: 5e-2, steps: 8, warmupSteps: 3, decay: 'cosine' as const }, progress: false };
    const straight = pixelModel(16), first = pixelModel(16), resumed = pixelModel(16);
    try {
      const s = await fit(straight, data, { ...opts, steps: 8 });
      await fit(first, data, { ...opts, steps: 3, checkpoint: { dir, every: 3 } });
      const r = await fit(resumed, data, { ...opts, steps: 8, checkpoint: { dir, resume: true } });
      expect(r.startStep).to.equal(3);
      expect(r.losses).to.deep.equal(s.losses);
      expect(Array.from(resumed.variables[0].dataSync())).to.deep.equal(Array.from(straight.variables[0].dataSync()));
      // a finished run resumed again takes no step and changes nothing
      const again = await fit(resumed, data, { ...opts, steps: 8, checkpoint: { dir, resume: true } });
      expect(again.startStep).to.equal(8);
      expect(again.losses).to.deep.equal(s.losses);
    } finally {
      straight.dispose(); first.dispose(); resumed.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ema: the model ends with the average θ̄, and onStep\'s averaged(f) shows it', async () => {
    const m = gaussian(1);
    let seen = NaN, live = NaN;
    const r = await fit(m, [[3], [3.2], [2.8], [3.1]], { steps: 30, seed: 1, batchSize: 4, learningRate: 0.1, ema: 0.9, progress: false,
      onStep: (s) => { if (s.step === 30) { live = m.mu.dataSync()[0]; seen = s.averaged(() => m.mu.dataSync()[0]); } } });
    expect(r.steps).to.equal(30);
    expect(m.mu.dataSync()[0]).to.equal(seen);
    expect(seen).to.be.below(live);   // the average lags behind the iterate climbing from 0 towards 3
    m.dispose();
  });

  it('a schedule sets each step\'s rate (SGD: the first step moves w by exactly lr_1 · g)', async () => {
    const w = tf.variable(tf.zeros([1]));
    const model: Trainable = { get variables() { return [w]; }, trainingLoss: (_r, b) => tf.tidy(() => tf.mean(tf.mul(tf.sub(w, tf.squeeze(b.x, [1])), -1)) as tf.Scalar) };
    // loss = −mean(w − x): gradient −1 at every step, so w after k steps is Σ lr_j
    const schedule = { peak: 0.1, steps: 4, warmupSteps: 2, decay: 'constant' as const };
    await fit(model, [[0], [0]], { steps: 4, seed: 0, optimizer: 'sgd', learningRate: schedule, progress: false });
    expect(w.dataSync()[0]).to.be.closeTo(0.05 + 0.1 + 0.1 + 0.1, 1e-6);
    w.dispose();
  });

  it('takes a tfjs optimizer of the caller\'s (and leaves it to the caller): tf.train.sgd(0.5) moves w by 0.5 · g', async () => {
    const w = tf.tidy(() => tf.variable(tf.zeros([1])));
    const model: Trainable = { get variables() { return [w]; }, trainingLoss: (_r, b) => tf.tidy(() => tf.mean(tf.mul(tf.sub(w, tf.squeeze(b.x, [1])), -1)) as tf.Scalar) };
    const sgd = tf.train.sgd(0.5);
    await fit(model, [[0], [0]], { steps: 2, seed: 0, optimizer: sgd, progress: false });
    expect(w.dataSync()[0]).to.be.closeTo(1, 1e-6);
    await fit(model, [[0], [0]], { steps: 1, seed: 0, optimizer: sgd, learningRate: 0.25, progress: false });   // still usable: not disposed
    expect(w.dataSync()[0]).to.be.closeTo(1.25, 1e-6);
    sgd.dispose();
    w.dispose();
  });

  it('a loss that becomes NaN stops the run with the step and advice, and frees everything', async () => {
    const w = tf.variable(tf.zeros([1]));
    const model: Trainable = { get variables() { return [w]; }, trainingLoss: () => tf.tidy(() => tf.div(tf.sum(w), tf.scalar(0)) as tf.Scalar) };
    const before = tf.memory().numTensors;
    let error: unknown;
    try { await fit(model, [[0], [1]], { steps: 3, seed: 0, progress: false }); } catch (e) { error = e; }
    expect(String(error)).to.match(/fit: the loss became NaN at step 1 .*lower the learning rate/);
    expect(tf.memory().numTensors).to.equal(before);
    w.dispose();
  });

  describe('bad arguments are refused by name, before anything runs', () => {
    const w = () => tf.tidy(() => tf.variable(tf.zeros([2])));
    const ok = (): Trainable => { const v = w(); return { variables: [v], trainingLoss: () => tf.sum(v) as tf.Scalar }; };
    const cases: [string, () => unknown, RegExp][] = [
      ['model', () => fit({} as Trainable, [[0, 1]], { steps: 1, seed: 0 }), /fit: model must be a trainable model/],
      ['model variables', () => fit({ variables: [], trainingLoss: () => tf.scalar(0) } as Trainable, [[0, 1]], { steps: 1, seed: 0 }), /fit: model must be .*non-empty array of live tf.Variables/],
      ['data', () => fit(ok(), 'points' as unknown as number[][], { steps: 1, seed: 0 }), /fit: data must be an ImageDataset/],
      ['ragged data', () => fit(ok(), [[0, 1], [2]], { steps: 1, seed: 0 }), /fit: data must be .* row 1/],
      ['NaN data', () => fit(ok(), [[0, NaN]], { steps: 1, seed: 0 }), /fit: data must be .*NaN at \[0\]\[1\]/],
      ['no seed', () => fit(ok(), [[0, 1]], { steps: 1 } as { steps: number; seed: number }), /fit: seed is required/],
      ['steps and epochs', () => fit(ok(), [[0, 1]], { steps: 1, epochs: 1, seed: 0 }), /fit: options must give exactly one of steps and epochs/],
      ['neither', () => fit(ok(), [[0, 1]], { seed: 0 }), /fit: options must give exactly one of steps and epochs, got neither/],
      ['steps 0', () => fit(ok(), [[0, 1]], { steps: 0, seed: 0 }), /fit: steps must be a positive integer/],
      ['steps 1e308', () => fit(ok(), [[0, 1]], { steps: 1e308, seed: 0 }), /fit: steps must be/],
      ['epochs 1.5', () => fit(ok(), [[0, 1]], { epochs: 1.5, seed: 0 }), /fit: epochs must be a positive integer/],
      ['seed −1', () => fit(ok(), [[0, 1]], { steps: 1, seed: -1 }), /fit: seed must be an integer/],
      ['batchSize 0', () => fit(ok(), [[0, 1]], { steps: 1, seed: 0, batchSize: 0 }), /fit: batchSize must be a positive integer/],
      ['learningRate NaN', () => fit(ok(), [[0, 1]], { steps: 1, seed: 0, learningRate: NaN }), /fit: learningRate must be/],
      ['learningRate −1', () => fit(ok(), [[0, 1]], { steps: 1, seed: 0, learningRate: -1 }), /fit: learningRate must be/],
      ['schedule', () => fit(ok(), [[0, 1]], { steps: 1, seed: 0, learningRate: { peak: 1e-3 } as never }), /fit: learningRate must be/],
      ['optimizer', () => fit(ok(), [[0, 1]], { steps: 1, seed: 0, optimizer: 'rmsprop' as never }), /fit: optimizer must be one of 'adam', 'sgd', or a tfjs optimizer/],
      ['ema 1', () => fit(ok(), [[0, 1]], { steps: 1, seed: 0, ema: 1 }), /fit: ema must be a finite number ≥ 0 < 1/],
      ['misspelt option', () => fit(ok(), [[0, 1]], { steps: 1, seed: 0, learningrate: 1 } as never), /fit: options has no option 'learningrate'/],
      ['data of another size', () => fit({ ...ok(), dim: 3 }, [[0, 1]], { steps: 1, seed: 0 }), /fit: data must have rows of 3 values, as the model takes, got rows of 2/],
      ['checkpoint without dir', () => fit(ok(), [[0, 1]], { steps: 1, seed: 0, checkpoint: {} as never }), /fit: dir is required/],
    ];
    for (const [name, call, message] of cases) {
      it(name, () => {
        const before = tf.memory().numTensors;
        expect(call).to.throw(message);
        // the model of each case holds one variable; nothing else is left
        expect(tf.memory().numTensors).to.be.at.most(before + 1);
      });
    }
  });
});


// Every model class of the library trains through the one trainer: a few seeded steps each, finite losses, the
// same seed the same losses, no tensor left behind by the run; the loss falls where a short run must lower it.
describe('training/fit: every model of the library', function () {
  this.timeout(300_000);
  const mnist = loadMnist('train');
  const digits = mnist.take(96);
  const small8 = (() => {   // 8×8 images with 8-bit grey levels, for the image flow
    const g = new Rng(3);
    return new ImageDataset(Float32Array.from({ length: 48 * 64 }, (_, i) => (i % 3 === 0 ? Math.round(255 * g.nextUniform()) / 255 : 0)), new Int32Array(48), [8, 8], 'grey8');
  })();
  const moons = twoMoons(new Rng(5), 400, { noise: 0.05 });
  let codes: tf.Tensor2D;
  before(() => { codes = tf.tensor2d(Array.from({ length: 64 }, (_, i) => [i % 4, (i + 1) % 4, (i + 2) % 4, i % 2]), [64, 4], 'int32'); });
  after(() => codes.dispose());

  interface Case { model: Trainable<any, any> & { dispose?(): void }; data: TrainingData; options: Partial<FitOptions<any>>; falls?: boolean }
  const cases: Record<string, () => Case> = {
    'VAE (ELBO)': () => ({ model: new VAE(new Rng(1), { inputDim: 784, latentDim: 4, hiddenDim: 32 }), data: digits, options: { steps: 30, batchSize: 32, learningRate: 3e-3 }, falls: true }),
    'VAE (IWAE, K = 5)': () => ({ model: new VAE(new Rng(1), { inputDim: 784, latentDim: 4, hiddenDim: 32 }), data: digits, options: { steps: 4, batchSize: 16, objective: { type: 'iwae', samples: 5 } } }),
    'VAE (Rényi α = 0.5)': () => ({ model: new VAE(new Rng(1), { inputDim: 784, latentDim: 4, hiddenDim: 32 }), data: digits, options: { steps: 4, batchSize: 16, objective: { type: 'renyi', alpha: 0.5, samples: 5 } } }),
    'VAE (conditional)': () => ({ model: new VAE(new Rng(1), { inputDim: 784, latentDim: 2, hiddenDim: 32, conditionDim: 10 }), data: digits, options: { steps: 4, batchSize: 16 } }),
    RichVAE: () => ({ model: new RichVAE(new Rng(1), { inputDim: 784, latentDim: 4, hiddenDim: 32, flowLayers: 2, prior: { type: 'vampprior', pseudoInputs: 5 } }), data: digits, options: { steps: 4, batchSize: 16 } }),
    'RichVAE (IAF posterior)': () => ({ model: new RichVAE(new Rng(1), { inputDim: 784, latentDim: 4, hiddenDim: 32, flowLayers: 2, flow: 'iaf' }), data: digits, options: { steps: 4, batchSize: 16 } }),
    'CategoricalVAE (Gumbel-softmax)': () => ({ model: new CategoricalVAE(new Rng(1), { inputDim: 784, latents: 4, categories: 3, hiddenDim: 32 }), data: digits, options: { steps: 4, batchSize: 16 } }),
    'CategoricalVAE (score function)': () => ({ model: new CategoricalVAE(new Rng(1), { inputDim: 784, latents: 4, categories: 3, hiddenDim: 32 }), data: digits, options: { steps: 4, batchSize: 16, objective: { estimator: 'score-function' } } }),
    HierarchicalVAE: () => ({ model: new HierarchicalVAE(new Rng(1), { inputDim: 784, latentDims: [4, 2], hiddenDim: 32, topHiddenDim: 16 }), data: digits, options: { steps: 4, batchSize: 16 } }),
    MADE: () => ({ model: new MADE(new Rng(1), { inputDim: 784, hiddenDims: [32] }), data: digits, options: { steps: 30, batchSize: 32, learningRate: 3e-3 }, falls: true }),
    'FlowDistribution (2-D)': () => ({ model: new FlowDistribution(2, [0, 1].map((k) => new AffineCoupling(new Rng(7 + k), k ? [0, 1] : [1, 0], 16))), data: moons, options: { steps: 40, batchSize: 100, learningRate: 3e-3 }, falls: true }),
    'dequantizedFlow (images)': () => {
      const checker = Array.from({ length: 784 }, (_, i) => ((i % 28) + Math.floor(i / 28)) % 2);
      const flow = new FlowDistribution(784, [0, 1].map((k) => new AffineCoupling(new Rng(9 + k), checker.map((m) => (k ? 1 - m : m)), 16)));
      return { model: dequantizedFlow(flow), data: digits, options: { steps: 3, batchSize: 16 } };
    },
    'TimeMLP (denoiser, weighted)': () => ({ model: new TimeMLP(new Rng(1), 2, DiffusionSchedule.cosine(20), { hidden: 16 }), data: moons, options: { steps: 4, batchSize: 64, objective: 'weighted' } }),
    ScoreNetwork: () => ({ model: new ScoreNetwork(new Rng(1), 2, { hidden: 16 }), data: moons, options: { steps: 4, batchSize: 64 } }),
    VelocityNetwork: () => ({ model: new VelocityNetwork(new Rng(1), 2, { hidden: 16 }), data: moons, options: { steps: 4, batchSize: 64 } }),
    ConvVAE: () => ({ model: new ConvVAE(new Rng(1), { latent: 4, channels: [4, 8] }), data: digits, options: { steps: 3, batchSize: 16 } }),
    VQVAE: () => ({ model: new VQVAE(new Rng(1), { codes: 8, codeDim: 4, channels: [4, 8], restartEvery: 2 }), data: digits, options: { steps: 4, batchSize: 16 } }),
    CodePrior: () => ({ model: new CodePrior(new Rng(1), { positions: 4, codes: 4, embedding: 4, hiddenDims: [16] }), data: codes, options: { steps: 30, batchSize: 16, learningRate: 1e-2 }, falls: true }),
    ImageDDPM: () => ({ model: new ImageDDPM(new UNet(new Rng(1), { channels: [8], groups: 4, embedding: 8 }), DiffusionSchedule.linear(50)), data: digits, options: { steps: 2, batchSize: 4, ema: 0.9 } }),
    RealNVP: () => ({ model: new RealNVP(new Rng(1), { shape: [8, 8, 1], scales: 2, couplings: 2, hidden: 8 }), data: small8, options: { steps: 3, batchSize: 16 } }),
    ImageClassifier: () => ({ model: new ImageClassifier(new Rng(1), { channels: [4, 8], hidden: 16 }), data: digits, options: { steps: 30, batchSize: 32, learningRate: 3e-3 }, falls: true }),
  };
  const free = (m: Case['model']) => {
    if (typeof m.dispose === 'function') m.dispose();
    else if (m instanceof ImageDDPM) m.net.dispose();
    else tf.dispose(m.variables);
  };
  for (const [name, make] of Object.entries(cases)) {
    it(name, async () => {
      const a = make();
      const ra = await fit(a.model, a.data, { seed: 11, ...a.options, progress: false } as FitOptions<any>);
      const b = make();
      const before = tf.memory().numTensors;
      const rb = await fit(b.model, b.data, { seed: 11, ...b.options, progress: false } as FitOptions<any>);
      expect(tf.memory().numTensors, 'tensors left by the run').to.equal(before);
      expect(rb.losses, 'the same seed, the same losses').to.deep.equal(ra.losses);
      expect(ra.losses).to.have.length(a.options.steps!);
      ra.losses.forEach((l, i) => expect(Number.isFinite(l), `loss ${l} at step ${i + 1}`).to.equal(true));
      if (a.falls) {
        const head = estimateMean(ra.losses.slice(0, 5)), tail = estimateMean(ra.losses.slice(-5));
        expect(head.value - tail.value, `first 5 steps ${head.value}, last 5 ${tail.value}`).to.be.above(4 * Math.hypot(head.se, tail.se));
      }
      free(a.model); free(b.model);
    });
  }
});
