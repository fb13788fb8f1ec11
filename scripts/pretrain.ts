// Makes the checkpoints in data/ that notebook 13 loads, seeded, so `npm run pretrain` reproduces them:
//   data/checkpoints/classifier-{mnist,fashion-mnist}   the scoring classifiers (src/evaluation/classifier.ts)
//   data/checkpoints/ddpm-{mnist,fashion-mnist}         U-Net DDPMs (src/models/diffusion/ddpm.ts)
//   data/checkpoints/realnvp-mnist                      a multi-scale RealNVP (src/models/flows/real-nvp.ts)
//   data/checkpoints/vqvae-mnist                        a VQ-VAE and the prior over its codes (scripts/pretrain-vqvae.ts)
//   data/checkpoints/pixelcnn-mnist                     a PixelCNN on binarized digits (src/models/autoregressive/pixel-cnn.ts)
//   data/checkpoints/dcgan-mnist                        a small DCGAN on grey digits (src/models/gan/dcgan.ts)
// Usage: npx tsx scripts/pretrain.ts [all|classifiers|classifier-mnist|classifier-fashion-mnist|ddpm-mnist|ddpm-fashion-mnist|realnvp-mnist|vqvae-mnist|pixelcnn-mnist|dcgan-mnist]
//        [--out DIR] [--steps N]    (default: all, into data/checkpoints; --steps: only the first N steps)
// Each DDPM records the confident share of its samples against training time in its checkpoint's meta.
import path from 'path';
import { ready, tf } from '../src/backend/backend';
import { latentThreads } from '../src/backend/addon';
import { loadMnist } from '../src/data/mnist';
import { loadFashionMnist } from '../src/data/fashion-mnist';
import { ImageDataset } from '../src/data/image-dataset';
import { ImageClassifier } from '../src/evaluation/classifier';
import { confidentShare } from '../src/evaluation/sample-scores';
import { DiffusionSchedule } from '../src/models/diffusion/schedule';
import { UNet, UNetConfig } from '../src/models/layers/unet';
import { ImageDDPM } from '../src/models/diffusion/ddpm';
import { saveDDPM } from '../src/checkpoints/ddpm';
import { RealNVP, RealNVPConfig } from '../src/models/flows/real-nvp';
import { saveRealNVP } from '../src/checkpoints/real-nvp';
import { Rng } from '../src/random/rng';
import { fit } from '../src/training/fit';
import { trainVQVAE } from './pretrain-vqvae';
import { PixelCNN, PixelCNNConfig } from '../src/models/autoregressive/pixel-cnn';
import { savePixelCNN } from '../src/checkpoints/pixel-cnn';
import { dynamicBinarize } from '../src/data/binarize';
import { bitsPerDim } from '../src/evaluation/log-likelihood';
import { estimateMean } from '../src/check/monte-carlo';
import { DCGAN, DCGANConfig } from '../src/models/gan/dcgan';
import { saveDCGAN } from '../src/checkpoints/dcgan';
import { classHistogram, classifierFrechetDistance } from '../src/evaluation/sample-scores';

export const DATA_DIR = path.join(__dirname, '..', 'data', 'checkpoints');

