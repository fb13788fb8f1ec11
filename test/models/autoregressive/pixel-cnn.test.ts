// PixelCNN: an exact likelihood, so exact checks — the 16 probabilities of all 2×2 binary images sum to 1
// (D66), each logit reads exactly the earlier pixels its stacked masks reach (D67: the gradient is exactly
// zero at every later pixel and matches a float64 reachability computation), and ancestral samples have
// the model's own frequencies.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { rng } from '../../../src';
import { PixelCNN } from '../../../src/models/autoregressive/pixel-cnn';
import { loadPixelCNN, savePixelCNN } from '../../../src/checkpoints/pixel-cnn';
import { evaluateLikelihoods, pixelCNNLikelihood } from '../../../src/evaluation/log-likelihood';

const allBinary = (D: number) => Array.from({ length: 2 ** D }, (_, i) => Array.from({ length: D }, (__, d) => (i >> d) & 1));

// larger weights than at initialization, so the conditionals are far from ½
const sharpen = (m: PixelCNN, factor: number) => tf.tidy(() => m.variables.forEach((v) => v.assign(tf.mul(v, factor))));

/**
 * The input pixels the logit of `pixel` can read, by walking the layers backwards in float64 bookkeeping: a
 * type-B layer of kernel k reaches offsets (du, dv) with du ∈ [−c, 0), |dv| ≤ c, or du = 0, dv ∈ [−c, 0];
 * the type-A layer the same without (0, 0); positions outside the image are zero padding, not pixels.
 */
function reachable(H: number, W: number, pixel: number, firstKernel: number, kernel: number, layers: number): Set<number> {
  const offsets = (k: number, centre: boolean) => {
    const c = Math.floor(k / 2), out: [number, number][] = [];
    for (let du = -c; du <= 0; du++) for (let dv = -c; dv <= c; dv++) if (du < 0 || dv < 0 || (centre && dv === 0)) out.push([du, dv]);
    return out;
  };
  const step = (set: Set<number>, offs: [number, number][]) => {
    const next = new Set<number>();
    for (const p of set) {
      const r = Math.floor(p / W), c = p % W;
      for (const [du, dv] of offs) if (r + du >= 0 && c + dv >= 0 && c + dv < W) next.add((r + du) * W + c + dv);
    }
    return next;
  };
  let set = new Set([pixel]);
  for (let l = 0; l < layers; l++) set = step(set, offsets(kernel, true));
  return step(set, offsets(firstKernel, false));
}

