// The VAE with a planar-flow posterior and mixture / VampPrior priors: densities that integrate to 1,
// log-determinants against finite differences (D35, D36), and the plain case equal to the lectures' VAE.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { rng, loadMnist } from '../../../src';
import { estimateMean } from '../../../src/check/monte-carlo';
import { RichVAE } from '../../../src/models/vae/rich-vae';
import { planarStep } from '../../../src/models/flows/layers';
import { fit } from '../../../src/training/fit';
import { posteriorNormalization } from '../../support/posterior-normalization';

const read = (t: tf.Tensor) => { const v = Array.from(t.dataSync()); t.dispose(); return v; };
const binary = (seed: number, b: number, d: number) => tf.tidy(() => tf.cast(tf.greater(rng(seed).uniform([b, d]), 0.5), 'float32')) as tf.Tensor2D;

/** E_{z ~ r}[exp(logDensity(z)) / r(z)] with r = N(0, s² I): 1 for a normalized density. */
function normalization(logDensity: (z: tf.Tensor) => tf.Tensor, M: number, s: number, n: number, seed: number) {
  const ratios = tf.tidy(() => {
    const z = tf.mul(rng(seed).normal([n, M]), s);
    const logR = tf.sub(tf.mul(tf.sum(tf.square(z), -1), -0.5 / (s * s)), M * (Math.log(s) + 0.5 * Math.log(2 * Math.PI)));
    return tf.exp(tf.sub(logDensity(z), logR));
  });
  return estimateMean(read(ratios));
}

