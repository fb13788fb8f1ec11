// The U-Net's layers: the convolution (and its im2col filter-gradient fallback), group norm layer,
// time embedding and resampling.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { Rng } from '../../../src/random/rng';
import { Conv2d, conv2dSame, conv2dIm2col } from '../../../src/models/layers/conv2d';
import { GroupNorm } from '../../../src/models/layers/group-norm';
import { sinusoidalEmbedding } from '../../../src/models/layers/time-embedding';
import { downsample2, upsample2 } from '../../../src/models/layers/resample';

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

describe('models/layers', () => {
  it('the im2col convolution has tf.conv2d\'s value and both gradients (checked against a float64 loop)', () => {
    const g = new Rng(1);
    const x = g.normal([2, 5, 6, 3]) as tf.Tensor4D, W = g.normal([3, 3, 3, 4]) as tf.Tensor4D, w = g.normal([2, 5, 6, 4]);
    const loss = (conv: typeof conv2dSame) => (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D), w)) as tf.Scalar;
    const [dxRef, dWRef] = tf.grads(loss(conv2dSame))([x, W]);
    const [dx, dW] = tf.grads(loss(conv2dIm2col))([x, W]);
    expect(maxAbsDiff(conv2dIm2col(x, W), conv2dSame(x, W))).to.be.below(1e-4);
    expect(maxAbsDiff(dx, dxRef)).to.be.below(1e-4);
    expect(maxAbsDiff(dW, dWRef)).to.be.below(1e-4);
    // ∂L/∂W[i, j, c, o] = Σ x_pad[b, h+i, w+j, c] w[b, h, w, o] in float64, one entry
    const xs = x.arraySync(), ws = w.arraySync() as number[][][][];
    let ref = 0;
    for (let b = 0; b < 2; b++) for (let h = 0; h < 5; h++) for (let v = 0; v < 6; v++) {
      const hh = h + 2 - 1, vv = v + 0 - 1;
      if (hh >= 0 && hh < 5 && vv >= 0 && vv < 6) ref += xs[b][hh][vv][1] * ws[b][h][v][3];
    }
    expect((dW.arraySync() as number[][][][])[2][0][1][3]).to.be.closeTo(ref, 1e-4);
    tf.dispose([x, W, w, dxRef, dWRef, dx, dW]);
  });

  it('Conv2d keeps H×W and rejects a wrong channel count by name', () => {
    const c = new Conv2d(new Rng(0), 2, 5, 3, 'c');
    const y = c.apply(tf.zeros([3, 7, 7, 2]) as tf.Tensor4D);
    expect(y.shape).to.deep.equal([3, 7, 7, 5]);
    expect(() => c.apply(tf.zeros([3, 7, 7, 4]) as tf.Tensor4D)).to.throw(/Conv2d.apply \(c\): x must have shape \[B, H, W, 2\]/);
    expect(() => new Conv2d(new Rng(0), 2, 5, 2, 'even')).to.throw(/kernel must be odd/);
    tf.dispose(y);
    c.dispose();
  });

  it('a GroupNorm layer leaves no tensors behind once disposed', () => {
    const before = tf.memory().numTensors;
    new GroupNorm(8, 2, 'gn').dispose();
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('GroupNorm standardizes each image\'s group: mean 0 and variance 1 per (image, group) at γ = 1, β = 0', () => {
    const gn = new GroupNorm(8, 2, 'gn');
    const x = tf.add(tf.mul(new Rng(2).normal([3, 4, 4, 8]), 3), 5) as tf.Tensor4D;
    const y = gn.apply(x);
    const { mean, variance } = tf.moments(tf.reshape(y, [3, 16, 2, 4]), [1, 3]);
    expect(Math.max(...Array.from(mean.dataSync(), Math.abs))).to.be.below(1e-4);
    expect(Math.max(...Array.from(variance.dataSync(), (v) => Math.abs(v - 1)))).to.be.below(1e-3);
    expect(() => new GroupNorm(6, 4, 'bad')).to.throw(/GroupNorm bad: groups must divide channels \(6\), got 4/);
    tf.dispose([x, y, mean, variance]);
    gn.dispose();
  });

  it('the sinusoidal embedding is [sin(tω), cos(tω)] with ω_i = 1000^(−i/(D/2))', () => {
    const e = sinusoidalEmbedding(tf.tensor1d([3, 250]), 8);
    const rows = e.arraySync();
    const w = [0, 1, 2, 3].map((i) => Math.exp((-Math.log(1000) * i) / 4));
    [3, 250].forEach((t, r) => w.forEach((wi, i) => {
      expect(rows[r][i]).to.be.closeTo(Math.sin(t * wi), 1e-5);
      expect(rows[r][4 + i]).to.be.closeTo(Math.cos(t * wi), 1e-5);
    }));
    expect(() => sinusoidalEmbedding(tf.tensor1d([1]), 7)).to.throw(/dim must be even/);
    e.dispose();
  });

  it('downsample2 averages 2×2 blocks and upsample2 repeats pixels; their composition is the identity on block-constant images', () => {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [1, 4, 4, 1]);
    const d = downsample2(x);
    expect(Array.from(d.dataSync())).to.deep.equal([3.5, 5.5, 11.5, 13.5]);
    const u = upsample2(d);
    expect(u.shape).to.deep.equal([1, 4, 4, 1]);
    expect(maxAbsDiff(downsample2(u), d)).to.equal(0);
    expect(() => downsample2(tf.zeros([1, 5, 4, 1]) as tf.Tensor4D)).to.throw(/H and W even/);
    tf.dispose([x, d, u]);
  });
});
