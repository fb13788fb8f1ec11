// The probability-flow ODE's log-density (D63): on Gaussian data, where the score of q_σ = N(m, S + σ²I) is
// analytic, it equals the exact log q_σmin(x) to the midpoint rule's second order; Hutchinson's trace (D64)
// gives the same within its standard error; and sliced score matching (D65) trains a (smooth) score network.
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { probabilityFlowLogDensity } from '../../../src/models/diffusion/probability-flow';
import { ScoreNetwork } from '../../../src/models/diffusion/score-network';
import { MultivariateNormal } from '../../../src/distributions/mvn';
import { fit } from '../../../src/training/fit';
import { rng } from '../../../src/random/rng';

const m = [1, -0.5], S = [[1.0, 0.6], [0.6, 0.8]];
const covAt = (s: number) => [[S[0][0] + s * s, S[0][1]], [S[1][0], S[1][1] + s * s]];
const inv2 = (C: number[][]) => { const d = C[0][0] * C[1][1] - C[0][1] * C[1][0]; return [[C[1][1] / d, -C[0][1] / d], [-C[1][0] / d, C[0][0] / d]]; };
// ∇ log N(x; m, C) = −C⁻¹(x − m) (C symmetric), row by row
const gaussianScore = (x: tf.Tensor2D, s: number) => tf.tidy(() => tf.neg(tf.matMul(tf.sub(x, tf.tensor1d(m)), tf.tensor2d(inv2(covAt(s))))) as tf.Tensor2D);
const sigmaMin = 0.05, sigmaMax = 10;