describe('models/vae/rich-vae: flow posteriors and richer priors', () => {
  it('with no flow and the standard prior it is the lectures\' VAE: the same log-weights on the same draws', () => {
    const m = new RichVAE(rng(3), { inputDim: 8, latentDim: 3, hiddenDim: 10 });
    const x = binary(1, 5, 8);
    const a = read(m.logWeights(rng(2), x, { samples: 4 }));
    const b = read(m.base.logWeights(rng(2), x, { samples: 4 }));
    a.forEach((v, i) => expect(v).to.be.closeTo(b[i], 1e-4));
    x.dispose(); m.dispose();
  });

  it('planarStep\'s log-determinant equals log|det| of the finite-difference Jacobian, and û keeps it invertible', () => {
    const M = 3;
    const u = tf.tensor2d([[2.0, -1.5, 0.3]]), w = tf.tensor2d([[-1.2, 0.8, 0.5]]), b = tf.tensor1d([0.4]);
    const z0 = [0.3, -0.7, 1.1];
    const f = (z: number[]) => { const r = planarStep(tf.tensor3d([[z]]), u, w, b); const v = read(r.z); r.logDet.dispose(); return v; };
    const h = 1e-2;
    const J = Array.from({ length: M }, (_, j) => {
      const up = z0.slice(), dn = z0.slice(); up[j] += h; dn[j] -= h;
      const fu = f(up), fd = f(dn);
      return fu.map((v, i) => (v - fd[i]) / (2 * h)); // column j
    });
    const det = J[0][0] * (J[1][1] * J[2][2] - J[2][1] * J[1][2]) - J[1][0] * (J[0][1] * J[2][2] - J[2][1] * J[0][2]) + J[2][0] * (J[0][1] * J[1][2] - J[1][1] * J[0][2]);
    const r = planarStep(tf.tensor3d([[z0]]), u, w, b);
    expect(read(r.logDet)[0]).to.be.closeTo(Math.log(Math.abs(det)), 2e-3);
    r.z.dispose();
    // ûᵀw > −1 for any u, w: the factor 1 + h'ûᵀw stays positive even for u pointing against w
    const bad = planarStep(tf.zeros([1, 1, M]), tf.tensor2d([[-50, 40, -20]]), w, tf.tensor1d([0]));
    expect(Number.isFinite(read(bad.logDet)[0])).to.equal(true);
    bad.z.dispose();
    tf.dispose([u, w, b]);
  });

  it('the flow posterior q(z | x) integrates to 1 (change of variables, D35), within 4 SE', () => {
    const m = new RichVAE(rng(5), { inputDim: 6, latentDim: 2, hiddenDim: 8, flowLayers: 3 });
    // larger flow parameters than at initialization, so the density is far from Gaussian
    tf.tidy(() => m.flowHead!.W.assign(tf.mul(m.flowHead!.W, 3)));
    const x = binary(4, 1, 6);
    const e = posteriorNormalization(m, x, 6);
    expect(Math.abs(e.value - 1)).to.be.at.most(4 * e.se);
    expect(e.se).to.be.below(0.05);
    // and the flow changed the density: log q differs from the encoder Gaussian's at the same z
    x.dispose(); m.dispose();
  });

  it('the mixture prior and the VampPrior integrate to 1 and match a float64 mixture of their Gaussians', () => {
    for (const prior of [{ type: 'mixture', components: 5 }, { type: 'vampprior', pseudoInputs: 4 }] as const) {
      const m = new RichVAE(rng(7), { inputDim: 6, latentDim: 2, hiddenDim: 8, prior });
      const e = normalization((z) => m.logPrior(z), 2, 3, 40000, 8);
      expect(Math.abs(e.value - 1), prior.type).to.be.at.most(4 * e.se);
      // float64 reference at a few points
      const [means, logStds, weights] = tf.tidy(() => {
        if (prior.type === 'mixture') return [m.priorVariables.means.arraySync(), m.priorVariables.logStds.arraySync(), tf.softmax(m.priorVariables.logits).arraySync()];
        const enc = m.base.encode(m.pseudoInputs());
        return [enc.mean.arraySync(), enc.logStd.arraySync(), new Array(4).fill(0.25)];
      }) as [number[][], number[][], number[]];
      for (const z of [[0, 0], [1.5, -0.5], [-2, 2]]) {
        let p = 0;
        weights.forEach((wc, c) => {
          let lp = Math.log(wc);
          z.forEach((v, j) => { const s = Math.exp(logStds[c][j]); lp += -0.5 * ((v - means[c][j]) / s) ** 2 - Math.log(s) - 0.5 * Math.log(2 * Math.PI); });
          p += Math.exp(lp);
        });
        expect(read(m.logPrior(tf.tensor2d([z])))[0]).to.be.closeTo(Math.log(p), 1e-4);
      }
      m.dispose();
    }
  });

  it('the bounds are ordered ELBO ≤ IWAE_K (within SE), sampling works, and nothing leaks', () => {
    const m = new RichVAE(rng(9), { inputDim: 8, latentDim: 2, hiddenDim: 10, flowLayers: 2, prior: { type: 'vampprior', pseudoInputs: 3 } });
    const x = binary(10, 6, 8);
    const before = tf.memory().numTensors;
    const el = read(m.elbo(rng(11), x, { samples: 400 }));
    const iw = read(m.iwae(rng(12), x, { samples: 400 }));
    iw.forEach((v, i) => expect(v).to.be.at.least(el[i] - 0.05));
    const s = m.sample(rng(13), 5);
    expect(s.shape).to.deep.equal([5, 8]);
    s.dispose();
    const l = m.loss(rng(14), x, { type: 'iwae', samples: 3 });
    l.dispose();
    expect(tf.memory().numTensors, 'tensors leaked').to.equal(before);
    x.dispose(); m.dispose();
  });

  it('trains on digits with ll.fit: the loss falls', async () => {
    const data = loadMnist('train').take(400);
    const m = new RichVAE(rng(1), { inputDim: 784, latentDim: 8, hiddenDim: 64, flowLayers: 2, prior: { type: 'mixture', components: 10 } });
    const r = await fit(m, data, { epochs: 3, seed: 2, batchSize: 50, progress: false });
    expect(r.epochs[2].loss).to.be.below(r.epochs[0].loss - 10);
    m.dispose();
  });

  it('bad configurations are errors naming the argument', () => {
    expect(() => new RichVAE(rng(0), { inputDim: 4, latentDim: 2, flowLayers: -1 })).to.throw('RichVAE: flowLayers must be an integer ≥ 0, got -1');
    expect(() => new RichVAE(rng(0), { inputDim: 4, latentDim: 2, prior: { type: 'mixture', components: 0 } })).to.throw('RichVAE: prior.components must be a positive integer, got 0');
    expect(() => new RichVAE(rng(0), { inputDim: 4, latentDim: 2, prior: { type: 'flow' } as never })).to.throw("RichVAE: prior must be");
  });
});
