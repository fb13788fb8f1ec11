// Central differences: ∂f/∂θ_i ≈ (f(θ + h e_i) − f(θ − h e_i)) / 2h, error O(h²).
import { CheckResult } from './result';
import { anything, arrayOf, checkKind, contract, describeAny, func, num, optional, options, positive, str, where, type Kind } from '../validation/contract';

const THETA = arrayOf(num(), { minLength: 1 });
const FINITE_DIFFERENCE = contract('finiteDifferenceGradient', { f: func('a function θ → number'), theta: THETA, h: optional(positive()) });
/** An analytic gradient: numbers (NaN allowed: it fails the check, as a row). */
const NUMBERS: Kind = { expected: 'an array of numbers', test: (v) => ((Array.isArray(v) || ArrayBuffer.isView(v)) && Array.from(v as ArrayLike<unknown>).every((x) => typeof x === 'number') ? undefined : `got ${describeAny(v)}`) };
// ∇f(θ) has one entry per entry of θ (θ is the argument after it)
const thetaLength = (c: { args: Readonly<Record<string, unknown>> }) => (Array.isArray(c.args.theta) ? c.args.theta.length : NaN);
const GRADIENT = where(NUMBERS, (c) => `have one entry per entry of theta (${thetaLength(c)})`, (g: ArrayLike<number>, c) => !Array.isArray(c.args.theta) || g.length === thetaLength(c) || `got ${g.length}`);
const CHECK_GRADIENT = contract('checkGradient', {
  name: str(), f: func('a function θ → number'), gradient: GRADIENT, theta: THETA,
  options: optional(options({ id: str(), h: positive(), rtol: num({ min: 0 }), atol: num({ min: 0 }) })),
});

/**
 * The gradient of a scalar function of a parameter vector by central differences.
 *
 *     ∂f/∂θ_i ≈ (f(θ + h e_i) − f(θ − h e_i)) / 2h   (error O(h²))
 *
 * @example
 * ```ts
 * ll.verify.finiteDifferenceGradient(([a, b]) => a * a + 3 * b, [1, 2]);   // ≈ [2, 3]
 * ```
 */
export function finiteDifferenceGradient(f: (theta: number[]) => number, theta: number[], h = 1e-5): number[] {
  FINITE_DIFFERENCE.check(arguments);
  return theta.map((_, i) => {
    const plus = theta.slice(); plus[i] += h;
    const minus = theta.slice(); minus[i] -= h;
    const g = (f(plus) - f(minus)) / (2 * h);
    if (Number.isNaN(g)) checkKind(where(anything(), 'return a number, not NaN, near theta', () => `got NaN along entry ${i}`), f, 'f', 'finiteDifferenceGradient');
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
 * ll.verify.checkGradient('Fisher identity (D03)', (th) => ll.models.mixtureLogMarginal64(ll.models.mixtureFromTheta(th), 0.3),
 *   ll.models.mixtureFisherScore64(m, 0.3), ll.models.mixtureToTheta(m));
 * ```
 */
export function checkGradient(name: string, f: (theta: number[]) => number, gradient: number[], theta: number[],
  options: { id?: string; h?: number; rtol?: number; atol?: number } = {}): CheckResult {
  CHECK_GRADIENT.check(arguments);
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
