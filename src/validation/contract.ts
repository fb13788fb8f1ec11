// One declared contract per public callable, checked at the boundary. A contract lists the parameters in
// order, each with a kind (a generator, a live tensor of a rank, a count with a memory bound, an options bag
// with known keys, …); `check(arguments)` throws "<function>: <argument> must be <expected>, got <value>"
// for the first argument that breaks it. The kinds are few and shared, so a new function states what it
// accepts in one line instead of a dozen hand-written throws, and the bad-input sweep
// (test/bad-inputs/sweep.test.ts) finds the contract of every public callable in `contracts`.
// Relations between arguments are kinds too: each kind sees a Context (the other arguments by name, the
// receiver `this`, and the sizes named in shapes so far), so "x has the model's inputDim columns",
// "t has one entry per row of x", "score has the shape of x" or "init has the length of mu" are stated in the
// declaration — tensor({ shape: ['B', (c) => c.self.dim] }), tensor({ like: 'x' }), where(kind, must, ok) —
// rather than written as throws after it.
import * as tf from '@tensorflow/tfjs-core';
import { getHeapStatistics } from 'v8';
import { describeValue } from './arguments';

/**
 * What a kind sees besides its own value: the call's other arguments by parameter name (inside an options bag,
 * the bag's fields as well), the receiver of a method, and the sizes named in shapes ('B', 'n') bound by the
 * arguments checked before (parameters are checked in order, so a later argument is related to earlier ones).
 */
export interface Context {
  readonly args: Readonly<Record<string, unknown>>;
  /** `this` of a method (a model whose inputDim an x must match); undefined for functions */
  readonly self?: any;
  readonly dims: Record<string, number>;
}

/** A broken relation in its own words: "<fn>: <at> must <must>, <got>" ("must have shape [B, 4], got [2, 3]"). */
export interface Failure { readonly must: string; readonly got: string }

/**
 * What one parameter accepts. `test` returns undefined when the value is fine, else what was wrong: a string
 * ("got NaN", said after "must be <expected>") or a Failure with its own requirement (for relations).
 */
export interface Kind {
  /** the accepted values in words, for the message: "a positive integer" */
  readonly expected: string;
  /** undefined is accepted (the parameter or field may be left out) */
  readonly optional?: boolean;
  /** for an options bag: its fields (the sweep probes each one) */
  readonly fields?: Readonly<Record<string, Kind>>;
  /** a problem with v, or undefined; `at` names the argument (for nested fields); `ctx` the rest of the call */
  test(v: unknown, at: string, fn: string, ctx?: Context): string | Failure | undefined;
}

/** The declared parameters of one public callable. */
export interface Contract {
  /** the callable as messages name it: "kl", "Normal.sample" */
  readonly fn: string;
  readonly params: Readonly<Record<string, Kind>>;
  /**
   * Throws, naming the function and the first parameter that breaks the contract. `fn` overrides the name (a
   * subclass's); `self` is the receiver a method's relations read (`V.encode.check(arguments, undefined, this)`).
   */
  check(args: ArrayLike<unknown>, fn?: string, self?: unknown): void;
}

/** Every contract declared so far, by the name messages use (the sweep looks public callables up here). */
export const contracts = new Map<string, Contract>();

/** Thrown when an argument breaks its contract (an Error whose message names function and argument). */
export class ArgumentError extends Error {
  /** set once the message says which argument holds the offending field */
  located = false;
  constructor(message: string) {
    super(message);
    this.name = 'ArgumentError';
  }
}

function fail(fn: string, at: string, expected: string, problem: string | Failure): never {
  if (typeof problem === 'string') throw new ArgumentError(`${fn}: ${at} must be ${expected}, ${problem}`);
  throw new ArgumentError(`${fn}: ${at} must ${problem.must}, ${problem.got}`);
}

/** A context for a kind checked on its own (`checkKind(kind, v, at, fn, { self: this })`). */
function contextOf(c?: Partial<Context>): Context {
  return { args: c?.args ?? {}, self: c?.self, dims: c?.dims ?? {} };
}

