// Fitted ICA (lecture 000; D37): the natural-gradient ML fit recovers super-Gaussian sources up to order
// and scale, and cannot recover Gaussian ones (their likelihood is the same for every rotation).
import { expect } from 'chai';
import { fitICA } from '../../../src/models/flows/ica-fit';
import { icaLogLikelihood, LOG_PRIORS } from '../../../src/models/flows/ica';
import { amariDistance } from '../../../src/evaluation/amari-distance';
import { inv, Matrix } from '../../../src/math/linalg64';
import { rng, Rng } from '../../../src/random/rng';

const laplace = (g: Rng) => { const u = g.nextUniform() - 0.5; return -Math.sign(u) * Math.log(1 - 2 * Math.abs(u)); };
function mixed(g: Rng, n: number, D: number, source: (g: Rng) => number) {
  const A = Array.from({ length: D }, () => Array.from({ length: D }, () => g.nextNormal()));
  const S = Array.from({ length: n }, () => Array.from({ length: D }, () => source(g)));
  const X = new Matrix(S).mmul(new Matrix(A).transpose()).to2DArray().map((x) => x.map((v, i) => v + i)); // shifted: the fit centres
  return { A, S, X };
}
const corr = (a: number[], b: number[]) => {
  const ma = a.reduce((s, v) => s + v, 0) / a.length, mb = b.reduce((s, v) => s + v, 0) / b.length;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < a.length; i++) { sab += (a[i] - ma) * (b[i] - mb); saa += (a[i] - ma) ** 2; sbb += (b[i] - mb) ** 2; }
  return sab / Math.sqrt(saa * sbb);
};

