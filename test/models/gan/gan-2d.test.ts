// The 2-D GAN through ll.fit: each player moves only along its own loss, D-only training leaves G in place,
// the generator's gradient at a confident discriminator is small for minimax and not for the non-saturating loss
// (D62), WGAN-GP trains (its penalty is differentiated twice), and no step leaks tensors.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { rng } from '../../../src';
import { gaussianRing } from '../../../src/data/toy-2d';
import { fit } from '../../../src/training/fit';
import { GAN2D } from '../../../src/models/gan/gan-2d';

const data = gaussianRing(rng(1), 512, { components: 8, radius: 2, sd: 0.05 });
const snapshot = (vs: tf.Variable[]) => vs.map((v) => Array.from(v.dataSync()));

describe('models/gan/gan-2d: a GAN in the plane, trained by ll.fit', () => {
  it('shapes: G maps z [n, 2] to points [n, 2], D gives probabilities [n] in (0, 1)', () => {
    const gan = new GAN2D(rng(0), { hidden: 16 });
    const x = gan.sample(rng(2), 7);
    expect(x.shape).to.deep.equal([7, 2]);
    const d = gan.discriminate(x).arraySync() as number[];
    d.forEach((v) => expect(v).to.be.above(0).and.below(1));
    expect(() => gan.generate(tf.zeros([3, 5]) as tf.Tensor2D)).to.throw(/GAN2D.generate.*z/);
    expect(() => new GAN2D(3 as never)).to.throw(/GAN2D.*rng/);
    tf.dispose(x);
    gan.dispose();
  });

  it("training the discriminator only leaves G exactly where it was, lowers L_D, and the step leaks no tensors", async () => {
    const gan = new GAN2D(rng(0), { hidden: 16 });
    const g0 = snapshot(gan.generatorVariables), d0 = snapshot(gan.discriminatorVariables);
    const before = tf.memory().numTensors;
    const run = await fit(gan, data, { steps: 60, seed: 0, batchSize: 64, objective: { type: 'non-saturating', train: 'discriminator' }, progress: false });
    expect(tf.memory().numTensors, 'tensors leaked').to.equal(before);
    expect(snapshot(gan.generatorVariables)).to.deep.equal(g0);
    expect(snapshot(gan.discriminatorVariables)).to.not.deep.equal(d0);
    const dl = run.terms.discriminator;
    expect(dl[dl.length - 1]).to.be.below(dl[0]);
    gan.dispose();
  });

  it('D62 measured: with D rejecting the fakes, the minimax gradient ‖∇_θG‖ is a small fraction of the non-saturating one', async () => {
    const gan = new GAN2D(rng(0), { hidden: 32 });
    await fit(gan, data, { steps: 300, seed: 0, batchSize: 128, learningRate: 3e-3, objective: { type: 'non-saturating', train: 'discriminator' }, progress: false });
    const z = rng(5).normal([256, 2]) as tf.Tensor2D;
    const dFake = tf.tidy(() => tf.mean(gan.discriminate(gan.generate(z))).dataSync()[0]);
    const held = tf.memory().numTensors;
    const mm = gan.generatorGradientNorm(z, 'minimax'), ns = gan.generatorGradientNorm(z, 'non-saturating');
    expect(tf.memory().numTensors, 'generatorGradientNorm left tensors').to.equal(held);
    expect(dFake).to.be.below(0.1);
    // per sample the logit gradients are D and 1 − D: the ratio of the norms is at most max D/(1 − D) over the batch
    const dMax = tf.tidy(() => tf.max(gan.discriminate(gan.generate(z))).dataSync()[0]);
    expect(mm / ns).to.be.at.most(dMax / (1 - dMax) + 1e-6);
    z.dispose();
    gan.dispose();
  });

  it('simultaneous play moves both players; WGAN-GP steps run (a twice-differentiated penalty) and leak nothing', async () => {
    for (const loss of ['minimax', 'wgan-gp'] as const) {
      const gan = new GAN2D(rng(0), { hidden: 16 });
      const g0 = snapshot(gan.generatorVariables), d0 = snapshot(gan.discriminatorVariables);
      const before = tf.memory().numTensors;
      const run = await fit(gan, data, { steps: 5, seed: 0, batchSize: 64, objective: { type: loss }, progress: false });
      expect(tf.memory().numTensors, 'tensors leaked').to.equal(before);
      expect(snapshot(gan.generatorVariables)).to.not.deep.equal(g0);
      expect(snapshot(gan.discriminatorVariables)).to.not.deep.equal(d0);
      run.losses.forEach((l) => expect(Number.isFinite(l)).to.equal(true));
      gan.dispose();
    }
    const gan = new GAN2D(rng(0), { hidden: 16 });
    await fit(gan, data, { steps: 1, seed: 0, objective: { type: 'hinge' } as never, progress: false }).then(
      () => expect.fail('an unknown loss must be refused'), (e: Error) => expect(e.message).to.match(/GAN2D.*type must be one of.*in objective/));
    gan.dispose();
  });
});
