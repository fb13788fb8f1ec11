// One declared contract per public callable, checked at the boundary. A contract lists the parameters in
// order, each with a kind (a generator, a live tensor of a rank, a count with a memory bound, an options bag
// with known keys, …); `check(arguments)` throws "<function>: <argument> must be <expected>, got <value>"
// for the first argument that breaks it. The kinds are few and shared, so a new function states what it
// accepts in one line instead of a dozen hand-written throws, and the bad-input sweep
// (test/bad-inputs/sweep.test.ts) finds the contract of every public callable in `contracts`.
import * as tf from '@tensorflow/tfjs-core';
import { getHeapStatistics } from 'v8';
import { describeValue } from './arguments';

/** What one parameter accepts. `test` returns undefined when the value is fine, else what was wrong ("got NaN"). */
export interface Kind {
  /** the accepted values in words, for the message: "a positive integer" */
  readonly expected: string;
  /** undefined is accepted (the parameter or field may be left out) */
  readonly optional?: boolean;
  /** for an options bag: its fields (the sweep probes each one) */
  readonly fields?: Readonly<Record<string, Kind>>;
  /** a problem with v, or undefined; `at` names the argument (for nested fields) */
  test(v: unknown, at: string, fn: string): string | undefined;
}

/** The declared parameters of one public callable. */
export interface Contract {
  /** the callable as messages name it: "kl", "Normal.sample" */
  readonly fn: string;
  readonly params: Readonly<Record<string, Kind>>;
  /** Throws, naming the function and the first parameter that breaks the contract. `fn` overrides the name (a subclass's). */
  check(args: ArrayLike<unknown>, fn?: string): void;
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

function fail(fn: string, at: string, expected: string, problem: string): never {
  throw new ArgumentError(`${fn}: ${at} must be ${expected}, ${problem}`);
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
    check(args: ArrayLike<unknown>, name = fn) {
      for (let i = 0; i < names.length; i++) checkKind(params[names[i]], args[i], names[i], name);
      if (args.length > names.length && args[names.length] !== undefined) {
        throw new ArgumentError(`${name}: takes ${names.length} argument${names.length === 1 ? '' : 's'} (${names.join(', ')}), got an extra ${describeAny(args[names.length])}`);
      }
    },
  };
  contracts.set(fn, c);
  return c;
}

/** Checks one value against a kind, throwing "<fn>: <at> must be …, got …". */
export function checkKind(kind: Kind, v: unknown, at: string, fn: string): void {
  if (v === undefined && kind.optional) return;
  const problem = kind.test(v, at, fn);
  if (problem !== undefined) fail(fn, at, kind.expected, problem);
}

const got = (v: unknown) => `got ${describeAny(v)}`;

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

function formatBytes(b: number): string {
  if (!Number.isFinite(b)) return 'an unbounded amount';
  if (b >= 1e12) return `${(b / 1e12).toPrecision(3)} TB`;
  if (b >= 1e9) return `${(b / 1e9).toPrecision(3)} GB`;
  return `${(b / 1e6).toPrecision(3)} MB`;
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
    test: (v, at, fn) => {
      if (!Array.isArray(v) || v.length < min || (o.maxLength !== undefined && v.length > o.maxLength)) return got(v);
      for (let i = 0; i < v.length; i++) checkKind(item, v[i], `${at}[${i}]`, fn);
      return undefined;
    },
  };
}

/**
 * A live tensor (not disposed) of one of `rank`s (or at least `minRank`), optionally non-empty and without NaN.
 * The NaN check is one reduction and a read of one number; hot paths leave it off.
 */
export function tensor(o: { rank?: number | number[]; minRank?: number; nonEmpty?: boolean; noNaN?: boolean; dtype?: tf.DataType } = {}): Kind {
  const ranks = o.rank === undefined ? undefined : Array.isArray(o.rank) ? o.rank : [o.rank];
  const parts = ['a live tensor'];
  if (ranks) parts.push(`of rank ${ranks.join(' or ')}`);
  if (o.minRank !== undefined) parts.push(`of rank ≥ ${o.minRank}`);
  if (o.nonEmpty) parts.push('with at least one entry');
  if (o.noNaN) parts.push('without NaN');
  return {
    expected: parts.join(' '),
    test: (v) => {
      if (!(v instanceof tf.Tensor) || v.isDisposed) return got(v);
      if ((ranks && !ranks.includes(v.rank)) || (o.minRank !== undefined && v.rank < o.minRank)) return got(v);
      if (o.dtype && v.dtype !== o.dtype) return got(v);
      if (o.nonEmpty && v.size === 0) return got(v);
      if (o.noNaN && v.dtype !== 'string' && v.size > 0 && hasNaN(v)) return `got ${describeAny(v)} holding NaN`;
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
export function options(fields: Record<string, Kind>, o: { required?: string[]; name?: string } = {}): Kind {
  const required = new Set(o.required ?? []);
  const keys = Object.keys(fields);
  const expected = required.size ? `an object with ${[...required].join(', ')}` : 'an options object';
  return {
    expected, fields,
    test: (v, at, fn) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof tf.Tensor) return got(v);
      for (const k of Object.keys(v)) {
        if (!(k in fields)) throw new ArgumentError(`${fn}: ${at} has no option '${k}'; the valid keys are ${keys.join(', ')}`);
      }
      for (const k of keys) {
        const x = (v as Record<string, unknown>)[k];
        if (x === undefined && !required.has(k)) continue;
        // fields are named bare ("samples must be …"), as the options' documentation names them
        if (x === undefined) throw new ArgumentError(`${fn}: ${k} is required in ${at} (${fields[k].expected})`);
        try {
          checkKind(fields[k], x, k, fn);
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

/** The first kind that accepts the value (for a parameter that takes, say, a number or an array). */
export function oneOf(...kinds: Kind[]): Kind {
  return {
    expected: kinds.map((k) => k.expected).join(', or '),
    test: (v, at, fn) => {
      for (const k of kinds) {
        try {
          if (k.test(v, at, fn) === undefined) return undefined;
        } catch { /* a nested error in one alternative: try the next */ }
      }
      return got(v);
    },
  };
}
