// The masked convolution against a float64 loop that skips the masked offsets, and its masks written out.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { rng } from '../../../src';
import { MaskedConv2d, rasterMask } from '../../../src/models/autoregressive/masked-conv2d';

describe('models/autoregressive/masked-conv2d: PixelCNN masks (D67)', () => {
  it('type A hides the centre and everything after it in raster order; type B keeps the centre; the gated stacks\' masks', () => {
    const read = (t: tf.Tensor4D) => { const v = tf.tidy(() => tf.squeeze(t, [2, 3]).arraySync() as number[][]); t.dispose(); return v; };
    expect(read(rasterMask(3, 1, 1, 'A'))).to.deep.equal([[1, 1, 1], [1, 0, 0], [0, 0, 0]]);
    expect(read(rasterMask(3, 1, 1, 'B'))).to.deep.equal([[1, 1, 1], [1, 1, 0], [0, 0, 0]]);
    expect(read(rasterMask(3, 1, 1, 'vertical'))).to.deep.equal([[1, 1, 1], [1, 1, 1], [0, 0, 0]]);
    expect(read(rasterMask(3, 1, 1, 'horizontal-A'))).to.deep.equal([[0, 0, 0], [1, 0, 0], [0, 0, 0]]);
    expect(read(rasterMask(3, 1, 1, 'horizontal-B'))).to.deep.equal([[0, 0, 0], [1, 1, 0], [0, 0, 0]]);
    expect(read(rasterMask(5, 1, 1, 'A'))).to.deep.equal([[1, 1, 1, 1, 1], [1, 1, 1, 1, 1], [1, 1, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]]);
    // every channel pair gets the same spatial mask
    const m = rasterMask(3, 2, 4, 'B');
    expect(Array.from(m.dataSync()).reduce((a, b) => a + b, 0)).to.equal(5 * 2 * 4);
    m.dispose();
  });

  for (const type of ['A', 'B'] as const) {
    it(`type ${type}: the tensor layer equals a float64 loop over the unmasked offsets (zero padding)`, () => {
      const before = tf.memory().numTensors;
      const [B, H, W, Ci, Co, k] = [2, 5, 4, 3, 2, 3];
      const layer = new MaskedConv2d(rng(1), Ci, Co, k, type, 't');
      const x = rng(2).normal([B, H, W, Ci]) as tf.Tensor4D;
      const y = layer.apply(x);
      const xs = x.dataSync(), Ws = layer.conv.W.dataSync(), bs = layer.conv.b.dataSync(), ys = y.dataSync();
      const c = 1;
      let worst = 0;
      for (let b = 0; b < B; b++) for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) for (let o = 0; o < Co; o++) {
        let s = bs[o];
        for (let u = 0; u < k; u++) for (let v = 0; v < k; v++) {
          // the raster rule itself, not the mask tensor: rows above, or the centre row left of (A) / up to (B) the centre
          if (!(u < c || (u === c && (type === 'A' ? v < c : v <= c)))) continue;
          const ii = i + u - c, jj = j + v - c;
          if (ii < 0 || ii >= H || jj < 0 || jj >= W) continue;
          for (let ci = 0; ci < Ci; ci++) s += Ws[((u * k + v) * Ci + ci) * Co + o] * xs[((b * H + ii) * W + jj) * Ci + ci];
        }
        worst = Math.max(worst, Math.abs(s - ys[((b * H + i) * W + j) * Co + o]));
      }
      expect(worst).to.be.below(1e-5);
      tf.dispose([x, y]);
      layer.dispose();
      expect(tf.memory().numTensors).to.equal(before);
    });
  }

  it('bad arguments are named', () => {
    expect(() => rasterMask(3, 1, 1, 'C' as 'A')).to.throw("rasterMask: type must be one of 'A', 'B', 'vertical', 'horizontal-A', 'horizontal-B', got 'C'");
    expect(() => new MaskedConv2d(rng(0), 1, 2, 3, 'b' as 'B', 'first')).to.throw("MaskedConv2d first: type must be one of 'A', 'B'");
    expect(() => new MaskedConv2d(rng(0), 1, 2, 4, 'A', 'first')).to.throw('kernel');
    const layer = new MaskedConv2d(rng(0), 2, 2, 3, 'A', 'first');
    const x = tf.zeros([1, 4, 4, 3]) as tf.Tensor4D;
    expect(() => layer.apply(x)).to.throw('MaskedConv2d.apply (first): x must have shape [B, H, W, 2]');
    x.dispose();
    layer.dispose();
  });
});
