// E_{z~q}[r(z)/q(z)] = ∫ r = 1 for any normalized r: a check that a flow posterior's log q(z | x) is a density.
// r = N(μ(x), (σ(x)/2)²) at the encoder's own mean and scale has lighter tails than q, so the ratios are bounded.
import * as tf from '@tensorflow/tfjs-core';
import { rng } from '../../src';
import { estimateMean } from '../../src/check/monte-carlo';
import type { Estimate } from '../../src/inference/estimate';
import type { RichVAE } from '../../src/models/vae/rich-vae';

/** The Monte Carlo estimate of ∫ r over n draws z ~ q(z | x) for one image x [1, D] (1 when log q is right). */
export function posteriorNormalization(m: RichVAE, x: tf.Tensor2D, seed: number, n = 20000): Estimate {
  const ratios = tf.tidy(() => {
    const { mean, logStd } = m.base.encode(x);
    const { z, logQ } = m.samplePosterior(rng(seed), x, n);
    const s = tf.sub(logStd, Math.log(2));
    const u = tf.mul(tf.sub(z, mean), tf.exp(tf.neg(s)));
    const logR = tf.sum(tf.sub(tf.mul(tf.square(u), -0.5), tf.add(s, 0.5 * Math.log(2 * Math.PI))), -1);
    return tf.reshape(tf.exp(tf.sub(logR, logQ)), [-1]);
  });
  const v = Array.from(ratios.dataSync());
  ratios.dispose();
  return estimateMean(v);
}