/** The recipes, one per checkpoint: everything that decides the numbers is here. */
export const RECIPES = {
  classifier: {
    config: { channels: [16, 32] as [number, number], hidden: 64 },
    /** The seed of the generator the initial weights are drawn from. */
    initSeed: 0,
    train: { seed: 1, batchSize: 64, learningRate: 2e-3, outlierWeight: 0.5 },
    /** Passes over each training set (MNIST's is 8,000 images; of Fashion-MNIST's 60,000 the first `images`). */
    epochs: { mnist: 10, 'fashion-mnist': 2 } as Record<string, number>,
    images: { mnist: 8000, 'fashion-mnist': 15000 } as Record<string, number>,
  },
  ddpm: {
    unet: { channels: [16, 32, 64] } as UNetConfig,
    /** The seed of the generator the U-Net's initial weights are drawn from. */
    initSeed: 0,
    T: 1000,
    /** The noise schedule: DDPM's 'linear' β_t (1e-4 … 0.02) or Nichol & Dhariwal's 'cosine' ᾱ_t. */
    noise: 'linear' as 'linear' | 'cosine',
    /**
     * Minibatches and the weight average per dataset. MNIST (issue 31): batch 32 for 6000 steps, the average's
     * decay 0.998 (a horizon of ~500 steps, as many images as 0.995 at batch 64). Measured at equal CPU time on
     * one thread (256 samples a mark, 50 ancestral steps, SE ~0.03): batch 64 for 3000 steps (651 s of CPU)
     * ended at 0.59 (marks 0.62, 0.59, 0.68 over its last 750 steps); batch 32 reaches 0.21 at 121 s against
     * batch 64's 0.10 at 110 s, and ends at 0.69 (0.69, 0.69, 0.69 over its last 1000 steps; 768 s of CPU,
     * under load; on 1,024 fresh samples, 0.70 ± 0.014: at the target of 0.7 within its standard error). On two
     * threads (the oneDNN fix of issue 31) a step takes ~88 ms of wall clock against ~110 on one, so the budget
     * buys 8000 steps: 702 s of wall clock on a quiet machine, marks 0.70, 0.75, 0.74 over its last 1000 steps,
     * 0.727 ± 0.014 on 1,024 fresh samples (seeds 5000-5003). Batch 128 (0.19 at 242 s against batch 64's 0.37 at 215 s) and a wider U-Net (channels
     * [16, 64, 128]: 1.9× the step's cost, 0.32 after 1000 steps and 584 s) were behind and stopped early. Fewer
     * images per step and more steps win at this budget. The sampler is not the limit: on the batch-64
     * checkpoint 50, 200, 500 and 1000 ancestral steps gave 0.60, 0.66, 0.59, 0.63 and DDIM (η = 0) 0.53 at 50
     * steps, 0.54 at 100. Fashion-MNIST's 200-step checkpoint keeps batch 64 and 0.995, as it was made.
     */
    train: {
      mnist: { seed: 1, batchSize: 32, emaDecay: 0.998 },
      'fashion-mnist': { seed: 1, batchSize: 64, emaDecay: 0.995 },
    } as Record<string, { seed: number; batchSize: number; emaDecay: number }>,
    /**
     * Adam's rate per dataset. MNIST (issue 18): a warm-up to 2e-3 over 200 steps, then a cosine decay to
     * ≈ 0 at the last step — measured against the constant 1e-3 of the first checkpoint, whose share of
     * confident samples plateaued near 0.5 (the cosine noise schedule, tried beside it, did no better).
     * Fashion-MNIST's 200-step checkpoint keeps the constant 1e-3 it was made with.
     */
    rate: {
      mnist: { learningRate: 2e-3, warmupSteps: 200, learningRateDecay: 'cosine' },
      'fashion-mnist': { learningRate: 1e-3, warmupSteps: 0, learningRateDecay: 'constant' },
    } as Record<string, { learningRate: number; warmupSteps: number; learningRateDecay: 'constant' | 'cosine' }>,
    /**
     * Training steps. A step count, not a time budget, so that the checkpoint is reproducible on a
     * machine of any speed or load; the seconds it took (wall and CPU) are recorded beside it.
     */
    steps: { mnist: 8000, 'fashion-mnist': 200 } as Record<string, number>,
    /** Score samples every this many steps (Fashion-MNIST's checkpoint was made scoring 64 every 100). */
    scoreEvery: 500,
    scoreSamples: 256,
    samplingSteps: 50,
  },
  realnvp: {
    config: { shape: [28, 28, 1], scales: 3, couplings: 3, hidden: 32 } as RealNVPConfig,
    /** The seed of the generator the initial weights are drawn from. */
    initSeed: 0,
    train: { seed: 1, batchSize: 64, learningRate: 1e-3 },
    /** Training steps (a step count, not a time budget; the seconds are recorded beside it). */
    steps: 2000,
    /** Test bits/dim over the whole test split, one dequantization draw per image (seeded). */
    evalSeed: 3,
    /** Samples scored by the classifier, at temperature 1 (the model) and 0.7 (sharpened). */
    scoreSamples: 200,
    temperatures: [1, 0.7],
  },
  pixelcnn: {
    config: { channels: 32, layers: 5, firstKernel: 7, kernel: 3 } as PixelCNNConfig,
    /** The seed of the generator the initial weights are drawn from. */
    initSeed: 0,
    /**
     * Notebook 12's budget for every model it compares (MADE, the VAE, the flow, the diffusion model): 5 passes over
     * the 8,000 training digits in minibatches of 100, 400 Adam steps, dynamically binarized, MADE's rate.
     */
    train: { seed: 1, batchSize: 100, learningRate: 2e-3 },
    epochs: 5,
    /** Test bits/dim over the whole test split, binarized once with this seed. */
    evalSeed: 3,
  },
  dcgan: {
    config: { latent: 32, channels: [16, 32] } as DCGANConfig,
    /** The seed of the generator the initial weights are drawn from. */
    initSeed: 0,
    /** Grey pixels in [0, 1] (not binarized), minibatches of 64; the generator's non-saturating loss (D62). */
    train: { seed: 1, batchSize: 64 },
    objective: 'non-saturating' as const,
    /** Adam with DCGAN's β₁ = 0.5 (Radford et al. 2016) for both players, one step each per minibatch. */
    adam: { learningRate: 3e-4, beta1: 0.5, beta2: 0.999 },
    /** Training steps (a step count, not a time budget; the seconds are recorded beside it). */
    steps: 2000,
    /** Samples scored by the classifier (confident share, classes, Fréchet distance to as many test digits drawn at random with scoreSeed + 1). */
    scoreSamples: 500,
    scoreSeed: 5,
  },
};

