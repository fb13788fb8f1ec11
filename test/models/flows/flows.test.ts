// D35–D38: invertible layers, the change of variables, ICA, RealNVP.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { MultivariateNormal, checkClose, rng } from '../../../src';
import { Bijector, Chain } from '../../../src/models/flows/bijector';
import { ElementwiseAffine, LinearLU, Planar, Permutation, AffineCoupling } from '../../../src/models/flows/layers';
import { ImageCoupling } from '../../../src/models/flows/image-coupling';
import { Squeeze } from '../../../src/models/flows/squeeze';
import { LogitTransform } from '../../../src/models/flows/logit-transform';
import { FlowDistribution } from '../../../src/models/flows/flow-distribution';
import { fit } from '../../../src/training/fit';
import { icaLogLikelihood, rotation2d } from '../../../src/models/flows/ica';
import { twoMoons } from '../../../src/data/toy-2d';
import { quadratureRule } from '../../../src/check/quadrature';
import { mmdUnbiased } from '../../../src/inference/mmd';
import { meanAndCovariance, Matrix, inv } from '../../../src/math/linalg64';
import { values } from '../../support/tensors';

const layersUnderTest = (): [string, Bijector][] => [
  ['elementwise affine', new ElementwiseAffine(2, { logScale: [0.3, -0.5], shift: [1, -2] })],
  ['linear (LU)', new LinearLU(rng(1), 2, [1, 0])],
  ['planar', new Planar(rng(2), 2)],
  ['permutation', new Permutation([1, 0])],
  ['affine coupling', (() => { const c = new AffineCoupling(rng(3), [1, 0], 16); c.variables.forEach((v) => v.assign(tf.tidy(() => tf.mul(rng(4).normal(v.shape), 0.3)))); return c; })()],
];

/** log|det| of the 2×2 Jacobian of f at x by central differences (float32: h = 1e-2). */
function fdLogDet(f: (x: tf.Tensor2D) => tf.Tensor2D, x: number[]): { logDet: number; J: number[][] } {
  const h = 1e-2;
  const J = [0, 1].map((j) => {
    const p = x.slice(), m = x.slice();
    p[j] += h; m[j] -= h;
    const yp = tf.tidy(() => values(f(tf.tensor2d([p])))), ym = tf.tidy(() => values(f(tf.tensor2d([m]))));
    return [0, 1].map((i) => (yp[i] - ym[i]) / (2 * h));
  });
  // J[j][i] = ∂y_i/∂x_j
  return { logDet: Math.log(Math.abs(J[0][0] * J[1][1] - J[0][1] * J[1][0])), J };
}

