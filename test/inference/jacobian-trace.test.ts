// The trace of a Jacobian (D64): Hutchinson's estimator is unbiased with the stated standard error (float64),
// the tensor version agrees with it probe by probe, the exact trace agrees with finite differences, and
// sliced score matching's mean over projections is Hyvärinen's J (D65, D50).
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { hutchinsonProbes, hutchinsonTrace64, hutchinsonVariance64, jacobianTrace } from '../../src/inference/jacobian-trace';
import { hyvarinenTerms, slicedScoreMatchingTerms } from '../../src/inference/score-matching';
import { rng } from '../../src/random/rng';

const A = [[2, 1, -0.5], [0.3, -1, 0.8], [1.2, 0.4, 3]];
const trA = 2 - 1 + 3;

describe('jacobian trace and Hutchinson (D64)', () => {
  for (const distribution of ['rademacher', 'gaussian'] as const) {
    it(`D64: ${distribution} probes: E[εᵀAε] = tr A within 4 SE, and the sample SE matches the stated √(variance/K)`, () => {
      const K = 20000;
      const e = hutchinsonTrace64(rng(distribution === 'gaussian' ? 2 : 1), A, { probes: K, distribution });
      const stated = Math.sqrt(hutchinsonVariance64(A, distribution) / K);
      expect(Math.abs(e.value - trA), `${e.value} vs ${trA}, se ${stated}`).to.be.lessThan(4 * stated);
      // the SE of a sample SD is about sd/√(2K)·√(kurtosis factor); 10% is many of those at K = 20000
      expect(e.se / stated).to.be.within(0.9, 1.1);
      expect(e.n).to.equal(K);
    });
  }

  it('D64: the stated variances — Rademacher 2Σ_{i≠j}B_ij², Gaussian 2‖B‖²_F — and Rademacher is exact on a diagonal matrix', () => {
    const B = (i: number, j: number) => (A[i][j] + A[j][i]) / 2;
    let off = 0, all = 0;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) { all += 2 * B(i, j) ** 2; if (i !== j) off += 2 * B(i, j) ** 2; }
    expect(hutchinsonVariance64(A)).to.be.closeTo(off, 1e-12);
    expect(hutchinsonVariance64(A, 'gaussian')).to.be.closeTo(all, 1e-12);
    const diag = hutchinsonTrace64(rng(3), [[2, 0], [0, -5]], { probes: 10 });
    expect(diag.value).to.equal(-3);
    expect(diag.se).to.equal(0);
  });

  it('the tensor version: with probes it gives εᵀAε probe by probe (the float64 value), without them tr A; no tensor growth', () => {
    const before = tf.memory().numTensors;
    const At = tf.tensor2d(A);
    const f = (x: tf.Tensor2D) => tf.matMul(x, At, false, true) as tf.Tensor2D;   // row x ↦ A x
    const x = rng(4).normal([50, 3]) as tf.Tensor2D;
    const probe = hutchinsonProbes(rng(5), [50, 3]);
    const hutchT = jacobianTrace(f, x, probe);
    const hutch = Array.from(hutchT.dataSync());
    const eps = probe.arraySync() as number[][];
    const quad = eps.map((e) => e.reduce((s, ei, i) => s + ei * e.reduce((t, ej, j) => t + A[i][j] * ej, 0), 0));
    hutch.forEach((h, i) => expect(h).to.be.closeTo(quad[i], 1e-5));
    const exact = jacobianTrace(f, x);
    Array.from(exact.dataSync()).forEach((t) => expect(t).to.be.closeTo(trA, 1e-5));
    expect(new Set(eps.flat()).size, 'Rademacher entries are ±1').to.equal(2);
    tf.dispose([At, x, probe, exact, hutchT]);
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('the exact trace of a nonlinear map agrees with central differences', () => {
    const f = (x: tf.Tensor2D) => tf.tidy(() => tf.tanh(tf.matMul(tf.square(x), tf.tensor2d([[1, 0.5], [-0.3, 2]]))) as tf.Tensor2D);
    const pts = [[0.3, -0.7], [1.1, 0.2]];
    const x = tf.tensor2d(pts);
    const got = Array.from(jacobianTrace(f, x).dataSync());
    const at = (p: number[]) => Array.from(tf.tidy(() => f(tf.tensor2d([p]))).dataSync());
    pts.forEach((p, n) => {
      const h = 1e-3;
      const fd = [0, 1].reduce((s, i) => {
        const up = p.slice(), dn = p.slice(); up[i] += h; dn[i] -= h;
        return s + (at(up)[i] - at(dn)[i]) / (2 * h);
      }, 0);
      expect(got[n]).to.be.closeTo(fd, 1e-3);
    });
    x.dispose();
  });

  it('D65: sliced score matching averaged over projections is Hyvärinen\'s J (D50) within 4 SE, at a nonlinear score', () => {
    const score = (x: tf.Tensor2D) => tf.tidy(() => tf.sub(tf.mul(tf.tanh(x), 0.5), tf.matMul(x, tf.tensor2d([[1, 0.4], [0.2, 1.5]]))) as tf.Tensor2D);
    const x = tf.tensor2d([[0.4, -1.2]]);
    const J = hyvarinenTerms(score, x)[0];
    const K = 4000;
    const xs = tf.tile(x, [K, 1]) as tf.Tensor2D;
    const probe = hutchinsonProbes(rng(6), [K, 2]);
    const terms = Array.from(slicedScoreMatchingTerms(score, xs, probe).dataSync());
    const m = terms.reduce((s, v) => s + v, 0) / K;
    const se = Math.sqrt(terms.reduce((s, v) => s + (v - m) ** 2, 0) / (K - 1) / K);
    expect(Math.abs(m - J), `${m} ± ${se} vs J = ${J}`).to.be.lessThan(4 * se);
    tf.dispose([x, xs, probe]);
  });

  it('bad inputs are named', () => {
    expect(() => hutchinsonTrace64(rng(0), [[1, 2]], { probes: 10 })).to.throw(/hutchinsonTrace64: A must be square/);
    expect(() => hutchinsonTrace64(rng(0), A, { probes: 1 })).to.throw(/hutchinsonTrace64: probes/);
    expect(() => hutchinsonTrace64(rng(0), A, { probes: 10, distribution: 'uniform' as never })).to.throw(/hutchinsonTrace64: distribution/);
    expect(() => hutchinsonProbes(rng(0), [3] as never)).to.throw(/hutchinsonProbes: shape must be \[n, d\]/);
    const x = tf.tensor2d([[1, 2]]);
    expect(() => jacobianTrace((z) => tf.sum(z, 1, true) as tf.Tensor2D, x)).to.throw(/jacobianTrace: f must return the shape of x/);
    expect(() => jacobianTrace((z) => z, x, tf.tensor2d([[1, 1, 1]]))).to.throw(/jacobianTrace: probe/);
    x.dispose();
  });
});
