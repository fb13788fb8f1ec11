// Black-box VI (D23, D24): both estimators of the ELBO's gradient are unbiased for a mean-field Gaussian q,
// their variances are ordered as notebook 06 measures, and a fit with either reaches the exact posterior.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { rng } from '../../src';
import { blackBoxVI, elboGradient } from '../../src/inference/black-box-vi';

// p(z) = Π N(z_j; 0, 1), p(x | z) = Π N(x_j; z_j, 1): the posterior is N(x_j/2, 1/2) per coordinate, and
// the ELBO's gradient at q = Π N(m_j, σ_j²) is ∂/∂m_j = x_j − 2m_j, ∂/∂log σ_j = 1 − 2σ_j²
const x = [1, -2];
const logJoint = (z: tf.Tensor2D) => tf.tidy(() =>
  tf.sum(tf.add(tf.mul(-0.5, tf.square(z)), tf.mul(-0.5, tf.square(tf.sub(tf.tensor1d(x), z)))), 1));
const q = { means: [0.3, 0.1], variances: [0.64, 1.69] };
const exact = [x.map((xj, j) => xj - 2 * q.means[j]), q.variances.map((v) => 1 - 2 * v)];
// KL(q ‖ posterior) for Gaussians, coordinate by coordinate: log(s_p/s_q) + (s_q² + (m_q − m_p)²)/(2 s_p²) − ½
const klToPosterior = (f: { means: number[]; variances: number[] }) => f.means.reduce((sum, m, j) => {
  const mp = x[j] / 2, vp = 0.5, v = f.variances[j];
  return sum + 0.5 * Math.log(vp / v) + (v + (m - mp) ** 2) / (2 * vp) - 0.5;
}, 0);

describe('inference: black-box variational inference', () => {
  for (const [estimator, baseline] of [['score-function', 'none'], ['score-function', 'mean'], ['reparameterization', 'none']] as const) {
    it(`D23/D24: the ${estimator} estimate${estimator === 'score-function' ? ` (baseline ${baseline})` : ''} of the ELBO's gradient is unbiased, within 4 SE`, () => {
      const before = tf.memory().numTensors;
      const g = elboGradient(rng(1), { logJoint, q, estimator, baseline, samples: 4000 });
      expect(tf.memory().numTensors, 'tensors leaked').to.equal(before);
      expect(g.n).to.equal(4000);
      exact.forEach((row, p) => row.forEach((e, j) => expect(Math.abs(g.value[p][j] - e), `param ${p}, entry ${j}`).to.be.lessThan(4 * g.se[p][j])));
    });
  }

  it('the per-sample variances are ordered: score function > with the leave-one-out baseline > reparameterization', () => {
    const se = (estimator: 'score-function' | 'reparameterization', baseline: 'none' | 'mean') =>
      elboGradient(rng(2), { logJoint, q, estimator, baseline, samples: 2000 }).se.flatMap((a) => Array.from(a)).reduce((s, v) => s + v * v, 0);
    const none = se('score-function', 'none'), loo = se('score-function', 'mean'), rep = se('reparameterization', 'none');
    // each is a sum of sample variances from 2000 draws: relative SE about √(2/1999) for each term
    const margin = 1 - 4 * Math.sqrt(2 / 1999);
    expect(loo).to.be.lessThan(none * margin);
    expect(rep).to.be.lessThan(loo * margin);
  });

  for (const estimator of ['score-function', 'reparameterization'] as const) {
    it(`fits the exact posterior with the ${estimator} gradient: KL(q ‖ p(z | x)) falls twentyfold; same seed, same run`, () => {
      const init = { means: [0, 0], variances: [1, 1] };
      const before = tf.memory().numTensors;
      const run = () => blackBoxVI(rng(3), { logJoint, init, estimator, baseline: 'mean', samples: 16, steps: 600, learningRate: 0.05, recordEvery: 100, evalSamples: 500 });
      const fit = run();
      expect(tf.memory().numTensors, 'tensors leaked').to.equal(before);
      // Adam at a fixed rate keeps a noisy estimate jittering around the optimum, so 'reaches it' is a fall of KL
      // by more than an order of magnitude rather than convergence
      expect(klToPosterior(fit.q)).to.be.lessThan(klToPosterior(init) / 20);
      expect(fit.trace.map((r) => r.step)).to.deep.equal([0, 100, 200, 300, 400, 500, 600]);
      expect(fit.trace[6].evaluations).to.equal(600 * 16);
      // ELBO = log p(x) − KL(q ‖ posterior): the last record is above the first by more than their SEs
      const first = fit.trace[0].elbo, last = fit.trace[6].elbo;
      expect(last.value - first.value).to.be.greaterThan(4 * Math.hypot(first.se, last.se));
      expect(run().q).to.deep.equal(fit.q);
    });
  }

  it('at the exact posterior the score function with the leave-one-out baseline has zero variance (f = log p(x) for every z); the reparameterization estimate does not', () => {
    const posterior = { means: x.map((v) => v / 2), variances: [0.5, 0.5] };
    const sf = elboGradient(rng(4), { logJoint, q: posterior, estimator: 'score-function', baseline: 'mean', samples: 500 });
    const rep = elboGradient(rng(4), { logJoint, q: posterior, estimator: 'reparameterization', samples: 500 });
    // float32 rounding of log p − log q is all that is left of the score-function terms
    sf.se.forEach((a) => a.forEach((v) => expect(v).to.be.lessThan(1e-5)));
    // the reparameterization's per-sample ∂/∂m is ∇_z log p(z) = x − 2z = −2σε: sd 2σ = √2, SE √2/√500
    rep.se[0].forEach((v) => expect(v).to.be.closeTo(Math.SQRT2 / Math.sqrt(500), 4 * Math.SQRT2 / Math.sqrt(500) / Math.sqrt(2 * 499)));
  });

  it('names the argument at fault', () => {
    const init = { means: [0, 0], variances: [1, 1] };
    expect(() => blackBoxVI(rng(0), { logJoint, init: { means: [0], variances: [1, 1] }, estimator: 'score-function', samples: 4, steps: 1 })).to.throw(/blackBoxVI: variances must have the length of means \(1\), got \[1, 1\] \(in init\)/);
    expect(() => blackBoxVI(rng(0), { logJoint, init, estimator: 'reinforce' as never, samples: 4, steps: 1 })).to.throw(/estimator/);
    expect(() => blackBoxVI(rng(0), { logJoint, init: { means: [0, 0], variances: [1, -1] }, estimator: 'score-function', samples: 4, steps: 1 })).to.throw(/variances/);
    expect(() => elboGradient(rng(0), { logJoint: (z) => tf.sum(z) as never, q, estimator: 'score-function', samples: 4 })).to.throw(/logJoint must return a tensor of shape \[4\]/);
    expect(() => elboGradient(rng(0), { logJoint, q, estimator: 'score-function', samples: 1 })).to.throw(/samples/);
  });
});
