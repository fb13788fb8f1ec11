// Uniform dequantization (lecture 003; D46): for integer-valued data x and a continuous density p on
// y = x + u, u ~ U[0, 1)^d,
//   P(x) = ∫_{[0,1)^d} p(x + u) du ≥ exp(E_u log p(x + u))   (Jensen),
// so the average continuous log-density of dequantized data never exceeds the discrete log-likelihood
// of the model P(x) the density defines. And a mixture with a broken component barely moves the
// log-likelihood (D49): log(ε p(x) + (1 − ε) q(x)) ≥ log p(x) + log ε.
import { Rng } from '../random/rng';
import { integrate1d } from '../check/quadrature';
import { positiveInteger } from '../validation/arguments';
import { contract, count, func, num, optional, options as optionsKind, rngKind } from '../validation/contract';

// a log-probability may be −∞ (probability 0) but not NaN or +∞
const LOG_P = { expected: 'a log-probability (a number below +∞)', test: (v: unknown) => (typeof v === 'number' && !Number.isNaN(v) && v !== Infinity ? undefined : `got ${v}`) };
const DISCRETE = contract('discreteLogProb1d', { logDensity: func('a function y → log p(y)'), x: num({ integer: true }) });
const DEQUANTIZED = contract('dequantizedLogDensity1d', { rng: rngKind(), logDensity: func('a function y → log p(y)'), x: num(), options: optional(optionsKind({ samples: count({ max: 1e7 }) })) });
// a mixture weight strictly between 0 and 1 (both components present)
const LOG_MIXTURE = contract('logMixture', { logP: LOG_P, logQ: LOG_P, eps: { ...num({ above: 0, below: 1 }), expected: 'in (0, 1)' } });

/**
 * The discrete log-probability log ∫_0^1 p(x + u) du of 1-D integer data under a continuous density.
 *
 * By Jensen, E_u[log p(x + u)] ≤ log ∫_0^1 p(x + u) du: the dequantized log-density never exceeds it
 * (D46, see docs/derivations.md#d46).
 */
export function discreteLogProb1d(logDensity: (y: number) => number, x: number): number {
  DISCRETE.check(arguments);
  return Math.log(integrate1d((u) => Math.exp(logDensity(x + u)), 0, 1, { panels: 16 }));
}

/**
 * Per-point E_u log p(x + u) estimated with `samples` uniform draws (the dequantized log-density).
 *
 * (D46, see docs/derivations.md#d46: it is at most `discreteLogProb1d`.)
 */
export function dequantizedLogDensity1d(rng: Rng, logDensity: (y: number) => number, x: number, options: { samples?: number } = {}): number {
  DEQUANTIZED.check(arguments);
  const samples = options.samples ?? 1000;
  positiveInteger(samples, 'dequantizedLogDensity1d', 'samples');
  let s = 0;
  for (let i = 0; i < samples; i++) s += logDensity(x + rng.nextUniform());
  return s / samples;
}

/**
 * log(ε p + (1 − ε) q) from log p and log q, in log space.
 *
 * With ε = 0.001 it is the broken sampler of D49: log(0.001 p + 0.999 q) ≥ log p − log 1000
 * (see docs/derivations.md#d49).
 */
export function logMixture(logP: number, logQ: number, eps: number): number {
  LOG_MIXTURE.check(arguments);
  const a = Math.log(eps) + logP, b = Math.log1p(-eps) + logQ;
  const m = Math.max(a, b);
  return m === -Infinity ? -Infinity : m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}
