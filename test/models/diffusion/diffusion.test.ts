// D39–D45 and D50: diffusion as a hierarchical VAE, checked against exact answers.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { Normal, kl, integrate1d, checkMonteCarlo, checkClose, estimateMean, MultivariateNormal, rng } from '../../../src';
import { DiffusionSchedule } from '../../../src/models/diffusion/schedule';
import { diffusionElbo } from '../../../src/models/diffusion/elbo';
import { optimalDenoiser, mixturePosteriorMean, mixtureNoisedScore, noisedMixtureLogDensity } from '../../../src/models/diffusion/optimal-denoiser';
import { TimeMLP, ancestralSample, denoisingLoss } from '../../../src/models/diffusion/denoiser';
import { fit } from '../../../src/training/fit';
import type { Batch } from '../../../src/training/trainable';
import type { Rng } from '../../../src/random/rng';
import { hyvarinenTerms } from '../../../src/inference/score-matching';
import { elbo } from '../../../src/inference/bounds';
import { twoMoons } from '../../../src/data/toy-2d';
import { mmdUnbiased } from '../../../src/inference/mmd';
import { meanAndCovariance } from '../../../src/math/linalg64';
import { Mixture1D } from '../../../src/models/mixtures/mixture-of-gaussians';
import { values } from '../../support/tensors';

const mixture: Mixture1D = { weights: [0.3, 0.7], means: [-2, 1.5], sds: [0.4, 0.6] };
const gaussian: Mixture1D = { weights: [1], means: [0.8], sds: [0.5] };
const logN = (x: number, m: number, v: number) => -0.5 * Math.log(2 * Math.PI * v) - ((x - m) ** 2) / (2 * v);