/** Describes any value briefly for "got …" (tensors by shape, objects by their keys). */
export function describeAny(v: unknown): string {
  if (v instanceof tf.Tensor) return v.isDisposed ? 'a disposed tensor' : `a ${v.dtype} tensor of shape [${v.shape}]`;
  if (v === null) return 'null';
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return v.length === 0 ? 'an empty array' : v.some((x) => typeof x === 'object' && x !== null) ? `an array of ${v.length}` : describeValue(v);
  if (typeof v === 'object') {
    const name = (v as object).constructor?.name;
    return name && name !== 'Object' ? `a ${name}` : `an object with keys {${Object.keys(v as object).join(', ')}}`;
  }
  return describeValue(v);
}

/**
 * Declares (and registers) the contract of `fn`: its parameters in order, each with a kind.
 *
 * @example
 * ```ts
 * const KL = contract('kl', { p: distribution(), q: distribution() });
 * export function kl(p, q) { KL.check(arguments); … }
 * ```
 */
export function contract(fn: string, params: Record<string, Kind>): Contract {
  const names = Object.keys(params);
  const c: Contract = {
    fn, params,
    check(args: ArrayLike<unknown>, name = fn, self?: unknown) {
      const byName: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) byName[names[i]] = args[i];
      const ctx: Context = { args: byName, self, dims: {} };
      for (let i = 0; i < names.length; i++) checkKind(params[names[i]], args[i], names[i], name, ctx);
      if (args.length > names.length && args[names.length] !== undefined) {
        throw new ArgumentError(`${name}: takes ${names.length} argument${names.length === 1 ? '' : 's'} (${names.join(', ')}), got an extra ${describeAny(args[names.length])}`);
      }
    },
  };
  contracts.set(fn, c);
  return c;
}

/**
 * Checks one value against a kind, throwing "<fn>: <at> must be …, got …". `ctx` gives the relations what they
 * relate to (the receiver, other values by name) when the kind is checked outside a contract — a value a
 * callback returned (`checkKind(tensor({ shape: [n] }), out, 'logDensity', fn)`) or a helper shared by methods.
 */
export function checkKind(kind: Kind, v: unknown, at: string, fn: string, ctx?: Partial<Context>): void {
  if (v === undefined && kind.optional) return;
  const problem = kind.test(v, at, fn, ctx?.args && ctx.dims ? ctx as Context : contextOf(ctx));
  if (problem !== undefined) fail(fn, at, kind.expected, problem);
}

const got = (v: unknown) => `got ${describeAny(v)}`;

/**
 * 'PPCA: W' → ['PPCA', 'W']: the function and the argument a helper's combined name gives (helpers shared by
 * several callers take one string); without ': ' the whole is the function and `at` the argument.
 */
export function splitName(name: string, at = 'value'): [string, string] {
  const k = name.lastIndexOf(': ');
  return k < 0 ? [name, at] : [name.slice(0, k), name.slice(k + 2)];
}

/** Leaves a kind optional (undefined accepted: the default applies). */
export function optional(kind: Kind): Kind {
  return { ...kind, optional: true, test: kind.test, expected: kind.expected };
}

/** Anything (for values the callee judges itself, such as a payload to display). */
export function anything(expected = 'any value'): Kind {
  return { expected, test: () => undefined };
}

/** A generator made by `ll.rng(seed)`. Duck-typed, so an Rng from another copy of the library passes. */
export function rngKind(): Kind {
  return {
    expected: 'a generator made by ll.rng(seed)',
    test: (v) => (v && typeof v === 'object' && typeof (v as { nextUniform?: unknown }).nextUniform === 'function' && typeof (v as { normal?: unknown }).normal === 'function' ? undefined : got(v)),
  };
}

