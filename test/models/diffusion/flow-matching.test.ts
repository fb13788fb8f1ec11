// Conditional flow matching (D56): the conditional target's regression on x_t is the marginal velocity, the
// marginal velocity's ODE carries N(0, 1) to the data, the solvers converge at their orders, and a trained
// network's samples move toward the data.
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { flowMatchingSample, gaussianFlowVelocity, mixtureFlowVelocity, VelocityNetwork } from '../../../src/models/diffusion/flow-matching';
import { quadratureRule } from '../../../src/check/quadrature';
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

  it('D56: in 2-D, a Gaussian mixture\'s marginal velocity equals E[x₁ − x₀ | x_t = x] by quadrature over x₀ (given x_t, the line fixes x₁)', () => {
    const mix = { weights: [0.3, 0.7], means: [[-1.5, 0.5], [1, -1]], sds: [0.4, 0.7] };
    const dataDensity = (p: number[]) => mix.weights.reduce((acc, w, k) => acc + w * Math.exp(-((p[0] - mix.means[k][0]) ** 2 + (p[1] - mix.means[k][1]) ** 2) / (2 * mix.sds[k] ** 2)) / (2 * Math.PI * mix.sds[k] ** 2), 0);
    const { points, weights } = quadratureRule(-9, 9, { panels: 120, order: 4 });
    const g = rng(3);
    for (let draw = 0; draw < 4; draw++) {
      const t = 0.25 + 0.5 * g.nextUniform(), x = [3 * g.nextUniform() - 1.5, 3 * g.nextUniform() - 1.5];
      // p(x₀ | x_t = x) ∝ N(x₀; 0, I) · p_data((x − (1 − t) x₀)/t), sharp in x₀ as t → 0: t in [0.25, 0.75] keeps it resolved
      let den = 0;
      const num = [0, 0];
      points.forEach((a, i) => points.forEach((b, j) => {
        const x1 = [(x[0] - (1 - t) * a) / t, (x[1] - (1 - t) * b) / t];
        const w = weights[i] * weights[j] * Math.exp(-(a * a + b * b) / 2) * dataDensity(x1);
        den += w; num[0] += w * (x1[0] - a); num[1] += w * (x1[1] - b);
      }));
      const exact = mixtureFlowVelocity(t, x, mix);
      [0, 1].forEach((i) => expect(num[i] / den, `t = ${t}, x = ${x}, coordinate ${i}`).to.be.closeTo(exact[i], 1e-6 * (1 + Math.abs(exact[i]))));
    }
    // one component is gaussianFlowVelocity per coordinate
    const one = mixtureFlowVelocity(0.4, [0.7, -0.2], { weights: [1], means: [[2, -1]], sds: [0.5] });
    expect(one[0]).to.be.closeTo(gaussianFlowVelocity(0.4, 0.7, { mean: 2, sd: 0.5 }), 1e-12);
    expect(one[1]).to.be.closeTo(gaussianFlowVelocity(0.4, -0.2, { mean: -1, sd: 0.5 }), 1e-12);
    expect(() => mixtureFlowVelocity(0.5, [0, 0], { weights: [1, 1], means: [[0, 0]], sds: [1, 1] })).to.throw(/mixtureFlowVelocity: mixture must be K = 2 means of x's length 2 and K sds/);
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
