// DDIM's reverse step (Song, Meng & Ermon 2021) between two steps t > s of a schedule (s = t − 1, or the
// previous step of a respaced sub-sequence; ᾱ_s = 1 for the last step). For any x_0 the family
//   q_σ(x_s | x_t, x_0) = N(√ᾱ_s x_0 + √(1 − ᾱ_s − σ²) ε,  σ² I),   ε = (x_t − √ᾱ_t x_0)/√(1 − ᾱ_t),
//   σ² = η² (1 − ᾱ_s)/(1 − ᾱ_t) · (1 − ᾱ_t/ᾱ_s)
// keeps the marginals q(x_t | x_0) of D39 (so ε-training is unchanged); η = 1 is DDPM's posterior
// q(x_s | x_t, x_0) (D40), η = 0 a deterministic map from x_T to x_0. Sampling puts x̂_0 in for x_0.
// Written in x_t and x_0 it is the form of D40, x_s ~ N(γ x_t + δ x_0, σ² I), with
//   γ = √(1 − ᾱ_s − σ²)/√(1 − ᾱ_t),   δ = √ᾱ_s − γ √ᾱ_t.

import { checkKind, num, where } from '../../validation/contract';

const ALPHA_BAR_T = { ...num({ above: 0, below: 1 }), expected: 'in (0, 1)' };
const ETA = { ...num({ min: 0, max: 1 }), expected: 'in [0, 1]' };

/**
 * γ, δ, σ² of DDIM's step x_s ~ N(γ x_t + δ x̂_0, σ² I) from ᾱ_t to ᾱ_s (ᾱ_s > ᾱ_t):
 * σ² = η² (1 − ᾱ_s)/(1 − ᾱ_t) · (1 − ᾱ_t/ᾱ_s), γ = √(1 − ᾱ_s − σ²)/√(1 − ᾱ_t), δ = √ᾱ_s − γ √ᾱ_t.
 * η = 1 gives DDPM's posterior coefficients (D40), η = 0 the deterministic DDIM step.
 * @example const { gamma, delta, sigma2 } = ddimStep(schedule.alphaBars[500], schedule.alphaBars[480], 0);
 */
export function ddimStep(alphaBarT: number, alphaBarS: number, eta: number): { gamma: number; delta: number; sigma2: number } {
  checkKind(ALPHA_BAR_T, alphaBarT, 'alphaBarT', 'ddimStep');
  // s < t: less noise at the earlier step, ᾱ_s in (ᾱ_t, 1]
  checkKind(where(num(), `be in (alphaBarT, 1] = (${alphaBarT}, 1]`, (s: number) => s > alphaBarT && s <= 1), alphaBarS, 'alphaBarS', 'ddimStep');
  checkKind(ETA, eta, 'eta', 'ddimStep');
  const sigma2 = eta * eta * ((1 - alphaBarS) / (1 - alphaBarT)) * (1 - alphaBarT / alphaBarS);
  const gamma = Math.sqrt(Math.max(0, 1 - alphaBarS - sigma2) / (1 - alphaBarT));
  return { gamma, delta: Math.sqrt(alphaBarS) - gamma * Math.sqrt(alphaBarT), sigma2 };
}
