// The evaluator's numbers against exact answers: enumeration (MADE), 1-D quadrature (a VAE with one latent
// dimension), closed forms (a dequantized Gaussian flow, a one-step diffusion), and the Fréchet distance
// of shifted features (D31, D41, D46, D47).
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { rng, integrate1d } from '../../src';
import { ElementwiseAffine } from '../../src/models/flows/layers';
import { FlowDistribution } from '../../src/models/flows/flow-distribution';
import { DiffusionSchedule } from '../../src/models/diffusion/schedule';
import { estimateMean } from '../../src/check/monte-carlo';
import { MADE } from '../../src/models/autoregressive/made';
import { RichVAE } from '../../src/models/vae/rich-vae';
import {
  bitsPerDim, logNormalCdf, evaluateLikelihoods, madeLikelihood, richVAELikelihood, vaeLikelihood, dequantizedFlowLikelihood,
  diffusionLikelihood, featureFrechetDistance, convVAELikelihood,
} from '../../src/evaluation/log-likelihood';
import { ConvVAE } from '../../src/models/vae/conv-vae';

const allBinary = (D: number) => Array.from({ length: 2 ** D }, (_, i) => Array.from({ length: D }, (__, d) => (i >> d) & 1));
const PHI = (a: number) => 0.5 * (1 + erf(a / Math.SQRT2));
function erf(x: number): number { // float64 series / continued fraction good to ~1e-15 for |x| < 3
  let sum = x, term = x;
  for (let n = 1; n < 200; n++) { term *= -x * x / n; sum += term / (2 * n + 1); }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

describe('evaluation/log-likelihood: one evaluator, nats and bits per dimension', () => {
  it('bitsPerDim: −D ln 2 nats is 1 bit per dimension; logNormalCdf is right in both tails', () => {
    expect(bitsPerDim(-784 * Math.LN2, 784)).to.be.closeTo(1, 1e-12);
    expect(Math.exp(logNormalCdf(0))).to.be.closeTo(0.5, 1e-7);
    for (const a of [-2.5, -1, 0.3, 1.96]) expect(Math.exp(logNormalCdf(a))).to.be.closeTo(PHI(a), 2e-7);
    // far tails: log Φ(−10) = −53.2312851505..., log Φ(10) = −7.6e−24
    expect(logNormalCdf(-10)).to.be.closeTo(-53.23128515051247, 1e-5);
    expect(logNormalCdf(10)).to.be.closeTo(0, 1e-12);
    expect(Number.isFinite(logNormalCdf(-40))).to.equal(true);
  });

  it('MADE through the evaluator: exact, and the probabilities of all 2^5 vectors sum to 1', () => {
    const made = new MADE(rng(2), { inputDim: 5, hiddenDims: [8] });
    tf.tidy(() => made.variables.forEach((v) => v.assign(tf.mul(v, 3))));
    const x = tf.tensor2d(allBinary(5));
    const [r] = evaluateLikelihoods(rng(1), [madeLikelihood(made)], x, { batchSize: 7 });
    expect(r.kind).to.equal('exact');
    expect(r.perPoint.reduce((s, v) => s + Math.exp(v), 0)).to.be.closeTo(1, 1e-5);
    expect(r.bitsPerDim.value).to.be.closeTo(-r.nats.value / (5 * Math.LN2), 1e-12);
    x.dispose(); made.dispose();
  });

  it('a VAE with one latent dimension: the importance-sampled log p(x) matches 1-D quadrature within 4 SE (D31)', () => {
    for (const config of [{ flowLayers: 0 }, { flowLayers: 2, prior: { type: 'mixture', components: 3 } as const }]) {
      const m = new RichVAE(rng(3), { inputDim: 6, latentDim: 1, hiddenDim: 8, ...config });
      tf.tidy(() => m.base.dec2.W.assign(tf.mul(m.base.dec2.W, 4)));
      // the encoder's σ tripled (its log-std bias + log 3): an untrained flow posterior can be narrower than the
      // posterior (two planar steps can shrink it by half), and then the weights are heavy-tailed and L_400 is
      // biased below log p(x) by more than its spread; a proposal wider than the target keeps the 4-SE check valid (D10)
      tf.tidy(() => m.base.enc2.b.assign(tf.add(m.base.enc2.b, tf.tensor1d([0, Math.log(3)]))));
      const x = tf.tensor2d([[1, 0, 1, 1, 0, 0], [0, 0, 1, 0, 1, 1]]);
      // exact: log ∫ p(x | z) p(z) dz on a fine grid of z
      const exact = [0, 1].map((b) => {
        const row = tf.slice(x, [b, 0], [1, -1]);
        const f = (z: number) => tf.tidy(() => {
          const zt = tf.tensor3d([[[z]]]);
          return Math.exp(m.base.logLikelihood(row, zt).dataSync()[0] + m.logPrior(tf.tensor2d([[z]])).dataSync()[0]);
        });
        const v = Math.log(integrate1d(f, -8, 8, { panels: 64 }));
        row.dispose();
        return v;
      });
      const runs = Array.from({ length: 12 }, (_, s) => richVAELikelihood(m, { samples: 400 }).logLikelihood(rng(10 + s), x));
      [0, 1].forEach((b) => {
        const e = estimateMean(runs.map((r) => r[b]));
        expect(Math.abs(e.value - exact[b]), `${JSON.stringify(config)} point ${b}`).to.be.at.most(4 * e.se + 1e-3);
      });
      if (config.flowLayers === 0) {
        // the plain VAE's evaluator (the library's importanceSampledLogLikelihood) agrees too
        const vs = Array.from({ length: 12 }, (_, s) => vaeLikelihood(m.base, { samples: 400 }).logLikelihood(rng(40 + s), x));
        [0, 1].forEach((b) => { const e = estimateMean(vs.map((r) => r[b])); expect(Math.abs(e.value - exact[b])).to.be.at.most(4 * e.se + 1e-3); });
      }
      x.dispose(); m.dispose();
    }
  });

  it('the conv VAE with one latent dimension: the importance-sampled log p(x) matches a fine Riemann sum over z within 4 SE (D31)', () => {
    const vae = new ConvVAE(rng(5), { latent: 1, channels: [2, 4] });
    // sharper than at initialization, so that the posterior is narrow and importance sampling has work to do
    tf.tidy(() => vae.variables.forEach((v) => v.assign(tf.mul(v, 2))));
    const x = tf.tidy(() => tf.cast(tf.greater(rng(6).uniform([2, 784]), 0.8), 'float32')) as tf.Tensor2D;
    // exact: log ∫ p(x | z) N(z; 0, 1) dz in log space on 4001 points of [−8, 8]
    const n = 4001, h = 16 / (n - 1);
    const exact = tf.tidy(() => {
      const z = tf.linspace(-8, 8, n).reshape([n, 1]) as tf.Tensor2D;
      const logits = vae.decode(z);
      const logPz = tf.sub(tf.mul(tf.square(tf.reshape(z, [n])), -0.5), 0.5 * Math.log(2 * Math.PI));
      return [0, 1].map((b) => {
        const xb = tf.tile(tf.slice(x, [b, 0], [1, -1]), [n, 1]);
        const ll = tf.sum(tf.sub(tf.mul(xb, logits), tf.softplus(logits)), 1);
        return tf.logSumExp(tf.add(ll, logPz)).dataSync()[0] + Math.log(h);
      });
    });
    const runs = Array.from({ length: 12 }, (_, s) => convVAELikelihood(vae, { samples: 200 }).logLikelihood(rng(20 + s), x));
    [0, 1].forEach((b) => {
      const e = estimateMean(runs.map((r) => r[b]));
      expect(Math.abs(e.value - exact[b]), `point ${b}`).to.be.at.most(4 * e.se + 1e-3);
    });
    x.dispose();
    vae.dispose();
  });

  it('a dequantized flow: the bound E_u log p(x + u − 1) matches its closed form within 4 SE and stays below log P(x) (D46)', () => {
    // the identity flow with base N(0, I): E_u log N(y) = −½ log 2π − ½ E y², y ~ U[x − 1, x)
    const flow = new FlowDistribution(3, [new ElementwiseAffine(3)]);
    const rows = allBinary(3);
    const x = tf.tensor2d(rows);
    const runs = Array.from({ length: 30 }, (_, s) => dequantizedFlowLikelihood(flow).logLikelihood(rng(20 + s), x));
    rows.forEach((row, b) => {
      const closed = row.reduce((s, v) => s - 0.5 * Math.log(2 * Math.PI) - 0.5 * (v ** 3 - (v - 1) ** 3) / 3, 0);
      const logP = row.reduce((s, v) => s + Math.log(PHI(v) - PHI(v - 1)), 0);
      const e = estimateMean(runs.map((r) => r[b]));
      expect(Math.abs(e.value - closed)).to.be.at.most(4 * e.se);
      expect(closed).to.be.below(logP);
    });
    x.dispose();
  });

  it('a one-step diffusion with the denoiser x̂ = x_1/√ᾱ_1: its discrete ELBO matches quadrature within 4 SE (D41, D42)', () => {
    const schedule = new DiffusionSchedule([0.3]);
    const abar = schedule.alphaBars[1], sd = Math.sqrt(schedule.betas[1]);
    const denoise = (xt: tf.Tensor2D) => tf.tidy(() => tf.div(xt, Math.sqrt(abar)) as tf.Tensor2D);
    const D = 4;
    // y_d x̂_d = 1 + c ε with c = √((1 − ᾱ)/ᾱ); reconstruction = D · E log Φ((1 + cε)/sd); prior KL in closed form
    const c = Math.sqrt((1 - abar) / abar);
    const rec = D * integrate1d((e) => Math.exp(-0.5 * e * e) / Math.sqrt(2 * Math.PI) * logNormalCdf((1 + c * e) / sd), -9, 9, { panels: 64 });
    // KL(N(√ᾱ y, (1 − ᾱ) I) ‖ N(0, I)) = ½ Σ_d [ᾱ y_d² + (1 − ᾱ) − 1 − log(1 − ᾱ)], y_d² = 1
    const priorKL = 0.5 * D * (abar + (1 - abar) - 1 - Math.log(1 - abar));
    const exact = rec - priorKL;
    const x = tf.tensor2d([[1, 0, 1, 1], [0, 0, 0, 1]]);
    const runs = Array.from({ length: 200 }, (_, s) => diffusionLikelihood(denoise, schedule).logLikelihood(rng(100 + s), x));
    for (const b of [0, 1]) {
      const e = estimateMean(runs.map((r) => r[b]));
      expect(Math.abs(e.value - exact)).to.be.at.most(4 * e.se);
      expect(e.value).to.be.below(0);
    }
    x.dispose();
  });

  it('featureFrechetDistance: 0 for the same features, ‖v‖² for features shifted by v (D47)', () => {
    const r = rng(5);
    const a = Array.from({ length: 50 }, () => [r.nextNormal(), r.nextNormal() * 2, r.nextNormal() + 1]);
    const v = [0.5, -1, 2];
    expect(featureFrechetDistance(a, a)).to.be.closeTo(0, 1e-6);
    expect(featureFrechetDistance(a, a.map((row) => row.map((q, j) => q + v[j])))).to.be.closeTo(0.25 + 1 + 4, 1e-6);
    const t = tf.tensor2d(a);
    expect(featureFrechetDistance(t, a)).to.be.closeTo(0, 1e-5);
    t.dispose();
  });

  it('bad inputs: non-binary data, too few points, an empty list, mismatched features', () => {
    const made = new MADE(rng(0), { inputDim: 3, hiddenDims: [4] });
    const x = tf.tensor2d([[0, 0.5, 1], [1, 1, 0]]);
    expect(() => evaluateLikelihoods(rng(1), [madeLikelihood(made)], x)).to.throw('evaluateLikelihoods: x must be binary (0 or 1), got 0.5 at flat index 1');
    const one = tf.tensor2d([[0, 1, 1]]);
    expect(() => evaluateLikelihoods(rng(1), [madeLikelihood(made)], one)).to.throw('evaluateLikelihoods: x must have at least 2 points (rows) for a standard error, got 1');
    expect(() => evaluateLikelihoods(rng(1), [], one)).to.throw('evaluateLikelihoods: evaluators must be a non-empty array');
    expect(() => featureFrechetDistance([[1, 2], [3, 4]], [[1], [2]])).to.throw("featureFrechetDistance: b must have a's feature size (2), got 1");
    expect(() => featureFrechetDistance(one, [[1, 2, 3], [4, 5, 6]])).to.throw('featureFrechetDistance: a must be');
    tf.dispose([x, one]); made.dispose();
  });
});
