// Monte Carlo sides of an identity: a sample mean with its standard error, and the z-test of two sides.
import { CheckResult } from './result';
import type { Estimate } from '../inference/estimate';
import { anything, checkKind, contract, describeAny, optional, options, positive, str, where, type Kind } from '../validation/contract';

/** Samples: an array or typed array of at least two numbers (one sample has no standard error). */
const SAMPLES: Kind = {
  expected: 'an array of at least 2 numbers',
  test: (v) => (v !== null && typeof v === 'object' && typeof (v as ArrayLike<number>).length === 'number' && (v as ArrayLike<number>).length >= 2
    && typeof (v as ArrayLike<unknown>)[0] === 'number' ? undefined : `got ${describeAny(v)}`),
};
/** A side of a Monte Carlo check: a number, an estimate { value, se } or samples. */
const SIDE: Kind = {
  expected: 'a number, an estimate { value, se } or an array of samples',
  test: (v) => (typeof v === 'number' || (v !== null && typeof v === 'object' && (('value' in v && 'se' in v) || typeof (v as ArrayLike<number>).length === 'number')) ? undefined : `got ${describeAny(v)}`),
};
const ESTIMATE_MEAN = contract('estimateMean', { samples: SAMPLES });
const MONTE_CARLO = contract('checkMonteCarlo', { name: str(), lhs: SIDE, rhs: SIDE, options: optional(options({ id: str(), zMax: positive(), note: str() })) });

/**
 * Sample mean and its standard error sd/√n (sd with the n − 1 denominator).
 *
 *     value = (1/n) Σ x_i,   se = sd/√n,   sd² = Σ (x_i − value)²/(n − 1)
 *
 * @example
 * ```ts
 * ll.estimateMean(ll.values(new ll.Normal(0, 1).sample(ll.rng(0), 10000)));   // { value ≈ 0, se ≈ 0.01, n: 10000 }
 * ```
 */
export function estimateMean(samples: ArrayLike<number>): Estimate {
  ESTIMATE_MEAN.check(arguments);
  const n = samples.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += samples[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (samples[i] - mean) ** 2;
  const value = mean;
  if (!Number.isFinite(value)) checkKind(where(anything(), 'be finite numbers, with a finite mean', () => `got a mean of ${value}`), samples, 'samples', 'estimateMean');
  return { value, se: Math.sqrt(ss / (n - 1) / n), n };
}

/** A side of a check: an exact number, an estimate (n optional: a hand-made { value, se } is fine), or raw samples. */
type Side = number | (Omit<Estimate, 'n'> & { n?: number }) | ArrayLike<number>;

function asEstimate(s: Side): Omit<Estimate, 'n'> & { n?: number } {
  if (typeof s === 'number') return { value: s, se: 0, n: Infinity };
  if ('value' in (s as Estimate) && 'se' in (s as Estimate)) return s as Estimate;
  return estimateMean(s as ArrayLike<number>);
}

/**
 * Compares two sides, each an exact number, an estimate with SE, or raw samples (their mean is used).
 * Passes when |lhs − rhs| ≤ zMax·SE, SE = √(SE_l² + SE_r²). zMax defaults to 4.
 *
 *     pass ⇔ |lhs − rhs| ≤ zMax · √(SE_lhs² + SE_rhs²)
 *
 * so a right equation passes at the fixed seed with probability ≈ 1 − 6·10⁻⁵ (zMax = 4), and a wrong
 * one fails once n is large enough to resolve the difference.
 *
 * @example
 * ```ts
 * const est = ll.estimateMean(ll.values(new ll.Normal(2, 1).sample(ll.rng(0), 5000)));
 * ll.checkMonteCarlo('E[x] = μ', est, 2);
 * ```
 */
export function checkMonteCarlo(name: string, lhs: Side, rhs: Side, options: { id?: string; zMax?: number; note?: string } = {}): CheckResult {
  MONTE_CARLO.check(arguments);
  const l = asEstimate(lhs);
  const r = asEstimate(rhs);
  const zMax = options.zMax ?? 4;
  const se = Math.sqrt(l.se ** 2 + r.se ** 2);
  if (!(se > 0)) throw new Error(`checkMonteCarlo: '${name}' has zero standard error on both sides; use checkClose for exact values`);
  const error = Math.abs(l.value - r.value);
  const n = l.n ?? r.n;
  return {
    id: options.id, name, method: 'monte-carlo', lhs: l.value, rhs: r.value, error, tolerance: zMax * se,
    se, z: (l.value - r.value) / se, pass: error <= zMax * se, note: options.note ?? (n ? `n = ${n}` : undefined),
  };
}
