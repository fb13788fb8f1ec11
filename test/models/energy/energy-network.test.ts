// The energy network: its score is −∇E (against finite differences), Langevin on that score samples p_θ, and
// denoising score matching of the energy fits the blurred data p ∗ N(0, σ²I) (its variance read off by quadrature).
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { EnergyNetwork } from '../../../src/models/energy/energy-network';
import { EnergyScoreMatching } from '../../../src/models/energy/energy-score-matching';
import { logPartitionByQuadrature } from '../../../src/models/energy/quadrature-log-partition';
import { fit } from '../../../src/training/fit';
import { rng } from '../../../src/random/rng';

describe('energy network', function () {
  this.timeout(120_000);

  it('score = −∇_x E (central differences), shapes [n] and [n, d], no tensor growth', () => {
    const energy = new EnergyNetwork(rng(0), 2, { hidden: 8 });
    const before = tf.memory().numTensors;
    const x = [[0.2, -0.4], [1.1, 0.3]];
    const s = tf.tidy(() => energy.score(tf.tensor2d(x)).arraySync());
    const E = (p: number[]) => tf.tidy(() => energy.energy(tf.tensor2d([p])).dataSync()[0]);
    const h = 1e-2;
    x.forEach((p, i) => [0, 1].forEach((k) => {
      const up = p.slice(), dn = p.slice(); up[k] += h; dn[k] -= h;
      expect(s[i][k]).to.be.closeTo(-(E(up) - E(dn)) / (2 * h), 2e-3);
    }));
    expect(tf.memory().numTensors).to.equal(before);
    expect(() => energy.energy(tf.zeros([3, 3]) as tf.Tensor2D)).to.throw(/EnergyNetwork.energy: x must/);
    energy.dispose();
  });

  it('denoising score matching of the energy fits p ∗ N(0, σ²I): Gaussian data of variance 0.25 and σ = 0.3 give variance 0.34', async () => {
    const g = rng(1);
    const data = Array.from({ length: 2000 }, () => [0.5 * g.nextNormal(), 0.5 * g.nextNormal()]);
    const energy = new EnergyNetwork(rng(2), 2, { hidden: 16 });
    const before = tf.memory().numTensors;
    await fit(new EnergyScoreMatching(energy, { sigma: 0.3 }), data, { steps: 600, seed: 0, batchSize: 256, learningRate: 3e-3, progress: false });
    expect(tf.memory().numTensors).to.equal(before);
    // E_{p_θ}[x₁²] by quadrature: log ∫ x₁² e^{−E} − log Z
    const logZ = logPartitionByQuadrature(energy.energyFunction);
    const logM2 = logPartitionByQuadrature((x) => tf.tidy(() => tf.sub(energy.energy(x), tf.log(tf.add(tf.square(tf.squeeze(tf.slice(x, [0, 0], [-1, 1]), [1])), 1e-30))) as tf.Tensor1D));
    const variance = Math.exp(logM2 - logZ);
    expect(variance, 'fitted variance').to.be.closeTo(0.25 + 0.09, 0.05);
    energy.dispose();
  });
});
