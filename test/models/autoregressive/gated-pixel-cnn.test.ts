// The gated PixelCNN: the same exact likelihood as PixelCNN (the 16 probabilities of 2×2 images sum to 1,
// D66), each logit's gradient exactly 0 at and after its pixel (D67), and — unlike the plain stack — nonzero on
// every earlier pixel within the stacks' reach: a full rectangle of rows above plus the row to the left, no
// blind spot.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { rng } from '../../../src';
import { GatedPixelCNN } from '../../../src/models/autoregressive/gated-pixel-cnn';

const allBinary = (D: number) => Array.from({ length: 2 ** D }, (_, i) => Array.from({ length: D }, (__, d) => (i >> d) & 1));

describe('models/autoregressive/gated-pixel-cnn: two stacks, no blind spot', () => {
  it('Σ_x p(x) = 1 over all 16 binary 2×2 images (D66)', () => {
    const before = tf.memory().numTensors;
    const m = new GatedPixelCNN(rng(3), { height: 2, width: 2, channels: 4, layers: 2, firstKernel: 3 });
    tf.tidy(() => m.variables.forEach((v) => v.assign(tf.mul(v, 3))));
    const xs = tf.tensor2d(allBinary(4));
    const lp = m.logProb(xs);
    const p = Array.from(lp.dataSync(), Math.exp);
    expect(p.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-5);
    expect(Math.max(...p) / Math.min(...p)).to.be.above(2);
    tf.dispose([xs, lp]);
    m.dispose();
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('the logit of pixel i reads exactly the rows above within reach (all their columns within reach) and its row to the left: 0 at every input ≥ i (D67)', () => {
    const before = tf.memory().numTensors;
    const [H, W, L] = [8, 9, 2];
    const m = new GatedPixelCNN(rng(4), { height: H, width: W, channels: 8, layers: L, firstKernel: 3, kernel: 3 });
    const x = tf.tidy(() => tf.cast(tf.less(rng(5).uniform([1, H * W]), 0.5), 'float32')) as tf.Tensor2D;
    // reach: the first layer's c = 1 and one more per gated layer, in every direction; the vertical stack one row further (the shift)
    const side = 1 + L, up = 1 + 1 + L;
    for (let i = 0; i < H * W; i++) {
      const g = m.inputGradient(x, i);
      const gs = g.dataSync();
      g.dispose();
      const [r, c] = [Math.floor(i / W), i % W];
      for (let j = 0; j < H * W; j++) {
        const [rj, cj] = [Math.floor(j / W), j % W];
        const reads = (rj < r && r - rj <= up && Math.abs(cj - c) <= side) || (rj === r && cj < c && c - cj <= side);
        if (j >= i) expect(gs[j], `∂ℓ_${i}/∂x_${j}`).to.equal(0);
        else expect(gs[j] !== 0, `∂ℓ_${i}/∂x_${j} nonzero`).to.equal(reads);
      }
    }
    x.dispose();
    m.dispose();
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('samples are binary, the same for the same seed, without tensor growth; bad arguments are named', () => {
    const m = new GatedPixelCNN(rng(6), { height: 3, width: 3, channels: 2, layers: 1, firstKernel: 3 });
    const before = tf.memory().numTensors;
    const a = m.sample(rng(7), 5), b = m.sample(rng(7), 5);
    expect(Array.from(a.dataSync()).every((v) => v === 0 || v === 1)).to.equal(true);
    expect(Array.from(b.dataSync())).to.deep.equal(Array.from(a.dataSync()));
    tf.dispose([a, b]);
    expect(tf.memory().numTensors).to.equal(before);
    expect(() => new GatedPixelCNN(0 as never)).to.throw('GatedPixelCNN: rng must be');
    expect(() => new GatedPixelCNN(rng(0), { layers: -1 })).to.throw('GatedPixelCNN: layers must be');
    const wrong = tf.zeros([2, 10]);
    expect(() => m.logProb(wrong)).to.throw('GatedPixelCNN.logProb: x must have shape [batch, 9]');
    const one = tf.zeros([1, 9]) as tf.Tensor2D;
    expect(() => m.inputGradient(one, 9)).to.throw('GatedPixelCNN.inputGradient: pixel must be a raster index below H·W = 9');
    tf.dispose([wrong, one]);
    m.dispose();
  });
});
