// The oneDNN convolution kernels against a float64 reference and tfjs's stock kernels, on wasm and cpu:
// Conv2D and _FusedConv2D forward, Conv2DBackpropInput (also conv2dTranspose's forward) and
// Conv2DBackpropFilter, over the strides, dilations, paddings and roundings tfjs defines; the stock
// kernels take over when the addon is missing or a case is not native (NCHW).
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import { rng } from '../../src/random/rng';
import { convDeclines, convKernels, convParams } from '../../src/backend/conv-kernel';
import { Addon, latentThreads, loadAddon } from '../../src/backend/addon';
import { nativeStatus } from '../../src/backend/native-kernels';
import { expectNoLeak, values } from '../support/tensors';
import { withoutNative } from '../support/native';

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
type Shape4 = [number, number, number, number];
interface Case { x: Shape4; f: Shape4; strides: number | [number, number]; pad: Pad; dil?: number | [number, number]; round?: 'floor' | 'round' | 'ceil' }

const pair = (v: number | [number, number]) => (typeof v === 'number' ? [v, v] : v);

/** y[b, i, j, o] = Σ x[b, i·s − top + p·d, j·s − left + q·d, c] w[p, q, c, o] in float64, from tfjs's own output size and padding. */
function referenceConv(x: number[], w: number[], c: Case) {
  const info = tf.backend_util.computeConv2DInfo(c.x, c.f, c.strides, c.dil ?? 1, c.pad, c.round, false, 'channelsLast');
  const [B, H, W, C] = c.x, [KH, KW, , O] = c.f, OH = info.outHeight, OW = info.outWidth;
  const [sh, sw] = pair(c.strides), [dh, dw] = pair(c.dil ?? 1), { top, left } = info.padInfo;
  const y = new Float64Array(B * OH * OW * O), mag = new Float64Array(y.length);
  // each (output, input, filter) triple that meets, for the forward and both gradients
  const triples: [number, number, number][] = [];
  for (let b = 0; b < B; b++) for (let i = 0; i < OH; i++) for (let j = 0; j < OW; j++) for (let p = 0; p < KH; p++) for (let q = 0; q < KW; q++) {
    const ii = i * sh - top + p * dh, jj = j * sw - left + q * dw;
    if (ii < 0 || ii >= H || jj < 0 || jj >= W) continue;
    for (let ci = 0; ci < C; ci++) for (let o = 0; o < O; o++) triples.push([((b * OH + i) * OW + j) * O + o, ((b * H + ii) * W + jj) * C + ci, ((p * KW + q) * C + ci) * O + o]);
  }
  for (const [yi, xi, wi] of triples) { y[yi] += x[xi] * w[wi]; mag[yi] += Math.abs(x[xi] * w[wi]); }
  return { y, mag, outShape: [B, OH, OW, O] as Shape4, triples };
}