/** A finite number (NaN and ±∞ refused) with optional bounds; `integer` refuses fractions. */
export function num(o: { min?: number; max?: number; above?: number; below?: number; integer?: boolean; allowInfinity?: boolean } = {}): Kind {
  const parts: string[] = [o.integer ? 'an integer' : o.allowInfinity ? 'a number (not NaN)' : 'a finite number'];
  if (o.above !== undefined) parts.push(`> ${o.above}`);
  if (o.min !== undefined) parts.push(`≥ ${o.min}`);
  if (o.below !== undefined) parts.push(`< ${o.below}`);
  if (o.max !== undefined) parts.push(`≤ ${o.max}`);
  return {
    expected: parts.join(' '),
    test: (v) => {
      if (typeof v !== 'number' || Number.isNaN(v) || (!o.allowInfinity && !Number.isFinite(v))) return got(v);
      if (o.integer && !Number.isInteger(v)) return got(v);
      if ((o.min !== undefined && v < o.min) || (o.max !== undefined && v > o.max) || (o.above !== undefined && !(v > o.above)) || (o.below !== undefined && !(v < o.below))) return got(v);
      return undefined;
    },
  };
}

/** A positive finite number. */
export const positive = (): Kind => ({ ...num({ above: 0 }), expected: 'positive and finite' });
/** A probability in [0, 1]. */
export const probability = (): Kind => ({ ...num({ min: 0, max: 1 }), expected: 'a probability in [0, 1]' });

/**
 * The most entries a count may ask for: the tensors (float32) or arrays (float64) it would allocate must fit in
 * this process's heap limit. 1e9 samples of a 2-D event need 8 GB; the check says so instead of the process dying.
 */
export function memoryBudgetBytes(): number {
  return getHeapStatistics().heap_size_limit;
}

/**
 * An integer count ≥ min (default 1) whose allocation fits in memory: `entriesEach` entries of `bytesEach` bytes
 * per unit (default 1 float64 entry each), or `entries(n)` in total (a grid of n² points). Every count that
 * drives a loop or an allocation has one of these, so no loop runs 1e308 times and no allocation kills the process.
 */
export function count(o: { min?: number; max?: number; entriesEach?: number; entries?: (n: number) => number; bytesEach?: number } = {}): Kind {
  const min = o.min ?? 1;
  const base = num({ integer: true, min, max: o.max });
  return {
    expected: (min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : `an integer ≥ ${min}`) + (o.max !== undefined ? ` ≤ ${o.max}` : ''),
    test: (v, at, fn) => {
      const p = base.test(v, at, fn);
      if (p !== undefined) return p;
      const n = v as number;
      const entries = o.entries ? o.entries(n) : n * (o.entriesEach ?? 1);
      const bytes = entries * (o.bytesEach ?? 8);
      const budget = memoryBudgetBytes();
      if (bytes > budget) return `got ${n}: that needs about ${formatBytes(bytes)} and this process has ${formatBytes(budget)}`;
      return undefined;
    },
  };
}

export function formatBytes(b: number): string {
  if (!Number.isFinite(b)) return 'an unbounded amount';
  if (b >= 1e12) return `${(b / 1e12).toPrecision(3)} TB`;
  if (b >= 1e9) return `${(b / 1e9).toPrecision(3)} GB`;
  return `${(b / 1e6).toPrecision(3)} MB`;
}

/**
 * A tensor shape to allocate: an array of non-negative integers whose product (entries of `bytesEach` bytes,
 * default 8) fits in memory — rng.normal([1e9, 1e9]) is refused with the size it would need.
 */
export function shapeArray(o: { bytesEach?: number } = {}): Kind {
  return {
    expected: 'an array of non-negative integers',
    test: (v) => {
      if (!Array.isArray(v) || v.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0)) return got(v);
      const bytes = v.reduce((a: number, b: number) => a * b, 1) * (o.bytesEach ?? 8);
      const budget = memoryBudgetBytes();
      return bytes > budget ? { must: 'fit in memory', got: `got [${v}]: that needs about ${formatBytes(bytes)} and this process has ${formatBytes(budget)}` } : undefined;
    },
  };
}

