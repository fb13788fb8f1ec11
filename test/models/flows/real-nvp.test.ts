// RealNVP on images: its layers' inverses and log-determinants (against a finite-difference Jacobian in
// float64), the masks, squeeze, the multi-scale flow's density and bits/dim against an exact case,
// training, determinism, checkpoints, memory and argument errors.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { Rng } from '../../../src/random/rng';
import { logDetSPD } from '../../../src/math/linalg64';
import { ImageDataset } from '../../../src/data/image-dataset';
import { squeeze, unsqueeze, Squeeze } from '../../../src/models/flows/squeeze';
import { ImageCoupling, checkerboardMask } from '../../../src/models/flows/image-coupling';
import { LogitTransform } from '../../../src/models/flows/logit-transform';
import { RealNVP } from '../../../src/models/flows/real-nvp';
import { fit } from '../../../src/training/fit';
import { saveRealNVP, loadRealNVP } from '../../../src/checkpoints/real-nvp';

const maxAbs = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
// pixels on the 8-bit grid k/255, as the MNIST loader gives them
const pixels8 = (n: number, D: number, seed: number) => tf.tidy(() => tf.div(tf.round(tf.mul(new Rng(seed).uniform([n, D]), 255)), 255)) as tf.Tensor2D;

/**
 * log|det J| of f: R^D → R^D at x by central differences (step h), J assembled and its log-determinant
 * taken in float64 as ½ log det(JᵀJ).
 */
function numericLogDet(f: (x: tf.Tensor2D) => tf.Tensor2D, x: number[], h = 1e-2): number {
  const D = x.length;
  const rows: number[][] = [];
  for (let i = 0; i < D; i++) {
    const plus = [...x], minus = [...x];
    plus[i] += h; minus[i] -= h;
    const out = tf.tidy(() => f(tf.tensor2d([plus, minus])).arraySync() as number[][]);
    rows.push(out[0].map((v, j) => (v - out[1][j]) / (2 * h)));   // ∂f/∂x_i (a column of J)
  }
  const jtj = rows.map((ci) => rows.map((cj) => ci.reduce((s, v, k) => s + v * cj[k], 0)));
  return 0.5 * logDetSPD(jtj);
}
const flat = (shape: [number, number, number], f: (x: tf.Tensor4D) => tf.Tensor4D) => (x: tf.Tensor2D) =>
  tf.reshape(f(tf.reshape(x, [x.shape[0], ...shape]) as tf.Tensor4D), [x.shape[0], -1]) as tf.Tensor2D;