describe('models/flows', () => {
  const names = ['elementwise affine', 'linear (LU)', 'planar', 'permutation', 'affine coupling'];
  for (const [i, name] of names.entries()) {
    const make = () => layersUnderTest()[i][1];
    it(`${name}: inverse(forward(x)) = x, log-dets are opposite, and match the finite-difference Jacobian (D35)`, () => {
      const layer = make();
      const x = tf.tensor2d([[0.3, -1.2], [2, 0.5], [-1, -1]]);
      const { y, logDet } = layer.forward(x);
      const back = layer.inverse(y);
      values(back.x).forEach((v, i) => expect(v).to.be.closeTo(x.dataSync()[i], 1e-4));
      values(back.logDet).forEach((v, i) => expect(v).to.be.closeTo(-logDet.dataSync()[i], 1e-4));
      [[0.3, -1.2], [2, 0.5]].forEach((pt, k) => {
        const fd = fdLogDet((z) => layer.forward(z).y, pt);
        expect(fd.logDet, `point ${k}`).to.be.closeTo(logDet.dataSync()[k], 2e-3);
      });
      tf.dispose([x, y, logDet, back.x, back.logDet]);
    });
  }

  it('D36: a chain’s log-determinant is the sum of its layers’', () => {
    const layers = layersUnderTest().map(([, l]) => l);
    const x = tf.tensor2d([[0.3, -1.2], [2, 0.5]]);
    const chain = new Chain(layers);
    let h = x, sum = tf.zeros([2]);
    for (const l of layers) { const r = l.forward(h as tf.Tensor2D); h = r.y; sum = tf.add(sum, r.logDet); }
    expect(values(chain.forward(x).logDet).map((v) => +v.toFixed(4))).to.deep.equal(values(sum).map((v) => +v.toFixed(4)));
  });

  it('one Bijector with event dimensions: points have eventNdims 1, images 3, and a Chain of image layers sums their log-dets and inverts (D36)', () => {
    expect(layersUnderTest().map(([, l]) => l.eventNdims)).to.deep.equal([1, 1, 1, 1, 1]);
    const g = rng(5);
    const c1 = new ImageCoupling(g, { shape: [4, 4, 1], mask: 'checkerboard', parity: 0, hidden: 4, identityInit: false });
    const c2 = new ImageCoupling(g, { shape: [2, 2, 4], mask: 'channel', parity: 1, hidden: 4, identityInit: false });
    const layers = [new LogitTransform(0.05), c1, new Squeeze(), c2];
    expect(layers.map((l) => l.eventNdims)).to.deep.equal([3, 3, 3, 3]);
    const chain = new Chain<tf.Tensor4D>(layers);
    expect(chain.eventNdims).to.equal(3);
    const x = tf.tidy(() => tf.add(tf.mul(g.uniform([3, 4, 4, 1]), 0.9), 0.05)) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const { y, logDet } = chain.forward(x);
    expect(y.shape).to.deep.equal([3, 2, 2, 4]);
    expect(logDet.shape).to.deep.equal([3]);
    const sum = tf.tidy(() => {
      let h = x, s = tf.zeros([3]);
      for (const l of layers) { const r = l.forward(h); h = r.y; s = tf.add(s, r.logDet); }
      return s;
    });
    values(logDet).forEach((v, i) => expect(v).to.be.closeTo(sum.dataSync()[i], 1e-4 * (1 + Math.abs(v))));
    const back = chain.inverse(y);
    values(back.x).forEach((v, i) => expect(v).to.be.closeTo(x.dataSync()[i], 1e-4));
    values(back.logDet).forEach((v, i) => expect(v).to.be.closeTo(-logDet.dataSync()[i], 1e-3 * (1 + Math.abs(v))));
    tf.dispose([y, logDet, sum, back.x, back.logDet]);
    expect(tf.memory().numTensors).to.equal(before);
    x.dispose(); c1.dispose(); c2.dispose();
  });

  it('a Chain refuses layers of two event ranks, naming both', () => {
    const mixed = [new Permutation([1, 0]), new Squeeze()] as unknown as Bijector[];
    expect(() => new Chain(mixed)).to.throw("Chain: layers must act on events of one rank, got 'permutation' with eventNdims 1 and 'squeeze' with 3");
  });

  it('D38: the coupling Jacobian is triangular: the passed-through half does not depend on the other', () => {
    const c = layersUnderTest()[4][1];
    const { J } = fdLogDet((z) => c.forward(z).y, [0.7, -0.4]);
    expect(J[1][0]).to.equal(0); // ∂y_0/∂x_1: y_0 = x_0 passes through (mask [1, 0])
    expect(J[0][0]).to.be.closeTo(1, 1e-4);
  });

  it('D35: a flow density integrates to 1 on a 2-D grid', () => {
    const flow = new FlowDistribution(2, layersUnderTest().map(([, l]) => l));
    const { points, weights } = quadratureRule(-12, 12, { panels: 48, order: 8 });
    const grid = points.flatMap((y) => points.map((x) => [x, y]));
    const w = weights.flatMap((wy) => weights.map((wx) => wx * wy));
    const p = tf.tidy(() => values(tf.exp(flow.logProb(tf.tensor2d(grid)))));
    const total = p.reduce((s, v, i) => s + v * w[i], 0);
    expect(checkClose('∫ p(x) dx', total, 1, { id: 'D35', rtol: 2e-3 }).pass, String(total)).to.equal(true);
  });

  it('D37: ICA — a Gaussian prior cannot tell rotations apart, a logistic or Cauchy prior can', () => {
    const g = rng(5);
    const A = [[1, 0.6], [0.2, 1.3]];
    const X = Array.from({ length: 2000 }, () => {
      const z = [0, 1].map(() => { const u = g.nextUniform(); return Math.log(u / (1 - u)); }); // logistic sources
      return [A[0][0] * z[0] + A[0][1] * z[1], A[1][0] * z[0] + A[1][1] * z[1]];
    });
    const W = inv(A);
    for (const theta of [0.3, 1.1, 2.0]) {
      const RW = new Matrix(rotation2d(theta)).mmul(W);
      expect(icaLogLikelihood(X, RW, 'gaussian')).to.be.closeTo(icaLogLikelihood(X, W, 'gaussian'), 1e-9);
      expect(icaLogLikelihood(X, W, 'logistic') - icaLogLikelihood(X, RW, 'logistic')).to.be.greaterThan(0.01);
      expect(icaLogLikelihood(X, W, 'cauchy') - icaLogLikelihood(X, RW, 'cauchy')).to.be.greaterThan(0.01);
    }
    expect(() => icaLogLikelihood(X, W, 'laplace' as never)).to.throw("icaLogLikelihood: prior must be 'gaussian', 'logistic', 'cauchy' or 'bimodal'");
  });

  it('RealNVP trained on two moons: its samples are closer (MMD) to held-out points than a fitted Gaussian’s', async function () {
    this.timeout(120_000);
    const train = twoMoons(rng(6), 2000, { noise: 0.05 }), held = twoMoons(rng(7), 500, { noise: 0.05 });
    const g = rng(8);
    const flow = new FlowDistribution(2, [0, 1, 2, 3].flatMap((k) => [new AffineCoupling(g, k % 2 ? [0, 1] : [1, 0], 64)]));
    const before = tf.memory().numTensors;
    const { losses } = await fit(flow, train, { steps: 1500, seed: 9, batchSize: 256, learningRate: 3e-3, progress: false });
    expect(tf.memory().numTensors).to.equal(before);
    expect(losses[losses.length - 1]).to.be.lessThan(losses[0]);
    const { mean, cov } = meanAndCovariance(train);
    const gauss = new MultivariateNormal({ loc: mean, covariance: cov.to2DArray() });
    const score = (s: tf.Tensor) => tf.tidy(() => values(mmdUnbiased(s as tf.Tensor2D, tf.tensor2d(held), { kernel: 'rbf', scale: 0.2 }))[0]);
    const mFlow = tf.tidy(() => score(flow.sample(rng(10), 500)));
    const mGauss = tf.tidy(() => score(gauss.sample(rng(10), 500)));
    expect(mFlow, `MMD² flow ${mFlow} vs Gaussian ${mGauss}`).to.be.lessThan(mGauss / 2);
  });
});