const sets: Record<string, () => { train: ImageDataset; test: ImageDataset }> = {
  mnist: () => ({ train: loadMnist('train'), test: loadMnist('test') }),
  'fashion-mnist': () => ({ train: loadFashionMnist('train'), test: loadFashionMnist('test') }),
};

export async function trainClassifier(name: string, out: string | undefined, steps?: number): Promise<ImageClassifier> {
  const { train, test } = sets[name]();
  const c = new ImageClassifier(new Rng(RECIPES.classifier.initSeed), RECIPES.classifier.config);
  const t0 = Date.now();
  const { outlierWeight, ...options } = RECIPES.classifier.train;
  const { losses } = await fit(c, train.take(RECIPES.classifier.images[name]), {
    ...options, ...(steps === undefined ? { epochs: RECIPES.classifier.epochs[name] } : { steps }), objective: { outlierWeight }, progress: false,
  });
  const accuracy = c.accuracy(test);
  const testPixels = test.toTensor(), noise = new Rng(2).uniform([500, test.dim]) as tf.Tensor2D;
  const testShare = confidentShare(c, testPixels).value, noiseShare = confidentShare(c, noise).value;
  tf.dispose([testPixels, noise]);
  console.log(`classifier ${name}: test accuracy ${accuracy.toFixed(4)}, confident share: test ${testShare.toFixed(3)}, ` +
    `uniform noise ${noiseShare.toFixed(3)}; ${losses.length} steps, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  if (out) c.save(path.join(out, `classifier-${name}`), { dataset: name, accuracy, testShare, noiseShare, steps: losses.length, firstLosses: losses.slice(0, 5) });
  return c;
}

export async function trainDDPM(name: string, out: string | undefined, options: { steps?: number; classifier?: ImageClassifier } = {}): Promise<ImageDDPM> {
  const R = RECIPES.ddpm;
  const { train } = sets[name]();
  const model = new ImageDDPM(new UNet(new Rng(R.initSeed), R.unet), R.noise === 'cosine' ? DiffusionSchedule.cosine(R.T) : DiffusionSchedule.linear(R.T));
  // seconds: wall clock; cpuSeconds: this process's CPU time (user + system), which a shared machine's load inflates less
  const curve: { seconds: number; cpuSeconds: number; step: number; share: number; se: number }[] = [];
  const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
  const score = (step: number, seconds: number, cpuSeconds: number) => {
    if (!options.classifier) return;
    const s = model.sample(new Rng(1000 + step), R.scoreSamples, { steps: R.samplingSteps });
    const share = confidentShare(options.classifier, s.pixels);
    s.pixels.dispose();
    curve.push({ seconds, cpuSeconds, step, share: share.value, se: share.se });
    console.log(`ddpm ${name}: ${seconds.toFixed(0)} s (${cpuSeconds.toFixed(0)} s CPU), step ${step}: confident share ${share.value.toFixed(3)} ± ${share.se.toFixed(3)}`);
  };
  let sampling = 0, samplingCpu = 0;
  const t0 = Date.now(), c0 = cpu();
  const full = options.steps === undefined;
  const rate = R.rate[name];
  const { losses } = await fit(model, train, {
    seed: R.train[name].seed, batchSize: R.train[name].batchSize, ema: R.train[name].emaDecay, steps: options.steps ?? R.steps[name], progress: false,
    // K of the schedule is the full run's steps: a run cut short keeps the rates of the full run
    learningRate: { peak: rate.learningRate, steps: R.steps[name], warmupSteps: rate.warmupSteps, decay: rate.learningRateDecay },
    onStep: ({ step, loss, seconds, averaged }) => {
      if (step % 100 === 0) console.log(`ddpm ${name}: step ${step}, loss ${loss.toFixed(4)}, ${(seconds - sampling).toFixed(0)} s`);
      // the scoring time is not training time: it is measured and subtracted
      if (full && step % R.scoreEvery === 0 && step < R.steps[name]) {
        const s0 = Date.now(), sc0 = cpu();
        averaged(() => score(step, seconds - sampling, sc0 - c0 - samplingCpu));
        sampling += (Date.now() - s0) / 1000;
        samplingCpu += cpu() - sc0;
      }
    },
  });
  const trained = (Date.now() - t0) / 1000 - sampling, trainedCpu = cpu() - c0 - samplingCpu;
  if (full) score(losses.length, trained, trainedCpu);
  if (out) saveDDPM(path.join(out, `ddpm-${name}`), model, { dataset: name, train: R.train[name], steps: losses.length, trainingSeconds: trained, trainingCpuSeconds: trainedCpu, threads: latentThreads(), curve, firstLosses: losses.slice(0, 5), recipe: R });
  return model;
}

export async function trainRealNVP(out: string | undefined, options: { steps?: number; classifier?: ImageClassifier } = {}): Promise<RealNVP> {
  const R = RECIPES.realnvp;
  const { train, test } = sets.mnist();
  const model = new RealNVP(new Rng(R.initSeed), R.config);
  const full = options.steps === undefined;
  const t0 = Date.now();
  const { losses } = await fit(model, train, {
    ...R.train, steps: options.steps ?? R.steps, progress: false,
    onStep: ({ step, loss, seconds }) => {
      if (step % 100 === 0) console.log(`realnvp mnist: step ${step}, loss ${loss.toFixed(1)} nats (${(loss / (784 * Math.LN2) + 8).toFixed(3)} bits/dim), ${seconds.toFixed(0)} s`);
    },
  });
  const trainingSeconds = (Date.now() - t0) / 1000;
  const meta: Record<string, unknown> = { dataset: 'mnist', steps: losses.length, trainingSeconds, firstLosses: losses.slice(0, 5), recipe: R };
  if (full) {
    const px = test.toTensor();
    const bpd = model.bitsPerDim(new Rng(R.evalSeed), px);
    px.dispose();
    meta.testBitsPerDim = bpd;
    console.log(`realnvp mnist: test bits/dim ${bpd.value.toFixed(3)} ± ${bpd.se.toFixed(3)} (${bpd.n} images); ${trainingSeconds.toFixed(0)} s of training`);
    if (options.classifier) {
      meta.confidentShare = R.temperatures.map((temperature, i) => {
        const s = model.sample(new Rng(100 + i), R.scoreSamples, { temperature });
        const share = confidentShare(options.classifier!, s);
        s.dispose();
        console.log(`realnvp mnist: confident share of samples at temperature ${temperature}: ${share.value.toFixed(3)} ± ${share.se.toFixed(3)}`);
        return { temperature, share: share.value, se: share.se };
      });
    }
  }
  if (out) saveRealNVP(path.join(out, 'realnvp-mnist'), model, meta);
  return model;
}

export async function trainPixelCNN(out: string | undefined, options: { steps?: number } = {}): Promise<PixelCNN> {
  const R = RECIPES.pixelcnn;
  const { train, test } = sets.mnist();
  const model = new PixelCNN(new Rng(R.initSeed), R.config);
  const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
  const t0 = Date.now(), c0 = cpu();
  const { losses } = await fit(model, train, {
    ...R.train, ...(options.steps === undefined ? { epochs: R.epochs } : { steps: options.steps }), progress: false,
    onStep: ({ step, loss, seconds }) => {
      if (step % 50 === 0) console.log(`pixelcnn mnist: step ${step}, loss ${loss.toFixed(1)} nats (${bitsPerDim(-loss, 784).toFixed(3)} bits/dim), ${seconds.toFixed(0)} s`);
    },
  });
  const trainingSeconds = (Date.now() - t0) / 1000, trainingCpuSeconds = cpu() - c0;
  const meta: Record<string, unknown> = { dataset: 'mnist', steps: losses.length, trainingSeconds, trainingCpuSeconds, firstLosses: losses.slice(0, 5), recipe: R };
  if (options.steps === undefined) {
    const grey = test.toTensor();
    const x = dynamicBinarize(new Rng(R.evalSeed), grey);
    const lp = model.logProb(x);
    const nats = estimateMean(Array.from(lp.dataSync()));
    tf.dispose([grey, x, lp]);
    const bpd = { value: bitsPerDim(nats.value, 784), se: nats.se / (784 * Math.LN2), n: nats.n };
    meta.testBitsPerDim = bpd;
    console.log(`pixelcnn mnist: test ${nats.value.toFixed(1)} ± ${nats.se.toFixed(1)} nats, ${bpd.value.toFixed(4)} ± ${bpd.se.toFixed(4)} bits/dim (${nats.n} images); ${losses.length} steps, ${trainingSeconds.toFixed(0)} s (${trainingCpuSeconds.toFixed(0)} s CPU)`);
  }
  if (out) savePixelCNN(path.join(out, 'pixelcnn-mnist'), model, meta);
  return model;
}

export async function trainDCGAN(out: string | undefined, options: { steps?: number; classifier?: ImageClassifier } = {}): Promise<DCGAN> {
  const R = RECIPES.dcgan;
  const { train, test } = sets.mnist();
  const model = new DCGAN(new Rng(R.initSeed), R.config);
  const optimizer = tf.train.adam(R.adam.learningRate, R.adam.beta1, R.adam.beta2);
  const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
  const t0 = Date.now(), c0 = cpu();
  const { losses, terms } = await fit(model, train, {
    ...R.train, steps: options.steps ?? R.steps, optimizer, objective: { type: R.objective }, progress: false,
    onStep: ({ step, terms: t, seconds }) => {
      if (step % 100 === 0) console.log(`dcgan mnist: step ${step}, L_D ${t.discriminator.toFixed(3)}, L_G ${t.generator.toFixed(3)}, ${seconds.toFixed(0)} s`);
    },
  });
  optimizer.dispose();
  const trainingSeconds = (Date.now() - t0) / 1000, trainingCpuSeconds = cpu() - c0;
  const meta: Record<string, unknown> = { dataset: 'mnist', steps: losses.length, trainingSeconds, trainingCpuSeconds, firstLosses: losses.slice(0, 5),
    firstDiscriminatorLosses: terms.discriminator.slice(0, 5), recipe: R };
  if (options.steps === undefined && options.classifier) {
    const n = R.scoreSamples;
    const s = model.sample(new Rng(R.scoreSeed), n);
    // n test digits in a seeded random order: the split is stored class by class, so its first n are not a sample
    const real = test.batch(new Rng(R.scoreSeed + 1).permutation(test.count).slice(0, n));
    const share = confidentShare(options.classifier, s);
    const hist = classHistogram(options.classifier, s);
    const frechet = classifierFrechetDistance(options.classifier, s, real);
    tf.dispose([s, real]);
    meta.sampleMetrics = { samples: n, confidentShare: share.value, confidentShareSE: share.se, frechetDistance: frechet,
      classesCovered: hist.filter((h) => h > 0).length, classHistogram: hist };
    console.log(`dcgan mnist: ${n} samples: confident share ${share.value.toFixed(3)} ± ${share.se.toFixed(3)}, Fréchet distance ${frechet.toFixed(2)}, classes ${hist.join(' ')}; ${losses.length} steps, ${trainingSeconds.toFixed(0)} s (${trainingCpuSeconds.toFixed(0)} s CPU)`);
  }
  if (out) saveDCGAN(path.join(out, 'dcgan-mnist'), model, meta);
  return model;
}

async function main() {
  const args = process.argv.slice(2);
  const what = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a) && args[args.indexOf(a) - 1] !== '--out') ?? 'all';
  const outIdx = args.indexOf('--out'), stepsIdx = args.indexOf('--steps');
  const out = outIdx >= 0 ? args[outIdx + 1] : DATA_DIR;
  const steps = stepsIdx >= 0 ? Number(args[stepsIdx + 1]) : undefined;
  // every core unless LATENT_THREADS says otherwise, as everywhere in the library: the native kernels give the same
  // bits at any thread count, so the checkpoints do not depend on it, only the seconds recorded beside them do (the
  // DDPM's 15-minute budget is judged on its wall seconds, made on a quiet machine)
  await ready();
  const classifiers: Record<string, ImageClassifier> = {};
  for (const n of ['mnist', 'fashion-mnist']) {
    if (what === 'classifiers' || what === 'all' || what === `classifier-${n}`) classifiers[n] = await trainClassifier(n, out, steps);
  }
  for (const n of ['mnist', 'fashion-mnist']) {
    if (what !== `ddpm-${n}` && what !== 'all') continue;
    classifiers[n] ??= ImageClassifier.load(path.join(out === DATA_DIR ? DATA_DIR : out, `classifier-${n}`));
    await trainDDPM(n, out, { steps, classifier: classifiers[n] });
  }
  if (what === 'realnvp-mnist' || what === 'all') {
    classifiers.mnist ??= ImageClassifier.load(path.join(out === DATA_DIR ? DATA_DIR : out, 'classifier-mnist'));
    (await trainRealNVP(out, { steps, classifier: classifiers.mnist })).dispose();
  }
  if (what === 'pixelcnn-mnist' || what === 'all') (await trainPixelCNN(out, { steps })).dispose();
  if (what === 'dcgan-mnist' || what === 'all') {
    // the sample metrics need the scoring classifier (a full run only)
    if (steps === undefined) classifiers.mnist ??= ImageClassifier.load(path.join(out === DATA_DIR ? DATA_DIR : out, 'classifier-mnist'));
    (await trainDCGAN(out, { steps, classifier: classifiers.mnist })).dispose();
  }
  if (what === 'vqvae-mnist' || what === 'all') {
    const { model, prior } = await trainVQVAE(out, { steps });
    model.dispose();
    prior.dispose();
  }
  tf.disposeVariables();
}

if (require.main === module) main().catch((e) => { console.error(e); process.exit(1); });