/** An even number (a sinusoidal embedding's width: sin and cos halves); the callee checks it is a count first. */
export const even = (): Kind => ({ expected: 'even', test: (v) => (typeof v === 'number' && v % 2 === 0 ? undefined : got(v)) });
export const bool = (): Kind => ({ expected: 'true or false', test: (v) => (typeof v === 'boolean' ? undefined : got(v)) });
export const str = (oneOf?: readonly string[]): Kind => ({
  expected: oneOf ? `one of ${oneOf.map((s) => `'${s}'`).join(', ')}` : 'a string',
  test: (v) => (typeof v === 'string' && (!oneOf || oneOf.includes(v)) ? undefined : got(v)),
});
/**
 * An object of named arguments (`histogram({ values, bins })`): a plain object whose fields the callee checks.
 * Unlike options(), unknown keys pass: a chart's arguments carry vega-lite's own fields on.
 */
export const record = (what = 'an object of named arguments'): Kind => ({
  expected: what,
  test: (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof tf.Tensor) ? undefined : got(v)),
});
export const func = (what = 'a function'): Kind => ({ expected: what, test: (v) => (typeof v === 'function' ? undefined : got(v)) });

/** An instance of a class (by name in the message). */
export function instance(cls: abstract new (...a: never[]) => unknown, what?: string): Kind {
  return { expected: what ?? `a ${cls.name}`, test: (v) => (v instanceof cls ? undefined : got(v)) };
}

/** A distribution: an object with sample, logProb, batchShape and eventShape (the library's or one written like them). */
export function distribution(): Kind {
  return {
    expected: 'a distribution (an object with sample, logProb, batchShape, eventShape)',
    test: (v) => {
      const d = v as Record<string, unknown> | null;
      return d && typeof d === 'object' && typeof d.logProb === 'function' && typeof d.sample === 'function' && Array.isArray(d.batchShape) && Array.isArray(d.eventShape) ? undefined : got(v);
    },
  };
}

/** An array of values of one kind, with a length range. */
export function arrayOf(item: Kind, o: { minLength?: number; maxLength?: number } = {}): Kind {
  const min = o.minLength ?? 0;
  return {
    expected: `an array${min > 0 ? ` of at least ${min}` : ''} of ${item.expected.replace(/^an? /, '')}s`.replace(/ss$/, 's'),
    test: (v, at, fn, ctx) => {
      if (!Array.isArray(v) || v.length < min || (o.maxLength !== undefined && v.length > o.maxLength)) return got(v);
      for (let i = 0; i < v.length; i++) checkKind(item, v[i], `${at}[${i}]`, fn, ctx);
      return undefined;
    },
  };
}

/**
 * One size in a declared shape: a number, a name ('B', 'n': the first argument with it binds it, later ones must
 * agree), '...' (first only: any leading sizes), or a size read from the call ((c) => c.self.config.inputDim).
 */
export type Dim = number | string | ((c: Context) => number);

/** Whether `shape` fits `spec`; on a fit the names it binds are written to `dims`. */
function fitsShape(shape: readonly number[], spec: readonly Dim[], ctx: Context): boolean {
  const lead = spec[0] === '...';
  const rest = lead ? spec.slice(1) : spec;
  if (lead ? shape.length < rest.length : shape.length !== rest.length) return false;
  const tail = shape.slice(shape.length - rest.length);
  const bound: Record<string, number> = {};
  for (let i = 0; i < rest.length; i++) {
    const d = rest[i];
    const want = typeof d === 'number' ? d : typeof d === 'function' ? d(ctx) : ctx.dims[d] ?? bound[d];
    if (want === undefined) bound[d as string] = tail[i];
    else if (tail[i] !== want) return false;
  }
  Object.assign(ctx.dims, bound);
  return true;
}

/** A declared shape in words, with the sizes known so far filled in: [B, 784] before x, [3, 784] after. */
function shapeText(spec: readonly Dim[], ctx?: Context): string {
  return `[${spec.map((d) => (typeof d === 'number' ? d : typeof d === 'function' ? (ctx ? d(ctx) : '·') : ctx?.dims[d] ?? d)).join(', ')}]`;
}

