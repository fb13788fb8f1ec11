import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { mmdUnbiased } from '../../src/inference/mmd';

describe('inference/mmd', () => {
  it('refuses samples it cannot compare, naming the argument: one row, or y of another dimension than x', () => {
    const x = tf.tensor2d([[0, 0], [1, 1]]), one = tf.tensor2d([[0, 0]]), y3 = tf.tensor2d([[0, 0, 0], [1, 1, 1]]);
    expect(() => mmdUnbiased(one, x)).to.throw('mmdUnbiased: x must have at least 2 rows (samples), got [1,2]');
    expect(() => mmdUnbiased(x, one)).to.throw('mmdUnbiased: y must have at least 2 rows (samples), got [1,2]');
    expect(() => mmdUnbiased(x, y3)).to.throw("mmdUnbiased: y must have x's dimension d = 2, shape [m, 2], got [2,3]");
    tf.dispose([x, one, y3]);
  });
});
