// D54: Stein's identity E_p[A_p f] = 0 and the kernelized Stein discrepancy's U-statistic — unbiased
// (mean ≈ 0 under p within its SE), positive under q ≠ p, float64 and tensor versions agreeing.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { integrate1d, rng, Rng } from '../../src';
import { kernelizedSteinDiscrepancy, ksd64 } from '../../src/inference/stein-discrepancy';
import { medianHeuristic } from '../../src/inference/median-heuristic';

// p = N(m, S²) in 2-D with a diagonal covariance, score −(x − m)/S²
const m = [1, -0.5], S = [1, 0.6];
const score = (x: number[][]) => x.map((r) => r.map((v, j) => -(v - m[j]) / S[j] ** 2));
const sample = (g: Rng, n: number, shift = 0, scale = 1) => Array.from({ length: n }, () => m.map((mj, j) => mj + shift + scale * S[j] * g.nextNormal()));

describe('inference: the kernelized Stein discrepancy', () => {
  it('D54: Stein\'s identity, E_p[f′(x) + f(x) ∂log p(x)] = 0 (quadrature, p = N(0.3, 0.8²), several f)', () => {
    const logpPrime = (x: number) => -(x - 0.3) / 0.64;
    const pdf = (x: number) => Math.exp(-0.5 * ((x - 0.3) / 0.8) ** 2) / (0.8 * Math.sqrt(2 * Math.PI));
    const fs: [(x: number) => number, (x: number) => number][] = [
      [Math.sin, Math.cos], [(x) => x * x, (x) => 2 * x], [(x) => Math.exp(-x * x), (x) => -2 * x * Math.exp(-x * x)],
    ];
    for (const [f, df] of fs) expect(integrate1d((x) => pdf(x) * (df(x) + f(x) * logpPrime(x)), -10, 10)).to.be.closeTo(0, 1e-9);
  });

  it('the tensor version agrees with the float64 reference', () => {
    const x = sample(rng(1), 60, 0.5);
    const h = medianHeuristic(x);
    const a = ksd64(x, score(x), { bandwidth: h });
    const xt = tf.tensor2d(x), st = tf.tensor2d(score(x));
    const before = tf.memory().numTensors;
    const b = kernelizedSteinDiscrepancy(xt, st, { bandwidth: h });
    expect(tf.memory().numTensors, 'tensors leaked').to.equal(before);
    tf.dispose([xt, st]);
    expect(b.value).to.be.closeTo(a.value, 1e-4 * (1 + Math.abs(a.value)));
    expect(b.se).to.be.closeTo(a.se, 1e-3 * a.se + 1e-6);
  });

  it('D54: is unbiased — under p the mean of 60 independent U-statistics is 0 within its SE; the reported SE is not too small', () => {
    const g = rng(2);
    const runs = Array.from({ length: 60 }, () => { const x = sample(g, 80); return ksd64(x, score(x), { bandwidth: 1 }); });
    const mean = runs.reduce((s, r) => s + r.value, 0) / runs.length;
    const sd = Math.sqrt(runs.reduce((s, r) => s + (r.value - mean) ** 2, 0) / (runs.length - 1));
    expect(Math.abs(mean)).to.be.lessThan(4 * sd / Math.sqrt(runs.length));
    const meanSe = runs.reduce((s, r) => s + r.se, 0) / runs.length;
    expect(meanSe).to.be.greaterThan(0.7 * sd);
  });

  it('is positive, by many SEs, for samples from a shifted or narrower q', () => {
    const g = rng(3);
    for (const [shift, scale] of [[0.7, 1], [0, 0.5]]) {
      const x = sample(g, 200, shift, scale);
      const e = ksd64(x, score(x), { bandwidth: 1 });
      expect(e.value / e.se).to.be.greaterThan(4);
    }
  });

  it('rejects bad input by name', () => {
    expect(() => ksd64([[0]], [[0]])).to.throw(/ksd64: x must be points \[n, d\] with n ≥ 2/);
    expect(() => ksd64([[0], [1]], [[0]])).to.throw(/ksd64: score must have the shape of x/);
    expect(() => ksd64([[0], [1]], [[0], [1]], { bandwidth: 0 })).to.throw(/ksd64: bandwidth/);
  });
});
