// Numerical integration in float64: composite Gauss–Legendre in 1-D and 2-D. Infinite limits are mapped
// to (−1, 1) by x = t/(1 − t²), dx = (1 + t²)/(1 − t²)² dt.
import { anything, arrayOf, checkKind, contract, count, func, num, optional, options, str, where } from '../validation/contract';
import { CheckResult } from './result';
import { checkClose } from './exact';

const cache = new Map<number, { nodes: number[]; weights: number[] }>();

/** The largest Gauss–Legendre order, points per axis and 2-D grid the checks build (time and memory bounds). */
const MAX_ORDER = 10_000, MAX_POINTS = 10_000_000, MAX_POINTS_2D = 100_000_000;

// the boundary: limits are numbers (±∞ allowed: the interval is mapped), panels and order counts
// panels × order points per axis (defaults 64 and 16), bounded so that a call returns in minutes, not years:
// each field is related to the other, so whichever is too large is named with both
const perAxis = (c: { args: Readonly<Record<string, unknown>> }) => ((c.args.panels as number | undefined) ?? 64) * ((c.args.order as number | undefined) ?? 16);
const bounded = (kind: ReturnType<typeof count>, max: number, square: boolean) => where(kind,
  (c) => `give panels × order ≤ ${max} points${square ? ` per axis (${max * max} in all)` : ''} (it is ${(c.args.panels as number | undefined) ?? 64} × ${(c.args.order as number | undefined) ?? 16}); fewer panels give the same accuracy for a smooth f`,
  (_v: number, c) => perAxis(c) <= max);
const QUAD_OPTIONS = optional(options({ panels: bounded(count({ max: MAX_POINTS }), MAX_POINTS, false), order: bounded(count({ max: MAX_ORDER }), MAX_POINTS, false) }));
const SIDE_2D = Math.floor(Math.sqrt(MAX_POINTS_2D));
const QUAD_OPTIONS_2D = optional(options({ panels: bounded(count({ max: MAX_POINTS }), SIDE_2D, true), order: bounded(count({ max: MAX_ORDER }), SIDE_2D, true) }));
const LIMIT = num({ allowInfinity: true });
const RANGE = arrayOf(LIMIT, { minLength: 2, maxLength: 2 });
const RULE = contract('quadratureRule', { a: LIMIT, b: LIMIT, options: QUAD_OPTIONS });
const INTEGRATE_1D = contract('integrate1d', { f: func('a function x → number'), a: LIMIT, b: LIMIT, options: QUAD_OPTIONS });
const GAUSS_LEGENDRE = contract('gaussLegendre', { n: count({ max: MAX_ORDER }) });
const CHECK_QUADRATURE = contract('checkQuadrature', {
  name: str(), f: func('a function x → number'), range: RANGE, exact: LIMIT,
  options: optional(options({ panels: bounded(count({ max: MAX_POINTS }), MAX_POINTS, false), order: bounded(count({ max: MAX_ORDER }), MAX_POINTS, false), id: str(), rtol: num({ min: 0 }), atol: num({ min: 0 }) })),
});
const INTEGRATE_2D = contract('integrate2d', { f: func('a function (x, y) → number'), xRange: RANGE, yRange: RANGE, options: QUAD_OPTIONS_2D });

/**
 * Gauss–Legendre nodes and weights on [−1, 1] (Newton's method on P_n).
 *
 * @example
 * ```ts
 * ll.verify.gaussLegendre(3);   // nodes 0, ±√(3/5); weights 8/9, 5/9, 5/9
 * ```
 */
export function gaussLegendre(n: number): { nodes: number[]; weights: number[] } {
  // Newton on P_n costs ~n² steps per node: n = 1e308 would never return, and beyond 10⁴ nodes the rule is no more accurate
  GAUSS_LEGENDRE.check(arguments);
  const hit = cache.get(n);
  if (hit) return hit;
  const nodes: number[] = [], weights: number[] = [];
  for (let i = 1; i <= n; i++) {
    let x = Math.cos((Math.PI * (i - 0.25)) / (n + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      let p0 = 1, p1 = x;
      for (let k = 2; k <= n; k++) { const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k; p0 = p1; p1 = p2; }
      const pn = n === 1 ? x : p1;
      const pnm1 = n === 1 ? 1 : p0;
      dp = (n * (x * pn - pnm1)) / (x * x - 1);
      const dx = pn / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-15) break;
    }
    nodes.push(x);
    weights.push(2 / ((1 - x * x) * dp * dp));
  }
  const out = { nodes, weights };
  cache.set(n, out);
  return out;
}

export interface QuadratureOptions {
  /** Number of equal panels (default 64). */
  panels?: number;
  /** Gauss–Legendre points per panel (default 16). */
  order?: number;
}

