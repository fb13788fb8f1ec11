// Maximum likelihood for an energy (D57): the log-likelihood gradient is the data term minus the model expectation,
// checked by quadrature on a small energy network; persistent contrastive divergence moves its chains to the data.
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { EnergyNetwork } from '../../../src/models/energy/energy-network';
import { ContrastiveDivergence } from '../../../src/models/energy/contrastive-divergence';
import { logPartitionByQuadrature } from '../../../src/models/energy/quadrature-log-partition';
import { quadratureRule } from '../../../src/check/quadrature';
import { fit } from '../../../src/training/fit';
import { rng } from '../../../src/random/rng';

describe('contrastive divergence (D57)', function () {
  this.timeout(120_000);

  it('D57: ∇θ log p_θ(x) = −∇θ E_θ(x) + E_{p_θ}[∇θ E_θ] (finite differences of −E − log Z by quadrature against autodiff)', () => {
    const energy = new EnergyNetwork(rng(3), 2, { hidden: 4, confinement: 1.5 });
    const x0 = tf.tensor2d([[0.3, -0.7]]);
    // the grid's p_θ weights, for E_p[∇θ E] = ∇θ Σ_i w_i E(x_i) with w held fixed
    const q = { panels: 16, order: 8 }, r = quadratureRule(-6, 6, q);
    const pts: number[][] = [], logU: number[] = [];
    r.points.forEach((a, i) => r.points.forEach((b, j) => { pts.push([a, b]); logU.push(Math.log(r.weights[i]) + Math.log(r.weights[j])); }));
    const grid = tf.tensor2d(pts);
    const logZ = logPartitionByQuadrature(energy.energyFunction, { panels: 16, order: 8 });
    const w = tf.tidy(() => tf.exp(tf.sub(tf.sub(tf.tensor1d(logU), energy.energy(grid)), logZ)));
    const identity = tf.tidy(() => tf.variableGrads(() => tf.sub(tf.sum(tf.mul(w, energy.energy(grid))), tf.sum(energy.energy(x0))) as tf.Scalar, energy.variables).grads);
    const logLik = () => -energy.energy(x0).dataSync()[0] - logPartitionByQuadrature(energy.energyFunction, { panels: 16, order: 8 });
    let compared = 0;
    for (const v of energy.variables) {
      const got = identity[v.name].dataSync();
      for (const k of [0, v.size - 1]) {
        const base = v.dataSync().slice(), h = 1e-2;
        const at = (delta: number) => { const b = base.slice(); b[k] += delta; v.assign(tf.tensor(b, v.shape)); return logLik(); };
        const fd = (at(h) - at(-h)) / (2 * h);
        v.assign(tf.tensor(base, v.shape));
        expect(got[k], `${v.name}[${k}]`).to.be.closeTo(fd, 2e-3 + 2e-2 * Math.abs(fd));
        compared++;
      }
    }
    expect(compared).to.equal(12);
    tf.dispose([x0, grid, w, ...Object.values(identity)]);
    energy.dispose();
  });

  it('persistent chains move to the data, and a training step keeps the tensor count', async () => {
    const g = rng(1);
    const data = Array.from({ length: 1000 }, () => [1 + 0.4 * g.nextNormal(), -1 + 0.4 * g.nextNormal()]);
    const energy = new EnergyNetwork(rng(2), 2, { hidden: 16 });
    const cd = new ContrastiveDivergence(rng(3), energy, { chains: 128, steps: 10, stepSize: 0.02 });
    const before = tf.memory().numTensors;
    await fit(cd, data, { steps: 200, seed: 0, batchSize: 128, learningRate: 3e-3, progress: false });
    expect(tf.memory().numTensors).to.equal(before);
    const m = tf.tidy(() => Array.from(tf.mean(cd.chains, 0).dataSync()));
    expect(m[0], 'chains mean x').to.be.closeTo(1, 0.25);
    expect(m[1], 'chains mean y').to.be.closeTo(-1, 0.25);
    cd.dispose(); energy.dispose();
  });

  it('refuses a model that is not an EnergyNetwork and a number for the generator, naming them', () => {
    expect(() => new ContrastiveDivergence(rng(0), {} as EnergyNetwork)).to.throw(/ContrastiveDivergence: energy must be a EnergyNetwork|ContrastiveDivergence: energy must be an EnergyNetwork/);
    const energy = new EnergyNetwork(rng(0), 2, { hidden: 4 });
    expect(() => new ContrastiveDivergence(3 as never, energy)).to.throw(/rng/);
    expect(() => new ContrastiveDivergence(rng(0), energy, { stepSize: -1 })).to.throw(/ContrastiveDivergence: stepSize must/);
    energy.dispose();
  });
});