describe('models/diffusion', () => {
  it('D39: simulating the chain step by step gives q(x_t | x_0) = N(√ᾱ_t x_0, 1 − ᾱ_t)', () => {
    const S = DiffusionSchedule.linear(50, 1e-3, 0.05);
    const g = rng(1);
    const x0 = 1.5, n = 20000;
    const xs = new Float64Array(n).fill(x0);
    for (let t = 1; t <= 30; t++) for (let i = 0; i < n; i++) xs[i] = Math.sqrt(1 - S.betas[t]) * xs[i] + Math.sqrt(S.betas[t]) * g.nextNormal();
    const ab = S.alphaBars[30];
    expect(checkMonteCarlo('mean', xs, Math.sqrt(ab) * x0, { id: 'D39' }).pass).to.equal(true);
    expect(checkMonteCarlo('variance', Array.from(xs, (x) => (x - Math.sqrt(ab) * x0) ** 2), 1 - ab, { id: 'D39' }).pass).to.equal(true);
  });

  it('D40: γ_t, δ_t, σ_t² equal Bayes’ rule q(x_{t−1} | x_t, x_0) ∝ q(x_t | x_{t−1}) q(x_{t−1} | x_0), by quadrature', () => {
    const S = DiffusionSchedule.cosine(20);
    for (const t of [2, 7, 19]) {
      const x0 = 0.7, xt = -0.4;
      const ab = S.alphaBars, b = S.betas[t];
      const logPost = (y: number) => logN(xt, Math.sqrt(1 - b) * y, b) + logN(y, Math.sqrt(ab[t - 1]) * x0, 1 - ab[t - 1]);
      const Z = integrate1d((y) => Math.exp(logPost(y)), -Infinity, Infinity, { panels: 256 });
      const mean = integrate1d((y) => y * Math.exp(logPost(y)), -Infinity, Infinity, { panels: 256 }) / Z;
      const v = integrate1d((y) => (y - mean) ** 2 * Math.exp(logPost(y)), -Infinity, Infinity, { panels: 256 }) / Z;
      const { gamma, delta, sigma2 } = S.posterior(t);
      expect(checkClose(`mean at t=${t}`, gamma * xt + delta * x0, mean, { id: 'D40', rtol: 1e-7, atol: 1e-9 }).pass).to.equal(true);
      expect(checkClose(`variance at t=${t}`, sigma2, v, { id: 'D40', rtol: 1e-7 }).pass).to.equal(true);
    }
  });

  it('D41: each consistency term is the KL between the two Gaussians, δ_t²/(2σ_t²)‖x̂ − x_0‖²', () => {
    const S = DiffusionSchedule.linear(10, 1e-3, 0.1);
    const t = 6, x0 = [0.5, -1], xt = [0.2, 0.3], xhat = [0.9, -0.2];
    const { gamma, delta, sigma2 } = S.posterior(t);
    const mean = (xh: number[]) => xt.map((v, i) => gamma * v + delta * xh[i]);
    const closed = tf.tidy(() => values(kl(new Normal([mean(x0)], Math.sqrt(sigma2), { eventDims: 1 }), new Normal([mean(xhat)], Math.sqrt(sigma2), { eventDims: 1 })))[0]);
    const formula = S.klWeight(t) * ((xhat[0] - x0[0]) ** 2 + (xhat[1] - x0[1]) ** 2);
    expect(closed).to.be.closeTo(formula, 1e-4 * (1 + formula));
  });

  it('D42: with T = 1 the diffusion ELBO is the VAE ELBO (encoder q(x_1|x_0), decoder N(x̂(x_1), β_1), prior N(0, I))', () => {
    const S = DiffusionSchedule.linear(1, 0.3, 0.3);
    const den = optimalDenoiser(gaussian, S);
    const x0 = tf.tensor2d([[0.4], [1.7]]);
    const g = rng(2);
    const reps = 3000;
    const diff = Array.from({ length: reps }, () => diffusionElbo(g, x0, den, S).elbo);
    const ab = S.alphaBars[1], b1 = S.betas[1];
    const logJoint = (x: tf.Tensor, z: tf.Tensor) => tf.tidy(() => {
      const zhat = tf.tensor(Float32Array.from(z.dataSync(), (v) => mixturePosteriorMean(gaussian, ab, v)), z.shape);
      return tf.squeeze(tf.add(tf.sub(tf.div(tf.square(tf.sub(x, zhat)), -2 * b1), 0.5 * Math.log(2 * Math.PI * b1)), tf.sub(tf.mul(tf.square(z), -0.5), 0.5 * Math.log(2 * Math.PI))), [2]);
    });
    const vae = Array.from({ length: reps }, () => tf.tidy(() => values(elbo(g, { x: x0, logJoint, proposal: new Normal(tf.mul(x0, Math.sqrt(ab)), Math.sqrt(1 - ab), { eventDims: 1 }) }))));
    [0, 1].forEach((i) => expect(checkMonteCarlo(`x0[${i}]`, diff.map((e) => e[i]), vae.map((e) => e[i]), { id: 'D42' }).pass).to.equal(true));
    x0.dispose();
  });

  it('D43: for Gaussian data the optimal denoiser’s ELBO is below log p(x_0), and the gap shrinks as T grows', () => {
    const g = rng(3);
    const x0v = Array.from({ length: 400 }, () => gaussian.means[0] + gaussian.sds[0] * g.nextNormal());
    const x0 = tf.tensor2d(x0v.map((v) => [v]));
    const logp = x0v.map((v) => logN(v, gaussian.means[0], gaussian.sds[0] ** 2));
    // the end points of the noise schedule are fixed (log-SNR from 6 to −6), so a larger T only refines the steps
    const gap = (T: number) => {
      const S = DiffusionSchedule.logSnrLinear(T);
      const reps = 20;
      const sums = new Float64Array(x0v.length);
      for (let r = 0; r < reps; r++) diffusionElbo(g, x0, optimalDenoiser(gaussian, S), S).elbo.forEach((e, i) => { sums[i] += e / reps; });
      return estimateMean(logp.map((l, i) => l - sums[i]));
    };
    const g2 = gap(2), g10 = gap(10), g50 = gap(50);
    for (const gp of [g2, g10, g50]) expect(gp.value, 'ELBO < log p').to.be.greaterThan(4 * gp.se);
    expect(g2.value - g10.value).to.be.greaterThan(4 * Math.hypot(g2.se, g10.se));
    expect(g10.value - g50.value).to.be.greaterThan(4 * Math.hypot(g10.se, g50.se));
    x0.dispose();
  });

  it('D44: ε-prediction is x̂_0-prediction reparameterized: ‖ε̂ − ε‖² = ᾱ/(1 − ᾱ) ‖x̂_0 − x_0‖²; the weighted and simple losses differ by per-t weights', () => {
    const S = DiffusionSchedule.cosine(30);
    const g = rng(4);
    tf.tidy(() => {
      const x0 = g.normal([5, 2]), eps = g.normal([5, 2]), x0Hat = g.normal([5, 2]);
      for (const t of [1, 10, 29]) {
        const xt = S.qSample(x0, t, eps);
        const epsHat = S.epsFromX0(xt, x0Hat, t);
        const lhs = values(tf.sum(tf.square(tf.sub(epsHat, eps)), 1));
        const rhs = values(tf.mul(tf.sum(tf.square(tf.sub(x0Hat, x0)), 1), S.alphaBars[t] / (1 - S.alphaBars[t])));
        lhs.forEach((v, i) => expect(v).to.be.closeTo(rhs[i], 1e-3 * (1 + rhs[i])));
        values(S.x0FromEps(xt, epsHat, t)).forEach((v, i) => expect(v).to.be.closeTo(x0Hat.dataSync()[i], 1e-4));
      }
    });
    const model = new TimeMLP(rng(5), 2, S, { hidden: 16 });
    const x = tf.tensor2d([[0.1, 0.2], [1, -1]]);
    for (const kind of ['simple', 'x0', 'weighted'] as const) expect(Number.isFinite(tf.tidy(() => values(denoisingLoss(rng(6), model, x, kind))[0]))).to.equal(true);
    const oneStep = new TimeMLP(rng(7), 2, DiffusionSchedule.cosine(1), { hidden: 4 });
    expect(() => denoisingLoss(rng(6), oneStep, x, 'weighted')).to.throw("denoisingLoss: kind must be 'simple' or 'x0' for a one-step schedule ('weighted' needs T ≥ 2), got 'weighted' with T = 1");
    x.dispose(); model.dispose(); oneStep.dispose();
  });

  it("predict 'logit' (binary data in {−1, 1}): with the network's log-odds h constant, x̂_0 is Bayes' E[y | x_t] under the prior p(y = 1) = σ(h)", () => {
    const S = DiffusionSchedule.logSnrLinear(20, 5, -5);
    const model = new TimeMLP(rng(2), 3, S, { hidden: 8, predict: 'logit' });
    const h = 0.7;  // the bias of the last layer; its weights are zero, so the network ignores x_t
    model.layers[2].variables.forEach((v) => v.assign(v.rank === 1 ? tf.fill(v.shape, h) : tf.zerosLike(v)));
    const xt = [[-1.3, 0.05, 0.9], [2.1, -0.4, 0.3]];
    const x = tf.tensor2d(xt);
    for (const t of [1, 8, 20]) {
      const a = Math.sqrt(S.alphaBars[t]), v = 1 - S.alphaBars[t], prior = 1 / (1 + Math.exp(-h));
      const bayes = xt.flat().map((u) => {
        const up = prior * Math.exp(logN(u, a, v)), down = (1 - prior) * Math.exp(logN(u, -a, v));
        return (up - down) / (up + down);
      });
      values(tf.tidy(() => model.x0Hat(x, t))).forEach((e, i) => expect(e, `t = ${t}, entry ${i}`).to.be.closeTo(bayes[i], 1e-5));
    }
    const y = tf.tensor2d([[1, -1, 1], [-1, -1, 1]]);
    for (const kind of ['simple', 'x0', 'weighted'] as const) expect(Number.isFinite(tf.tidy(() => values(denoisingLoss(rng(6), model, y, kind))[0]))).to.equal(true);
    expect(() => new TimeMLP(rng(0), 3, S, { predict: 'logits' as 'logit' })).to.throw("TimeMLP: predict must be 'eps', 'x0' or 'logit'");
    tf.dispose([x, y]); model.dispose();
  });

  it('fit prepares each batch outside the gradient tape (TimeMLP.prepareBatch): the same losses as denoisingLoss inside it, for every loss', async () => {
    const S = DiffusionSchedule.cosine(20);
    const data = Array.from({ length: 64 }, (_, i) => [Math.cos(i), Math.sin(2 * i)]);
    for (const [kind, predict] of [['simple', 'eps'], ['x0', 'eps'], ['weighted', 'eps'], ['weighted', 'logit'], ['simple', 'logit']] as const) {
      const a = new TimeMLP(rng(3), 2, S, { hidden: 16, predict }), b = new TimeMLP(rng(3), 2, S, { hidden: 16, predict });
      const opts = { steps: 6, seed: 4, batchSize: 16, learningRate: 2e-3, progress: false };
      const prepared = (await fit(a, data, { ...opts, objective: kind })).losses;
      const inside = (await fit({ variables: b.variables, trainingLoss: (r: Rng, batch: Batch) => denoisingLoss(r, b, batch.x, kind) }, data, opts)).losses;
      prepared.forEach((v, i) => expect(v, `${kind} step ${i}`).to.be.closeTo(inside[i], 1e-5 * (1 + Math.abs(v))));
      expect(prepared[5]).to.not.equal(prepared[0]);
      a.dispose(); b.dispose();
    }
  });

  it('D45: Tweedie — (√ᾱ E[x_0|x_t] − x_t)/(1 − ᾱ) is the exact score, for Gaussian and mixture data', () => {
    const S = DiffusionSchedule.cosine(20);
    for (const data of [gaussian, mixture]) {
      for (const t of [1, 8, 18]) {
        const ab = S.alphaBars[t];
        for (const x of [-2.5, -0.3, 1.1, 2.9]) {
          const tweedie = tf.tidy(() => values(S.scoreFromX0(tf.scalar(x), tf.scalar(mixturePosteriorMean(data, ab, x)), t))[0]);
          const h = 1e-5;
          const fd = (noisedMixtureLogDensity(data, ab, x + h) - noisedMixtureLogDensity(data, ab, x - h)) / (2 * h);
          expect(tweedie, `t=${t} x=${x}`).to.be.closeTo(mixtureNoisedScore(data, ab, x), 1e-4 * (1 + Math.abs(fd)));
          expect(mixtureNoisedScore(data, ab, x)).to.be.closeTo(fd, 1e-5 * (1 + Math.abs(fd)));
        }
      }
    }
  });

  it('D50: Hyvärinen’s objective and ½E‖s_θ − ∇log p‖² differ by the same constant for every θ', () => {
    const m = 0.8, s2 = 0.25;
    const g = rng(7);
    const xs = tf.tensor2d(Array.from({ length: 20000 }, () => [m + Math.sqrt(s2) * g.nextNormal()]));
    const xv = Array.from(xs.dataSync());
    const diffs = [[1, 0], [-2, 1], [-4, 3.2]].map(([a, b]) => {
      const J = hyvarinenTerms((x) => tf.add(tf.mul(x, a), b) as tf.Tensor2D, xs);
      // per sample: J_n − ½(s_θ(x_n) − ∇ log p(x_n))², whose mean should be −½E[(x − m)²]/s2² = −1/(2 s2)
      return Array.from(J, (j, i) => j - 0.5 * (a * xv[i] + b + (xv[i] - m) / s2) ** 2);
    });
    diffs.forEach((d) => expect(checkMonteCarlo('difference = −1/(2s²)', d, -1 / (2 * s2), { id: 'D50' }).pass).to.equal(true));
    xs.dispose();
  });

  it('a time-conditioned MLP trained on two moons samples closer (MMD) to held-out points than a fitted Gaussian; no leaks', async function () {
    this.timeout(120_000);
    const train = twoMoons(rng(8), 2000, { noise: 0.05 }), held = twoMoons(rng(9), 500, { noise: 0.05 });
    const S = DiffusionSchedule.cosine(40);
    const model = new TimeMLP(rng(10), 2, S, { hidden: 128 });
    const before = tf.memory().numTensors;
    const { losses } = await fit(model, train, { steps: 1500, seed: 11, batchSize: 256, learningRate: 2e-3, progress: false });
    expect(tf.memory().numTensors).to.equal(before);
    expect(estimateMean(losses.slice(-100)).value).to.be.lessThan(estimateMean(losses.slice(0, 100)).value);
    const samples = ancestralSample(rng(12), model.denoiser, S, { samples: 500, dim: 2 });
    const { mean, cov } = meanAndCovariance(train);
    const gauss = new MultivariateNormal({ loc: mean, covariance: cov.to2DArray() });
    const score = (s: tf.Tensor) => tf.tidy(() => values(mmdUnbiased(s as tf.Tensor2D, tf.tensor2d(held), { kernel: 'rbf', scale: 0.2 }))[0]);
    const mDiff = score(samples), mGauss = tf.tidy(() => score(gauss.sample(rng(13), 500)));
    expect(mDiff, `MMD² diffusion ${mDiff} vs Gaussian ${mGauss}`).to.be.lessThan(mGauss / 2);
    samples.dispose();
    model.dispose();
  });
});
