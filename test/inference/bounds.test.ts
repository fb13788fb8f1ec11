// D12, D14, D15, D26, D27 on PPCA with a deliberately poor Gaussian q.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { PPCA, Normal, MultivariateNormal, kl, checkMonteCarlo, checkAtMost, estimateMean, rng } from '../../src';
import { elbo, elboAnalyticKL, iwae, renyiBound, logImportanceWeights } from '../../src/inference/bounds';
import { values, expectNoLeak } from '../support/tensors';

const W = [[1, 0.5], [0.3, -1], [0.8, 0.2], [-0.4, 0.6]];
const mu = [0.5, -1, 0, 2];
const model = new PPCA(W, mu, 0.3);
const x = [1.2, -0.5, 0.3, 2.4];
const exact = model.logMarginal(x);
const qLoc = [0.8, 0.4], qScale = [0.6, 0.9]; // poor on purpose: wrong mean, too wide, no correlation
const q = () => new Normal([qLoc], [qScale], { eventDims: 1 }); // batch [1], event [2]
let xt: tf.Tensor;
let logJoint: ReturnType<PPCA['logJoint']>;

/** Replicated estimates of a bound with K samples: mean and SE over R independent runs. */
function replicate(bound: typeof elbo, K: number, R: number, seed: number) {
  const g = rng(seed);
  const vals = Array.from({ length: R }, () => tf.tidy(() => values(bound(g, { x: xt, logJoint, proposal: q(), samples: K }))[0]));
  return estimateMean(vals);
}

/** The exact ELBO of a Gaussian q: log p(x) − KL(q‖p(z|x)) (D15), KL in closed form (MVN). */
function exactElbo(): number {
  const qm = new MultivariateNormal({ loc: qLoc, covariance: [[qScale[0] ** 2, 0], [0, qScale[1] ** 2]] });
  return exact - tf.tidy(() => values(kl(qm, model.posteriorDistribution(x)))[0]);
}

describe('inference/bounds', () => {
  before(() => { xt = tf.tensor2d([x]); logJoint = model.logJoint(); });
  it('D12/D15: the Monte Carlo ELBO equals log p(x) − KL(q‖p(z|x)) within SE, and is below log p(x)', () => {
    const lw = tf.tidy(() => values(logImportanceWeights(rng(40), { x: xt, logJoint, proposal: q(), samples: 20000 })));
    const est = estimateMean(lw);
    const target = exactElbo();
    expect(checkMonteCarlo('ELBO = log p(x) − KL(q‖post)', est, target, { id: 'D15' }).pass).to.equal(true);
    expect(checkAtMost('ELBO ≤ log p(x)', est.value + 4 * est.se, exact, { id: 'D12' }).pass).to.equal(true);
    expect(exact - target).to.be.greaterThan(0.5); // the gap is real: q is poor
  });

  it('D14: the analytic-KL form has the same mean as the Monte Carlo form', () => {
    const logLik = (xx: tf.Tensor, z: tf.Tensor) => tf.tidy(() => {
      const prior = new Normal(tf.zeros([2]), tf.ones([2]), { eventDims: 1, validate: false });
      return tf.sub(logJoint(xx, z), prior.logProb(z));
    });
    const g = rng(41);
    const analytic = Array.from({ length: 4000 }, () => tf.tidy(() => values(elboAnalyticKL(g, { x: xt, logLikelihood: logLik, prior: new Normal([[0, 0]], [[1, 1]], { eventDims: 1 }), proposal: q() }))[0]));
    expect(checkMonteCarlo('analytic-KL ELBO', analytic, exactElbo(), { id: 'D14' }).pass).to.equal(true);
  });

  it('D26: L_1 = ELBO ≤ L_5 ≤ L_50 ≤ log p(x), each step clearly up, L_K → log p(x)', () => {
    const L1 = replicate(iwae, 1, 3000, 42), L5 = replicate(iwae, 5, 1500, 43), L50 = replicate(iwae, 50, 500, 44), L5000 = replicate(iwae, 5000, 20, 45);
    expect(checkMonteCarlo('L_1 = ELBO', L1, exactElbo(), { id: 'D26' }).pass).to.equal(true);
    expect(L5.value - L1.value).to.be.greaterThan(4 * Math.hypot(L1.se, L5.se));
    expect(L50.value - L5.value).to.be.greaterThan(4 * Math.hypot(L5.se, L50.se));
    expect(checkAtMost('L_50 ≤ log p(x)', L50.value - 4 * L50.se, exact, { id: 'D26' }).pass).to.equal(true);
    expect(exact - L5000.value).to.be.lessThan((exact - L50.value) / 5);
  });

  it('D27: Rényi L_α — α=1 is the ELBO, α=0 is IWAE (→ log p(x)), non-increasing in α on the same samples', () => {
    const at = (alpha: number) => tf.tidy(() => values(renyiBound(rng(46), { x: xt, logJoint, proposal: q(), samples: 200, alpha }))[0]);
    const e = tf.tidy(() => values(elbo(rng(46), { x: xt, logJoint, proposal: q(), samples: 200 }))[0]);
    const i = tf.tidy(() => values(iwae(rng(46), { x: xt, logJoint, proposal: q(), samples: 200 }))[0]);
    expect(at(1)).to.equal(e);
    expect(at(0)).to.be.closeTo(i, 1e-5);
    const alphas = [-0.5, 0, 0.25, 0.5, 0.75, 0.999, 1, 1.5];
    const vals = alphas.map(at);
    for (let k = 1; k < vals.length; k++) expect(vals[k], `α=${alphas[k]}`).to.be.at.most(vals[k - 1] + 1e-5);
    expect(Math.abs(at(0.999) - e)).to.be.lessThan(Math.abs(at(0.5) - e));
  });

  it('returns one value per data point, checks shapes, and does not leak', () => {
    const X = tf.tensor2d([x, mu]);
    const q2 = new Normal([qLoc, qLoc], [qScale, qScale], { eventDims: 1 });
    expectNoLeak(() => iwae(rng(47), { x: X, logJoint, proposal: q2, samples: 3 }));
    expect(tf.tidy(() => elbo(rng(47), { x: X, logJoint, proposal: q2, samples: 3 }).shape)).to.deep.equal([2]);
    expect(() => elbo(rng(0), { x: X, logJoint: () => tf.zeros([3]), proposal: q2 })).to.throw('elbo: logJoint must return [1,2] ([K, ...batch], as log q), got [3]');
    expect(() => iwae(rng(0), { x: X, logJoint, proposal: q2, samples: 0 })).to.throw('samples must be a positive integer');
    X.dispose();
  });
});
