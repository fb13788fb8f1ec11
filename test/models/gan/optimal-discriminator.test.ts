// D60 and D61 by quadrature: the optimal discriminator maximizes the GAN value, and its value is 2 JS − log 4.
import { expect } from 'chai';
import { ganValue, jensenShannon, optimalDiscriminator } from '../../../src/models/gan/optimal-discriminator';

const normal = (m: number, s: number) => (x: number) => Math.exp(-0.5 * ((x - m) / s) ** 2) / (s * Math.sqrt(2 * Math.PI));
// p: a two-component mixture (data), q: a Gaussian (model)
const p = (x: number) => 0.3 * normal(-1.5, 0.5)(x) + 0.7 * normal(1, 0.7)(x);
const q = normal(0.2, 1.3);
const A = -12, B = 12;

describe('models/gan/optimal-discriminator: the inner optimum of the GAN game (D60, D61)', () => {
  it('D60: D* = p/(p + q) beats every perturbed discriminator, and its pointwise derivative is zero', () => {
    const dStar = optimalDiscriminator(p, q);
    const best = ganValue(p, q, dStar, A, B);
    for (const [eps, f] of [[0.05, Math.sin], [-0.05, Math.cos], [0.02, (x: number) => Math.tanh(x)]] as [number, (x: number) => number][]) {
      // a perturbation in logit space keeps D in (0, 1)
      const logit = (x: number) => Math.log(dStar(x)) - Math.log(1 - dStar(x));
      const perturbed = (x: number) => 1 / (1 + Math.exp(-(logit(x) + eps * f(x))));
      expect(ganValue(p, q, perturbed, A, B)).to.be.below(best);
    }
    // ∂/∂y [p log y + q log(1 − y)] = p/y − q/(1 − y) = 0 at y = D*
    for (const x of [-2, 0, 0.7, 3]) expect(p(x) / dStar(x) - q(x) / (1 - dStar(x))).to.be.closeTo(0, 1e-12);
  });

  it('D61: V(D*, q) = 2 JS(p‖q) − log 4, and −log 4 when q = p', () => {
    const js = jensenShannon(p, q, A, B);
    expect(js).to.be.above(0.01).and.below(Math.log(2));
    expect(ganValue(p, q, optimalDiscriminator(p, q), A, B)).to.be.closeTo(2 * js - Math.log(4), 1e-9);
    expect(ganValue(p, p, optimalDiscriminator(p, p), A, B)).to.be.closeTo(-Math.log(4), 1e-9);
    expect(jensenShannon(p, p, A, B)).to.be.closeTo(0, 1e-12);
  });

  it('refuses a density that is not a function', () => {
    expect(() => optimalDiscriminator(p, 3 as never)).to.throw(/optimalDiscriminator.*q/);
  });
});