describe('probability-flow ODE (D63)', function () {
  this.timeout(120_000);

  it('D63: Gaussian data — the ODE\'s log-density equals the exact log N(x; m, S + σmin²I), the error falling ≈4× per halved step', () => {
    const target = new MultivariateNormal({ loc: m, covariance: covAt(sigmaMin) });
    const prior = new MultivariateNormal({ loc: m, covariance: covAt(sigmaMax) });
    const before = tf.memory().numTensors;
    const x = rng(1).normal([20, 2]) as tf.Tensor2D;
    const exactT = target.logProb(x);
    const exact = Array.from(exactT.dataSync());
    const maxError = (steps: number) => {
      const r = probabilityFlowLogDensity(rng(0), gaussianScore, x, { sigmaMin, sigmaMax, prior, steps });
      expect(Array.from(r.logDensity.se).every((v) => v === 0), 'the exact trace has no error bar').to.equal(true);
      return Math.max(...Array.from(r.logDensity.value, (v, i) => Math.abs(v - exact[i])));
    };
    const [e100, e200] = [maxError(100), maxError(200)];
    expect(e200, `max |error| at 200 steps ${e200}`).to.be.lessThan(0.02);
    expect(e100 / e200, `errors ${e100}, ${e200}`).to.be.within(3.2, 4.8);
    tf.dispose([x, exactT]);
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('D63, D64: with Hutchinson\'s trace the per-point estimates scatter around the exact ones by their SE (|z| < 4 each, mean z² ≈ 1)', () => {
    const prior = new MultivariateNormal({ loc: m, covariance: covAt(sigmaMax) });
    const before = tf.memory().numTensors;
    const x = rng(2).normal([30, 2]) as tf.Tensor2D;
    const exact = probabilityFlowLogDensity(rng(0), gaussianScore, x, { sigmaMin, sigmaMax, prior, steps: 40 }).logDensity.value;
    const h = probabilityFlowLogDensity(rng(3), gaussianScore, x, { sigmaMin, sigmaMax, prior, steps: 40, trace: 'hutchinson', probes: 16 });
    const z = Array.from(h.logDensity.value, (v, i) => (v - exact[i]) / h.logDensity.se[i]);
    z.forEach((zi, i) => expect(Math.abs(zi), `point ${i}`).to.be.lessThan(4));
    // 30 t-like ratios with 15 degrees of freedom: mean z² ≈ 15/13; it is within [0.5, 2] unless the SE is off
    expect(z.reduce((s, v) => s + v * v, 0) / z.length).to.be.within(0.5, 2);
    expect(h.logDensity.n).to.equal(16);
    x.dispose();
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('sliced score matching (D65) fits a softplus score network to Gaussian data: the learned score within 15% (relative squared error) of the exact −(S + σ²I)⁻¹(x − m) at two noise levels; the loss falls; no tensor growth', async () => {
    const g = rng(1);
    const L = [[1, 0], [0.6, Math.sqrt(0.8 - 0.36)]];   // S = L Lᵀ
    const train = Array.from({ length: 2000 }, () => { const z = [g.nextNormal(), g.nextNormal()]; return [m[0] + L[0][0] * z[0], m[1] + L[1][0] * z[0] + L[1][1] * z[1]]; });
    const net = new ScoreNetwork(rng(3), 2, { hidden: 32, activation: 'softplus', sigmas: [1, 0.5, 0.25] });
    const before = tf.memory().numTensors;
    const { losses } = await fit(net, train, { steps: 600, seed: 4, batchSize: 128, learningRate: 3e-3, progress: false, objective: 'sliced' });
    expect(tf.memory().numTensors, 'training leaves no tensors').to.equal(before);
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    expect(mean(losses.slice(-100))).to.be.lessThan(mean(losses.slice(0, 100)));
    for (const sigma of [0.5, 0.25]) {
      const [err, size] = tf.tidy(() => {
        const x = tf.add(tf.tensor2d(train.slice(0, 500)), tf.mul(rng(5).normal([500, 2]), sigma)) as tf.Tensor2D;
        const exact = gaussianScore(x, sigma);
        return [tf.mean(tf.sum(tf.square(tf.sub(net.score(x, sigma), exact)), 1)).dataSync()[0], tf.mean(tf.sum(tf.square(exact), 1)).dataSync()[0]];
      });
      expect(err / size, `σ = ${sigma}: E‖s − s*‖² = ${err}, E‖s*‖² = ${size}`).to.be.lessThan(0.15);
    }
    net.dispose();
  });

  it('bad inputs are named; the same seed gives the same Hutchinson estimate', () => {
    const x = tf.tensor2d([[0, 0], [1, 1]]);
    const prior = new MultivariateNormal({ loc: [0, 0], covariance: [[1, 0], [0, 1]] });
    const o = { sigmaMin: 0.1, sigmaMax: 1, prior, steps: 3, trace: 'hutchinson' as const, probes: 4 };
    expect(Array.from(probabilityFlowLogDensity(rng(1), gaussianScore, x, o).logDensity.value))
      .to.deep.equal(Array.from(probabilityFlowLogDensity(rng(1), gaussianScore, x, o).logDensity.value));
    expect(() => probabilityFlowLogDensity(rng(0), gaussianScore, x, { ...o, sigmaMax: 0.05 })).to.throw(/probabilityFlowLogDensity: sigmaMax must be above sigmaMin/);
    expect(() => probabilityFlowLogDensity(rng(0), gaussianScore, x, { ...o, prior: {} as never })).to.throw(/probabilityFlowLogDensity: prior/);
    expect(() => probabilityFlowLogDensity(rng(0), gaussianScore, x, { ...o, trace: 'approx' as never })).to.throw(/probabilityFlowLogDensity: trace/);
    expect(() => probabilityFlowLogDensity(rng(0), (z) => tf.sum(z, 1, true) as tf.Tensor2D, x, o)).to.throw(/probabilityFlowLogDensity: score must map points/);
    const nanPoint = tf.tensor2d([[NaN, 0]]);
    expect(() => probabilityFlowLogDensity(rng(0), gaussianScore, nanPoint, o)).to.throw(/probabilityFlowLogDensity: x must be .*without NaN|probabilityFlowLogDensity: x must .*NaN/);
    nanPoint.dispose();
    expect(() => new ScoreNetwork(rng(0), 2, { activation: 'tanh' as never })).to.throw(/ScoreNetwork: activation/);
    const net = new ScoreNetwork(rng(0), 2, { hidden: 4 });
    expect(() => net.prepareBatch(rng(0), { x, indices: [0, 1] }, 'hyvarinen' as never)).to.throw(/ScoreNetwork.prepareBatch: objective/);
    net.dispose();
    x.dispose();
  });
});