describe('fitICA (D37, natural-gradient maximum likelihood)', function () {
  this.timeout(60_000);

  it('the natural-gradient direction: ∂ℓ/∂W = (I − E[φ(y)yᵀ]) W⁻ᵀ, against central differences of icaLogLikelihood', () => {
    const g = rng(3);
    const { X } = mixed(g, 400, 3, laplace);
    const W = [[0.9, 0.2, -0.1], [0.1, 1.1, 0.3], [-0.2, 0.1, 0.8]];
    const Y = new Matrix(X).mmul(new Matrix(W).transpose());
    const E = Matrix.zeros(3, 3);
    for (let n = 0; n < X.length; n++) for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) E.set(i, j, E.get(i, j) + Math.tanh(Y.get(n, i) / 2) * Y.get(n, j) / X.length);
    const analytic = Matrix.eye(3).sub(E).mmul(inv(W).transpose());
    const h = 1e-5;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
      const up = W.map((r) => r.slice()); up[i][j] += h;
      const dn = W.map((r) => r.slice()); dn[i][j] -= h;
      const fd = (icaLogLikelihood(X, up, 'logistic') - icaLogLikelihood(X, dn, 'logistic')) / (2 * h);
      expect(fd, `entry [${i}][${j}]`).to.be.closeTo(analytic.get(i, j), 1e-6);
    }
  });

  it('recovers Laplace sources mixed by a random A: Amari distance near 0, sources correlated ≥ 0.98 up to order and sign, ℓ above the true unmixing\'s', () => {
    const g = rng(11);
    const { A, S, X } = mixed(g, 3000, 3, laplace);
    const fit = fitICA(rng(1), X, { steps: 100 });
    const d = amariDistance(fit.unmixing, A);
    expect(d).to.be.lessThan(0.05);
    const Shat = fit.sources(X);
    for (let k = 0; k < 3; k++) {
      const best = Math.max(...[0, 1, 2].map((j) => Math.abs(corr(S.map((s) => s[k]), Shat.map((s) => s[j])))));
      expect(best, `source ${k}`).to.be.greaterThan(0.98);
    }
    const l = fit.logLikelihoods;
    expect(l[l.length - 1]).to.be.greaterThan(l[0]);
    const centred = X.map((x) => x.map((v, i) => v - fit.mean[i]));
    // The truth A⁻¹, each row at the scale the logistic prior likes best (ℓ separates over rows: Σ_i [mean log p(c_i y_i) + log c_i]
    // + log|det A⁻¹|, so each c_i is found by a 1-D grid search): the maximum-likelihood fit is at least as likely on this sample.
    const Ainv = inv(A).to2DArray();
    const scales = Array.from({ length: 301 }, (_, k) => Math.exp(-3 + k / 50));
    const bestRows = Ainv.map((row, i) => {
      const ll = (c: number) => { const W = Ainv.map((r, j) => (j === i ? r.map((v) => c * v) : r)); return icaLogLikelihood(centred, W, 'logistic'); };
      const values = scales.map(ll);
      return scales[values.indexOf(Math.max(...values))];
    });
    const truth = icaLogLikelihood(centred, Ainv.map((r, i) => r.map((v) => bestRows[i] * v)), 'logistic');
    expect(l[l.length - 1], 'the trace is icaLogLikelihood of the fitted unmixing').to.be.closeTo(icaLogLikelihood(centred, fit.unmixing, 'logistic'), 1e-9);
    expect(l[l.length - 1]).to.be.greaterThan(truth - 1e-3);
    expect(l[l.length - 1] - truth, 'the fit is close to the truth, not somewhere else').to.be.lessThan(0.05);
    expect(fit.mixing.length).to.equal(3);
  });

  it('cannot recover Gaussian sources: their Amari distance stays O(1) while Laplace sources\' shrinks like 1/√N (differences beyond 4 SE over seeds)', () => {
    const seeds = [0, 1, 2, 3, 4, 5, 6, 7];
    const amari = (n: number, source: (g: Rng) => number, offset: number) => seeds.map((seed) => {
      const a = mixed(rng(offset + seed), n, 2, source);
      return amariDistance(fitICA(rng(seed), a.X, { steps: 200 }).unmixing, a.A);
    });
    const stats = (v: number[]) => {
      const m = v.reduce((s, x) => s + x, 0) / v.length;
      return { m, se: Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1) / v.length) };
    };
    const gauss = stats(amari(1500, (g) => g.nextNormal(), 100));
    const lapSmall = stats(amari(500, laplace, 200));
    const lapLarge = stats(amari(4000, laplace, 300));
    const beyond = (a: { m: number; se: number }, b: { m: number; se: number }) => (a.m - b.m) / Math.hypot(a.se, b.se);
    expect(beyond(gauss, lapSmall), `Gaussian ${gauss.m.toFixed(3)} ± ${gauss.se.toFixed(3)} vs Laplace ${lapSmall.m.toFixed(3)} ± ${lapSmall.se.toFixed(3)}`).to.be.greaterThan(4);
    // 8× the data: the sampling error of the unmixing falls by √8 ≈ 2.8 (a consistent estimator).
    expect(beyond(lapSmall, lapLarge), `Laplace N = 500: ${lapSmall.m.toFixed(3)} ± ${lapSmall.se.toFixed(3)}, N = 4000: ${lapLarge.m.toFixed(3)} ± ${lapLarge.se.toFixed(3)}`).to.be.greaterThan(2);
    expect(lapLarge.m).to.be.lessThan(gauss.m / 5);
  });

  it('same seed, same fit; bad inputs named', () => {
    const { X } = mixed(rng(5), 200, 2, laplace);
    expect(fitICA(rng(9), X, { steps: 10 }).unmixing).to.deep.equal(fitICA(rng(9), X, { steps: 10 }).unmixing);
    expect(() => fitICA(rng(0), X, { steps: 0 })).to.throw(/fitICA: steps/);
    expect(() => fitICA(rng(0), X, { prior: 'gaussian' as never })).to.throw(/fitICA: prior/);
    expect(() => fitICA(rng(0), X, { learningRate: NaN })).to.throw(/fitICA: learningRate/);
    expect(() => fitICA({} as never, X)).to.throw(/fitICA: rng/);
    expect(() => fitICA(rng(0), [[1, 2], [3]])).to.throw(/fitICA: X must have rows of one length/);
    expect(() => fitICA(rng(0), [[1, 2], [2, 4], [3, 6]])).to.throw(/fitICA: X must have variance in every direction \(not be rank-deficient\)/);
    expect(() => fitICA(rng(0), [[1, 2], [2, 1]])).to.throw('fitICA: X must have more rows than columns, to estimate a D × D covariance, got 2 rows of 2');
  });
});

