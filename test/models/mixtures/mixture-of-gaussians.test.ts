// D01, D02, D03 on the 1-D mixture of Gaussians.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { checkMonteCarlo, checkClose, rng } from '../../../src';
import { MixtureOfGaussians } from '../../../src/distributions/mixture';
import { Mixture1D, mixtureLogMarginal64, mixturePosterior64, mixtureLogJoint64, mixtureFisherScore64, mixtureToTheta, mixtureFromTheta, mixtureEM } from '../../../src/models/mixtures/mixture-of-gaussians';
import { checkGradient } from '../../../src/check/finite-differences';
import { checkQuadrature } from '../../../src/check/quadrature';
import { values } from '../../support/tensors';

const model: Mixture1D = { weights: [0.3, 0.5, 0.2], means: [-2, 0.5, 3], sds: [0.6, 1, 0.4] };

describe('models/mixtures/mixture-of-gaussians', () => {
  it('D02: p(x) integrates to 1; the posterior sums to 1 and equals p(x, z=k)/p(x)', () => {
    expect(checkQuadrature('∫ p(x) dx = 1', (x) => Math.exp(mixtureLogMarginal64(model, x)), [-Infinity, Infinity], 1, { id: 'D02' }).pass).to.equal(true);
    for (const x of [-2.5, 0, 1.7, 4]) {
      const post = mixturePosterior64(model, x);
      expect(checkClose('Σ_k P(z=k|x)', post.reduce((a, b) => a + b, 0), 1, { id: 'D02', rtol: 1e-12 }).pass).to.equal(true);
      const joint = mixtureLogJoint64(model, x).map(Math.exp);
      const px = joint.reduce((a, b) => a + b, 0);
      post.forEach((r, k) => expect(r).to.be.closeTo(joint[k] / px, 1e-12));
    }
  });

  it('D01: pairs from p(z)p(x|z) and from p(x)p(z|x) have the same joint moments within SE', () => {
    const n = 20000;
    const g = rng(10);
    const m = new MixtureOfGaussians({ weights: model.weights, means: model.means, scales: model.sds });
    // way 1: z ~ p(z), x ~ p(x|z)
    const { x: x1t, z: z1t } = m.sampleWithComponents(g, n);
    const x1 = values(x1t), z1 = values(z1t);
    tf.dispose([x1t, z1t]);
    // way 2: x ~ p(x) (drop its z), then z ~ p(z|x)
    const x2t = m.sample(g, n);
    const x2 = values(x2t);
    x2t.dispose();
    const z2 = x2.map((x) => {
      const post = mixturePosterior64(model, x);
      let u = g.nextUniform(), k = 0;
      while (k < post.length - 1 && u > post[k]) { u -= post[k]; k++; }
      return k;
    });
    for (let k = 0; k < 3; k++) {
      const ind1 = z1.map((z) => (z === k ? 1 : 0)), ind2 = z2.map((z) => (z === k ? 1 : 0));
      expect(checkMonteCarlo(`P(z=${k})`, ind1, ind2, { id: 'D01' }).pass).to.equal(true);
      expect(checkMonteCarlo(`E[x·1(z=${k})]`, x1.map((x, i) => x * ind1[i]), x2.map((x, i) => x * ind2[i]), { id: 'D01' }).pass).to.equal(true);
    }
  });

  it('D03: Fisher’s identity matches finite differences of log p(x)', () => {
    const theta = mixtureToTheta(model);
    for (const x of [-1.5, 0.8, 2.9]) {
      const r = checkGradient(`∇ log p(${x})`, (t) => mixtureLogMarginal64(mixtureFromTheta(t), x), mixtureFisherScore64(model, x), theta, { id: 'D03', rtol: 1e-6, atol: 1e-8 });
      expect(r.pass, `${r.error} > ${r.tolerance}`).to.equal(true);
    }
  });

  it('EM never lowers the log-likelihood and recovers well-separated components', () => {
    const m = new MixtureOfGaussians({ weights: model.weights, means: model.means, scales: model.sds });
    const xt = m.sample(rng(12), 5000);
    const xs = values(xt);
    xt.dispose();
    const { model: fit, logLikelihoods } = mixtureEM(xs, { weights: [1 / 3, 1 / 3, 1 / 3], means: [-1, 0, 1], sds: [1, 1, 1] }, { iterations: 500 });
    for (let i = 1; i < logLikelihoods.length; i++) expect(logLikelihoods[i]).to.be.at.least(logLikelihoods[i - 1] - 1e-12);
    const order = fit.means.map((v, i) => [v, i]).sort((a, b) => a[0] - b[0]).map(([, i]) => i);
    order.forEach((i, k) => expect(fit.means[i]).to.be.closeTo(model.means[k], 0.1));
    expect(() => mixtureEM([1], model)).to.throw('at least 2 finite numbers');
  });
});
