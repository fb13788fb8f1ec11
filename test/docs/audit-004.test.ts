/**
 * Numeric checks behind the rows of lecture 004 ("Week 4: Variational Models") that no notebook cell
 * computes; the audit tables cite them by title (test "…"). Each ✗ check computes the printed form
 * beside the right one on the same numbers.
 */
import { expect } from 'chai';
import { rng } from '../../src/random/rng';

const logN = (x: number, m: number, v: number) => -0.5 * Math.log(2 * Math.PI * v) - (x - m) ** 2 / (2 * v);
/** KL(N(m, v) ‖ N(0, 1)), the right closed form. */
const klStd = (m: number, v: number) => 0.5 * (m * m + v - 1 - Math.log(v));

/** z ~ N(0, 1), x | z ~ N(w z, s2): marginal N(0, w² + s2), posterior N(w x/(w² + s2), s2/(w² + s2)). */
const linearGaussian = (w: number, s2: number) => ({
  logMarginal: (x: number) => logN(x, 0, w * w + s2),
  posterior: (x: number) => ({ m: (w * x) / (w * w + s2), v: s2 / (w * w + s2) }),
  /** The ELBO of q = N(m, v) at x in closed form: E_q log p(x|z) − KL(q ‖ p(z)). */
  elbo: (x: number, m: number, v: number) => logN(x, w * m, s2) - (w * w * v) / (2 * s2) - klStd(m, v),
});