/**
 * A live tensor (not disposed) of one of `rank`s (or at least `minRank`), optionally non-empty and without NaN.
 * The NaN check is one reduction and a read of one number; hot paths leave it off.
 *
 * Relations to the rest of the call: `shape` (a Dim[] or alternatives Dim[][], or a function of the call giving
 * them) says "must have shape [B, 784], got [2, 3]"; `like: 'x'` wants the shape of argument x ("must have the
 * shape of x, [2, 3]"); `must` rewords the shape requirement (a callback's result: "map [4, 2] to [4]").
 */
export function tensor(o: {
  rank?: number | number[]; minRank?: number; nonEmpty?: boolean; noNaN?: boolean; dtype?: tf.DataType;
  shape?: Dim[] | Dim[][] | ((c: Context) => Dim[] | Dim[][]); like?: string; must?: string | ((c: Context) => string);
} = {}): Kind {
  const ranks = o.rank === undefined ? undefined : Array.isArray(o.rank) ? o.rank : [o.rank];
  const alternatives = (c: Context): Dim[][] | undefined => {
    const s = typeof o.shape === 'function' ? o.shape(c) : o.shape;
    if (s === undefined) return undefined;
    return s.length > 0 && Array.isArray(s[0]) ? s as Dim[][] : [s as Dim[]];
  };
  const staticShapes = typeof o.shape === 'function' || o.shape === undefined ? undefined : alternatives(contextOf());
  const parts = ['a live tensor'];
  if (staticShapes) parts.push(`of shape ${staticShapes.map((s) => shapeText(s)).join(' or ')}`);
  else if (o.shape) parts.push('of the stated shape');
  if (o.like) parts.push(`of the shape of ${o.like}`);
  if (ranks && !o.shape) parts.push(`of rank ${ranks.join(' or ')}`);
  if (o.minRank !== undefined && !o.shape) parts.push(`of rank ≥ ${o.minRank}`);
  if (o.nonEmpty) parts.push('with at least one entry');
  if (o.noNaN) parts.push('without NaN');
  const expected = parts.join(' ');
  return {
    expected,
    test: (v, _at, _fn, ctx) => {
      const c = ctx ?? contextOf();
      const shapes = alternatives(c);
      const likeOf = o.like !== undefined ? c.args[o.like] : undefined;
      const likeShape = likeOf instanceof tf.Tensor ? likeOf.shape : undefined;
      const says = () => shapes
        ? (o.must ? (typeof o.must === 'function' ? o.must(c) : o.must) : `have shape ${shapes.map((s) => shapeText(s, c)).join(' or ')}`)
        : `have the shape of ${o.like}, [${likeShape}]`;
      if (!(v instanceof tf.Tensor) || v.isDisposed) {
        // a callback's result is worded by `must` alone ("return [4] for z [4, 2]")
        return o.must ? { must: says(), got: got(v) } : shapes || likeShape ? { must: `be a live tensor and ${says()}`, got: got(v) } : got(v);
      }
      const shapeFailure = (): Failure => ({ must: says(), got: `got [${v.shape}]` });
      if ((ranks && !ranks.includes(v.rank)) || (o.minRank !== undefined && v.rank < o.minRank)) return shapes ? shapeFailure() : got(v);
      if (shapes && !shapes.some((s) => fitsShape(v.shape, s, c))) return shapeFailure();
      if (likeShape && !tf.util.arraysEqual(v.shape, likeShape)) return shapeFailure();
      if (o.dtype && v.dtype !== o.dtype) return got(v);
      if (o.nonEmpty && v.size === 0) return got(v);
      if (o.noNaN && v.dtype !== 'string' && v.size > 0 && hasNaN(v)) return `got ${describeAny(v)} holding NaN`;
      return undefined;
    },
  };
}

