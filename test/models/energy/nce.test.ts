// Noise-contrastive estimation (D58): the logistic loss is minimized at the true log density ratio (by quadrature on
// a 1-D toy); the tensor loss equals the float64 one; a short fit learns c ≈ log Z_θ (NCE self-normalizes).
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { nceLoss, nceLoss64, NoiseContrastiveEstimation } from '../../../src/models/energy/nce';
import { EnergyNetwork } from '../../../src/models/energy/energy-network';
import { logPartitionByQuadrature } from '../../../src/models/energy/quadrature-log-partition';
import { integrate1d } from '../../../src/check/quadrature';
import { MultivariateNormal } from '../../../src/distributions/mvn';
import { fit } from '../../../src/training/fit';
import { rng } from '../../../src/random/rng';

const logN = (x: number, m: number, s: number) => -0.5 * Math.log(2 * Math.PI * s * s) - (x - m) ** 2 / (2 * s * s);
const softplus = (u: number) => (u > 0 ? u + Math.log1p(Math.exp(-u)) : Math.log1p(Math.exp(u)));

describe('noise-contrastive estimation (D58)', function () {
  this.timeout(120_000);

  // data p = N(1, 0.5²), noise q = N(0, 2²), ν = 3: J(r) = ∫ p softplus(−(r − log ν)) + ν q softplus(r − log ν)
  const nu = 3;
  const logP = (u: number) => logN(u, 1, 0.5), logQ = (u: number) => logN(u, 0, 2);
  const J = (r: (u: number) => number) => integrate1d((u) => Math.exp(logP(u)) * softplus(-(r(u) - Math.log(nu))) + nu * Math.exp(logQ(u)) * softplus(r(u) - Math.log(nu)), -Infinity, Infinity);
  const best = (u: number) => logP(u) - logQ(u);

  it('D58: the loss is smallest at r = log p/q — every perturbation raises it, and its derivative there is 0', () => {
    const j0 = J(best);
    const directions: [string, (u: number) => number][] = [['1', () => 1], ['u', (u) => u], ['u²', (u) => u * u], ['bump', (u) => Math.exp(-((u - 1) ** 2))]];
    for (const [name, h] of directions) {
      for (const eps of [-0.3, -0.05, 0.05, 0.3]) expect(J((u) => best(u) + eps * h(u)), `${name}, ε = ${eps}`).to.be.above(j0);
      const e = 1e-4, slope = (J((u) => best(u) + e * h(u)) - J((u) => best(u) - e * h(u))) / (2 * e);
      expect(Math.abs(slope), `dJ/dε along ${name}`).to.be.below(1e-6);
    }
  });

  it('nceLoss on tensors equals nceLoss64 in float64', () => {
    const g = rng(0);
    const a = Array.from({ length: 50 }, () => 2 * g.nextNormal()), b = Array.from({ length: 150 }, () => 2 * g.nextNormal());
    const t = tf.tidy(() => nceLoss(tf.tensor1d(a), tf.tensor1d(b), 3).dataSync()[0]);
    expect(t).to.be.closeTo(nceLoss64(a, b, 3), 1e-5 * Math.abs(nceLoss64(a, b, 3)));
  });

  it('a short fit on Gaussian data learns c ≈ log Z_θ by quadrature (self-normalization), with no tensor growth', async () => {
    const g = rng(1);
    const data = Array.from({ length: 1000 }, () => [0.5 + 0.7 * g.nextNormal(), -0.5 + 0.7 * g.nextNormal()]);
    const energy = new EnergyNetwork(rng(2), 2, { hidden: 16 });
    const q = new MultivariateNormal({ loc: [0, 0], covariance: [[2, 0], [0, 2]] });
    const nce = new NoiseContrastiveEstimation(energy, q, { ratio: 4 });
    const before = tf.memory().numTensors;
    await fit(nce, data, { steps: 250, seed: 0, batchSize: 256, learningRate: 3e-3, progress: false });
    expect(tf.memory().numTensors).to.equal(before);
    const c = nce.logZ.dataSync()[0], logZ = logPartitionByQuadrature(energy.energyFunction);
    expect(Math.abs(c - logZ), `c = ${c}, log Z_θ = ${logZ}`).to.be.below(0.1);
    nce.dispose(); energy.dispose();
  });

  it('refuses a noise distribution of the wrong dimension, naming it', () => {
    const energy = new EnergyNetwork(rng(0), 2, { hidden: 4 });
    const q3 = new MultivariateNormal({ loc: [0, 0, 0], covariance: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] });
    expect(() => new NoiseContrastiveEstimation(energy, q3)).to.throw(/NoiseContrastiveEstimation: noise must be a distribution of single points/);
    energy.dispose();
  });

  it('creating and disposing one leaves no tensor (c starts as a variable, its initial scalar freed)', () => {
    const energy = new EnergyNetwork(rng(0), 2, { hidden: 4 });
    const q = new MultivariateNormal({ loc: [0, 0], covariance: [[1, 0], [0, 1]] });
    const before = tf.memory().numTensors;
    new NoiseContrastiveEstimation(energy, q).dispose();
    expect(tf.memory().numTensors).to.equal(before);
    energy.dispose();
  });
});