describe('amariDistance', () => {
  it('is 0 for a scaled permutation, 1 for an even mix, unchanged by reordering or negating the recovered sources', () => {
    expect(amariDistance([[0, 2], [-3, 0]], [[1, 0], [0, 1]])).to.equal(0);
    expect(amariDistance([[1, 1], [1, -1]], [[1, 0], [0, 1]])).to.be.closeTo(1, 1e-15);
    const W = [[1, 0.3, 0], [0.1, 1, 0.2], [0, 0.1, 1]], A = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
    const scaled = [W[2].map((v) => -v), W[0], W[1]];
    expect(amariDistance(scaled, A)).to.be.closeTo(amariDistance(W, A), 1e-15);
    expect(() => amariDistance([[1, 0], [0, 1]], [[1, 0, 0], [0, 1, 0], [0, 0, 1]])).to.throw(/amariDistance: mixing must be 2×2, got 3×3/);
    expect(() => amariDistance([[1]], [[1]])).to.throw(/at least 2/);
  });
});

describe('fitICA on signals: sub- and super-Gaussian sources (adaptive prior)', function () {
  this.timeout(60_000);
  const signals = (g: Rng, n: number) => Array.from({ length: n }, (_, k) => {
    const t = k / 1000;   // a sawtooth at 7 Hz, a square wave at 3.3 Hz and Laplace noise, sampled at 1 kHz
    return [2 * ((7 * t) % 1) - 1, Math.sign(Math.sin(2 * Math.PI * 3.3 * t)), laplace(g)];
  });
  const mix = (A: number[][], S: number[][]) => S.map((s) => A.map((r) => r.reduce((acc, a, j) => acc + a * s[j], 0)));

  it('the bimodal prior ½N(−1, 1) + ½N(1, 1) integrates to 1 and its score is y − tanh y; per-source priors add', () => {
    let mass = 0;
    for (let k = 0; k < 20000; k++) { const y = -12 + (24 * (k + 0.5)) / 20000; mass += Math.exp(LOG_PRIORS.bimodal(y)) * (24 / 20000); }
    expect(mass).to.be.closeTo(1, 1e-9);
    for (const y of [-2, -0.3, 0.7, 3]) {
      const h = 1e-5;
      expect(-(LOG_PRIORS.bimodal(y + h) - LOG_PRIORS.bimodal(y - h)) / (2 * h)).to.be.closeTo(y - Math.tanh(y), 1e-8);
    }
    const X = [[0.3, -1], [2, 0.5], [-0.4, 0.1]];
    const W = [[1, 0.2], [0.1, 1]];
    const Z = X.map((x) => W.map((r) => r[0] * x[0] + r[1] * x[1]));
    const byHand = Z.reduce((s, z) => s + LOG_PRIORS.logistic(z[0]) + LOG_PRIORS.bimodal(z[1]), 0) / 3 + Math.log(Math.abs(1 - 0.02));
    expect(icaLogLikelihood(X, W, ['logistic', 'bimodal'])).to.be.closeTo(byHand, 1e-12);
    expect(() => icaLogLikelihood(X, W, ['logistic'])).to.throw(/icaLogLikelihood: prior must be one prior for every source or one per source \(2\), got 1/);
  });

  it('D37: a sawtooth, a square wave and Laplace noise are recovered with the adaptive prior (Amari < 0.05 at every seed), each source given the prior of its tails; a fixed logistic or bimodal prior fails (Amari > 0.1)', () => {
    const g = rng(7);
    const S = signals(g, 2000);
    const A = [0, 1, 2].map(() => [0, 1, 2].map(() => g.nextNormal()));
    const X = mix(A, S);
    for (const seed of [1, 2, 3]) {
      const fit = fitICA(rng(seed), X, { steps: 500, prior: 'adaptive' });
      expect(amariDistance(fit.unmixing, A), `seed ${seed}`).to.be.lessThan(0.05);
      // the recovered source most correlated with the Laplace noise got the logistic prior, the other two the bimodal one
      const Shat = fit.sources(X);
      const best = (k: number) => [0, 1, 2].reduce((b, j) => (Math.abs(corr(S.map((s) => s[k]), Shat.map((s) => s[j]))) > Math.abs(corr(S.map((s) => s[k]), Shat.map((s) => s[b]))) ? j : b), 0);
      expect([best(0), best(1), best(2)].map((j) => fit.priors[j])).to.deep.equal(['bimodal', 'bimodal', 'logistic']);
    }
    for (const prior of ['logistic', 'bimodal'] as const) {
      expect(amariDistance(fitICA(rng(1), X, { steps: 500, prior }).unmixing, A), prior).to.be.greaterThan(0.1);
    }
  });
});
