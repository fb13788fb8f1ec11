// The two-layer VAE: its importance-sampled log p(x) against 2-D quadrature of ∫∫ p(x|z₁)p(z₁|z₂)p(z₂)
// (M₁ = M₂ = 1), its ELBO's parts against the log-weights (D12, D14, D17, D26, D31).
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { rng, loadMnist } from '../../../src';
import { quadratureRule } from '../../../src/check/quadrature';
import { estimateMean } from '../../../src/check/monte-carlo';
import { HierarchicalVAE } from '../../../src/models/vae/hierarchical-vae';
import { importanceLogLikelihood } from '../../../src/evaluation/log-likelihood';
import { fit } from '../../../src/training/fit';

describe('models/vae/hierarchical-vae: two stochastic layers', () => {
  let m: HierarchicalVAE;
  let x: tf.Tensor2D;
  before(() => {
    m = new HierarchicalVAE(rng(4), { inputDim: 6, latentDims: [1, 1], hiddenDim: 10, topHiddenDim: 8 });
    // sharper conditionals than at initialization, so the posterior is far from the prior
    tf.tidy(() => { m.layers.pxb.W.assign(tf.mul(m.layers.pxb.W, 4)); m.layers.p1b.W.assign(tf.mul(m.layers.p1b.W, 3)); });
    x = tf.tensor2d([[1, 0, 1, 1, 0, 0], [0, 1, 1, 0, 1, 1]]);
  });
  after(() => { m.dispose(); x.dispose(); });

  it('log p(x) by importance sampling matches 2-D quadrature within 4 SE, and the ELBO stays below it', () => {
    const rule = quadratureRule(-7, 7, { panels: 40 });
    const z1s = tf.tensor1d(rule.points), n = rule.points.length;
    // grid [n (z₂), n (z₁)]: log p(x|z₁) + log p(z₁|z₂) + log p(z₂)
    const exact = [0, 1].map((b) => tf.tidy(() => {
      const row = tf.slice(x, [b, 0], [1, -1]);
      const logPx = m.layers.pxb.apply(m.layers.pxa.applyRelu(tf.reshape(z1s, [n, 1])));
      const lpx = tf.sum(tf.sub(tf.mul(row, logPx), tf.softplus(logPx)), -1); // [n] over z₁
      const p1 = m.prior1(tf.reshape(z1s, [n, 1])); // z₂ on the same nodes: mean, logStd [n, 1]
      const u = tf.div(tf.sub(tf.reshape(z1s, [1, n]), p1.mean), tf.exp(p1.logStd)); // [n z₂, n z₁]
      const lp1 = tf.sub(tf.mul(tf.square(u), -0.5), tf.add(p1.logStd, 0.5 * Math.log(2 * Math.PI)));
      const lpz2 = tf.sub(tf.mul(tf.square(z1s), -0.5), 0.5 * Math.log(2 * Math.PI));
      const logW = tf.log(tf.tensor1d(rule.weights));
      const total = tf.add(tf.add(tf.add(lp1, tf.reshape(tf.add(lpx, logW), [1, n])), tf.reshape(tf.add(lpz2, logW), [n, 1])), 0);
      return tf.logSumExp(total).dataSync()[0];
    }));
    z1s.dispose();
    const runs = Array.from({ length: 12 }, (_, s) => importanceLogLikelihood(rng(30 + s), (r, xb, k) => m.logWeights(r, xb, { samples: k }), x, { samples: 500 }));
    const elbo = tf.tidy(() => Array.from(m.elbo(rng(3), x, { samples: 4000 }).dataSync()));
    [0, 1].forEach((b) => {
      const e = estimateMean(runs.map((r) => r[b]));
      expect(Math.abs(e.value - exact[b]), `point ${b}`).to.be.at.most(4 * e.se + 1e-3);
      expect(elbo[b]).to.be.below(exact[b]);
    });
  });

  it('the ELBO\'s parts (KL of z₂ in closed form) have the same mean as the log-weights, within 4 SE', () => {
    const n = 3000;
    const terms = tf.tidy(() => Array.from(m.elbo(rng(5), tf.tile(x, [n, 1])).dataSync()));
    const w = tf.tidy(() => Array.from(m.logWeights(rng(6), tf.tile(x, [n, 1])).dataSync()));
    [0, 1].forEach((b) => {
      const a = estimateMean(terms.filter((_, i) => i % 2 === b));
      const c = estimateMean(w.filter((_, i) => i % 2 === b));
      expect(Math.abs(a.value - c.value)).to.be.at.most(4 * Math.hypot(a.se, c.se));
    });
    const t = m.elboTerms(rng(7), x, { samples: 10 });
    const [rec, kl1, kl2, el] = [t.reconstruction, t.kl1, t.kl2, t.elbo].map((v) => Array.from(v.dataSync()));
    el.forEach((v, i) => expect(v).to.be.closeTo(rec[i] - kl1[i] - kl2[i], 1e-4));
    kl2.forEach((v) => expect(v).to.be.at.least(0));
    tf.dispose(t);
  });

  it('trains on digits (the loss falls), samples, counts active units per layer, and does not leak', async () => {
    const h = new HierarchicalVAE(rng(1), { inputDim: 784, latentDims: [8, 4], hiddenDim: 64, topHiddenDim: 32 });
    const r = await fit(h, loadMnist('train').take(500), { epochs: 3, seed: 2, batchSize: 50, progress: false });
    expect(r.epochs[2].loss).to.be.below(r.epochs[0].loss - 10);
    const before = tf.memory().numTensors;
    const s = h.sample(rng(3), 4);
    expect(s.shape).to.deep.equal([4, 784]);
    s.dispose();
    const xt = loadMnist('test').take(50).toTensor();
    const au = h.activeUnits(xt);
    expect(au.layer1).to.be.within(0, 8);
    expect(au.layer2).to.be.within(0, 4);
    tf.dispose([h.loss(rng(4), xt, { type: 'iwae', samples: 3 }), xt]);
    expect(tf.memory().numTensors, 'tensors leaked').to.equal(before);
    h.dispose();
  });

  it('bad configurations are errors naming the argument', () => {
    expect(() => new HierarchicalVAE(rng(0), { inputDim: 4, latentDims: [2, 0] })).to.throw('HierarchicalVAE: latentDims[1] must be a positive integer, got 0');
    expect(() => new HierarchicalVAE(rng(0), { inputDim: 4, latentDims: [2] as never })).to.throw('HierarchicalVAE: latentDims must be [M1, M2]');
  });
});
