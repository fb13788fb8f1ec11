// The VAE's log-weights and the Rényi family built from them (D26, D27), computed by ll.infer's bounds.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { VAE, rng } from '../../../src';
import { logMeanExp } from '../../../src/math/log-space';
import { estimateMean } from '../../../src/check/monte-carlo';
import { renyiFromLogWeights } from '../../../src/inference/bounds';

const read = (t: tf.Tensor) => { const v = Array.from(t.dataSync()); t.dispose(); return v; };

describe('models/vae: log w = log p(x, z) − log q(z | x) and the Rényi bounds', () => {
  let vae: VAE;
  let x: tf.Tensor2D;
  before(() => {
    vae = new VAE(rng(5), { inputDim: 10, latentDim: 3, hiddenDim: 12 });
    tf.tidy(() => vae.dec2.W.assign(tf.mul(vae.dec2.W, 4)));
    x = tf.tidy(() => tf.cast(tf.greater(rng(2).uniform([4, 10]), 0.5), 'float32')) as tf.Tensor2D;
  });
  after(() => { vae.dispose(); x.dispose(); });

  it('on fixed weights: α = 1 is the mean (ELBO), α = 0 the log-mean-exp (IWAE), and L_α does not increase with α', () => {
    const logW = tf.tidy(() => tf.mul(rng(3).normal([50, 4]), 3));
    const mean = read(tf.mean(logW, 0)), lme = read(logMeanExp(logW, 0));
    read(renyiFromLogWeights(logW, 1)).forEach((v, i) => expect(v).to.be.closeTo(mean[i], 1e-5));
    read(renyiFromLogWeights(logW, 0)).forEach((v, i) => expect(v).to.be.closeTo(lme[i], 1e-5));
    // continuity at α = 1 (the formula's limit)
    read(renyiFromLogWeights(logW, 1 - 1e-3)).forEach((v, i) => expect(v).to.be.closeTo(mean[i], 0.05));
    const alphas = [-1, 0, 0.25, 0.5, 0.75, 1, 2];
    const byAlpha = alphas.map((a) => read(renyiFromLogWeights(logW, a)));
    for (let k = 1; k < alphas.length; k++) byAlpha[k].forEach((v, i) => expect(v).to.be.at.most(byAlpha[k - 1][i] + 1e-4));
    logW.dispose();
  });

  it('E[log w] is the analytic-KL ELBO, within 4 standard errors (D14, D26)', () => {
    const logW = vae.logWeights(rng(4), x, { samples: 4000 });
    const w = logW.arraySync() as number[][];
    // single-sample analytic-KL ELBOs of 4000 copies of x: their mean and its standard error per point
    const single = tf.tidy(() => tf.reshape(vae.elbo(rng(5), tf.tile(x, [4000, 1])), [4000, 4])).arraySync() as number[][];
    for (let b = 0; b < 4; b++) {
      const e = estimateMean(w.map((row) => row[b]));
      const a = estimateMean(single.map((row) => row[b]));
      expect(Math.abs(e.value - a.value)).to.be.at.most(4 * Math.hypot(e.se, a.se));
    }
    logW.dispose();
  });

  it('VAE.renyiBound: α = 0 with K samples equals the VAE\'s IWAE bound on the same draws; no tensor leaks', () => {
    const before = tf.memory().numTensors;
    const r0 = read(vae.renyiBound(rng(6), x, { alpha: 0, samples: 7 }));
    const iw = read(vae.iwae(rng(6), x, { samples: 7 }));
    r0.forEach((v, i) => expect(v).to.be.closeTo(iw[i], 1e-4));
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('bad arguments name the function and the argument', () => {
    expect(() => vae.renyiBound(rng(1), x, { alpha: NaN, samples: 2 })).to.throw('VAE.renyiBound: alpha must be a finite number');
    expect(() => vae.logWeights(rng(1), x, { samples: 0 })).to.throw('VAE.logWeights: samples must be');
    expect(() => renyiFromLogWeights(tf.zeros([0, 2]), 0.5)).to.throw('renyiFromLogWeights: logWeights must be');
  });
});
