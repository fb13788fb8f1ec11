// D55: Stein variational gradient descent — one particle is gradient ascent on log p, the tensor
// direction matches the float64 reference, and many particles drive the KSD down.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { rng } from '../../src';
import { svgd, svgdDirection, svgdDirection64 } from '../../src/inference/svgd';
import { ksd64 } from '../../src/inference/stein-discrepancy';
import { medianHeuristic } from '../../src/inference/median-heuristic';

const m = [1, -1];
const logP = (x: tf.Tensor2D) => tf.tidy(() => tf.mul(-0.5, tf.sum(tf.square(tf.sub(x, tf.tensor1d(m))), 1)));
const score64 = (x: number[][]) => x.map((r) => r.map((v, j) => m[j] - v));

describe('inference: Stein variational gradient descent', () => {
  it('D55: with one particle it is gradient ascent on log p, x ← x + ε ∇log p(x)', () => {
    const r = svgd({ logDensity: logP, particles: [[3, 2]], steps: 25, stepSize: 0.1 });
    let x = [3, 2];
    for (let t = 0; t < 25; t++) x = x.map((v, j) => v + 0.1 * (m[j] - v));
    r.particles[0].forEach((v, j) => expect(v).to.be.closeTo(x[j], 1e-5));
  });

  it('D55: the tensor direction φ̂ = (K S + (2/h)(diag(K1) X − K X))/n matches the float64 sum over particles', () => {
    const x = rng(1).normalArray(20).reduce<number[][]>((acc, v, i) => (i % 2 ? (acc[acc.length - 1].push(v), acc) : [...acc, [v]]), []);
    const h = medianHeuristic(x);
    const ref = svgdDirection64(x, score64(x), h);
    const xt = tf.tensor2d(x), st = tf.tensor2d(score64(x));
    const phi = svgdDirection(xt, st, h);
    (phi.arraySync() as number[][]).forEach((r, i) => r.forEach((v, j) => expect(v).to.be.closeTo(ref[i][j], 1e-5)));
    tf.dispose([xt, st, phi]);
  });

  it('moves 40 particles from a bad start to p: the KSD falls by a factor of 10 and the particle mean reaches m', () => {
    const g = rng(2);
    const init = Array.from({ length: 40 }, () => [3 + 0.3 * g.nextNormal(), 2 + 0.3 * g.nextNormal()]);
    const before = tf.memory().numTensors;
    const r = svgd({ logDensity: logP, particles: init, steps: 300, stepSize: 0.2 });
    expect(tf.memory().numTensors, 'tensors leaked').to.equal(before);
    const ksdAt = (x: number[][]) => ksd64(x, score64(x), { bandwidth: 1 }).value;
    expect(ksdAt(r.particles)).to.be.lessThan(ksdAt(init) / 10);
    [0, 1].forEach((j) => expect(r.particles.reduce((s, p) => s + p[j], 0) / 40).to.be.closeTo(m[j], 0.05));
    expect(r.history[0].step).to.equal(0);
    expect(r.history[r.history.length - 1].step).to.equal(300);
  });

  it('rejects bad input by name', () => {
    expect(() => svgd({ logDensity: logP, particles: [[0, 0]], steps: 5, stepSize: 0 })).to.throw(/svgd: stepSize/);
    expect(() => svgd({ logDensity: logP, particles: [], steps: 5, stepSize: 0.1 })).to.throw(/svgd: particles/);
    expect(() => svgdDirection(tf.zeros([2, 2]), tf.zeros([3, 2]))).to.throw(/svgdDirection: score/);
  });
});
