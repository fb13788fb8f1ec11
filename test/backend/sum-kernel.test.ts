// The native Sum over leading axes against a float64 reference and the stock kernel's shapes: negative
// axes, keepDims, empty inputs (where the stock wasm kernel returns uninitialized memory), and the sums
// it hands back to the stock kernel.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { rng } from '../../src';
import { leadingAxes } from '../../src/backend/sum-kernel';
import { withoutNative } from '../support/native';

/** Σ over `axis` in float64, for a row-major tensor of `shape`; returns the values of the kept axes in order. */
function reference(x: ArrayLike<number>, shape: number[], axis: number | number[]): number[] {
  const axes = new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + shape.length : a)));
  const kept = shape.map((d, i) => (axes.has(i) ? 1 : d));
  const out = new Array(kept.reduce((a, b) => a * b, 1)).fill(0);
  for (let flat = 0; flat < x.length; flat++) {
    let rem = flat, o = 0, stride = 1;
    for (let d = shape.length - 1; d >= 0; d--) {
      const c = rem % shape[d];
      rem = Math.floor(rem / shape[d]);
      if (!axes.has(d)) { o += c * stride; stride *= shape[d]; }
    }
    out[o] += x[flat];
  }
  return out;
}

describe('native Sum over leading axes', () => {
  it('recognizes leading axes only', () => {
    expect(leadingAxes(0, 2)).to.equal(1);
    expect(leadingAxes([1, 0], 3)).to.equal(2);
    expect(leadingAxes([-3, -2], 3)).to.equal(2);
    expect(leadingAxes([0, 1], 2)).to.equal(0); // a full reduction: the stock kernel's
    expect(leadingAxes(1, 2)).to.equal(0);
    expect(leadingAxes([0, 2], 3)).to.equal(0);
  });

  for (const backend of ['wasm', 'cpu']) {
    it(`on ${backend}: equals a float64 reference for every axis choice, with and without keepDims`, async () => {
      const before = tf.getBackend();
      await tf.setBackend(backend);
      try {
        const g = rng(4);
        const cases: [number[], number | number[]][] = [[[128, 300], 0], [[4, 3, 5], [0, 1]], [[4, 3, 5], -3], [[4, 3, 5], 1], [[4, 3, 5], [0, 2]],
          [[7, 1], 0], [[1, 9], 0], [[0, 6], 0], [[3, 4], [0, 1]], [[3, 4], -1]];
        for (const [shape, axis] of cases) {
          for (const keepDims of [false, true]) {
            tf.tidy(() => {
              const x = g.normal(shape);
              const got = tf.sum(x, axis, keepDims);
              const want = withoutNative(() => tf.sum(x, axis, keepDims));
              expect(got.shape, `[${shape}] axis ${axis} keepDims ${keepDims}`).to.deep.equal(want.shape);
              const gv = got.dataSync(), ref = reference(x.dataSync(), shape, axis);
              const rows = shape.reduce((a, b) => a * b, 1) / Math.max(1, ref.length);
              expect(gv.length).to.equal(ref.length);
              ref.forEach((r, i) => expect(gv[i], `[${shape}] axis ${axis} @${i}`).to.be.closeTo(r, 4 * 2 ** -23 * rows * (1 + Math.abs(r))));
            });
          }
        }
        // integer sums stay with the stock kernel
        expect(Array.from(tf.sum(tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32'), 0).dataSync())).to.deep.equal([4, 6]);
      } finally {
        await tf.setBackend(before);
      }
    });
  }
});