/** The interval's map to a finite one: returns [t0, t1, x(t), dx/dt]. */
function mapInterval(a: number, b: number, fn: string): [number, number, (t: number) => number, (t: number) => number] {
  if (Number.isNaN(a) || Number.isNaN(b) || !(b > a)) {
    checkKind(num({ allowInfinity: true }), a, 'a', fn);
    checkKind(where(num({ allowInfinity: true }), `be above a = ${a} (the limits need a < b)`, (v: number) => v > a || `got ${v}`), b, 'b', fn);
  }
  const finite = Number.isFinite(a) && Number.isFinite(b);
  if (finite) return [a, b, (t) => t, () => 1];
  const x = (t: number) => t / (1 - t * t);
  const dx = (t: number) => (1 + t * t) / (1 - t * t) ** 2;
  const inverse = (v: number) => (Number.isFinite(v) ? (v === 0 ? 0 : (-1 + Math.sqrt(1 + 4 * v * v)) / (2 * v)) : Math.sign(v));
  return [inverse(a), inverse(b), x, dx];
}

/** Points and weights with ∫_a^b f ≈ Σ_i w_i f(x_i): for evaluating f on all points at once (e.g. one tensor call). */
export function quadratureRule(a: number, b: number, options: QuadratureOptions = {}): { points: number[]; weights: number[] } {
  RULE.check(arguments);
  return rule(a, b, options, 'quadratureRule');
}

/** quadratureRule, with `fn` (the function the student called) named in the errors. */
function rule(a: number, b: number, options: QuadratureOptions, fn: string): { points: number[]; weights: number[] } {
  // the options were checked by the caller's contract (counts, and panels × order bounded)
  const panels = options.panels ?? 64;
  const order = options.order ?? 16;
  const { nodes, weights } = gaussLegendre(order);
  const [t0, t1, x, dx] = mapInterval(a, b, fn);
  const h = (t1 - t0) / panels;
  const points: number[] = [], w: number[] = [];
  for (let p = 0; p < panels; p++) {
    const mid = t0 + (p + 0.5) * h;
    for (let i = 0; i < nodes.length; i++) {
      const t = mid + 0.5 * h * nodes[i];
      points.push(x(t));
      w.push(0.5 * h * weights[i] * dx(t));
    }
  }
  return { points, weights: w };
}

/**
 * ∫_a^b f(x) dx; a and b may be ±Infinity. Terms where f·dx is ±∞ at a mapped endpoint are dropped; NaN throws.
 *
 * Gauss–Legendre on [a, b], with infinite limits mapped to a finite interval; the exact side of many
 * checks (a density integrates to 1, D35; a marginal equals the integral of the joint, D02).
 *
 * @example
 * ```ts
 * ll.integrate1d((x) => Math.exp(-x * x / 2), -Infinity, Infinity);   // √(2π) ≈ 2.5066
 * ```
 */
export function integrate1d(f: (x: number) => number, a: number, b: number, options: QuadratureOptions = {}): number {
  INTEGRATE_1D.check(arguments);
  return integrate(f, a, b, options, 'integrate1d');
}

function integrate(f: (x: number) => number, a: number, b: number, options: QuadratureOptions, fn: string): number {
  const { points, weights } = rule(a, b, options, fn);
  let sum = 0;
  for (let i = 0; i < points.length; i++) {
    const v = f(points[i]);
    if (Number.isNaN(v)) checkKind(where(anything(), 'return a number, not NaN, at every point of the interval', () => `got NaN at x = ${points[i]}`), f, 'f', fn);
    const term = weights[i] * v;
    if (Number.isFinite(term)) sum += term;
  }
  return sum;
}

/**
 * ∬ f(x, y) dx dy over [ax, bx] × [ay, by] (limits may be infinite).
 *
 * @example
 * ```ts
 * ll.verify.integrate2d((x, y) => Math.exp(-(x * x + y * y) / 2) / (2 * Math.PI), [-Infinity, Infinity], [-Infinity, Infinity]);   // 1
 * ```
 */
export function integrate2d(f: (x: number, y: number) => number, xRange: [number, number], yRange: [number, number], options: QuadratureOptions = {}): number {
  INTEGRATE_2D.check(arguments);
  const [ax, bx] = xRange, [ay, by] = yRange;
  return integrate((x) => integrate((y) => f(x, y), ay, by, options, 'integrate2d'), ax, bx, options, 'integrate2d');
}

/**
 * Compares a quadrature integral with an exact value.
 *
 * @example
 * ```ts
 * ll.verify.checkQuadrature('∫ N(x; 0, 1) dx = 1', (x) => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI), [-Infinity, Infinity], 1);
 * ```
 */
export function checkQuadrature(name: string, f: (x: number) => number, range: [number, number], exact: number,
  options: QuadratureOptions & { id?: string; rtol?: number; atol?: number } = {}): CheckResult {
  CHECK_QUADRATURE.check(arguments);
  const [a, b] = range;
  const value = integrate(f, a, b, options, 'checkQuadrature');
  return checkClose(name, value, exact, { id: options.id, rtol: options.rtol ?? 1e-8, atol: options.atol ?? 1e-10, method: 'quadrature', note: `∫ over [${a}, ${b}]` });
}
