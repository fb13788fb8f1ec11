// Conditional flow matching (D56): the conditional target's regression on x_t is the marginal velocity, the
// marginal velocity's ODE carries N(0, 1) to the data, the solvers converge at their orders, and a trained
// network's samples move toward the data.
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { flowMatchingSample, gaussianFlowVelocity, VelocityNetwork } from '../../../src/models/diffusion/flow-matching';
import { fit } from '../../../src/training/fit';
import { mmdUnbiased } from '../../../src/inference/mmd';
import { twoMoons } from '../../../src/data/toy-2d';
import { rng } from '../../../src/random/rng';

const data = { mean: 2, sd: 0.5 };
const exactVelocity = (x: tf.Tensor2D, t: number) => tf.tidy(() => {
  const s2 = data.sd ** 2;
  const slope = (t * s2 - (1 - t)) / ((1 - t) ** 2 + t * t * s2);
  return tf.add(data.mean, tf.mul(slope, tf.sub(x, t * data.mean))) as tf.Tensor2D;
});

describe('flow matching (D56)', function () {
  this.timeout(120_000);

  it('D56: the conditional target x₁ − x₀, regressed on x_t, gives the marginal velocity (slope and intercept within 4 SE)', () => {
    const g = rng(0);
    for (const t of [0.2, 0.5, 0.9]) {
      const M = 100_000;
      const xs = new Float64Array(M), us = new Float64Array(M);
      for (let m = 0; m < M; m++) {
        const x0 = g.nextNormal(), x1 = data.mean + data.sd * g.nextNormal();
        xs[m] = (1 - t) * x0 + t * x1;
        us[m] = x1 - x0;
      }
      const mx = xs.reduce((a, b) => a + b, 0) / M, mu = us.reduce((a, b) => a + b, 0) / M;
      let sxx = 0, sxu = 0;
      for (let m = 0; m < M; m++) { sxx += (xs[m] - mx) ** 2; sxu += (xs[m] - mx) * (us[m] - mu); }
      const slope = sxu / sxx, intercept = mu - slope * mx;
      let rss = 0;
      for (let m = 0; m < M; m++) rss += (us[m] - intercept - slope * xs[m]) ** 2;
      const sigma = Math.sqrt(rss / (M - 2));
      const seSlope = sigma / Math.sqrt(sxx);
      const seAt = (x: number) => sigma * Math.sqrt(1 / M + (x - mx) ** 2 / sxx);
      const exactSlope = gaussianFlowVelocity(t, 1, data) - gaussianFlowVelocity(t, 0, data);
      expect(Math.abs(slope - exactSlope) / seSlope, `t = ${t}: slope ${slope} vs ${exactSlope}`).to.be.lessThan(4);
      for (const x of [mx - 1, mx, mx + 1]) {
        expect(Math.abs(intercept + slope * x - gaussianFlowVelocity(t, x, data)) / seAt(x), `t = ${t}, x = ${x}`).to.be.lessThan(4);
      }
    }
  });

  it('D56: the marginal velocity\'s ODE carries N(0, 1) to N(μ, s²): x(1) = μ + s·x(0) to the solver\'s order (Euler 1, midpoint 2)', () => {
    const n = 2000;
    const start = rng(5).normal([n, 1]);
    const errorOf = (method: 'euler' | 'midpoint', steps: number) => tf.tidy(() => {
      const x1 = flowMatchingSample(rng(5), exactVelocity, n, { dim: 1, steps, method });
      return tf.max(tf.abs(tf.sub(x1, tf.add(data.mean, tf.mul(data.sd, start))))).dataSync()[0];
    });
    const e = { euler: [errorOf('euler', 20), errorOf('euler', 40)], mid: [errorOf('midpoint', 5), errorOf('midpoint', 10)] };
    expect(e.euler[0] / e.euler[1], `Euler ${e.euler}`).to.be.within(1.6, 2.4);
    expect(e.mid[0] / e.mid[1], `midpoint ${e.mid}`).to.be.at.least(3.2);
    expect(e.mid[1], 'midpoint with 10 steps beats Euler with 40').to.be.lessThan(e.euler[1]);
    start.dispose();
  });

  it('a trained velocity network moves N(0, I) toward two moons (MMD² to held-out points falls), with no tensor growth', async () => {
    const before = tf.memory().numTensors;
    const train = twoMoons(rng(1), 2000, { noise: 0.05 });
    const held = tf.tensor2d(twoMoons(rng(2), 500, { noise: 0.05 }));
    const net = new VelocityNetwork(rng(3), 2, { hidden: 64 });
    const { losses } = await fit(net, train, { steps: 600, seed: 4, batchSize: 256, progress: false });
    expect(losses.slice(-50).reduce((a, b) => a + b, 0) / 50).to.be.lessThan(losses.slice(0, 50).reduce((a, b) => a + b, 0) / 50);
    const mmd = (x: tf.Tensor2D) => tf.tidy(() => mmdUnbiased(x, held).dataSync()[0]);
    const noise = rng(6).normal([500, 2]) as tf.Tensor2D;
    const samples = flowMatchingSample(rng(6), net.velocityFunction, 500, { dim: 2, steps: 20 });
    const [m0, m1] = [mmd(noise), mmd(samples)];
    expect(m1, `MMD² noise ${m0}, flow-matching samples ${m1}`).to.be.lessThan(m0 / 5);
    tf.dispose([noise, samples, held]);
    net.dispose();
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('bad inputs are named; the same seed gives the same samples', () => {
    const net = new VelocityNetwork(rng(0), 2, { hidden: 8 });
    const a = flowMatchingSample(rng(1), net.velocityFunction, 3, { dim: 2, steps: 2 });
    const b = flowMatchingSample(rng(1), net.velocityFunction, 3, { dim: 2, steps: 2 });
    expect(Array.from(a.dataSync())).to.deep.equal(Array.from(b.dataSync()));
    tf.dispose([a, b]);
    expect(() => fit(net, [[0, 0, 0], [1, 1, 1]], { steps: 1, seed: 0 })).to.throw(/fit: data must have rows of 2 values, as the model \(VelocityNetwork\) takes, got rows of 3/);
    expect(() => fit(net, [[0, 0], [1, 1]], { steps: 0, seed: 0 })).to.throw(/fit: steps must be a positive integer/);
    expect(() => flowMatchingSample(rng(0), net.velocityFunction, 3, { dim: 2, method: 'rk4' as never })).to.throw(/flowMatchingSample: method/);
    expect(() => flowMatchingSample(rng(0), net.velocityFunction, 1e12, { dim: 2 })).to.throw(/flowMatchingSample: samples/);
    expect(() => new VelocityNetwork(rng(0), 0)).to.throw(/VelocityNetwork: dim/);
    expect(() => gaussianFlowVelocity(1.5, 0, data)).to.throw(/gaussianFlowVelocity: t/);
    net.dispose();
  });
});