/**
 * A kind with a relation on top: the value must first be of `kind`, then `ok(v, ctx)` must hold — true, or false
 * (then "got <v>"), or a string saying what it got. `must` is the relation in words after "must" ("have length 3",
 * "exceed low (0)"), computed from the call when it names other arguments' values.
 *
 * @example
 * ```ts
 * const C = contract('caviGaussian', { mu: arrayOf(num()), init: optional(where(arrayOf(num()),
 *   (c) => `have the length of mu (${(c.args.mu as number[]).length})`, (v, c) => v.length === (c.args.mu as number[]).length)) });
 * ```
 */
export function where(kind: Kind, must: string | ((c: Context, v: any) => string), ok: (v: any, c: Context) => boolean | string): Kind {
  return {
    ...kind,
    test: (v, at, fn, ctx) => {
      const c = ctx ?? contextOf();
      const p = kind.test(v, at, fn, c);
      if (p !== undefined) return p;
      const r = ok(v, c);
      if (r === true) return undefined;
      return { must: typeof must === 'function' ? must(c, v) : must, got: typeof r === 'string' ? r : got(v) };
    },
  };
}

/** The shape of a rectangular nested array of numbers `depth` deep (typed arrays at the last level), or undefined. */
function arrayShape(v: unknown, depth: number, anyLeaves = false): number[] | undefined {
  if (depth === 1) return (Array.isArray(v) && (anyLeaves || v.every((x) => typeof x === 'number'))) || (ArrayBuffer.isView(v) && !(v instanceof DataView)) ? [(v as ArrayLike<number>).length] : undefined;
  if (!Array.isArray(v)) return undefined;
  let inner: number[] | undefined;
  for (const row of v) {
    const s = arrayShape(row, depth - 1, anyLeaves);
    if (!s || (inner && !tf.util.arraysEqual(s, inner))) return undefined;
    inner = s;
  }
  return [v.length, ...(inner ?? new Array(depth - 1).fill(0))];
}

/**
 * Numbers in plain arrays, `shape.length` deep (number[] — a Float64Array too — or number[][] with rows of one
 * length), with sizes as in tensor(): numbers, names bound across the call ('n', 'd'), or read from it; `min`
 * gives the least size of each axis (points with n ≥ 2), `finite` refuses NaN and ±∞ naming the entry
 * (x[3][1]), `like` wants the shape of another argument (an array or a tensor).
 *
 * @example
 * ```ts
 * const KSD = contract('ksd64', { x: numberArray({ shape: ['n', 'd'], min: [2, 1], what: 'points [n, d] with n ≥ 2' }), score: numberArray({ shape: ['n', 'd'], like: 'x' }) });
 * ```
 */
export function numberArray(o: { shape?: Dim[] | ((c: Context) => Dim[]); depth?: number; min?: number[]; finite?: boolean; like?: string; what?: string; axes?: string[] }): Kind {
  const depth = o.depth ?? (typeof o.shape === 'object' ? o.shape.length : 1);
  const expected = o.what ?? (depth === 1 ? 'an array of numbers' : depth === 2 ? 'rows of numbers, all of one length (number[][])' : `a rectangular number${'[]'.repeat(depth)}`);
  return {
    expected,
    test: (v, at, fn, ctx) => {
      const c = ctx ?? contextOf();
      // with `finite` the entries are judged one by one below, so a string among them is named where it is
      const shape = arrayShape(v, depth, o.finite);
      if (!shape) {
        // rows of different lengths: say which (a chain shorter than the others)
        if (depth === 2 && Array.isArray(v) && v.length > 0 && v.every((r) => Array.isArray(r) || ArrayBuffer.isView(r))) {
          const rows = v as ArrayLike<unknown>[];
          const bad = rows.findIndex((r) => r.length !== rows[0].length);
          const row = o.axes?.[0]?.replace(/s$/, '') ?? 'row';
          if (bad > 0) return { must: `have one length for all ${row}s`, got: `got ${row} 0 with ${rows[0].length}, ${row} ${bad} with ${rows[bad].length}` };
        }
        return got(v);
      }
      const short = o.min ? o.min.findIndex((m, i) => shape[i] < m) : -1;
      if (short >= 0) return o.axes ? { must: `have at least ${o.min![short]} ${o.axes[short]}`, got: `got ${shape[short]}` } : got(v);
      if (o.finite) {
        const walk = (x: unknown, where: string, d: number): void => {
          if (d === depth) { const a = x as ArrayLike<number>; for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) checkKind(num(), a[i], `${where}[${i}]`, fn); return; }
          (x as unknown[]).forEach((row, i) => walk(row, `${where}[${i}]`, d + 1));
        };
        walk(v, at, 1);
      }
      const spec = typeof o.shape === 'function' ? o.shape(c) : o.shape;
      if (spec && !fitsShape(shape, spec, c)) return { must: `have shape ${shapeText(spec, c)}`, got: `got [${shape}]` };
      if (o.like !== undefined) {
        const other = c.args[o.like];
        const want = other instanceof tf.Tensor ? other.shape : arrayShape(other, depth);
        if (want && !tf.util.arraysEqual(want, shape)) return { must: `have the shape of ${o.like}, [${want}]`, got: `got [${shape}]` };
      }
      return undefined;
    },
  };
}

