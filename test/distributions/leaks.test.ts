// Sampling creates its noise inside the library; none of it may outlive the call.
import * as tf from '@tensorflow/tfjs-core';
import { Bernoulli, Categorical, MultivariateNormal, Uniform, MixtureOfGaussians, Normal, gumbelMax, gumbelSoftmax, dynamicBinarize, rng } from '../../src';
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
    expectNoLeak(() => gumbelMax(logits, rng(1), 4));
    expectNoLeak(() => gumbelSoftmax(logits, 0.5, rng(1), 4));
    expectNoLeak(() => dynamicBinarize(logits, rng(1)));
    logits.dispose();
  });
});
