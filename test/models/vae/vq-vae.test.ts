// The VQ-VAE: shapes, the loss against its definition, the straight-through path from decoder to encoder,
// training with dead-code restarts, sampling through the code prior, the likelihood bound, checkpoints, memory.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { Rng } from '../../../src/random/rng';
import { estimateMean } from '../../../src/check/monte-carlo';
import { VQVAE } from '../../../src/models/vae/vq-vae';
import { CodePrior } from '../../../src/models/autoregressive/code-prior';
import { loadVQVAE, saveVQVAE } from '../../../src/checkpoints/vq-vae';
import { loadMnist } from '../../../src/data/mnist';
import { ImageDataset } from '../../../src/data/image-dataset';
import { fit } from '../../../src/training/fit';

const softplus = (v: number) => (v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v)));
const binary = (seed: number, n: number) => tf.tidy(() => tf.cast(tf.greater(new Rng(seed).uniform([n, 784]), 0.7), 'float32')) as tf.Tensor2D;

function smallMnist(n: number): ImageDataset {
  const all = loadMnist('train');
  const idx = Array.from({ length: n }, (_, i) => Math.floor((i * all.count) / n));
  return new ImageDataset(all.batchPixels(idx), all.batchLabels(idx), all.imageShape, 'spread');
}

