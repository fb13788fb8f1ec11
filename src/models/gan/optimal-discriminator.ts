// The GAN game at its inner optimum, in float64 for 1-D densities (Goodfellow et al. 2014, Prop. 1 and Thm. 1;
// lecture 003, "adversarial training"). The references the tests and notebook 16 check the networks against.
import { integrate1d } from '../../check/quadrature';
import { contract, func, num, where } from '../../validation/contract';

const DENSITY = func('a density x → p(x) ≥ 0');
const OPT = contract('optimalDiscriminator', { p: DENSITY, q: DENSITY });
// the interval [a, b] of the quadrature: b above a, said here rather than by integrate1d
const UPPER = where(num(), (c) => `be above a = ${c.args.a} (the limits need a < b)`, (v: number, c) => v > (c.args.a as number));
const VALUE = contract('ganValue', { p: DENSITY, q: DENSITY, d: func('a discriminator x → D(x) in (0, 1)'), a: num(), b: UPPER });
const JS = contract('jensenShannon', { p: DENSITY, q: DENSITY, a: num(), b: UPPER });

/**
 * The best discriminator for data density p against model density q (D60): maximizing
 * ∫ p log D + q log(1 − D) pointwise over D ∈ (0, 1), y ↦ p log y + q log(1 − y) peaks at
 *
 *     D*(x) = p(x) / (p(x) + q(x))
 *
 * Float64; x is a number (1-D). Example: `optimalDiscriminator(x => N(x; 0, 1), x => N(x; 1, 1))(0.5)` = 0.5.
 */
export function optimalDiscriminator(p: (x: number) => number, q: (x: number) => number): (x: number) => number {
  OPT.check(arguments);
  return (x) => {
    const px = p(x), qx = q(x);
    return px + qx > 0 ? px / (px + qx) : 0.5;
  };
}

// p log y with 0 log 0 = 0: the integrands reach densities that underflow in the tails
const xlogy = (x: number, y: number) => (x === 0 ? 0 : x * Math.log(y));

/**
 * The GAN value V(D, q) = E_p log D(x) + E_q log(1 − D(x)) of a 1-D discriminator, by Gauss–Legendre
 * quadrature over [a, b] (D60, D61). At D* it equals 2 JS(p‖q) − log 4 (D61), its minimum −log 4 at q = p.
 * Example: `ganValue(p, q, optimalDiscriminator(p, q), -10, 10)`.
 */
export function ganValue(p: (x: number) => number, q: (x: number) => number, d: (x: number) => number, a: number, b: number): number {
  VALUE.check(arguments);
  return integrate1d((x) => xlogy(p(x), d(x)) + xlogy(q(x), 1 - d(x)), a, b, { panels: 256 });
}

/**
 * The Jensen–Shannon divergence of two 1-D densities by quadrature over [a, b], m = (p + q)/2:
 *
 *     JS(p‖q) = ½ KL(p‖m) + ½ KL(q‖m),   0 ≤ JS ≤ log 2
 *
 * Example: `jensenShannon(p, q, -10, 10)`.
 */
export function jensenShannon(p: (x: number) => number, q: (x: number) => number, a: number, b: number): number {
  JS.check(arguments);
  return integrate1d((x) => {
    const px = p(x), qx = q(x), m = (px + qx) / 2;
    return m > 0 ? 0.5 * (xlogy(px, px / m) + xlogy(qx, qx / m)) : 0;
  }, a, b, { panels: 256 });
}
