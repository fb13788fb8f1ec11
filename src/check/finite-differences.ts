// Central differences: ∂f/∂θ_i ≈ (f(θ + h e_i) − f(θ − h e_i)) / 2h, error O(h²).
import { CheckResult } from './result';
import { allFinite } from '../validation/arguments';

/**
 * The gradient of a scalar function of a parameter vector by central differences.
 *
 *     ∂f/∂θ_i ≈ (f(θ + h e_i) − f(θ − h e_i)) / 2h   (error O(h²))
 *
 * @example
 * ```ts
 * ll.checker.finiteDifferenceGradient(([a, b]) => a * a + 3 * b, [1, 2]);   // ≈ [2, 3]
 * ```
 */
export function finiteDifferenceGradient(f: (theta: number[]) => number, theta: number[], h = 1e-5): number[] {
  if (!(h > 0) || !Number.isFinite(h)) throw new Error(`finiteDifferenceGradient: h must be positive and finite, got ${h}`);
  if (!Array.isArray(theta) || theta.length === 0) throw new Error('finiteDifferenceGradient: theta must be a non-empty array of numbers');
  allFinite(theta, 'finiteDifferenceGradient', 'theta');
  return theta.map((_, i) => {
    const plus = theta.slice(); plus[i] += h;
    const minus = theta.slice(); minus[i] -= h;
    const g = (f(plus) - f(minus)) / (2 * h);
    if (Number.isNaN(g)) throw new Error(`finiteDifferenceGradient: f returned NaN near theta (entry ${i})`);
    return g;
  });
}

/**
 * Compares an analytic gradient with central differences entry by entry:
 * passes when every |g_i − fd_i| ≤ atol + rtol·|fd_i|. lhs/rhs in the result are the gradients' norms.
 *
 * How the course checks a derived gradient, e.g. Fisher's identity (D03, see docs/derivations.md#d03).
 *
 * @example
 * ```ts
 * const m = { weights: [0.4, 0.6], means: [-1, 1], sds: [0.5, 0.8] };
 * ll.checker.checkGradient('Fisher identity (D03)', (th) => ll.models.mixtureLogMarginal64(ll.models.mixtureFromTheta(th), 0.3),
 *   ll.models.mixtureFisherScore64(m, 0.3), ll.models.mixtureToTheta(m));
 * ```
 */
export function checkGradient(name: string, f: (theta: number[]) => number, gradient: number[], theta: number[],
  options: { id?: string; h?: number; rtol?: number; atol?: number } = {}): CheckResult {
  if (gradient.length !== theta.length) throw new Error(`checkGradient: gradient has ${gradient.length} entries, theta ${theta.length}`);
  const fd = finiteDifferenceGradient(f, theta, options.h);
  const rtol = options.rtol ?? 1e-5, atol = options.atol ?? 1e-7;
  // The entry closest to failing decides: its error and tolerance are reported.
  let error = 0, tolerance = atol, worst = -1;
  fd.forEach((v, i) => {
    const e = Math.abs(gradient[i] - v), t = atol + rtol * Math.abs(v);
    const ratio = Number.isNaN(e) ? Infinity : e / t;
    if (ratio > worst) { worst = ratio; error = e; tolerance = t; }
  });
  const pass = worst <= 1;
  const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return { id: options.id, name, method: 'finite-differences', lhs: norm(gradient), rhs: norm(fd), error, tolerance, pass, note: `${theta.length} entries, h = ${options.h ?? 1e-5}` };
}