describe('models/autoregressive/pixel-cnn: exact log-likelihood of binary images', () => {
  it('Σ_x p(x) = 1 over all 16 binary 2×2 images, and log p(x) is Σ x ℓ − softplus(ℓ) in float64 (D66)', () => {
    const before = tf.memory().numTensors;
    const m = new PixelCNN(rng(3), { height: 2, width: 2, channels: 6, layers: 2, firstKernel: 3, kernel: 3 });
    sharpen(m, 3);
    const xs = tf.tensor2d(allBinary(4));
    const lpT = m.logProb(xs), logitsT = m.logits(xs);
    const lp = Array.from(lpT.dataSync());
    const logits = logitsT.arraySync() as number[][];
    tf.dispose([lpT, logitsT]);
    const reference = allBinary(4).map((x, b) => x.reduce((s, xi, i) => s + xi * logits[b][i] - Math.log1p(Math.exp(logits[b][i])), 0));
    lp.forEach((v, b) => expect(v).to.be.closeTo(reference[b], 1e-5));
    const total = lp.reduce((s, v) => s + Math.exp(v), 0);
    expect(total).to.be.closeTo(1, 1e-5);
    // far from uniform: the test would pass trivially for equal probabilities
    expect(Math.max(...lp) - Math.min(...lp)).to.be.above(1);
    xs.dispose();
    m.dispose();
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('the logit of pixel i has gradient exactly 0 at every input ≥ i, nonzero exactly where the masks reach (D67), with a blind spot', () => {
    const before = tf.memory().numTensors;
    const [H, W, firstKernel, kernel, layers] = [6, 7, 3, 3, 2];
    const m = new PixelCNN(rng(4), { height: H, width: W, channels: 8, layers, firstKernel, kernel });
    const x = tf.tidy(() => tf.cast(tf.less(rng(5).uniform([1, H * W]), 0.5), 'float32')) as tf.Tensor2D;
    let blind = 0;
    for (let i = 0; i < H * W; i++) {
      const g = m.inputGradient(x, i);
      const gs = g.dataSync();
      g.dispose();
      const field = reachable(H, W, i, firstKernel, kernel, layers);
      for (let j = 0; j < H * W; j++) {
        if (j >= i) expect(gs[j], `∂ℓ_${i}/∂x_${j}`).to.equal(0);
        else expect(gs[j] !== 0, `∂ℓ_${i}/∂x_${j} nonzero`).to.equal(field.has(j));
        if (j < i && !field.has(j)) blind++;
      }
      // every pixel after the first depends on some earlier one
      if (i > 0) expect(field.size).to.be.above(0);
    }
    // the stacked masks miss earlier pixels above and to the right: the blind spot
    expect(blind).to.be.above(0);
    x.dispose();
    m.dispose();
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('flipping a later pixel leaves an earlier logit unchanged (the same fact without gradients)', () => {
    const m = new PixelCNN(rng(6), { height: 4, width: 4, channels: 4, layers: 1 });
    const base = tf.tidy(() => tf.cast(tf.less(rng(7).uniform([1, 16]), 0.5), 'float32')) as tf.Tensor2D;
    const l0T = m.logits(base), l0 = l0T.dataSync();
    for (const j of [5, 10, 14]) {
      const flipped = tf.tidy(() => tf.sub(1, tf.mul(base, 1)).mul(tf.oneHot([j], 16).cast('float32')).add(base.mul(tf.sub(1, tf.oneHot([j], 16).cast('float32'))))) as tf.Tensor2D;
      const l1T = m.logits(flipped), l1 = l1T.dataSync();
      l1T.dispose();
      for (let i = 0; i <= j; i++) expect(l1[i]).to.equal(l0[i]);
      expect(Array.from(l1).slice(j + 1).some((v, k) => v !== l0[j + 1 + k])).to.equal(true);
      flipped.dispose();
    }
    tf.dispose([base, l0T]);
    m.dispose();
  });

  it('pixel-by-pixel samples have the exact probabilities: every 2×2 frequency within 4 SE', () => {
    const before = tf.memory().numTensors;
    const m = new PixelCNN(rng(8), { height: 2, width: 2, channels: 6, layers: 1, firstKernel: 3 });
    sharpen(m, 3);
    const xs = tf.tensor2d(allBinary(4));
    const lp = m.logProb(xs);
    const p = Array.from(lp.dataSync(), Math.exp);
    const n = 4000;
    const s = m.sample(rng(9), n);
    const rows = s.arraySync() as number[][];
    const counts = new Array(16).fill(0);
    rows.forEach((r) => { counts[r.reduce((a, v, d) => a + (v << d), 0)]++; });
    counts.forEach((c, k) => expect(Math.abs(c / n - p[k])).to.be.at.most(4 * Math.sqrt(p[k] * (1 - p[k]) / n) + 1e-9));
    // same seed, same samples
    const again = m.sample(rng(9), n);
    expect(Array.from(again.dataSync())).to.deep.equal(Array.from(s.dataSync()));
    tf.dispose([xs, lp, s, again]);
    m.dispose();
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('trains through the loss without tensor growth, saves and loads to the same log-likelihood, and the evaluator reports it exact', () => {
    const m = new PixelCNN(rng(10), { height: 4, width: 4, channels: 4, layers: 1 });
    const x = tf.tidy(() => tf.cast(tf.less(rng(11).uniform([5, 16]), 0.5), 'float32')) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => m.trainingLoss(rng(0), { x, indices: [0, 1, 2, 3, 4] }), m.variables);
    expect(Object.keys(grads)).to.have.length(m.variables.length);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).to.equal(before);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pixelcnn-'));
    try {
      savePixelCNN(dir, m, { steps: 0 });
      const { model, meta } = loadPixelCNN(dir);
      expect(meta.config).to.deep.equal(m.config);
      const a = m.logProb(x), b = model.logProb(x);
      expect(Array.from(b.dataSync())).to.deep.equal(Array.from(a.dataSync()));
      const [r] = evaluateLikelihoods(rng(1), [pixelCNNLikelihood(model)], x, { batchSize: 2 });
      expect(r.kind).to.equal('exact');
      Array.from(a.dataSync()).forEach((v, i) => expect(r.perPoint[i]).to.be.closeTo(v, 1e-6));
      tf.dispose([a, b]);
      model.dispose();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    x.dispose();
    m.dispose();
  });

  it('bad arguments are named', () => {
    expect(() => new PixelCNN(0 as never, {})).to.throw('PixelCNN: rng must be');
    expect(() => new PixelCNN(rng(0), { channels: 0 })).to.throw('PixelCNN: channels must be a positive integer, got 0 (in config)');
    expect(() => new PixelCNN(rng(0), { kernel: 4 })).to.throw('kernel');
    const m = new PixelCNN(rng(0), { height: 3, width: 3, channels: 2, layers: 0 });
    const wrong = tf.zeros([2, 10]);
    expect(() => m.logProb(wrong)).to.throw('PixelCNN.logProb: x must have shape [batch, 9]');
    const one = tf.zeros([1, 9]) as tf.Tensor2D;
    expect(() => m.inputGradient(one, 9)).to.throw('PixelCNN.inputGradient: pixel must be a raster index below H·W = 9');
    expect(() => m.inputGradient(wrong as tf.Tensor2D, 0)).to.throw('PixelCNN.inputGradient: x must have shape [1, 9]');
    expect(() => m.sample(rng(0), 0)).to.throw('PixelCNN.sample: n must be');
    // a count is bounded by memory before the typed array is made; the generator is checked as one
    expect(() => m.sample(rng(0), 1e9)).to.throw(/PixelCNN\.sample: n must .*got 1000000000: that needs about [0-9.]+ GB/);
    expect(() => m.sample({} as never, 2)).to.throw('PixelCNN.sample: rng must be');
    // 1e7 is a small count but 1e7 28×28 images through 32 channels are terabytes: the network's size counts
    const mnistSize = new PixelCNN(rng(0));
    expect(() => mnistSize.sample(rng(0), 1e7)).to.throw(/PixelCNN\.sample: n must fit in memory .*got 10000000: that needs about [0-9.]+ TB/);
    mnistSize.dispose();
    expect(() => pixelCNNLikelihood({} as PixelCNN)).to.throw('pixelCNNLikelihood: model must be a PixelCNN');
    tf.dispose([wrong, one]);
    m.dispose();
  });
});