const CASES: Case[] = [
  { x: [2, 7, 7, 3], f: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { x: [2, 7, 7, 3], f: [3, 3, 3, 4], strides: 1, pad: 'valid' },
  { x: [2, 8, 8, 3], f: [3, 3, 3, 5], strides: 2, pad: 'same' },
  { x: [1, 9, 8, 2], f: [3, 3, 2, 3], strides: 2, pad: 'valid' },
  { x: [2, 8, 8, 4], f: [4, 4, 4, 2], strides: 2, pad: 1 },
  { x: [2, 6, 6, 3], f: [1, 1, 3, 6], strides: 1, pad: 'valid' },
  { x: [1, 9, 7, 2], f: [2, 3, 2, 3], strides: [2, 1], pad: [[0, 0], [1, 0], [2, 1], [0, 0]] },
  { x: [1, 9, 9, 2], f: [3, 3, 2, 3], strides: 1, pad: 'same', dil: 2 },
  { x: [1, 10, 9, 2], f: [3, 2, 2, 2], strides: 1, pad: 'valid', dil: [2, 3] },
  { x: [1, 9, 9, 2], f: [3, 3, 2, 2], strides: 2, pad: 1, round: 'ceil' },
  { x: [1, 10, 10, 2], f: [3, 3, 2, 2], strides: 3, pad: 1, round: 'floor' },
  { x: [1, 8, 8, 1], f: [5, 5, 1, 2], strides: 1, pad: 2 },
];
const describeCase = (c: Case) => `x [${c.x}] f [${c.f}] strides ${JSON.stringify(c.strides)} pad ${JSON.stringify(c.pad)}${c.dil ? ` dilations ${JSON.stringify(c.dil)}` : ''}${c.round ? ` ${c.round}` : ''}`;
const closeAll = (got: ArrayLike<number>, want: ArrayLike<number>, tol: (i: number) => number, what: string) => {
  expect(got.length, `${what} length`).to.equal(want.length);
  // chai per entry is slow on large tensors: only a failing entry goes through expect
  for (let i = 0; i < want.length; i++) if (!(Math.abs(got[i] - want[i]) <= tol(i))) expect(got[i], `${what}[${i}]`).to.be.closeTo(want[i], tol(i));
};

describe('native convolution kernels (oneDNN)', function () {
  this.timeout(120_000);
  before(function () {
    if (!nativeStatus()?.detail.includes('oneDNN')) this.skip();  // built without oneDNN: the stock-kernel tests below still run
  });

  it('convParams gives oneDNN the output size and padding tfjs computes', () => {
    expect(Array.from(convParams([2, 5, 5, 3], [3, 3, 3, 4], 1, 1, 'same'))).to.deep.equal([2, 5, 5, 3, 5, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1]);
    // 'valid' with a stride that does not divide: tfjs drops the last input row and column (bottom/right −1)
    expect(Array.from(convParams([1, 28, 28, 1], [3, 3, 1, 8], 2, 1, 'valid')).slice(13)).to.deep.equal([0, 0, -1, -1]);
  });

  it('forward and both gradients equal float64 at 1 and 2 threads, switching back and forth (a primitive per thread count), each count bit-identical run after run', () => {
    const c: Case = { x: [16, 14, 14, 8], f: [3, 3, 8, 16], strides: 1, pad: 'same' };
    const g = rng(14);
    const x = g.normal(c.x), w = g.normal(c.f);
    const xv = values(x), wv = values(w);
    const ref = referenceConv(xv, wv, c);
    const G = g.normal(ref.outShape), Gv = values(G);
    const dx = new Float64Array(xv.length), dxMag = new Float64Array(xv.length), dw = new Float64Array(wv.length), dwMag = new Float64Array(wv.length);
    for (const [yi, xi, wi] of ref.triples) {
      dx[xi] += Gv[yi] * wv[wi]; dxMag[xi] += Math.abs(Gv[yi] * wv[wi]);
      dw[wi] += Gv[yi] * xv[xi]; dwMag[wi] += Math.abs(Gv[yi] * xv[xi]);
    }
    const conv = (xx: tf.Tensor, ww: tf.Tensor) => tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, 1, 'same');
    const run = () => tf.tidy(() => [values(conv(x, w)), ...tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.mul(conv(xx, ww), G)))([x, w]).map(values)]);
    const byThreads = new Map<number, number[][]>();
    const eps = 2 ** -23;
    const cached = () => loadAddon().info().convBuilt;
    const built: number[] = [];
    try {
      for (const n of [1, 2, 1, 2]) {
        loadAddon().setThreads(n);
        const before = cached();
        const [y, gx, gw] = run();
        built.push(cached() - before);
        closeAll(y, ref.y, (i) => 16 * eps * (ref.mag[i] + 1e-30), `y at ${n} threads`);
        closeAll(gx, dx, (i) => 32 * eps * (dxMag[i] + 1e-30), `dx at ${n} threads`);
        closeAll(gw, dw, (i) => 64 * eps * (dwMag[i] + 1e-30), `dw at ${n} threads`);
        const first = byThreads.get(n);
        // the weight gradient's reduction is split among the threads: identical for one count, not across counts
        if (first) [y, gx, gw].forEach((out, k) => expect(out.every((v, i) => Object.is(v, first[k][i])), `output ${k} at ${n} threads, run after run`).to.equal(true));
        else byThreads.set(n, [y, gx, gw]);
      }
    } finally {
      loadAddon().setThreads(latentThreads());
    }
    // oneDNN fixes a primitive's split among threads when it is built: the forward, data and weight primitives are
    // built once per thread count (one built at 1 thread kept running on 1 after setThreads(2)), then reused
    expect(built.slice(1)).to.deep.equal([3, 0, 0]);
    tf.dispose([x, w, G]);
  });

  for (const backend of ['wasm', 'cpu']) {
    describe(`on ${backend}`, () => {
      let before = '';
      beforeEach(async () => { before = tf.getBackend(); await tf.setBackend(backend); });
      afterEach(async () => { await tf.setBackend(before); });

      for (const c of CASES) {
        it(`${describeCase(c)}: forward and both gradients match float64 and the stock kernels`, () => {
          const g = rng(11);
          const x = g.normal(c.x), w = g.normal(c.f);
          const xv = values(x), wv = values(w);
          const ref = referenceConv(xv, wv, c);
          const G = g.normal(ref.outShape);  // the upstream gradient
          const Gv = values(G);
          const eps = 2 ** -23;
          const conv = (xx: tf.Tensor, ww: tf.Tensor) => tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, c.strides, c.pad as 'same', 'NHWC', c.dil ?? 1, c.round);
          const y = tf.tidy(() => values(conv(x, w)));
          closeAll(y, ref.y, (i) => 16 * eps * (ref.mag[i] + 1e-30), 'y');
          // float64 gradients of Σ y ⊙ G; only the stride-1-dilation gradients are defined in tfjs
          const dilated = pair(c.dil ?? 1).some((d) => d > 1);
          if (!dilated) {
            const dx = new Float64Array(xv.length), dxMag = new Float64Array(xv.length), dw = new Float64Array(wv.length), dwMag = new Float64Array(wv.length);
            for (const [yi, xi, wi] of ref.triples) {
              dx[xi] += Gv[yi] * wv[wi]; dxMag[xi] += Math.abs(Gv[yi] * wv[wi]);
              dw[wi] += Gv[yi] * xv[xi]; dwMag[wi] += Math.abs(Gv[yi] * xv[xi]);
            }
            const objective = (xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.mul(conv(xx, ww), G));
            const [gx, gw] = tf.tidy(() => tf.grads(objective)([x, w]).map(values));
            closeAll(gx, dx, (i) => 32 * eps * (dxMag[i] + 1e-30), 'dx');
            closeAll(gw, dw, (i) => 64 * eps * (dwMag[i] + 1e-30), 'dw');
            if (backend === 'cpu') {  // wasm has no stock Conv2DBackpropFilter to compare with
              const [sx, sw] = withoutNative(() => tf.tidy(() => tf.grads(objective)([x, w]).map(values)));
              closeAll(gx, sx, (i) => 32 * eps * (dxMag[i] + 1), 'dx vs stock');
              closeAll(gw, sw, (i) => 64 * eps * (dwMag[i] + 1), 'dw vs stock');
            }
          }
          const stockY = withoutNative(() => tf.tidy(() => values(conv(x, w))));
          closeAll(y, stockY, (i) => 16 * eps * (ref.mag[i] + 1), 'y vs stock');
          tf.dispose([x, w, G]);
        });
      }

      it('conv2dTranspose (Conv2DBackpropInput forward) and its gradients match the stock kernels', () => {
        const g = rng(12);
        const x = g.normal([2, 7, 7, 6]), w = g.normal([4, 4, 3, 6]), G = g.normal([2, 14, 14, 3]);
        const objective = (xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.mul(tf.conv2dTranspose(xx as tf.Tensor4D, ww as tf.Tensor4D, [2, 14, 14, 3], 2, 'same'), G));
        const run = () => tf.tidy(() => [values(tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [2, 14, 14, 3], 2, 'same')), ...tf.grads(objective)([x, w]).map(values)]);
        const native = run();
        const stock = backend === 'cpu' ? withoutNative(run) : withoutNative(() => [tf.tidy(() => values(tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [2, 14, 14, 3], 2, 'same')))]);
        stock.forEach((s, k) => closeAll(native[k], s, (i) => 1e-4 * (1 + Math.abs(s[i])), `output ${k}`));
        tf.dispose([x, w, G]);
      });

      it('fused conv2d with bias and ReLU (as tfjs-layers calls it) matches the stock kernels, gradients too', () => {
        const g = rng(13);
        const x = g.normal([2, 6, 6, 3]), w = g.normal([3, 3, 3, 4]), b = g.normal([4]), G = g.normal([2, 6, 6, 4]);
        for (const activation of ['linear', 'relu'] as const) {
          const f = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.fused.conv2d({ x: xx as tf.Tensor4D, filter: ww as tf.Tensor4D, strides: 1, pad: 'same', bias: bb, activation });
          const run = () => tf.tidy(() => [values(f(x, w, b)), ...(backend === 'cpu' ? tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(f(xx, ww, bb), G)))([x, w, b]).map(values) : [])]);
          const native = run(), stock = withoutNative(run);
          stock.forEach((s, k) => closeAll(native[k], s, (i) => 1e-4 * (1 + Math.abs(s[i])), `${activation} output ${k}`));
        }
        tf.dispose([x, w, b, G]);
      });

      it('ran every case above natively: the kernels are registered and oneDNN declined none', () => {
        for (const k of ['Conv2D', 'FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter']) expect(tf.getKernel(k, backend)!.kernelFunc.name, k).to.match(/^(nativeConv2d|fusedConv2d|backpropInput|backpropFilter)$/);
        expect(convDeclines.count).to.equal(0);
      });

      it('leaks no tensors, forward and backward', () => {
        const x = tf.ones([2, 5, 5, 2]), w = tf.ones([3, 3, 2, 3]);
        expectNoLeak(() => tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, 1, 'same')))([x, w]));
        tf.dispose([x, w]);
      });
    });
  }

  it('NCHW goes to the stock kernel (cpu) with the same result as NHWC', async () => {
    const before = tf.getBackend();
    await tf.setBackend('cpu');
    try {
      const g = rng(14);
      const x = g.normal([1, 5, 5, 2]), w = g.normal([3, 3, 2, 3]);
      const nhwc = tf.tidy(() => values(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same')));
      const nchw = tf.tidy(() => values(tf.transpose(tf.conv2d(tf.transpose(x, [0, 3, 1, 2]) as tf.Tensor4D, w as tf.Tensor4D, 1, 'same', 'NCHW'), [0, 2, 3, 1])));
      closeAll(nchw, nhwc, () => 1e-5, 'NCHW');
      tf.dispose([x, w]);
    } finally {
      await tf.setBackend(before);
    }
  });
});

