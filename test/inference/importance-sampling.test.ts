// D10: E_p f = E_q[w f]; a proposal q ∝ p|f| has lower (here zero) variance.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { Distribution, Normal, Rng, checkMonteCarlo, rng } from '../../src';
import { importanceSampling, weightDiagnostics } from '../../src/inference/importance-sampling';

const logStdNormal = (z: tf.Tensor) => tf.sub(tf.mul(tf.square(z), -0.5), 0.5 * Math.log(2 * Math.PI));
const square = (z: tf.Tensor) => tf.square(z);

/** q(x) ∝ p(x)|f(x)| = x² N(x; 0, 1): |x| is χ with 3 degrees of freedom, the sign is ±1 at random. */
class SquaredNormal implements Distribution {
  readonly batchShape: number[] = [];
  readonly eventShape: number[] = [];
  sample(r: Rng, n = 1) {
    return r.tensor([n], (g) => (g.nextUniform() < 0.5 ? -1 : 1) * Math.sqrt(g.nextNormal() ** 2 + g.nextNormal() ** 2 + g.nextNormal() ** 2));
  }
  rsample(): tf.Tensor { throw new Error('not used'); }
  logProb(x: tf.Tensor) { return tf.tidy(() => tf.add(tf.log(tf.square(x)), logStdNormal(x))); }
  entropy(): tf.Tensor { throw new Error('not used'); }
  mean() { return tf.scalar(0); }
  variance() { return tf.scalar(3); }
}

describe('inference/importance-sampling', () => {
  it('D10: E_p[x²] = 1 under two proposals, within 4 SE; q ∝ p|f| has zero variance', () => {
    const wide = importanceSampling(rng(30), { logTarget: logStdNormal, f: square, proposal: new Normal(0, 2), samples: 20000 });
    expect(checkMonteCarlo('q = N(0, 2²)', wide, 1, { id: 'D10' }).pass).to.equal(true);
    const same = importanceSampling(rng(31), { logTarget: logStdNormal, f: square, proposal: new Normal(0, 1), samples: 20000 });
    expect(checkMonteCarlo('q = p', same, 1, { id: 'D10' }).pass).to.equal(true);
    const optimal = importanceSampling(rng(32), { logTarget: logStdNormal, f: square, proposal: new SquaredNormal(), samples: 2000 });
    expect(optimal.value).to.be.closeTo(1, 1e-5);
    expect(optimal.se).to.be.lessThan(1e-5);
    expect(optimal.se).to.be.lessThan(same.se / 100);
  });

  it('self-normalized importance sampling needs the target only up to a constant', () => {
    const unnormalized = (z: tf.Tensor) => tf.mul(tf.square(z), -0.5);
    const r = importanceSampling(rng(33), { logTarget: unnormalized, f: square, proposal: new Normal(0.5, 1.5), samples: 20000, selfNormalized: true });
    expect(checkMonteCarlo('self-normalized', r, 1).pass).to.equal(true);
  });

  it('weight diagnostics: ESS between 1 and n, one dominant weight is flagged, all −∞ is an error', () => {
    const even = weightDiagnostics([0, 0, 0, 0]);
    expect(even.ess).to.be.closeTo(4, 1e-12);
    const skewed = weightDiagnostics([0, -50, -50, -50]);
    expect(skewed.ess).to.be.closeTo(1, 1e-12);
    expect(skewed.maxWeight).to.be.closeTo(1, 1e-12);
    expect(() => weightDiagnostics([-Infinity, -Infinity])).to.throw('the proposal misses the target');
    expect(() => importanceSampling(rng(0), { logTarget: logStdNormal, f: square, proposal: new Normal(0, 1), samples: 1 })).to.throw('importanceSampling: samples must be an integer ≥ 2');
  });
});
