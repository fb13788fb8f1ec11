// The threaded native elementwise kernels (Add, Sub, Multiply with their broadcasts, Relu, Step, Tanh, Exp,
// leading-axis Tile) and the native Sum over trailing and leading axes, against float64 references at 1 and
// 2 threads on tensors large enough to take the threaded path; the results bit-identical across thread
// counts and repeated runs; the cases they do not cover left to the stock kernels (same values as tfjs).
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { rng } from '../../src/random/rng';
import { latentThreads, loadAddon } from '../../src/backend/addon';
import { Broadcast, broadcastModes } from '../../src/backend/elementwise-kernel';
import { expectNoLeak, values } from '../support/tensors';
import { withoutNative } from '../support/native';

const closeAll = (got: ArrayLike<number>, want: ArrayLike<number>, rtol: number, what: string) => {
  expect(got.length, `${what} length`).to.equal(want.length);
  for (let i = 0; i < want.length; i++) {
    const ok = Number.isNaN(want[i]) ? Number.isNaN(got[i]) : got[i] === want[i] || Math.abs(got[i] - want[i]) <= rtol * Math.max(1, Math.abs(want[i]));
    if (!ok) expect(got[i], `${what}[${i}]`).to.be.closeTo(want[i], rtol);
  }
};

/** fn's outputs at 1 and 2 threads, twice each; asserts all four runs bit-identical and returns one. */
function atOneAndTwoThreads(fn: () => number[][]): number[][] {
  const runs: number[][][] = [];
  try {
    for (const n of [1, 2, 1, 2]) { loadAddon().setThreads(n); runs.push(fn()); }
  } finally {
    loadAddon().setThreads(latentThreads());
  }
  for (const r of runs.slice(1)) r.forEach((out, k) => expect(new Float32Array(out).every((v, i) => Object.is(v, runs[0][k][i]) || (Number.isNaN(v) && Number.isNaN(runs[0][k][i]))), `output ${k} the same at 1 and 2 threads, run after run`).to.equal(true));
  return runs[0];
}

// 128 × 28 × 28 × 2 = 200,704 entries: above the threaded path's 32,768
const SHAPE = [128, 28, 28, 2];
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

