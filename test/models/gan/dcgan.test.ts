// The DCGAN: shapes and pixel range, each player moving only along its own loss (the frozen discriminator in the
// generator's loss), no tensor growth in a training step, and a checkpoint round trip.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { rng } from '../../../src';
import { loadMnist } from '../../../src/data/mnist';
import { fit } from '../../../src/training/fit';
import { DCGAN } from '../../../src/models/gan/dcgan';
import { loadDCGAN, saveDCGAN } from '../../../src/checkpoints/dcgan';

const small = () => new DCGAN(rng(0), { latent: 4, channels: [4, 8] });

describe('models/gan/dcgan: a small DCGAN on the native convolutions', () => {
  it('samples are pixels [n, 784] in (0, 1); logits are [n]; bad arguments are named', () => {
    const gan = small();
    const x = gan.sample(rng(1), 3);
    expect(x.shape).to.deep.equal([3, 784]);
    const v = Array.from(x.dataSync());
    expect(Math.min(...v)).to.be.above(0);
    expect(Math.max(...v)).to.be.below(1);
    expect(gan.logits(x).shape).to.deep.equal([3]);
    expect(() => gan.generate(tf.zeros([2, 5]) as tf.Tensor2D)).to.throw(/DCGAN.generate.*z/);
    expect(() => new DCGAN(rng(0), { channels: [4] as never })).to.throw(/DCGAN.*channels/);
    tf.dispose(x);
    gan.dispose();
  });

  it('the generator\'s loss leaves the discriminator alone: its gradient in D\'s weights is exactly the discriminator loss\'s', () => {
    const gan = small();
    const x = loadMnist('train').batch([0, 1, 2, 3]) as tf.Tensor2D;
    const b = gan.prepareBatch(rng(2), { x, indices: [0, 1, 2, 3] });
    const both = tf.variableGrads(() => gan.trainingLoss(rng(3), b, { type: 'non-saturating' }).loss, gan.discriminatorVariables);
    const dOnly = tf.variableGrads(() => gan.trainingLoss(rng(3), b, { type: 'non-saturating' }).terms.discriminator, gan.discriminatorVariables);
    for (const name of Object.keys(dOnly.grads)) expect(Array.from(both.grads[name].dataSync())).to.deep.equal(Array.from(dOnly.grads[name].dataSync()));
    tf.dispose([x, b.z, both.value, dOnly.value, ...Object.values(both.grads), ...Object.values(dOnly.grads)]);
    gan.dispose();
  });

  it('a fit step moves both players and leaks no tensors; save/load gives the same samples', async () => {
    const gan = small();
    const g0 = Array.from(gan.generatorVariables[0].dataSync()), d0 = Array.from(gan.discriminatorVariables[0].dataSync());
    const data = loadMnist('train').take(64);
    const before = tf.memory().numTensors;
    const run = await fit(gan, data, { steps: 2, seed: 0, batchSize: 32, objective: { type: 'non-saturating' }, progress: false });
    expect(tf.memory().numTensors, 'tensors leaked').to.equal(before);
    expect(Array.from(gan.generatorVariables[0].dataSync())).to.not.deep.equal(g0);
    expect(Array.from(gan.discriminatorVariables[0].dataSync())).to.not.deep.equal(d0);
    expect(run.terms.discriminator).to.have.length(2);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcgan-'));
    try {
      saveDCGAN(dir, gan, { steps: 2 });
      const { model, meta } = loadDCGAN(dir);
      expect(meta.steps).to.equal(2);
      const a = gan.sample(rng(4), 2), c = model.sample(rng(4), 2);
      expect(Array.from(c.dataSync())).to.deep.equal(Array.from(a.dataSync()));
      tf.dispose([a, c]);
      model.dispose();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    gan.dispose();
  });
});
