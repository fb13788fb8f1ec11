// The vector quantizer: nearest codes against a float64 brute force, the straight-through gradient, where the
// codebook and commitment gradients go, code usage and dead-code restarts.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { Rng } from '../../../src/random/rng';
import { VectorQuantizer, codeUsage, straightThrough } from '../../../src/models/vae/vector-quantizer';

const rows = (t: tf.Tensor) => t.arraySync() as number[][];
const sq64 = (a: number[], b: number[]) => a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0);

describe('models/vae vector quantizer', () => {
  it('picks the nearest code (float64 brute force over all K codes)', () => {
    const vq = new VectorQuantizer(new Rng(0), 16, 5);
    tf.tidy(() => vq.codebook.assign(new Rng(1).normal([16, 5])));
    const z = new Rng(2).normal([400, 5]) as tf.Tensor2D;
    const codes = vq.nearest(z).arraySync() as number[];
    const book = rows(vq.codebook), zs = rows(z);
    let ties = 0;
    zs.forEach((zi, n) => {
      const d = book.map((e) => sq64(zi, e));
      const best = d.indexOf(Math.min(...d));
      if (codes[n] === best) return;
      // float32 arithmetic may only disagree on a near tie, and then picks a code as near
      ties++;
      expect(d[codes[n]] - d[best]).to.be.below(1e-5 * (1 + d[best]));
    });
    expect(ties).to.be.below(4);
    tf.dispose(z);
    vq.dispose();
  });

  it('straight-through: the value is e, and d loss/d z_e equals d loss/d z_q (the decoder gradient passes unchanged)', () => {
    const r = new Rng(3);
    const ze = r.normal([6, 4]) as tf.Tensor2D, e = r.normal([6, 4]) as tf.Tensor2D, w = r.normal([4, 3]) as tf.Tensor2D;
    // a nonlinear stand-in for the decoder and its reconstruction loss
    const recon = (zq: tf.Tensor2D) => tf.sum(tf.square(tf.tanh(tf.matMul(zq, w))));
    const zq = straightThrough(ze, e);
    expect(tf.max(tf.abs(tf.sub(zq, e))).dataSync()[0]).to.be.below(1e-6);
    const [gZe, gE] = tf.grads((a: tf.Tensor, b: tf.Tensor) => recon(straightThrough(a as tf.Tensor2D, b as tf.Tensor2D)))([ze, e]);
    const gZq = tf.grad((q: tf.Tensor) => recon(q as tf.Tensor2D))(e);
    expect(tf.max(tf.abs(gZq)).dataSync()[0]).to.be.above(0.1);
    expect(tf.max(tf.abs(tf.sub(gZe, gZq))).dataSync()[0]).to.be.below(1e-5);
    expect(tf.max(tf.abs(gE)).dataSync()[0]).to.equal(0);
    expect(() => straightThrough(ze, w)).to.throw(/straightThrough: e must have the shape of ze/);
    tf.dispose([ze, e, w, zq, gZe, gE, gZq]);
  });

  it('the codebook loss moves only the codebook, the commitment loss only z_e, with the gradients of ‖z_e − e_k‖²/N', () => {
    const vq = new VectorQuantizer(new Rng(4), 5, 3);
    tf.tidy(() => vq.codebook.assign(new Rng(5).normal([5, 3])));
    const ze = new Rng(6).normal([8, 3]) as tf.Tensor2D;
    const codes = vq.nearest(ze).arraySync() as number[];
    const book = rows(vq.codebook), zs = rows(ze), N = 8;
    const loss = (which: 'codebookLoss' | 'commitmentLoss') => (z: tf.Tensor) => {
      const q = vq.quantize(z as tf.Tensor2D);
      return q[which];
    };
    for (const which of ['codebookLoss', 'commitmentLoss'] as const) {
      const { value, grads } = tf.variableGrads(() => loss(which)(ze), [vq.codebook]);
      const gZe = tf.grad(loss(which))(ze);
      const exact = zs.reduce((s, z, n) => s + sq64(z, book[codes[n]]), 0) / N;
      expect(value.dataSync()[0]).to.be.closeTo(exact, 1e-5 * exact);
      const gBook = rows(grads[vq.codebook.name]), gZ = rows(gZe);
      if (which === 'codebookLoss') {
        // ∂/∂e_k = Σ_{n: k_n = k} 2(e_k − z_n)/N; nothing reaches z_e
        const want = book.map((e, k) => e.map((v, j) => zs.reduce((s, z, n) => s + (codes[n] === k ? 2 * (v - z[j]) / N : 0), 0)));
        gBook.forEach((g, k) => g.forEach((v, j) => expect(v).to.be.closeTo(want[k][j], 1e-5)));
        expect(Math.max(...gZ.flat().map(Math.abs))).to.equal(0);
      } else {
        // ∂/∂z_n = 2(z_n − e_{k_n})/N; nothing reaches the codebook
        gZ.forEach((g, n) => g.forEach((v, j) => expect(v).to.be.closeTo(2 * (zs[n][j] - book[codes[n]][j]) / N, 1e-5)));
        expect(Math.max(...gBook.flat().map(Math.abs))).to.equal(0);
      }
      tf.dispose([value, gZe, ...Object.values(grads)]);
    }
    tf.dispose(ze);
    vq.dispose();
  });

  it('code usage: counts, perplexity exp(H) between 1 and K; bad codes are named', () => {
    const u = codeUsage([0, 0, 1, 3], 4);
    expect(u.counts).to.deep.equal([2, 1, 0, 1]);
    expect(u.used).to.equal(3);
    const H = -(0.5 * Math.log(0.5) + 2 * 0.25 * Math.log(0.25));
    expect(u.perplexity).to.be.closeTo(Math.exp(H), 1e-12);
    expect(codeUsage([2, 2, 2], 4).perplexity).to.equal(1);
    expect(codeUsage([0, 1, 2, 3], 4).perplexity).to.be.closeTo(4, 1e-12);
    expect(() => codeUsage([0, 4], 4)).to.throw(/codeUsage: codes must be integers in 0…3, got 4/);
    expect(() => codeUsage([], 4)).to.throw('codeUsage: codes must hold at least one code, got');
  });

  it('restarts exactly the unused codes at candidate rows, seeded, and leaves no tensors behind', () => {
    const restart = (seed: number) => {
      const vq = new VectorQuantizer(new Rng(7), 6, 2);
      const cand = tf.tensor2d([[10, 11], [20, 21], [30, 31]]);
      const before = rows(vq.codebook), tensors = tf.memory().numTensors;
      const dead = vq.restart(new Rng(seed), [3, 0, 1, 0, 2, 5], cand);
      expect(tf.memory().numTensors).to.equal(tensors);
      const after = rows(vq.codebook);
      expect(dead).to.deep.equal([1, 3]);
      [0, 2, 4, 5].forEach((k) => expect(after[k]).to.deep.equal(before[k]));
      dead.forEach((k) => expect([10, 20, 30]).to.include(after[k][0]));
      expect(() => vq.restart(new Rng(seed), [1, 2], cand)).to.throw(/counts must have K = 6 entries/);
      cand.dispose();
      vq.dispose();
      return after;
    };
    expect(restart(8)).to.deep.equal(restart(8));
    expect(() => new VectorQuantizer(new Rng(0), 0, 2)).to.throw(/VectorQuantizer: K must be a positive integer/);
  });
});
