// Training with the IWAE and Rényi bounds, and the comparison with ELBO training (D26, D27, D31, D32).
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { VAE, rng, loadMnist } from '../../../src';
import { estimateMean } from '../../../src/check/monte-carlo';
import { compareTrainingObjectives, objectiveLabel, spreadIndices } from '../../../src/models/vae/iwae-training';

const read = (t: tf.Tensor) => { const v = t.dataSync()[0]; t.dispose(); return v; };

describe('models/vae/iwae-training: IWAE and Rényi objectives against the ELBO', () => {
  it('VAE.loss with { type: "renyi" }: α = 0 is the IWAE loss and α = 1 the Monte Carlo ELBO loss on the same draws', () => {
    const vae = new VAE(rng(2), { inputDim: 10, latentDim: 3, hiddenDim: 12 });
    const x = tf.tidy(() => tf.cast(tf.greater(rng(1).uniform([5, 10]), 0.5), 'float32'));
    const iw = read(vae.loss(rng(3), x, { type: 'iwae', samples: 6 }));
    expect(read(vae.loss(rng(3), x, { type: 'renyi', alpha: 0, samples: 6 }))).to.be.closeTo(iw, 1e-4);
    // α = 1 with K samples: −mean log w, i.e. the K-sample ELBO with the Monte Carlo KL
    const mc = read(tf.tidy(() => tf.neg(tf.mean(vae.elbo(rng(4), x, { samples: 6, kl: 'monte-carlo' })))));
    expect(read(vae.loss(rng(4), x, { type: 'renyi', alpha: 1, samples: 6 }))).to.be.closeTo(mc, 1e-4);
    // L_α falls with α on the same draws, so the loss rises
    const losses = [-1, 0, 0.5, 1, 2].map((alpha) => read(vae.loss(rng(5), x, { type: 'renyi', alpha, samples: 6 })));
    for (let k = 1; k < losses.length; k++) expect(losses[k]).to.be.at.least(losses[k - 1] - 1e-4);
    expect(() => vae.loss(rng(1), x, { type: 'renyi', alpha: 0.5, samples: 0 })).to.throw('VAE.loss: samples must be a positive integer, got 0');
    x.dispose(); vae.dispose();
  });

  it('compareTrainingObjectives: one row per objective with ELBO ≤ L_K ≤ log p̂(x) (within SE) and a positive gap', async function () {
    this.timeout(120000);
    const rows = await compareTrainingObjectives(rng(0), loadMnist('train').take(2000), loadMnist('test'), {
      objectives: [{ type: 'elbo' }, { type: 'iwae', samples: 5 }, { type: 'renyi', alpha: 0.5, samples: 5 }],
      steps: 15, latentDim: 8, hiddenDim: 100, testPoints: 40, evalSamples: 300, elboSamples: 20,
    });
    expect(rows.map((r) => r.label)).to.deep.equal(['ELBO', 'IWAE (K = 5)', 'Rényi (α = 0.5, K = 5)']);
    // paired over the same points: mean(a − b) ≥ −4 SE
    const atLeast = (a: Float64Array, b: Float64Array, what: string) => {
      const d = estimateMean(a.map((v, i) => v - b[i]));
      expect(d.value, what).to.be.at.least(-4 * d.se);
      return d;
    };
    expect(rows[0].gainOverFirst.value).to.equal(0);
    const gain = estimateMean(rows[1].perPoint.logLikelihood.map((v, i) => v - rows[0].perPoint.logLikelihood[i]));
    expect(rows[1].gainOverFirst.value).to.be.closeTo(gain.value, 1e-9);
    for (const r of rows) {
      atLeast(r.perPoint.trainingBound, r.perPoint.elbo, `${r.label}: training bound ≥ ELBO`);
      atLeast(r.perPoint.logLikelihood, r.perPoint.trainingBound, `${r.label}: log p̂ ≥ training bound`);
      expect(r.gap.value, r.label).to.be.greaterThan(4 * r.gap.se);
      expect(r.bitsPerDim.value).to.be.closeTo(-r.logLikelihood.value / (784 * Math.LN2), 1e-9);
      expect(r.activeUnits).to.be.within(0, 8);
      expect(r.klPerDimension.length).to.equal(8);
      r.model.dispose();
    }
  });

  it('spreadIndices covers a sorted test set evenly; labels read well', () => {
    expect(spreadIndices(10, 5)).to.deep.equal([0, 2, 4, 6, 8]);
    expect(spreadIndices(3, 5)).to.deep.equal([0, 1, 2]);
    const test = loadMnist('test');
    const classes = new Set(spreadIndices(test.count, 100).map((i) => test.labels[i]));
    expect(classes.size).to.equal(10);
    expect(objectiveLabel({ type: 'elbo', beta: 4 })).to.equal('β-VAE (β = 4)');
    expect(() => spreadIndices(10, 0)).to.throw('spreadIndices: n must be a positive integer, got 0');
  });
});