describe('lecture 004, rows without a notebook cell', () => {
  it('004:192 summing p(z)p(x∣z) over x gives p(z), over z gives p(x)', () => {
    // A discrete model: z ∈ {0, 1, 2}, x ∈ {0, 1, 2, 3}.
    const g = rng(40);
    const pz = [0.2, 0.5, 0.3];
    const px_z = pz.map(() => { const r = [0, 1, 2, 3].map(() => g.nextUniform() + 0.1); const s = r.reduce((a, b) => a + b); return r.map((v) => v / s); });
    const x = 2;
    const right = pz.reduce((s, p, z) => s + p * px_z[z][x], 0);                 // Σ_z p(z) p(x|z) = p(x)
    for (let z = 0; z < 3; z++) {
      const printed = px_z[z].reduce((s, p) => s + pz[z] * p, 0);                 // Σ_x p(z) p(x|z)
      expect(printed).to.be.closeTo(pz[z], 1e-15);
      expect(Math.abs(printed - right)).to.be.greaterThan(0.01);
    }
    // and the importance-sampling step of the same line, summed over z, holds for any q > 0
    const q = [0.6, 0.1, 0.3];
    expect(q.reduce((s, qz, z) => s + qz * (pz[z] / qz) * px_z[z][x], 0)).to.be.closeTo(right, 1e-15);
  });

  it('004:213-217 p(x) ≥ ELBO holds as printed, the equality needs log p(x)', () => {
    const g = rng(41);
    for (let k = 0; k < 20; k++) {
      const m = linearGaussian(0.5 + 2 * g.nextUniform(), 0.2 + g.nextUniform());
      const x = 3 * g.nextNormal();
      const qm = g.nextNormal(), qv = 0.05 + g.nextUniform();
      // lines 213, 215: p(x) ≥ E_q log p(x|z) − KL(q‖p), and so ≥ its maximum over q (p > log p ≥ ELBO)
      expect(Math.exp(m.logMarginal(x))).to.be.greaterThan(m.elbo(x, qm, qv));
      const post = m.posterior(x);
      const best = m.elbo(x, post.m, post.v);
      expect(m.elbo(x, qm, qv)).to.be.at.most(best + 1e-12);
      // line 217, "equality follows": the maximum is log p(x), never p(x)
      expect(best).to.be.closeTo(m.logMarginal(x), 1e-12);
      expect(Math.exp(m.logMarginal(x)) - best).to.be.greaterThan(0.3);
    }
  });

  it('004:243-287 dataset bounds: per-point q_i attain log p(D), a fixed-form encoder stays below', () => {
    const g = rng(42);
    const xs = Array.from({ length: 50 }, () => 1.5 * g.nextNormal());
    const s2 = 0.3;
    for (const w of [0.4, 0.9, 1.3, 2.0]) {
      const m = linearGaussian(w, s2);
      const logpD = xs.reduce((s, x) => s + m.logMarginal(x), 0);             // 247: Σ_i log p(x_i)
      const perPoint = xs.reduce((s, x) => { const p = m.posterior(x); return s + m.elbo(x, p.m, p.v); }, 0);
      expect(perPoint).to.be.closeTo(logpD, 1e-9);                            // 247, 260: the max over q_1..q_N
      // 287: an encoder S(x) = (a x, v) shared by all points, here with the wrong slope
      const a = (0.5 * w) / (w * w + s2), v = s2 / (w * w + s2);
      const amortized = xs.reduce((s, x) => s + m.elbo(x, a * x, v), 0);
      expect(amortized).to.be.below(logpD - 0.01);
      // 243: each point's bound
      for (const x of xs) expect(m.elbo(x, a * x, v)).to.be.at.most(m.logMarginal(x) + 1e-12);
    }
  });

  it('004:296 the VAE loss is −ELBO + const for σ_p² = ½', () => {
    // One-sample loss ‖x − G(μ + σ ε)‖² + KL(N(μ, σ²) ‖ N(0, I)) with a linear decoder G(z) = B z, D = 3, M = 2.
    const g = rng(43);
    const D = 3, M = 2;
    const diffs: number[] = [];
    for (let k = 0; k < 10; k++) {
      const B = Array.from({ length: D }, () => Array.from({ length: M }, () => g.nextNormal()));
      const x = Array.from({ length: D }, () => g.nextNormal());
      const mu = Array.from({ length: M }, () => g.nextNormal()), sd = mu.map(() => 0.2 + g.nextUniform());
      const z = mu.map((m, j) => m + sd[j] * g.nextNormal());
      const G = B.map((row) => row.reduce((s, b, j) => s + b * z[j], 0));
      const kl = mu.reduce((s, m, j) => s + klStd(m, sd[j] ** 2), 0);
      const loss = x.reduce((s, xi, i) => s + (xi - G[i]) ** 2, 0) + kl;
      const elbo1 = x.reduce((s, xi, i) => s + logN(xi, G[i], 0.5), 0) - kl;   // log N(x; G, ½ I) − KL
      diffs.push(loss + elbo1);
    }
    for (const d of diffs) expect(d).to.be.closeTo(-(D / 2) * Math.log(Math.PI), 1e-12);
  });

  it('004:354 the cVAE loss differs from −ELBO by a constant in S and G', () => {
    // Printed: Σ E‖x − G(c, z)‖² + KL(q_{x,c} ‖ p(z|c)) + log p(c). With σ_p² = ½ the right loss is
    // −(E log p(x|c,z) − KL + log p(c)); their difference, 2 log p(c) − (D/2) log π, does not depend on S or G.
    const g = rng(44);
    const pc = [0.3, 0.7], c = 1, x = [0.4, -1.1];
    const diffs: number[] = [];
    for (let k = 0; k < 10; k++) {
      const G = [g.nextNormal(), g.nextNormal()];                                // G(c, z) at the sampled z
      const klTerm = Math.abs(g.nextNormal());                                   // KL(q ‖ p(z|c)) of some encoder S
      const printed = x.reduce((s, xi, i) => s + (xi - G[i]) ** 2, 0) + klTerm + Math.log(pc[c]);
      const negElbo = -(x.reduce((s, xi, i) => s + logN(xi, G[i], 0.5), 0) - klTerm + Math.log(pc[c]));
      diffs.push(printed - negElbo);
    }
    for (const d of diffs) expect(d).to.be.closeTo(2 * Math.log(pc[c]) - Math.log(Math.PI), 1e-12);
  });
});