describe('convolutions without the native kernels', function () {
  this.timeout(120_000);
  it('an addon built without oneDNN registers no convolution kernel (the stock ones stay)', () => {
    expect(convKernels({} as Addon, 'cpu', () => undefined)).to.deep.equal([]);
  });

  it('fall back to the stock kernels when the addon is missing: a conv layer still computes and trains on cpu', () => {
    const code = `const ll = require('${require.resolve('../../src')}');
      ll.ready().then(async () => {
        await ll.tf.setBackend('cpu');
        const g = ll.rng(1), x = g.normal([4, 6, 6, 2]), target = g.normal([4, 6, 6, 3]);
        const w = ll.tf.variable(ll.tf.mul(g.normal([3, 3, 2, 3]), 0.3));
        const opt = ll.tf.train.adam(0.05), losses = [];
        for (let s = 0; s < 20; s++) losses.push((await opt.minimize(() => ll.tf.mean(ll.tf.square(ll.tf.sub(ll.tf.conv2d(x, w, 1, 'same'), target))), true, [w]).data())[0]);
        console.log('NATIVE', ll.backendInfo().native.enabled, 'KERNEL', ll.tf.getKernel('Conv2D', 'cpu').kernelFunc.name, 'TRAINS', losses[19] < losses[0] && losses.every(Number.isFinite));
      });`;
    const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', code], { encoding: 'utf8', env: { ...process.env, LATENT_NATIVE_ADDON: '/nonexistent/latent_blas.node' } });
    expect(r.stdout, r.stderr).to.match(/NATIVE false KERNEL \S+ TRAINS true/);
    expect(r.stdout).not.to.contain('KERNEL nativeConv2d ');
  });
});
