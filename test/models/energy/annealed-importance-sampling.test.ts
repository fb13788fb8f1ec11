// Annealed importance sampling (D59): log Ẑ recovers the log-partition of a known 2-D energy within its SE; Ẑ is
// unbiased for Z while log Ẑ is biased low (Jensen), which is what makes an EBM's log p̂ = −E − log Ẑ too high.
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { annealedImportanceSampling } from '../../../src/models/energy/annealed-importance-sampling';
import { logPartitionByQuadrature } from '../../../src/models/energy/quadrature-log-partition';
import { rng } from '../../../src/random/rng';

// two Gaussian bumps of sd 0.5 at (±1.5, 0.5), lifted by 1.3: Z = 2 · 2π · 0.25 · e^{−1.3}
const SHIFT = 1.3, SD = 0.5;
const energy = (x: tf.Tensor2D) => tf.tidy(() => {
  const bump = (mx: number, my: number) => tf.div(tf.sum(tf.square(tf.sub(x, tf.tensor1d([mx, my]))), 1), -2 * SD * SD);
  return tf.add(tf.neg(tf.logSumExp(tf.stack([bump(-1.5, 0.5), bump(1.5, 0.5)], 1), 1)), SHIFT) as tf.Tensor1D;
});
const logZ = Math.log(2 * 2 * Math.PI * SD * SD) - SHIFT;

describe('annealed importance sampling (D59)', function () {
  this.timeout(120_000);

  it('quadrature on the grid gives the exact log Z of the known energy (to 1e-5)', () => {
    expect(logPartitionByQuadrature(energy)).to.be.closeTo(logZ, 1e-5);
  });

  it('recovers log Z of the known 2-D energy within 4 SE, and the SE is the spread of repeated runs', () => {
    const runs = [0, 1, 2, 3].map((s) => annealedImportanceSampling(rng(s), energy, { dim: 2, chains: 400, temperatures: 100 }));
    for (const r of runs) {
      expect(Math.abs(r.value - logZ), `log Ẑ = ${r.value} ± ${r.se}, log Z = ${logZ}`).to.be.below(4 * r.se);
      expect(r.se).to.be.above(0).and.below(0.1);
      expect(r.acceptance).to.be.within(0.2, 1);
    }
  });

  it('D59: E[Ẑ] = Z (within 4 SE over repeated runs) while E[log Ẑ] < log Z (Jensen) with one level and few chains', () => {
    const R = 300;
    const zs: number[] = [], logs: number[] = [];
    for (let r = 0; r < R; r++) {
      const est = annealedImportanceSampling(rng(100 + r), energy, { dim: 2, chains: 4, temperatures: 1, steps: 1 });
      zs.push(Math.exp(est.value));
      logs.push(est.value);
    }
    const meanSe = (v: number[]) => {
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      return { m, se: Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1) / v.length) };
    };
    const z = meanSe(zs), l = meanSe(logs);
    expect(Math.abs(z.m - Math.exp(logZ)), `mean Ẑ = ${z.m} ± ${z.se}, Z = ${Math.exp(logZ)}`).to.be.below(4 * z.se);
    expect(logZ - l.m, `mean log Ẑ = ${l.m} ± ${l.se}, log Z = ${logZ}`).to.be.above(4 * l.se);
  });

  it('refuses an energy of the wrong shape, naming it, and leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    annealedImportanceSampling(rng(0), energy, { dim: 2, chains: 16, temperatures: 5 });
    expect(tf.memory().numTensors).to.equal(before);
    const wrong = (x: tf.Tensor2D) => tf.sum(x) as unknown as tf.Tensor1D;
    expect(() => annealedImportanceSampling(rng(0), wrong, { dim: 2, chains: 16, temperatures: 5 })).to.throw(/annealedImportanceSampling: energy must/);
    expect(() => annealedImportanceSampling(rng(0), energy, { dim: 2, chains: 1 })).to.throw(/annealedImportanceSampling: chains must/);
    const nanEnergy = (x: tf.Tensor2D) => tf.tidy(() => tf.mul(energy(x), NaN)) as tf.Tensor1D;
    expect(() => annealedImportanceSampling(rng(0), nanEnergy, { dim: 2, chains: 16, temperatures: 5 })).to.throw(/annealedImportanceSampling: energy must return energies that are numbers or \+∞ \(no NaN, no −∞\), got NaN/);
    expect(() => logPartitionByQuadrature(nanEnergy)).to.throw(/logPartitionByQuadrature: energy must return energies that are numbers or \+∞/);
    expect(tf.memory().numTensors).to.equal(before);
  });
});
