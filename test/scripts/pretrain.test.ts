// `npm run pretrain` reproduces the shipped checkpoints: re-running its recipes for their first steps
// gives the losses recorded in data/checkpoints (the same seeds, data order and initialization).
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { readCheckpoint } from '../../src/checkpoints/checkpoint';
import { loadVQVAE } from '../../src/checkpoints/vq-vae';
import { fitCodePrior, trainVQVAE } from '../../scripts/pretrain-vqvae';
import { DATA_DIR, trainClassifier, trainDCGAN, trainDDPM, trainPixelCNN, trainRealNVP } from '../../scripts/pretrain';

const recorded = (name: string) => {
  const ck = readCheckpoint(path.join(DATA_DIR, name));
  ck.tensors.forEach((t) => t.dispose());
  return ck.meta;
};
const sizeOf = (dir: string): number => fs.readdirSync(dir, { withFileTypes: true })
  .reduce((s, e) => s + (e.isDirectory() ? sizeOf(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).size), 0);

describe('scripts/pretrain', function () {
  this.timeout(600_000);
  let out: string;
  before(() => { out = fs.mkdtempSync(path.join(os.tmpdir(), 'pretrain-')); });
  after(() => fs.rmSync(out, { recursive: true, force: true }));

  for (const name of ['mnist', 'fashion-mnist']) {
    it(`reproduces the first steps of classifier-${name}`, async () => {
      const c = await trainClassifier(name, out, 5);
      c.dispose();
      const again = readCheckpoint(path.join(out, `classifier-${name}`));
      again.tensors.forEach((t) => t.dispose());
      const first = recorded(`classifier-${name}`).firstLosses as number[];
      const ours = again.meta.firstLosses as number[];
      expect(ours).to.have.length(5);
      ours.forEach((l, i) => expect(l).to.be.closeTo(first[i], 1e-4 * Math.abs(first[i])));
    });

    it(`reproduces the first steps of ddpm-${name}`, async () => {
      const before = tf.memory().numTensors;
      const m = await trainDDPM(name, out, { steps: 3 });
      m.net.dispose();
      expect(tf.memory().numTensors).to.equal(before);
      const again = readCheckpoint(path.join(out, `ddpm-${name}`));
      again.tensors.forEach((t) => t.dispose());
      const first = recorded(`ddpm-${name}`).firstLosses as number[];
      const ours = again.meta.firstLosses as number[];
      expect(ours).to.have.length(3);
      ours.forEach((l, i) => expect(l).to.be.closeTo(first[i], 1e-4 * Math.abs(first[i])));
    });
  }

  it('reproduces the first steps of realnvp-mnist', async () => {
    const before = tf.memory().numTensors;
    (await trainRealNVP(out, { steps: 3 })).dispose();
    expect(tf.memory().numTensors).to.equal(before);
    const again = readCheckpoint(path.join(out, 'realnvp-mnist'));
    again.tensors.forEach((t) => t.dispose());
    const first = recorded('realnvp-mnist').firstLosses as number[];
    const ours = again.meta.firstLosses as number[];
    expect(ours).to.have.length(3);
    ours.forEach((l, i) => expect(l).to.be.closeTo(first[i], 1e-4 * Math.abs(first[i])));
  });

  it('reproduces the first steps of vqvae-mnist, and of its code prior on the shipped VQ-VAE\'s codes', async () => {
    const before = tf.memory().numTensors;
    const { model, prior } = await trainVQVAE(out, { steps: 3 });
    model.dispose();
    prior.dispose();
    expect(tf.memory().numTensors).to.equal(before);
    const again = readCheckpoint(path.join(out, 'vqvae-mnist'));
    again.tensors.forEach((t) => t.dispose());
    const meta = recorded('vqvae-mnist');
    const first = meta.firstLosses as number[], ours = again.meta.firstLosses as number[];
    expect(ours).to.have.length(3);
    ours.forEach((l, i) => expect(l).to.be.closeTo(first[i], 1e-4 * Math.abs(first[i])));
    // the prior is fit on the trained encoder's codes: its first steps from the shipped VQ-VAE
    const shipped = loadVQVAE(path.join(DATA_DIR, 'vqvae-mnist'));
    shipped.prior.dispose();
    const fit = await fitCodePrior(shipped.model, 3);
    fit.prior.dispose();
    shipped.model.dispose();
    const firstPrior = meta.firstPriorLosses as number[];
    expect(fit.losses).to.have.length(3);
    fit.losses.forEach((l, i) => expect(l).to.be.closeTo(firstPrior[i], 1e-4 * Math.abs(firstPrior[i])));
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('reproduces the first steps of pixelcnn-mnist', async () => {
    const before = tf.memory().numTensors;
    (await trainPixelCNN(out, { steps: 3 })).dispose();
    expect(tf.memory().numTensors).to.equal(before);
    const again = readCheckpoint(path.join(out, 'pixelcnn-mnist'));
    again.tensors.forEach((t) => t.dispose());
    const first = recorded('pixelcnn-mnist').firstLosses as number[];
    const ours = again.meta.firstLosses as number[];
    expect(ours).to.have.length(3);
    ours.forEach((l, i) => expect(l).to.be.closeTo(first[i], 1e-4 * Math.abs(first[i])));
  });

  it('reproduces the first steps of dcgan-mnist (both players\' losses)', async () => {
    const before = tf.memory().numTensors;
    (await trainDCGAN(out, { steps: 3 })).dispose();
    expect(tf.memory().numTensors).to.equal(before);
    const again = readCheckpoint(path.join(out, 'dcgan-mnist'));
    again.tensors.forEach((t) => t.dispose());
    const meta = recorded('dcgan-mnist');
    for (const key of ['firstLosses', 'firstDiscriminatorLosses']) {
      const first = meta[key] as number[], ours = again.meta[key] as number[];
      expect(ours, key).to.have.length(3);
      ours.forEach((l, i) => expect(l, key).to.be.closeTo(first[i], 1e-4 * Math.abs(first[i])));
    }
  });

  it('the shipped checkpoints stay within 30 MB in all', () => {
    expect(sizeOf(DATA_DIR)).to.be.below(30 * 1024 * 1024);
  });
});
