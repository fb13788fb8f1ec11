import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { values, value, rows } from '../../src/math/values';

describe('math/values: reading tensors into numbers', () => {
  it('values, value and rows read the numbers and dispose the tensor', () => {
    const before = tf.memory().numTensors;
    expect(values(tf.tensor2d([[1, 2], [3, 4]]))).to.deep.equal([1, 2, 3, 4]);
    expect(value(tf.scalar(2.5))).to.equal(2.5);
    expect(value(tf.tensor([[7]]))).to.equal(7);
    expect(rows(tf.tensor2d([[1, 2], [3, 4]]))).to.deep.equal([[1, 2], [3, 4]]);
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('the wrong shape, a disposed tensor or a non-tensor is an error naming the function; the tensor is still disposed', () => {
    const before = tf.memory().numTensors;
    expect(() => value(tf.tensor1d([1, 2]))).to.throw('value: t must have exactly one entry, got shape [2]');
    expect(() => rows(tf.tensor1d([1, 2]))).to.throw('rows: t must have rank 2, got shape [2]');
    expect(tf.memory().numTensors).to.equal(before);
    const t = tf.scalar(1);
    t.dispose();
    expect(() => values(t)).to.throw('values: t must be a live tensor, got a disposed tensor');
    expect(() => values([1, 2] as never)).to.throw('values: t must be a live tensor, got [1, 2]');
  });
});