/** A matrix as the float64 code takes it: number[][] or an ml-matrix Matrix (duck-typed: rows, columns, get). */
interface MatrixLikeValue { rows: number; columns: number; get(i: number, j: number): number }
const isMatrixObject = (v: unknown): v is MatrixLikeValue =>
  !!v && typeof v === 'object' && typeof (v as MatrixLikeValue).get === 'function' && typeof (v as MatrixLikeValue).rows === 'number' && typeof (v as MatrixLikeValue).columns === 'number';

/**
 * A non-empty matrix of finite numbers: number[][] with rows of one length, or an ml-matrix Matrix. Relations:
 * `square`, and `rows` / `columns` as Dims (a number, a name bound across the call, or read from it): the
 * precision of a d-dimensional Gaussian is `matrix({ rows: (c) => mu.length, columns: ... })`.
 */
export function matrix(o: { rows?: Dim; columns?: Dim; square?: boolean; what?: string } = {}): Kind {
  return {
    expected: o.what ?? 'a non-empty matrix of finite numbers (number[][] with rows of one length)',
    test: (v, at, fn, ctx) => {
      const c = ctx ?? contextOf();
      let rows: number, cols: number, get: (i: number, j: number) => unknown;
      if (isMatrixObject(v)) { rows = v.rows; cols = v.columns; get = (i, j) => v.get(i, j); }
      else {
        const shape = arrayShape(v, 2);
        if (!shape || shape[0] === 0 || shape[1] === 0) return got(v);
        [rows, cols] = shape;
        get = (i, j) => (v as number[][])[i][j];
      }
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) { const x = get(i, j); if (!Number.isFinite(x)) checkKind(num(), x, `${at}[${i}][${j}]`, fn); }
      if (o.square && rows !== cols) return { must: 'be square', got: `got ${rows}×${cols}` };
      const side = (d: Dim | undefined) => (d === undefined ? 'any' : shapeText([d], c).slice(1, -1));
      const fits = (d: Dim | undefined, n: number) => d === undefined || fitsShape([n], [d], c);
      if (o.rows !== undefined || o.columns !== undefined) {
        const must = `be ${side(o.rows)}×${side(o.columns)}`;
        if (!fits(o.rows, rows) || !fits(o.columns, cols)) return { must, got: `got ${rows}×${cols}` };
      }
      return undefined;
    },
  };
}

function hasNaN(t: tf.Tensor): boolean {
  const flag = tf.tidy(() => tf.any(tf.isNaN(t)));
  const out = flag.dataSync()[0] !== 0;
  flag.dispose();
  return out;
}

/**
 * A number, a (nested) array of numbers, or a live tensor. Only the type is checked unless `finite` (the callee
 * judges the values: a NaN loc gets "loc must be finite" from the family itself).
 */