describe('models/flows RealNVP', () => {
  it('squeeze moves each 2×2 block into channels and unsqueeze undoes it', () => {
    const x = new Rng(1).normal([2, 4, 6, 3]) as tf.Tensor4D;
    const y = squeeze(x);
    expect(y.shape).to.deep.equal([2, 2, 3, 12]);
    const xv = x.arraySync(), yv = y.arraySync();
    // y[b, i, j, (2a + a')C + c] = x[b, 2i + a, 2j + a', c]
    for (const [b, i, j, a, a2, c] of [[0, 0, 0, 0, 0, 0], [1, 1, 2, 1, 0, 2], [0, 1, 1, 1, 1, 1], [1, 0, 2, 0, 1, 0]]) {
      expect(yv[b][i][j][(2 * a + a2) * 3 + c]).to.equal(xv[b][2 * i + a][2 * j + a2][c]);
    }
    const back = unsqueeze(y);
    expect(maxAbs(back, x)).to.equal(0);
    const r = new Squeeze().forward(x);
    expect(Array.from(r.logDet.dataSync())).to.deep.equal([0, 0]);
    expect(() => squeeze(tf.zeros([1, 3, 4, 1]) as tf.Tensor4D)).to.throw(/squeeze: x must have shape \[B, H, W, C\] with H and W even/);
    tf.dispose([x, y, back, r.y, r.logDet]);
  });

  for (const mask of ['checkerboard', 'channel'] as const) {
    for (const parity of [0, 1] as const) {
      it(`the ${mask} coupling (parity ${parity}) leaves the conditioning half unchanged, inverts, and its log-det is Σ s = the numerical log|det J|`, () => {
        const shape: [number, number, number] = mask === 'checkerboard' ? [4, 4, 1] : [2, 2, 4];
        const layer = new ImageCoupling(new Rng(10 + parity), { shape, mask, parity, hidden: 8, identityInit: false });
        const x = new Rng(20).normal([3, ...shape]) as tf.Tensor4D;
        const { y, logDet } = layer.forward(x);
        const xv = x.arraySync(), yv = y.arraySync();
        const m = checkerboardMask(shape[0], shape[1], shape[2], parity).arraySync()[0];
        let unchanged = 0, moved = 0;
        for (let b = 0; b < 3; b++) for (let h = 0; h < shape[0]; h++) for (let w = 0; w < shape[1]; w++) for (let c = 0; c < shape[2]; c++) {
          const conditioning = mask === 'checkerboard' ? m[h][w][c] === 1 : (parity === 0 ? c < shape[2] / 2 : c >= shape[2] / 2);
          if (conditioning) { expect(yv[b][h][w][c]).to.equal(xv[b][h][w][c]); unchanged++; }
          else if (Math.abs(yv[b][h][w][c] - xv[b][h][w][c]) > 1e-3) moved++;
        }
        expect(unchanged).to.equal(3 * 8);
        expect(moved).to.be.above(20);   // the other half is transformed (a random net moves it)
        const { x: back, logDet: invLogDet } = layer.inverse(y);
        expect(maxAbs(back, x)).to.be.below(1e-5);
        expect(maxAbs(invLogDet, tf.neg(logDet))).to.be.below(1e-5);
        const ld = logDet.arraySync();
        expect(Math.max(...ld.map(Math.abs))).to.be.above(0.01);   // a log-det of 0 would make the check below vacuous
        for (let b = 0; b < 3; b++) {
          const num = numericLogDet(flat(shape, (v) => layer.forward(v).y), (xv[b] as number[][][]).flat(2));
          expect(ld[b]).to.be.closeTo(num, 2e-3);
        }
        tf.dispose([x, y, logDet, back, invLogDet]);
        layer.dispose();
      });
    }
  }

  it('the logit preprocessing inverts and its log-det matches the numerical Jacobian', () => {
    const f = new LogitTransform(0.05);
    const y = tf.tidy(() => tf.add(tf.mul(new Rng(3).uniform([2, 2, 2, 1]), 0.98), 0.01)) as tf.Tensor4D;
    const r = f.forward(y), back = f.inverse(r.y);
    expect(maxAbs(back.x, y)).to.be.below(1e-5);
    expect(maxAbs(back.logDet, tf.neg(r.logDet))).to.be.below(1e-3);
    const yv = (y.arraySync() as number[][][][]).map((img) => img.flat(2));
    const num = numericLogDet(flat([2, 2, 1], (v) => f.forward(v).y), yv[0], 1e-3);
    expect(r.logDet.arraySync()[0]).to.be.closeTo(num, 2e-3);
    expect(() => new LogitTransform(0.5)).to.throw(/alpha must be in \[0, 0.5\)/);
    tf.dispose([y, r.y, r.logDet, back.x, back.logDet]);
  });

  it('the multi-scale flow on 4×4×1 images: inverse(forward(y)) ≈ y and log|det| equals the finite-difference Jacobian (D = 16)', () => {
    const m = new RealNVP(new Rng(3), { shape: [4, 4, 1], scales: 2, couplings: 2, hidden: 8, identityInit: false });
    expect(m.latentShapes).to.deep.equal([[2, 2, 2], [2, 2, 2]]);
    const y = tf.tidy(() => tf.add(tf.mul(new Rng(4).uniform([2, 16]), 0.9), 0.05)) as tf.Tensor2D;
    const { z, logDet } = m.forward(y);
    const back = m.inverse(z);
    expect(maxAbs(back.y, y)).to.be.below(1e-4);
    expect(maxAbs(back.logDet, tf.neg(logDet))).to.be.below(1e-3);
    const yv = y.arraySync(), ld = logDet.arraySync();
    for (let b = 0; b < 2; b++) expect(ld[b]).to.be.closeTo(numericLogDet((v) => m.forward(v).z, yv[b], 2e-3), 5e-3);
    tf.dispose([y, z, logDet, back.y, back.logDet]);
    m.dispose();
  });

  it('untrained (every coupling the identity), log p(y) and bits/dim are the exact logit-normal density', () => {
    const m = new RealNVP(new Rng(0), { shape: [4, 4, 1], scales: 2, couplings: 2, hidden: 4 });
    const px = pixels8(5, 16, 7);
    const y = m.dequantize(new Rng(8), px);
    const a = 0.05, D = 16;
    const exact = (y.arraySync() as number[][]).map((row) => row.reduce((s, v) => {
      const zz = a + (1 - 2 * a) * v, x = Math.log(zz / (1 - zz));
      return s - 0.5 * x * x - 0.5 * Math.log(2 * Math.PI) + Math.log(1 - 2 * a) - Math.log(zz) - Math.log(1 - zz);
    }, 0));
    const lp = m.logProb(y).arraySync();
    lp.forEach((v, b) => expect(v).to.be.closeTo(exact[b], 1e-4 * Math.abs(exact[b])));
    // the dequantized y lies in the bin of its pixel: k/256 ≤ y < (k + 1)/256
    const k = (px.arraySync() as number[][]).map((r) => r.map((p) => Math.round(255 * p)));
    (y.arraySync() as number[][]).forEach((r, b) => r.forEach((v, d) => { expect(v).to.be.at.least(k[b][d] / 256); expect(v).to.be.below((k[b][d] + 1) / 256); }));
    const bpd = m.bitsPerDim(new Rng(8), px);
    const mean = exact.reduce((s, v) => s - v / (D * Math.LN2) + 8, 0) / exact.length;
    expect(bpd.value).to.be.closeTo(mean, 1e-4);
    tf.dispose([px, y]);
    m.dispose();
  });

  it('a few seeded training steps lower the loss; the same seed gives the same losses and samples; no tensor growth', async () => {
    // mostly black images with some grey pixels: far from the untrained logit-normal density
    const px = pixels8(64, 64, 9).dataSync().map((v, i) => (i % 5 === 0 ? v : 0));
    const data = new ImageDataset(Float32Array.from(px), new Int32Array(64), [8, 8], 'sparse');
    const run = async () => {
      const m = new RealNVP(new Rng(1), { shape: [8, 8, 1], scales: 2, couplings: 2, hidden: 8 });
      const { losses } = await fit(m, data, { steps: 30, seed: 2, batchSize: 16, learningRate: 3e-3, progress: false });
      const s = m.sample(new Rng(5), 3);
      const v = Array.from(s.dataSync());
      s.dispose();
      m.dispose();
      return { losses, v };
    };
    const before = tf.memory().numTensors;
    const a = await run();
    expect(tf.memory().numTensors).to.equal(before);
    const b = await run();
    expect(b.losses).to.deep.equal(a.losses);
    expect(b.v).to.deep.equal(a.v);
    const first = a.losses.slice(0, 5).reduce((s, v) => s + v, 0) / 5, last = a.losses.slice(-5).reduce((s, v) => s + v, 0) / 5;
    expect(last).to.be.below(first - 5);   // nats per 64-pixel image
    expect(Math.min(...a.v)).to.be.at.least(0);
    expect(Math.max(...a.v)).to.be.at.most(1);
  });

  it('a saved model loads with the same density; names bad inputs', () => {
    const m = new RealNVP(new Rng(6), { shape: [4, 4, 1], couplings: 1, hidden: 4, identityInit: false });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'realnvp-'));
    try {
      saveRealNVP(dir, m, { note: 'test' });
      const { model, meta } = loadRealNVP(dir);
      expect(meta.note).to.equal('test');
      const y = tf.tidy(() => tf.add(tf.mul(new Rng(1).uniform([3, 16]), 0.9), 0.05)) as tf.Tensor2D;
      const a = m.logProb(y), b = model.logProb(y);
      expect(maxAbs(a, b)).to.equal(0);
      tf.dispose([y, a, b]);
      model.dispose();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const bad = tf.zeros([2, 15]) as tf.Tensor2D;
    expect(() => m.logProb(bad)).to.throw(/RealNVP.logProb: y must have shape \[B, 16\], got \[2,15\]/);
    expect(() => m.bitsPerDim(new Rng(0), bad)).to.throw(/RealNVP.bitsPerDim: pixels must have shape \[B, 16\]/);
    expect(() => m.sample(3 as unknown as Rng, 2)).to.throw(/rng must be an Rng/);
    expect(() => m.sample(new Rng(0), 0)).to.throw(/n/);
    expect(() => new RealNVP(new Rng(0), { shape: [6, 6, 1], scales: 3 })).to.throw(/divisible by 2\^\(scales − 1\) = 4/);
    const c = new ImageCoupling(new Rng(0), { shape: [4, 4, 1], mask: 'checkerboard', parity: 0, hidden: 2 });
    expect(() => c.forward(tf.zeros([1, 4, 4, 2]) as tf.Tensor4D)).to.throw(/ImageCoupling.forward: x must have shape \[B, 4, 4, 1\]/);
    expect(() => new ImageCoupling(new Rng(0), { shape: [4, 4, 3], mask: 'channel', parity: 0 })).to.throw('ImageCoupling: shape must have an even number of channels C for a channel mask (it splits them in halves), got [4,4,3]');
    expect(() => checkerboardMask(4096, 4096, 4096, 0)).to.throw("checkerboardMask: channels must fit, with height × width, in this process's memory as float32 entries, got 4096 × 4096 × 4096");
    c.dispose();
    bad.dispose();
    m.dispose();
  });
});
