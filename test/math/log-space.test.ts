import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { logSumExp, logMeanExp, softplus, logSigmoid, logSumExp64, softplus64 } from '../../src/math/log-space';
import { values, expectNoLeak } from '../support/tensors';

describe('math/log-space', () => {
  it('logSumExp matches the float64 reference on ordinary values', () => {
    const xs = [0.3, -1.2, 2.5, 0];
    const got = values(logSumExp(tf.tensor1d(xs)))[0];
    expect(got).to.be.closeTo(logSumExp64(xs), 1e-6);
    expect(values(logMeanExp(tf.tensor1d(xs)))[0]).to.be.closeTo(logSumExp64(xs) - Math.log(4), 1e-6);
  });

  it('is finite for log-weights of −1e30 and exactly −Infinity when all are −∞', () => {
    const [a] = values(logSumExp(tf.tensor1d([-1e30, -1e30])));
    expect(a).to.be.closeTo(-1e30, 1e24);
    expect(values(logSumExp(tf.tensor1d([-Infinity, -Infinity])))[0]).to.equal(-Infinity);
    expect(values(logSumExp(tf.tensor1d([-Infinity, 0])))[0]).to.equal(0);
    expect(values(logSumExp(tf.tensor1d([Infinity, 0])))[0]).to.equal(Infinity);
    expect(values(logMeanExp(tf.tensor2d([[-Infinity, -Infinity], [1e4, 1e4]]), 1))).to.deep.equal([-Infinity, 1e4]);
  });

  it('softplus and logSigmoid are finite and exact at logits ±1e4', () => {
    expect(values(softplus(tf.tensor1d([1e4, -1e4, 0])))).to.deep.equal([1e4, 0, Math.fround(Math.LN2)]);
    const ls = values(logSigmoid(tf.tensor1d([1e4, -1e4])));
    expect(ls[0]).to.equal(0);
    expect(ls[1]).to.equal(-1e4);
    for (const x of [-30, -1, 0.5, 30]) expect(values(softplus(tf.scalar(x)))[0]).to.be.closeTo(softplus64(x), 1e-6 * (1 + Math.abs(x)));
  });

  it('keeps gradients finite at the extremes', () => {
    const g = tf.grad((x: tf.Tensor) => tf.sum(logSigmoid(x)))(tf.tensor1d([1e4, -1e4, 0]));
    expect(values(g)).to.deep.equal([0, 1, 0.5]);
  });

  it('does not leak tensors', () => {
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    expectNoLeak(() => logMeanExp(x, 0));
    x.dispose();
  });
});

describe('math/log-space: bad inputs named', () => {
  it('logMeanExp over an empty axis is an error naming x (a mean of nothing), not NaN', () => {
    const empty = tf.zeros([0, 3]);
    expect(() => logMeanExp(empty, 0)).to.throw('logMeanExp: x must have at least one entry along axis 0 (a mean of nothing is undefined), got shape [0,3]');
    empty.dispose();
  });
});