export function tensorLike(o: { finite?: boolean; nonEmpty?: boolean } = {}): Kind {
  const ok = (x: number) => typeof x === 'number' && (!o.finite || Number.isFinite(x));
  const flatOk = (v: unknown, depth: number): boolean =>
    typeof v === 'number' ? ok(v) : Array.isArray(v) && depth < 6 && v.every((x) => flatOk(x, depth + 1));
  return {
    expected: `a number, an array of ${o.finite ? 'finite ' : ''}numbers or a live tensor`,
    test: (v) => {
      if (v instanceof tf.Tensor) return v.isDisposed ? got(v) : o.nonEmpty && v.size === 0 ? got(v) : undefined;
      if (!flatOk(v, 0)) return got(v);
      if (o.nonEmpty && Array.isArray(v) && v.length === 0) return got(v);
      return undefined;
    },
  };
}

/**
 * An options bag: a plain object whose keys are all known (an unknown key is an error that lists the valid ones —
 * a misspelled option silently ignored is a wrong answer) and whose fields have their kinds.
 * `required` fields must be present; the rest may be left out.
 */
export function options(fields: Record<string, Kind>, o: { required?: string[]; name?: string; path?: boolean } = {}): Kind {
  const required = new Set(o.required ?? []);
  const keys = Object.keys(fields);
  const expected = required.size ? `an object with ${[...required].join(', ')}` : 'an options object';
  return {
    expected, fields,
    test: (v, at, fn, ctx) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof tf.Tensor) return got(v);
      // a field's relations see the bag's other fields beside the call's arguments (samples ≥ dim + 1)
      const inner: Context = { args: { ...ctx?.args, ...(v as Record<string, unknown>) }, self: ctx?.self, dims: ctx?.dims ?? {} };
      for (const k of Object.keys(v)) {
        if (!(k in fields)) throw new ArgumentError(`${fn}: ${at} has no option '${k}'; the valid keys are ${keys.join(', ')}`);
      }
      for (const k of keys) {
        const x = (v as Record<string, unknown>)[k];
        if (x === undefined && !required.has(k)) continue;
        // fields are named bare ("samples must be …"), as the options' documentation names them
        if (x === undefined) throw new ArgumentError(`${fn}: ${o.path ? `${at}.${k}` : k} is required${o.path ? '' : ` in ${at}`} (${fields[k].expected})`);
        // `path`: a record that is one argument rather than a bag of options names its fields schedule.peak
        if (o.path) { checkKind(fields[k], x, `${at}.${k}`, fn, inner); continue; }
        try {
          checkKind(fields[k], x, k, fn, inner);
        } catch (e) {
          // "samples must be …" as the options are documented, and which argument holds them
          if (e instanceof ArgumentError && !e.located) { e.message += ` (in ${at})`; e.located = true; }
          throw e;
        }
      }
      return undefined;
    },
  };
}

/** An objective { type, … } of one of `types` (a model's loss), named as "must be of type 'elbo' or 'iwae'". */
export function objectiveOf(types: readonly string[]): Kind {
  const words = types.length === 1 ? `'${types[0]}'` : `${types.slice(0, -1).map((t) => `'${t}'`).join(', ')} or '${types[types.length - 1]}'`;
  return where(record('an objective { type, … }'), `be of type ${words}`, (o: { type?: unknown }) => types.includes(o.type as string) || `got ${JSON.stringify(o)}`);
}

/** The first kind that accepts the value (for a parameter that takes, say, a number or an array). */
export function oneOf(...kinds: Kind[]): Kind {
  return {
    expected: kinds.map((k) => k.expected).join(', or '),
    test: (v, at, fn, ctx) => {
      for (const k of kinds) {
        try {
          if (k.test(v, at, fn, ctx) === undefined) return undefined;
        } catch { /* a nested error in one alternative: try the next */ }
      }
      return got(v);
    },
  };
}
