// Native group normalization and SiLU against float64 references and the composite tfjs ops, on wasm
// and cpu: values, all gradients, no leaks; the composite form when the native kernels are off.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { rng } from '../../src/random/rng';
import { groupNorm } from '../../src/ops/group-norm';
import { silu } from '../../src/ops/silu';
import { hasNativeKernel } from '../../src/backend/native-kernels';
import { expectNoLeak, values } from '../support/tensors';
import { withoutNative } from '../support/native';

const closeAll = (got: ArrayLike<number>, want: ArrayLike<number>, tol: (i: number) => number, what: string) => {
  expect(got.length, `${what} length`).to.equal(want.length);
  // chai per entry is slow on large tensors: only a failing entry goes through expect
  for (let i = 0; i < want.length; i++) if (!(Math.abs(got[i] - want[i]) <= tol(i))) expect(got[i], `${what}[${i}]`).to.be.closeTo(want[i], tol(i));
};

/** float64 group norm of NHWC x and its gradients for Σ y ⊙ G (by the closed form, checked against differences below). */
function referenceGroupNorm(x: number[], gamma: number[], beta: number[], G: number[], [B, H, W, C]: number[], groups: number, eps: number) {
  const Cg = C / groups, HW = H * W, n = HW * Cg;
  const y = new Float64Array(x.length), dx = new Float64Array(x.length), dgamma = new Float64Array(C), dbeta = new Float64Array(C);
  for (let b = 0; b < B; b++) for (let g = 0; g < groups; g++) {
    const idx: number[] = [];
    for (let i = 0; i < HW; i++) for (let c = g * Cg; c < (g + 1) * Cg; c++) idx.push((b * HW + i) * C + c);
    const mean = idx.reduce((s, k) => s + x[k], 0) / n;
    const variance = idx.reduce((s, k) => s + (x[k] - mean) ** 2, 0) / n;
    const r = 1 / Math.sqrt(variance + eps);
    let m1 = 0, m2 = 0;
    for (const k of idx) {
      const c = k % C, xh = (x[k] - mean) * r;
      y[k] = gamma[c] * xh + beta[c];
      dgamma[c] += G[k] * xh; dbeta[c] += G[k];
      m1 += gamma[c] * G[k]; m2 += gamma[c] * G[k] * xh;
    }
    for (const k of idx) { const c = k % C, xh = (x[k] - mean) * r; dx[k] = r * (gamma[c] * G[k] - m1 / n - xh * m2 / n); }
  }
  return { y, dx, dgamma, dbeta };
}

describe('native group norm and SiLU', function () {
  this.timeout(120_000);
  for (const backend of ['wasm', 'cpu']) {
    describe(`on ${backend}`, () => {
      let before = '';
      beforeEach(async () => { before = tf.getBackend(); await tf.setBackend(backend); });
      afterEach(async () => { await tf.setBackend(before); });

      for (const [shape, groups] of [[[2, 5, 4, 8], 4], [[3, 3, 3, 6], 1], [[1, 2, 2, 4], 4]] as [number[], number][]) {
        it(`groupNorm x [${shape}] in ${groups} groups: value and gradients match float64 and the composite ops`, () => {
          expect(hasNativeKernel('LatentGroupNorm')).to.equal(true);
          const g = rng(21);
          // an offset (mean 3) so that a one-pass variance in float32 would show
          const x = tf.add(g.normal(shape), 3) as tf.Tensor4D, gamma = g.normal([shape[3]]) as tf.Tensor1D, beta = g.normal([shape[3]]) as tf.Tensor1D, G = g.normal(shape);
          const ref = referenceGroupNorm(values(x), values(gamma), values(beta), values(G), shape, groups, 1e-5);
          const run = () => tf.tidy(() => [values(groupNorm(x, gamma, beta, groups)),
            ...tf.grads((xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(groupNorm(xx as tf.Tensor4D, gg as tf.Tensor1D, bb as tf.Tensor1D, groups), G)))([x, gamma, beta]).map(values)]);
          const native = run(), composite = withoutNative(run);
          const want = [ref.y, ref.dx, ref.dgamma, ref.dbeta];
          ['y', 'dx', 'dgamma', 'dbeta'].forEach((what, k) => {
            closeAll(native[k], want[k], (i) => 2e-5 * (1 + Math.abs(want[k][i])) * (k > 1 ? Math.sqrt(native[1].length) : 1), `${what} vs float64`);
            closeAll(native[k], composite[k], (i) => 1e-4 * (1 + Math.abs(want[k][i])) * (k > 1 ? Math.sqrt(native[1].length) : 1), `${what} vs composite`);
          });
          expectNoLeak(() => tf.grads((xx: tf.Tensor) => tf.sum(groupNorm(xx as tf.Tensor4D, gamma, beta, groups)))([x]));
          tf.dispose([x, gamma, beta, G]);
        });
      }

      it('silu: value and gradient match float64 and the composite ops, over the whole float range', () => {
        expect(hasNativeKernel('LatentSilu')).to.equal(true);
        const xs = [-100, -88, -30, -5, -1, -1e-3, 0, 1e-3, 0.5, 1, 5, 30, 88, 100, ...values(rng(22).normal([200]))];
        const x = tf.tensor1d(xs), G = rng(23).normal([xs.length]);
        const Gv = values(G);
        const run = () => tf.tidy(() => [values(silu(x)), values(tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(silu(xx), G)))(x))]);
        const [y, dx] = run(), [cy, cdx] = withoutNative(run);
        const sig = (v: number) => 1 / (1 + Math.exp(-v));
        closeAll(y, xs.map((v) => v * sig(v)), (i) => 4e-7 * (1 + Math.abs(xs[i])), 'y vs float64');
        closeAll(dx, xs.map((v, i) => Gv[i] * (sig(v) + v * sig(v) * (1 - sig(v)))), (i) => 4e-7 * (1 + Math.abs(xs[i] * Gv[i])), 'dx vs float64');
        closeAll(y, cy, (i) => 1e-6 * (1 + Math.abs(xs[i])), 'y vs composite');
        closeAll(dx, cdx, (i) => 1e-6 * (1 + Math.abs(xs[i] * Gv[i])), 'dx vs composite');
        expectNoLeak(() => tf.grad((xx: tf.Tensor) => tf.sum(silu(xx)))(x));
        tf.dispose([x, G]);
      });

      it('a large tensor (the threaded path) gives the same values as the composite ops', () => {
        const x = rng(24).normal([4, 28, 28, 32]) as tf.Tensor4D, gamma = tf.ones([32]) as tf.Tensor1D, beta = tf.zeros([32]) as tf.Tensor1D;
        const run = () => tf.tidy(() => [values(silu(x)), values(groupNorm(x, gamma, beta, 8))]);
        const native = run(), composite = withoutNative(run);
        native.forEach((v, k) => closeAll(v, composite[k], (i) => 1e-4 * (1 + Math.abs(composite[k][i])), `output ${k}`));
        tf.dispose([x, gamma, beta]);
      });
    });
  }

  it('names bad arguments', () => {
    const x = tf.ones([1, 2, 2, 6]) as tf.Tensor4D;
    expect(() => groupNorm(x, tf.ones([6]) as tf.Tensor1D, tf.zeros([6]) as tf.Tensor1D, 4)).to.throw('groupNorm: groups must be a positive integer dividing the channels (6), got 4');
    expect(() => groupNorm(x, tf.ones([5]) as tf.Tensor1D, tf.zeros([6]) as tf.Tensor1D, 3)).to.throw('groupNorm: gamma must have shape [6], got [5]');
    x.dispose();
  });
});
