// The native U-Net resampling kernels (AvgPool 2×2, nearest ×2, channel Concat/SplitV, and their
// gradients) against float64 references and the stock kernels, on wasm and cpu; the cases they do not
// cover go to the stock kernels; Identity and same-dtype Cast share memory on wasm without aliasing bugs.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { rng } from '../../src/random/rng';
import { isPool2 } from '../../src/backend/resample-kernel';
import { expectNoLeak, values } from '../support/tensors';
import { withoutNative } from '../support/native';

const closeAll = (got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string) => {
  expect(got.length, `${what} length`).to.equal(want.length);
  for (let i = 0; i < want.length; i++) if (!(Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i])))) expect(got[i], `${what}[${i}]`).to.be.closeTo(want[i], tol);
};

describe('native resampling kernels', function () {
  this.timeout(120_000);

  it('isPool2 recognizes exactly the 2×2 stride-2 unpadded pooling', () => {
    expect(isPool2([2, 8, 6, 3], { filterSize: 2, strides: 2, pad: 'valid' })).to.equal(true);
    expect(isPool2([2, 8, 6, 3], { filterSize: [2, 2], strides: [2, 2], pad: 'same' })).to.equal(true);
    expect(isPool2([2, 7, 6, 3], { filterSize: 2, strides: 2, pad: 'valid' })).to.equal(false);
    expect(isPool2([2, 8, 6, 3], { filterSize: 3, strides: 2, pad: 'same' })).to.equal(false);
    expect(isPool2([2, 8, 6, 3], { filterSize: 2, strides: 1, pad: 'valid' })).to.equal(false);
  });

  for (const backend of ['wasm', 'cpu']) {
    describe(`on ${backend}`, () => {
      let before = '';
      beforeEach(async () => { before = tf.getBackend(); await tf.setBackend(backend); });
      afterEach(async () => { await tf.setBackend(before); });

      it('avgPool 2×2 and nearest ×2 upsampling: values match float64, gradients the stock kernels', () => {
        const [B, H, W, C] = [2, 6, 4, 3];
        const x = rng(31).normal([B, H, W, C]) as tf.Tensor4D, xv = values(x);
        const G1 = rng(32).normal([B, H / 2, W / 2, C]), G2 = rng(33).normal([B, 2 * H, 2 * W, C]);
        const at = (b: number, i: number, j: number, c: number) => xv[((b * H + i) * W + j) * C + c];
        const pool: number[] = [], up: number[] = [];
        for (let b = 0; b < B; b++) for (let i = 0; i < H / 2; i++) for (let j = 0; j < W / 2; j++) for (let c = 0; c < C; c++) pool.push((at(b, 2 * i, 2 * j, c) + at(b, 2 * i + 1, 2 * j, c) + at(b, 2 * i, 2 * j + 1, c) + at(b, 2 * i + 1, 2 * j + 1, c)) / 4);
        for (let b = 0; b < B; b++) for (let i = 0; i < 2 * H; i++) for (let j = 0; j < 2 * W; j++) for (let c = 0; c < C; c++) up.push(at(b, i >> 1, j >> 1, c));
        const run = () => tf.tidy(() => [
          values(tf.avgPool(x, 2, 2, 'valid')), values(tf.image.resizeNearestNeighbor(x, [2 * H, 2 * W])), values(tf.image.resizeNearestNeighbor(x, [2 * H, 2 * W], false, true)),
          values(tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(tf.avgPool(xx as tf.Tensor4D, 2, 2, 'valid'), G1)))(x)),
          values(tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(tf.image.resizeNearestNeighbor(xx as tf.Tensor4D, [2 * H, 2 * W]), G2)))(x)),
          // not covered: 3×3 pooling and ×1.5 resizing go to the stock kernels
          values(tf.avgPool(x, 3, 1, 'same')), values(tf.image.resizeNearestNeighbor(x, [9, 6])),
        ]);
        const native = run(), stock = withoutNative(run);
        closeAll(native[0], pool, 1e-6, 'avgPool vs float64');
        closeAll(native[1], up, 0, 'upsample vs float64');
        closeAll(native[2], up, 0, 'upsample (half-pixel centers) vs float64');
        // the upsampling gradient against float64: tfjs-backend-cpu 4.22's stock ResizeNearestNeighborGrad is
        // wrong for non-square images (off by up to 6 here), so it is not the reference
        const G2v = values(G2), upGrad = new Array(xv.length).fill(0);
        for (let b = 0; b < B; b++) for (let i = 0; i < 2 * H; i++) for (let j = 0; j < 2 * W; j++) for (let c = 0; c < C; c++) upGrad[((b * H + (i >> 1)) * W + (j >> 1)) * C + c] += G2v[((b * 2 * H + i) * 2 * W + j) * C + c];
        closeAll(native[4], upGrad, 1e-6, 'upsample gradient vs float64');
        stock.forEach((s, k) => k !== 4 && closeAll(native[k], s, 1e-6, `output ${k} vs stock`));
        expectNoLeak(() => tf.grad((xx: tf.Tensor) => tf.sum(tf.image.resizeNearestNeighbor(tf.avgPool(xx as tf.Tensor4D, 2, 2, 'valid'), [H, W])))(x));
        tf.dispose([x, G1, G2]);
      });

      it('concat along channels and its gradient (SplitV) match the stock kernels; other axes are stock', () => {
        const g = rng(34);
        const a = g.normal([2, 3, 4, 5]), b = g.normal([2, 3, 4, 2]), c = g.normal([2, 3, 4, 1]), G = g.normal([2, 3, 4, 8]);
        const run = () => tf.tidy(() => [values(tf.concat([a, b, c], 3)), values(tf.concat([a, a], 1)), values(tf.concat([a, b], -1)),
          ...tf.grads((aa: tf.Tensor, bb: tf.Tensor, cc: tf.Tensor) => tf.sum(tf.mul(tf.concat([aa, bb, cc], 3), G)))([a, b, c]).map(values),
          ...tf.split(G, [3, -1, 1], 3).map(values)]);
        const native = run(), stock = withoutNative(run);
        stock.forEach((s, k) => closeAll(native[k], s, 0, `output ${k}`));
        expectNoLeak(() => tf.tidy(() => tf.split(tf.concat([a, b], 3), 7, 3)));
        tf.dispose([a, b, c, G]);
      });
    });
  }

  it('on wasm, clone and same-dtype cast share memory; the copy survives the original and in-place updates do not leak into it', async () => {
    const before = tf.getBackend();
    await tf.setBackend('wasm');
    try {
      const v = tf.variable(tf.tensor1d([1, 2, 3]));
      const c = tf.clone(v), k = tf.cast(v, 'float32'), i = tf.cast(v, 'int32');
      expect(values(c)).to.deep.equal([1, 2, 3]);
      expect(values(k)).to.deep.equal([1, 2, 3]);
      expect(i.dtype).to.equal('int32');
      v.assign(tf.tensor1d([7, 8, 9]));
      expect(values(c)).to.deep.equal([1, 2, 3]);
      v.dispose();
      expect(values(c)).to.deep.equal([1, 2, 3]);
      tf.dispose([c, k, i]);
      expectNoLeak(() => tf.tidy(() => tf.clone(tf.ones([4]))));
    } finally {
      await tf.setBackend(before);
    }
  });
});
