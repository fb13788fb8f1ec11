// The evaluation helpers on what students pass them: a zero batch size, a single point.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { VAE, rng } from '../../../src';
import { importanceSampledLogLikelihood, datasetElbo } from '../../../src/models/vae/evaluation';

describe('models/vae/evaluation: counts and single points', () => {
  let model: VAE;
  let x: tf.Tensor2D;
  before(() => {
    model = new VAE(rng(2), { inputDim: 6, latentDim: 2, hiddenDim: 5 });
    x = tf.tidy(() => tf.cast(tf.greater(rng(3).uniform([3, 6]), 0.5), 'float32')) as tf.Tensor2D;
  });
  after(() => { model.dispose(); x.dispose(); });

  for (const bad of [0, -1, 1.5, NaN, Infinity]) {
    it(`batchSize ${bad} is an error naming the function and the argument (no endless loop)`, () => {
      expect(() => importanceSampledLogLikelihood(rng(1), model, x, { samples: 4, batchSize: bad }))
        .to.throw(`importanceSampledLogLikelihood: batchSize must be a positive integer ≤ 1000000, got ${bad} (in options)`);
      expect(() => datasetElbo(rng(1), model, x, { batchSize: bad })).to.throw(`datasetElbo: batchSize must be a positive integer ≤ 1000000, got ${bad} (in options)`);
    });
  }

  it('chunk 0 is an error too (the sample loop steps by chunk)', () => {
    expect(() => importanceSampledLogLikelihood(rng(1), model, x, { samples: 4, chunk: 0 }))
      .to.throw('importanceSampledLogLikelihood: chunk must be a positive integer, got 0');
  });

  it('a single point, as one row or as a rank-1 tensor, gives the same value as within the data set, with se = +∞', () => {
    const before = tf.memory().numTensors;
    const all = importanceSampledLogLikelihood(rng(5), model, x, { samples: 8, batchSize: 1 });
    const row = tf.slice(x, [0, 0], [1, -1]);
    const flat = tf.reshape(row, [-1]);
    for (const one of [row, flat]) {
      const e = importanceSampledLogLikelihood(rng(5), model, one, { samples: 8 });
      expect(e.value).to.equal(all.perPoint[0]);
      expect(e.se).to.equal(Infinity);
      expect(e.n).to.equal(1);
    }
    const elboAll = tf.tidy(() => model.elbo(rng(6), row).dataSync()[0]);
    for (const one of [row, flat]) {
      const e = datasetElbo(rng(6), model, one);
      expect(e.value).to.be.closeTo(elboAll, 1e-6);
      expect(e.se).to.equal(Infinity);
    }
    tf.dispose([row, flat]);
    expect(tf.memory().numTensors, 'tensors leaked').to.equal(before);
  });

  it('x with no rows, or of rank 3, is an error naming the function and x', () => {
    const empty = tf.zeros([0, 6]);
    const cube = tf.zeros([1, 2, 6]);
    expect(() => datasetElbo(rng(1), model, empty)).to.throw('datasetElbo: x must have at least one point, got a float32 tensor of shape [0,6]');
    expect(() => importanceSampledLogLikelihood(rng(1), model, cube)).to.throw('importanceSampledLogLikelihood: x must be a live tensor of rank 1 or 2 without NaN, got a float32 tensor of shape [1,2,6]');
    tf.dispose([empty, cube]);
  });
});
