import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { Normal, kl } from '../../src';
import { klStandardNormal } from '../../src/ops/kl-standard-normal';

describe('ops/kl-standard-normal', () => {
  it('D17: ½(μ² + σ² − 1) − log σ per entry equals the registered KL(Normal ‖ N(0, 1))', () => {
    const mean = tf.tensor2d([[0, 1.5], [-2, 0.3]]), logStd = tf.tensor2d([[0, -1], [0.5, 0.2]]);
    const ours = Array.from(klStandardNormal(mean, logStd).dataSync());
    const ref = Array.from(kl(new Normal(mean, tf.exp(logStd)), new Normal(0, 1)).dataSync());
    ours.forEach((v, i) => expect(v).to.be.closeTo(ref[i], 1e-5));
    expect(ours[0]).to.equal(0);
    tf.dispose([mean, logStd]);
  });

  it('different shapes are an error naming both', () => {
    expect(() => klStandardNormal(tf.zeros([2, 3]), tf.zeros([2, 2]))).to.throw('klStandardNormal: logStd must have the shape of mean, [2,3], got [2,2]');
  });
});
