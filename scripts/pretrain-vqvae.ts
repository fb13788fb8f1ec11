// The vqvae-mnist recipe of scripts/pretrain.ts (`npx tsx scripts/pretrain.ts vqvae-mnist`): a VQ-VAE
// (src/models/vae/vq-vae.ts) trained on dynamically binarized MNIST digits, then the autoregressive prior
// over its 7×7 code grids (src/models/autoregressive/code-prior.ts) fit by maximum likelihood on the frozen
// encoder's codes of several binarizations of the training digits. Seeded; step counts, not time budgets.
import path from 'path';
import { tf } from '../src/backend/backend';
import { loadMnist } from '../src/data/mnist';
import { dynamicBinarize } from '../src/data/binarize';
import { VQVAE, VQVAEConfig } from '../src/models/vae/vq-vae';
import { CodePrior } from '../src/models/autoregressive/code-prior';
import { saveVQVAE } from '../src/checkpoints/vq-vae';
import { codeUsage } from '../src/models/vae/vector-quantizer';
import { bernoulliLogLikelihood } from '../src/ops/bernoulli-log-likelihood';
import { estimateMean } from '../src/check/monte-carlo';
import { Rng } from '../src/random/rng';
import { fit } from '../src/training/fit';

export const VQVAE_RECIPE = {
  config: { codes: 32, codeDim: 8, channels: [32, 64], beta: 0.25, restartEvery: 50 } as VQVAEConfig,
  /** The seed of the generator the initial weights are drawn from. */
  initSeed: 0,
  train: { seed: 1, batchSize: 64, learningRate: 2e-3 },
  steps: 4000,
  prior: {
    config: { embedding: 16, hiddenDims: [256] },
    initSeed: 0,
    train: { seed: 2, batchSize: 128, learningRate: 2e-3 },
    steps: 3000,
    /** The prior's data: the codes of this many dynamic binarizations of every training digit (seeded). */
    binarizations: 4,
    codeSeed: 3,
  },
  /** The test digits, binarized once with this seed, for the reported numbers. */
  testSeed: 4,
};

/** The encoder's codes [N·draws, 49] of `draws` binarizations of the pixels (in chunks of 1000 images). */
export function codesOf(model: VQVAE, rng: Rng, pixels: tf.Tensor2D, draws: number): tf.Tensor2D {
  const parts: tf.Tensor2D[] = [];
  for (let d = 0; d < draws; d++) {
    for (let s = 0; s < pixels.shape[0]; s += 1000) {
      parts.push(tf.tidy(() => model.encodeCodes(dynamicBinarize(rng, tf.slice(pixels, [s, 0], [Math.min(1000, pixels.shape[0] - s), -1])) as tf.Tensor2D)));
    }
  }
  const all = tf.concat(parts, 0) as tf.Tensor2D;
  tf.dispose(parts);
  return all;
}

/** Fits the code prior of the recipe on the (frozen) model's training codes; returns it and its step losses. */
export async function fitCodePrior(model: VQVAE, steps?: number): Promise<{ prior: CodePrior; losses: number[]; seconds: number }> {
  const R = VQVAE_RECIPE;
  const train = loadMnist('train').toTensor();
  const codes = codesOf(model, new Rng(R.prior.codeSeed), train, R.prior.binarizations);
  train.dispose();
  const prior = new CodePrior(new Rng(R.prior.initSeed), { positions: model.positions, codes: model.config.codes, ...R.prior.config });
  const t0 = Date.now();
  const { losses } = await fit(prior, codes, { ...R.prior.train, steps: steps ?? R.prior.steps, progress: false });
  codes.dispose();
  return { prior, losses, seconds: (Date.now() - t0) / 1000 };
}

export async function trainVQVAE(out: string | undefined, options: { steps?: number } = {}): Promise<{ model: VQVAE; prior: CodePrior }> {
  const R = VQVAE_RECIPE;
  const model = new VQVAE(new Rng(R.initSeed), R.config);
  const t0 = Date.now();
  const result = await fit(model, loadMnist('train'), {
    ...R.train, steps: options.steps ?? R.steps, progress: false,
    onStep: ({ step, loss, terms: t }) => {
      if (step % 250 === 0) {
        console.log(`vqvae mnist: step ${step}, loss ${loss.toFixed(2)} (reconstruction ${t.reconstruction.toFixed(2)} nats, ` +
          `codebook ${t.codebook.toFixed(3)}, commitment ${t.commitment.toFixed(3)}), ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      }
    },
  });
  const trainingSeconds = (Date.now() - t0) / 1000;
  const fitted = await fitCodePrior(model, options.steps);
  const meta: Record<string, unknown> = {
    dataset: 'mnist', steps: result.losses.length, trainingSeconds, priorSteps: fitted.losses.length, priorSeconds: fitted.seconds,
    firstLosses: result.losses.slice(0, 5), firstPriorLosses: fitted.losses.slice(0, 5),
    restarts: (result.terms.restarted ?? []).flatMap((count, i) => (count > 0 ? [{ step: i + 1, count }] : [])), recipe: R,
  };
  if (options.steps === undefined) {
    const test = loadMnist('test').toTensor();
    const x = tf.tidy(() => dynamicBinarize(new Rng(R.testSeed), test)) as tf.Tensor2D;
    test.dispose();
    const codes = model.encodeCodes(x);
    const usage = codeUsage(codes, model.config.codes);
    const lp = fitted.prior.logProb(codes), rec = tf.tidy(() => tf.neg(tf.mean(bernoulliLogLikelihood(x, model.decodeCodes(codes)))));
    const nll = estimateMean(Array.from(lp.dataSync(), (v) => -v));
    meta.test = { reconstructionNats: rec.dataSync()[0], priorNats: nll, priorBits: nll.value / Math.LN2, perplexity: usage.perplexity, used: usage.used, unigramNats: model.positions * usage.entropy };
    console.log(`vqvae mnist: ${trainingSeconds.toFixed(0)} s of VQ-VAE training, ${fitted.seconds.toFixed(0)} s of prior; test codes: ` +
      `${usage.used} of ${model.config.codes} used, perplexity ${usage.perplexity.toFixed(1)}; prior NLL ${nll.value.toFixed(2)} ± ${nll.se.toFixed(2)} nats ` +
      `(${(nll.value / Math.LN2).toFixed(1)} bits) per image; unigram ${(model.positions * usage.entropy).toFixed(1)} nats; reconstruction −log p(x | z_q) ${rec.dataSync()[0].toFixed(1)} nats`);
    tf.dispose([x, codes, lp, rec]);
  }
  if (out) saveVQVAE(path.join(out, 'vqvae-mnist'), model, fitted.prior, meta);
  return { model, prior: fitted.prior };
}