describe('native elementwise kernels', function () {
  this.timeout(120_000);

  it('broadcastModes: same shapes, trailing-axes (repeated) and leading-axes (held) broadcasts; others to the stock kernel', () => {
    expect(broadcastModes([4, 3], [4, 3])).to.deep.equal({ out: [4, 3], a: Broadcast.Full, b: Broadcast.Full });
    expect(broadcastModes([128, 28, 28, 1], [1, 28, 28, 1])).to.deep.equal({ out: [128, 28, 28, 1], a: Broadcast.Full, b: Broadcast.Repeated });
    expect(broadcastModes([3], [5, 2, 3])).to.deep.equal({ out: [5, 2, 3], a: Broadcast.Repeated, b: Broadcast.Full });
    expect(broadcastModes([], [5, 2])).to.deep.equal({ out: [5, 2], a: Broadcast.Repeated, b: Broadcast.Full });
    expect(broadcastModes([5, 2, 3], [5, 1, 1])).to.deep.equal({ out: [5, 2, 3], a: Broadcast.Full, b: Broadcast.Held });
    expect(broadcastModes([5, 2, 3], [1, 2, 1])).to.equal(undefined);   // neither a trailing nor a leading run
    expect(broadcastModes([5, 1], [1, 3])).to.equal(undefined);         // both broadcast
    expect(broadcastModes([5, 2], [5, 3])).to.equal(undefined);         // incompatible: the stock kernel says so
  });

  for (const backend of ['wasm', 'cpu']) {
    describe(`on ${backend}`, () => {
      let before = '';
      beforeEach(async () => { before = tf.getBackend(); await tf.setBackend(backend); });
      afterEach(async () => { await tf.setBackend(before); });

      it('Add, Sub, Multiply (same shape, a per-channel vector, a [1, H, W, C] mask, a scalar, a [B, 1, 1, 1] column, either side) equal float64 at 1 and 2 threads', () => {
        const g = rng(41);
        const x = g.normal(SHAPE), y = g.normal(SHAPE);
        const others: [string, number[]][] = [['same shape', SHAPE], ['per channel', [2]], ['mask', [1, 28, 28, 2]], ['scalar', []], ['per example', [128, 1, 1, 1]]];
        const ts = others.map(([, s]) => g.normal(s));
        const xv = values(x), yv = values(y);
        const ref = (k: number, op: (a: number, b: number) => number, swap: boolean) => {
          const other = k === 0 ? yv : values(ts[k]), s = others[k][1], n = size(SHAPE), len = size(s);
          const at = (i: number) => (k === 0 ? other[i] : s.length === 4 && s[1] === 1 ? other[Math.floor(i / (n / len))] : other[i % len]);
          return xv.map((v, i) => (swap ? op(at(i), v) : op(v, at(i))));
        };
        const ops: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, (a: number, b: number) => number][] = [
          ['add', tf.add, (a, b) => a + b], ['sub', tf.sub, (a, b) => a - b], ['mul', tf.mul, (a, b) => a * b]];
        const run = () => tf.tidy(() => ops.flatMap(([, f]) => others.flatMap((_, k) => [values(f(x, k === 0 ? y : ts[k])), values(f(k === 0 ? y : ts[k], x))])));
        const got = atOneAndTwoThreads(run);
        let j = 0;
        for (const [name, , op] of ops) for (let k = 0; k < others.length; k++) {
          // one float32 rounding of an exact float64 result: relative 2⁻²⁴ of the larger operand
          closeAll(got[j++], ref(k, op, false), 6e-8 * 8, `${name} x, ${others[k][0]}`);
          closeAll(got[j++], k === 0 ? ref(0, (a, b) => op(b, a), false) : ref(k, op, true), 6e-8 * 8, `${name} ${others[k][0]}, x`);
        }
        tf.dispose([x, y, ...ts]);
      });

      it('Relu, Step (ReLU\'s gradient), Tanh, Exp, Softplus and a leading-axis Tile equal float64 at 1 and 2 threads; NaN stays NaN', () => {
        // the ends of exp's and tanh's ranges: subnormal and zero results, overflow to ∞, both sides of tanh's 0.625 switch
        const ends = [NaN, 0, -0, 1e-8, -1e-8, 0.6249, 0.6251, -0.6251, 9, -9, 20, -50, 44.5, -87.4, -100, -104.5, 88.7, 88.73, 89, 1e30, -1e30, Infinity, -Infinity];
        const x = tf.tidy(() => tf.concat([tf.mul(rng(42).normal([size(SHAPE) - ends.length]), 4), tf.tensor1d(ends)]).reshape(SHAPE));
        const mask = rng(43).normal([1, 28, 28, 1]);
        const xv = values(x);
        const run = () => tf.tidy(() => [values(tf.relu(x)), values(tf.step(x)), values(tf.step(x, 0.25)), values(tf.tanh(x)), values(tf.exp(x)), values(tf.tile(mask, [128, 1, 1, 1])), values(tf.softplus(x))]);
        const [relu, step, stepA, tanh, exp, tile, softplus] = atOneAndTwoThreads(run);
        // log(1 + eˣ) in float64 without overflow: max(x, 0) + log1p(e^−|x|); within 4 ulps (relative, or absolute below 1)
        const sp64 = (v: number) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
        closeAll(softplus, xv.map((v) => (Number.isNaN(v) ? NaN : Math.fround(sp64(v)))), 4.8e-7, 'softplus');
        closeAll(relu, xv.map((v) => (v < 0 ? 0 : v)), 0, 'relu');
        closeAll(step, xv.map((v) => (Number.isNaN(v) ? NaN : v > 0 ? 1 : 0)), 0, 'step');
        closeAll(stepA, xv.map((v) => (Number.isNaN(v) ? NaN : v > 0 ? 1 : 0.25)), 0, 'step, alpha 0.25');
        // within 2 float32 ulps of the exact value rounded to float32 (relative, or absolute below 1)
        closeAll(tanh, xv.map((v) => Math.fround(Math.tanh(v))), 2.4e-7, 'tanh');
        closeAll(exp, xv.map((v) => Math.fround(Math.exp(v))), 2.4e-7, 'exp');
        const endExp = exp.slice(-ends.length), endTanh = tanh.slice(-ends.length);
        ends.forEach((v, i) => {
          const want = Math.fround(Math.exp(Math.fround(v)));
          // relative accuracy where float32 has it; below the smallest normal float32, within one subnormal step of 2⁻¹⁴⁹
          if (Number.isNaN(v)) expect(endExp[i]).to.be.NaN;
          else if (want < 1.2e-38) expect(Math.abs(endExp[i] - want), `exp(${v})`).to.be.at.most(2 ** -148);
          else expect(endExp[i] === want || Math.abs(endExp[i] / want - 1) <= 2.4e-7, `exp(${v}) = ${endExp[i]}, want ${want}`).to.equal(true);
          if (!Number.isNaN(v)) expect(Math.abs(endTanh[i] - Math.fround(Math.tanh(Math.fround(v)))), `tanh(${v})`).to.be.at.most(2.4e-7 * Math.max(Math.abs(Math.tanh(v)), 1e-30));
        });
        const mv = values(mask);
        closeAll(tile, Array.from({ length: 128 * mv.length }, (_, i) => mv[i % mv.length]), 0, 'tile');
        tf.dispose([x, mask]);
      });

      it('ReLU\'s gradient in one kernel equals dy · step(x) in float64 at 1 and 2 threads, and its second derivatives the stock ones', () => {
        const g = rng(46);
        const x = tf.tidy(() => tf.concat([g.normal([size(SHAPE) - 3]), tf.tensor1d([NaN, 0, -0])]).reshape(SHAPE)), dy = g.normal(SHAPE);
        const xv = values(x), dyv = values(dy);
        const run = () => tf.tidy(() => [values(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.relu(t), dy)))(x))]);
        const [grad] = atOneAndTwoThreads(run);
        closeAll(grad, xv.map((v, i) => (Number.isNaN(v) ? NaN : v > 0 ? dyv[i] : 0)), 0, 'relu gradient');
        // d/dw Σ relu(w ⊙ x)² needs relu's gradient's own gradient (w small: a few entries)
        const w = tf.tensor1d([0.5, -1.5, 2]), z = tf.tensor2d([[1, -2, 0.5], [-0.3, 0.7, -1]]);
        const second = () => tf.tidy(() => values(tf.grad((ww: tf.Tensor) => tf.sum(tf.square(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.relu(t), tf.mul(t, ww))))(tf.mul(z, ww)))))(w)));
        closeAll(second(), withoutNative(second), 1e-6, 'second derivative through relu');
        tf.dispose([x, dy]);
        const kernels = async () => (await tf.profile(() => tf.tidy(() => { tf.grad((t: tf.Tensor) => tf.sum(tf.relu(t)))(w); }))).kernelNames;
        return kernels().then((names) => { tf.dispose([w, z]); expect(names).to.include('LatentReluGrad').and.not.include('Step'); });
      });

      it('leaky ReLU and its gradient in one kernel equal float64 at 1 and 2 threads, and a second derivative through it its closed form', () => {
        const g = rng(47);
        const x = tf.tidy(() => tf.concat([g.normal([size(SHAPE) - 3]), tf.tensor1d([NaN, 0, -0])]).reshape(SHAPE)), dy = g.normal(SHAPE);
        const xv = values(x), dyv = values(dy);
        const run = () => tf.tidy(() => [values(tf.leakyRelu(x, 0.2)), values(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.leakyRelu(t, 0.2), dy)))(x))]);
        const [y, grad] = atOneAndTwoThreads(run);
        const a = Math.fround(0.2);
        closeAll(y, xv.map((v) => (v < 0 ? Math.fround(a * v) : v)), 0, 'leaky relu');
        closeAll(grad, xv.map((v, i) => (v > 0 ? dyv[i] : Math.fround(a * dyv[i]))), 0, 'leaky relu gradient');
        const w = tf.tensor1d([0.5, -1.5, 2]), z = tf.tensor2d([[1, -2, 0.5], [-0.3, 0.7, -1]]);
        // d/dw Σ_ij (∂/∂z_ij Σ leaky(z) ⊙ w)² = d/dw Σ_ij (w_j slope(z_ij))² = 2 w_j Σ_i slope(z_ij)² (tfjs's own
        // composition has no second derivative: Greater has no gradient)
        const second = tf.tidy(() => values(tf.grad((ww: tf.Tensor) => tf.sum(tf.square(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.leakyRelu(t, 0.3), ww)))(z))))(w)));
        const zv = values(z), wv = values(w), slope = (v: number) => (v > 0 ? 1 : Math.fround(0.3));
        closeAll(second, wv.map((wj, j) => 2 * wj * (slope(zv[j]) ** 2 + slope(zv[3 + j]) ** 2)), 1e-6, 'second derivative through leaky relu');
        tf.dispose([x, dy]);
        const kernels = async () => (await tf.profile(() => tf.tidy(() => { tf.grad((t: tf.Tensor) => tf.sum(tf.leakyRelu(t, 0.2)))(w); }))).kernelNames;
        return kernels().then((names) => { tf.dispose([w, z]); expect(names).to.include('LatentLeakyReluGrad').and.not.include('Select'); });
      });

      it('Sum over trailing axes (a flow\'s log-determinant) and over leading axes (a bias gradient) equal float64 at 1 and 2 threads', () => {
        const x = rng(44).normal(SHAPE), xv = values(x);
        const run = () => tf.tidy(() => [values(tf.sum(x, [1, 2, 3])), values(tf.sum(x, [-1])), values(tf.sum(x, [2, 3], true)), values(tf.sum(x, [0])), values(tf.sum(x, [0, 1, 2]))]);
        const [perExample, perPixel, keep, lead1, lead3] = atOneAndTwoThreads(run);
        const sums = (groups: number, idx: (i: number) => number) => { const s = new Array(groups).fill(0); xv.forEach((v, i) => { s[idx(i)] += v; }); return s; };
        const n = size(SHAPE);
        // float64 sums, returned in float32: the native trailing sum accumulates in double
        closeAll(perExample, sums(128, (i) => Math.floor(i / (n / 128))), 1e-6, 'sum over [1, 2, 3]');
        closeAll(perPixel, sums(n / 2, (i) => Math.floor(i / 2)), 1e-6, 'sum over the last axis');
        closeAll(keep, sums(128 * 28, (i) => Math.floor(i / 56)), 1e-6, 'sum over [2, 3], keepDims');
        expect(tf.tidy(() => tf.sum(x, [2, 3], true).shape)).to.deep.equal([128, 28, 1, 1]);
        // the leading sum adds rows in order in float32: error grows with the 128 (and 100,352) terms
        closeAll(lead1, sums(n / 128, (i) => i % (n / 128)), 1e-5, 'sum over [0]');
        closeAll(lead3, sums(2, (i) => i % 2), 2e-3, 'sum over [0, 1, 2]');
        tf.dispose(x);
      });

      it('leave the cases they do not cover to the stock kernels, with tfjs\'s values, and leak nothing', () => {
        const g = rng(45);
        const a = g.normal([6, 1, 4]), b = g.normal([1, 5, 1]), i1 = tf.tensor1d([1, -2, 3], 'int32'), i2 = tf.tensor1d([4, 5, -6], 'int32');
        const run = () => tf.tidy(() => [values(tf.mul(a, b)), values(tf.add(i1, i2)), values(tf.tile(a, [2, 3, 1])), values(tf.sum(a, [1])), values(tf.relu(i1)), values(tf.exp(tf.zeros([0])))]);
        const native = run(), stock = withoutNative(run);
        native.forEach((v, k) => closeAll(v, stock[k], 1e-6, `output ${k}`));
        expect(() => tf.add(tf.zeros([5, 2]), tf.zeros([5, 3]))).to.throw(/broadcast|shape/i);
        expectNoLeak(() => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.tanh(tf.relu(tf.add(t, b))), tf.exp(t))))(a));
        tf.dispose([a, b, i1, i2]);
      });
    });
  }
});
