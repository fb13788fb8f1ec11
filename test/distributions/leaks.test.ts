// Sampling creates its noise inside the library; none of it may outlive the call.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { MultivariateNormal, Normal, VAE, rng } from '../../src';
import { Bernoulli } from '../../src/distributions/bernoulli';
import { Categorical } from '../../src/distributions/categorical';
import { Uniform } from '../../src/distributions/uniform';
import { MixtureOfGaussians } from '../../src/distributions/mixture';
import { gumbelMax, gumbelSoftmax } from '../../src/inference/gumbel-softmax';
import { dynamicBinarize } from '../../src/data/binarize';
import { expectNoLeak } from '../support/tensors';

describe('distributions: no tensor outlives a sample', () => {
  it('sample / rsample of every family, Gumbel tricks and binarization return one tensor and leak none', () => {
    const dists = [
      new Bernoulli({ probs: [0.2, 0.7] }), new Categorical({ probs: [0.2, 0.8] }), new Uniform(0, 1),
      new MultivariateNormal({ loc: [0, 0], covariance: [[1, 0], [0, 1]] }), new MixtureOfGaussians({ weights: [0.5, 0.5], means: [0, 1], scales: [1, 1] }),
      new Normal([0, 1], [1, 2]),
    ];
    for (const d of dists) expectNoLeak(() => d.sample(rng(1), 3));
    for (const d of [dists[2], dists[3], dists[5]]) expectNoLeak(() => d.rsample(rng(1), 3));
    const logits = tf.tensor1d([0, 1, 2]);
    expectNoLeak(() => gumbelMax(rng(1), logits, { samples: 4 }));
    expectNoLeak(() => gumbelSoftmax(rng(1), logits, { temperature: 0.5, samples: 4 }));
    logits.dispose();
    const probs = tf.tensor1d([0, 0.3, 1]);
    expectNoLeak(() => dynamicBinarize(rng(1), probs));
    probs.dispose();
  });
});

describe('constructors and posteriors: only the tensors the object holds stay alive', () => {
  const held = (t: tf.Tensor[], make: () => tf.Tensor[]) => {
    const before = tf.memory().numTensors;
    const kept = make();
    expect(tf.memory().numTensors - before, 'tensors beyond the ones the object holds').to.equal(kept.filter((k) => !t.includes(k)).length);
    tf.dispose(kept.filter((k) => !t.includes(k)));
    expect(tf.memory().numTensors).to.equal(before);
  };

  it('new Uniform(low, high) holds low and high and nothing else', () => {
    held([], () => { const u = new Uniform(0, [1, 2]); return [u.low, u.high]; });
  });

  it('new Bernoulli({ probs }) holds its logits only, and never frees a tensor the caller passed', () => {
    held([], () => [new Bernoulli({ probs: [0.2, 0.7] }).logits]);
    const p = tf.tensor1d([0.2, 0.7]);
    held([p], () => [new Bernoulli({ probs: p }).logits]);
    expect(p.isDisposed).to.equal(false);
    p.dispose();
  });

  it('VAE.posterior holds the mean and the scale and nothing else', () => {
    const m = new VAE(rng(1), { inputDim: 4, latentDim: 2, hiddenDim: 3 });
    const x = tf.ones([2, 4]);
    held([], () => { const q = m.posterior(x); return [q.loc, q.scale]; });
    x.dispose();
    m.dispose();
  });
});