describe('models/vae VQ-VAE', () => {
  it('encodes to a 7×7 grid of D-vectors and codes, decodes to [B, 784] logits; names bad inputs', () => {
    const vq = new VQVAE(new Rng(0), { codes: 8, codeDim: 3, channels: [4, 8] });
    const x = binary(1, 2);
    const ze = vq.encode(x), k = vq.encodeCodes(x), l = vq.decodeCodes(k), r = vq.reconstruct(x);
    expect(ze.shape).to.deep.equal([98, 3]);
    expect(k.shape).to.deep.equal([2, 49]);
    expect(k.dtype).to.equal('int32');
    expect(l.shape).to.deep.equal([2, 784]);
    const rv = r.dataSync();
    expect(Math.min(...rv)).to.be.at.least(0);
    expect(Math.max(...rv)).to.be.at.most(1);
    expect(() => vq.encode(tf.zeros([2, 100]) as tf.Tensor2D)).to.throw(/VQVAE.encode: x must have shape \[B, 784\]/);
    expect(() => vq.decodeCodes(tf.zeros([2, 48], 'int32') as tf.Tensor2D)).to.throw(/VQVAE.decodeCodes: codes must have shape \[B, 49\]/);
    expect(() => new VQVAE(new Rng(0), { codes: 0 })).to.throw(/VQVAE: codes must be a positive integer/);
    expect(() => new VQVAE(new Rng(0), { beta: -1 })).to.throw(/VQVAE: beta must be non-negative/);
    const wrong = new CodePrior(new Rng(0), { positions: 49, codes: 5, hiddenDims: [4] });
    expect(() => vq.sample(new Rng(0), 2, wrong)).to.throw(/VQVAE.sample: prior must model 49 positions of 8 codes/);
    expect(() => vq.sample(0 as unknown as Rng, 2, wrong)).to.throw(/VQVAE.sample: rng must be an Rng/);
    expect(() => fit(vq, {} as ImageDataset, { steps: 1, seed: 0 })).to.throw(/fit: data must be an ImageDataset/);
    expect(() => new VQVAE(new Rng(0), { restartEvery: -1 })).to.throw(/VQVAE: restartEvery must be an integer ≥ 0/);
    wrong.dispose();
    tf.dispose([x, ze, k, l, r]);
    vq.dispose();
  });

  it('the loss is −log p(x | e_k) + Σ‖z_e − e_k‖² (1 + β) at the nearest codes, recomputed in float64', () => {
    const vq = new VQVAE(new Rng(2), { codes: 6, codeDim: 2, channels: [4, 8], beta: 0.25 });
    const x = binary(3, 2);
    const t = vq.lossTerms(x);
    const ze = vq.encode(x).arraySync() as number[][], codes = vq.encodeCodes(x), logits = vq.decodeCodes(codes).arraySync() as number[][];
    const book = vq.quantizer.codebook.arraySync() as number[][], k = (codes.arraySync() as number[][]).flat(), xs = x.arraySync() as number[][];
    const rec = -xs.reduce((s, row, b) => s + row.reduce((a, v, d) => a + v * logits[b][d] - softplus(logits[b][d]), 0), 0) / 2;
    const dist = ze.reduce((s, z, n) => s + z.reduce((a, v, j) => a + (v - book[k[n]][j]) ** 2, 0), 0) / 2;
    expect(t.reconstruction.dataSync()[0]).to.be.closeTo(rec, 1e-4 * rec);
    expect(t.codebook.dataSync()[0]).to.be.closeTo(dist, 1e-4 * dist);
    expect(t.commitment.dataSync()[0]).to.be.closeTo(dist, 1e-4 * dist);
    expect(t.loss.dataSync()[0]).to.be.closeTo(rec + 1.25 * dist, 1e-4 * rec);
    tf.dispose([x, codes, t.loss, t.reconstruction, t.codebook, t.commitment]);
    vq.dispose();
  });

  it('straight-through in the model: the reconstruction gradient at the encoder output is the decoder gradient at z_q', () => {
    const vq = new VQVAE(new Rng(4), { codes: 6, codeDim: 3, channels: [4, 8] });
    const x = binary(5, 2);
    const ze = vq.encode(x);
    const q = vq.quantizer.quantize(ze);
    const recon = (z: tf.Tensor) => tf.neg(tf.mean(tf.sum(tf.sub(tf.mul(x, vq.decode(z as tf.Tensor2D)), tf.softplus(vq.decode(z as tf.Tensor2D))), 1)));
    // through the quantizer (straight-through) with respect to z_e, and directly with respect to z_q = e_k
    const gZe = tf.grad((z: tf.Tensor) => recon(vq.quantizer.quantize(z as tf.Tensor2D).zq))(ze);
    const eK = vq.quantizer.lookup(q.codes);
    const gZq = tf.grad(recon)(eK);
    expect(tf.max(tf.abs(gZq)).dataSync()[0]).to.be.above(1e-4);
    expect(tf.max(tf.abs(tf.sub(gZe, gZq))).dataSync()[0]).to.be.below(1e-4 * tf.max(tf.abs(gZq)).dataSync()[0]);
    tf.dispose([x, ze, q.codes, q.zq, q.codebookLoss, q.commitmentLoss, gZe, eK, gZq]);
    vq.dispose();
  });

  it('a few training steps lower the loss (seeded: the same seed gives the same losses), with no tensor growth', async () => {
    const data = smallMnist(256);
    const run = async () => {
      const vq = new VQVAE(new Rng(5), { codes: 16, codeDim: 4, channels: [8, 16], restartEvery: 10 });
      const before = tf.memory().numTensors;
      const r = await fit(vq, data, { steps: 40, seed: 6, batchSize: 32, learningRate: 3e-3, progress: false });
      expect(tf.memory().numTensors).to.equal(before);
      vq.dispose();
      return r;
    };
    const r = await run();
    const head = estimateMean(r.losses.slice(0, 10)), tail = estimateMean(r.losses.slice(-10));
    expect(head.value - tail.value).to.be.above(4 * Math.hypot(head.se, tail.se));
    const { reconstruction, codebook, commitment } = r.terms;
    [reconstruction, codebook, commitment].forEach((t) => expect(t).to.have.length(40));
    r.losses.forEach((l, i) => expect(l).to.be.closeTo(reconstruction[i] + codebook[i] + 0.25 * commitment[i], 1e-3 * l));
    expect((await run()).losses).to.deep.equal(r.losses);
  });

  it('restarts dead codes during training (seeded), so that more codes are in use afterwards', async () => {
    const data = smallMnist(128);
    const x = tf.tidy(() => tf.round(data.batch(Array.from({ length: 128 }, (_, i) => i)))) as tf.Tensor2D;
    const run = async () => {
      const vq = new VQVAE(new Rng(7), { codes: 16, codeDim: 4, channels: [4, 8], restartEvery: 5 });
      const usedBefore = vq.codeUsage(x).used;
      const r = await fit(vq, data, { steps: 10, seed: 8, batchSize: 128, progress: false });
      const usedAfter = vq.codeUsage(x).used;
      vq.dispose();
      return { usedBefore, usedAfter, restarted: r.terms.restarted };
    };
    const a = await run();
    // the initial codes are tiny next to the encoder's outputs: most are dead until restarted at those outputs
    expect(a.usedBefore).to.be.below(8);
    expect(a.restarted).to.have.length(10);
    a.restarted.forEach((n, i) => { if ((i + 1) % 5 !== 0) expect(n, `step ${i + 1}`).to.equal(0); });
    expect(a.restarted[4]).to.be.at.least(16 - 8);   // step 5
    expect(a.usedAfter).to.be.at.least(a.usedBefore + 4);
    expect((await run()).restarted).to.deep.equal(a.restarted);
    x.dispose();
  });

  it('samples through the prior (same seed → same samples) and log π(k(x)) + log p(x | k(x)) is the bound it reports', () => {
    const vq = new VQVAE(new Rng(9), { codes: 5, codeDim: 2, channels: [4, 8] });
    const prior = new CodePrior(new Rng(10), { positions: 49, codes: 5, embedding: 2, hiddenDims: [8] });
    const before = tf.memory().numTensors;
    const a = vq.sample(new Rng(11), 3, prior), b = vq.sample(new Rng(11), 3, prior);
    expect(Array.from(a.pixels.dataSync())).to.deep.equal(Array.from(b.pixels.dataSync()));
    expect(a.codes.shape).to.deep.equal([3, 49]);
    const direct = vq.decodeCodes(a.codes);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(tf.sigmoid(direct), a.pixels))).dataSync()[0])).to.be.below(1e-6);
    tf.dispose([a.pixels, a.codes, b.pixels, b.codes, direct]);
    expect(tf.memory().numTensors).to.equal(before);
    const x = binary(12, 3);
    const bound = vq.logLikelihoodBound(x, prior);
    const k = vq.encodeCodes(x), lp = prior.logProb(k).arraySync() as number[];
    const logits = vq.decodeCodes(k).arraySync() as number[][], xs = x.arraySync() as number[][];
    xs.forEach((row, i) => {
      const ll = row.reduce((s, v, d) => s + v * logits[i][d] - softplus(logits[i][d]), 0);
      expect(bound[i]).to.be.closeTo(lp[i] + ll, 1e-4 * Math.abs(lp[i] + ll));
    });
    tf.dispose([x, k]);
    vq.dispose();
    prior.dispose();
  });

  it('a checkpoint gives back the same codes, logits and prior', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqvae-'));
    try {
      const vq = new VQVAE(new Rng(13), { codes: 6, codeDim: 2, channels: [4, 8] });
      const prior = new CodePrior(new Rng(14), { positions: 49, codes: 6, embedding: 2, hiddenDims: [8] });
      tf.tidy(() => prior.variables.forEach((v) => v.assign(tf.add(v, 0.1))));
      saveVQVAE(dir, vq, prior, { note: 'test' });
      const { model, prior: p2, meta } = loadVQVAE(dir);
      expect(meta.note).to.equal('test');
      const x = binary(15, 2);
      const [k1, k2] = [vq.encodeCodes(x), model.encodeCodes(x)];
      expect(Array.from(k2.dataSync())).to.deep.equal(Array.from(k1.dataSync()));
      const [l1, l2] = [prior.logProb(k1), p2.logProb(k1)];
      expect(Array.from(l2.dataSync())).to.deep.equal(Array.from(l1.dataSync()));
      tf.dispose([x, k1, k2, l1, l2]);
      [vq, prior, model, p2].forEach((m) => m.dispose());
      expect(() => loadVQVAE(path.join(dir, 'nothing'))).to.throw(/no checkpoint/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
