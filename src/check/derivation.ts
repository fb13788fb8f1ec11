// Worked derivations (issue 12): an instructor writes a chain of equalities and inequalities as on the
// board, one LaTeX line and one function per line, and every step is checked with numbers at several
// random draws of the free quantities. A step is the relation between a line and the line before it:
//   line_{i−1}  R  line_i,   R ∈ {=, ≈, ≤, ≥, <, >}
// checked entry by entry with the tolerance  atol + rtol·max(|lhs|, |rhs|) + z·√(SE_lhs² + SE_rhs²).
// Issue 34 adds the relations an instructor uses to skip normalizing constants (∝, = … + const: the
// difference, or the ratio, is the same at several redraws of a stated variable), matrices as values,
// replicated random lines, common random numbers, and a LaTeX form for slides.
import * as tf from '@tensorflow/tfjs-core';
import { Rng, RngState, rng as makeRng } from '../random/rng';
import type { Estimate } from '../inference/estimate';
import { anything, arrayOf, bool, checkKind, contract, count, describeAny, func, num, oneOf, optional, options as optionsKind, positive, rngKind, str, where, type Kind } from '../validation/contract';
import { finiteDifferenceGradient } from './finite-differences';
import { replicate } from './replicate';
import { renderHTML, renderText, renderLatex, fmtNumber, fmtSE, relationSymbol } from './derivation-display';
import type { DisplayOptions, LatexOptions } from './derivation-display';

/**
 * How a line relates to the line before it: `previous R this`. `≈` is equality in expectation (within z·SE).
 * `+const` (written `= … + \text{const}`) is equality up to an additive constant in a stated variable,
 * `∝` (written `\propto`) equality up to a positive factor: checked by the difference (the ratio)
 * being the same at several redraws of that variable, the rest of the state fixed.
 */
export type Relation = '=' | '≈' | '<=' | '>=' | '<' | '>' | '+const' | '∝';

/**
 * The variable a `∝` or `+ const` step is constant in: for each key of the state, how to redraw it
 * (the rest of the state stays as setup drew it).
 * @example { z: (g) => [g.nextNormal(), g.nextNormal()] }   // "up to a constant in z"
 */
export type ConstantIn<S> = { [K in keyof S]?: (rng: Rng, state: S) => S[K] };

/**
 * What a line's function may return:
 * - a number (exact, compared within the float tolerance);
 * - an Estimate `{ value, se }` (Monte Carlo or quadrature error; value and se may be vectors);
 * - a vector (number[], Float64Array, …), compared entry by entry;
 * - a matrix (number[][], ll.math.Matrix, a 2-D tensor), compared entry by entry, a failure naming [i][j];
 * - a tf.Tensor, read and then disposed (float32 tensors widen the tolerance to rtol ≥ 1e-5, atol ≥ 1e-6);
 * - a LineEstimate with its own tolerance, e.g. from finiteDifferenceValue, or from ll.verify.replicate.
 */
export type LineValue = number | Estimate | LineEstimate | ArrayLike<number> | number[][] | { to2DArray(): number[][] } | tf.Tensor;

/** A value with its own error model: standard error(s) and/or a tolerance of the method (e.g. finite differences). */
export interface LineEstimate {
  value: number | ArrayLike<number>;
  /** Standard error, one for all entries or one per entry (default 0: exact). */
  se?: number | ArrayLike<number>;
  /** Relative tolerance of the method that produced value (widens the step's tolerance). */
  rtol?: number;
  /** Absolute tolerance of the method that produced value. */
  atol?: number;
  /** The values behind an estimate, replicates[r][entry] (ll.verify.replicate): with common random numbers two such lines are compared pairwise. */
  replicates?: number[][];
}

/** A line's function: the state drawn by setup, and a generator of its own (reproducible per draw). */
export type LineFunction<S> = (state: S, rng: Rng) => LineValue;

/**
 * How a derivation is checked. S is the state one draw shares among its lines (e.g. { x, W, q }).
 * @example { setup: (g) => ({ mu: g.nextNormal(), sigma: 0.5 + g.nextUniform() }), draws: 5, rng: ll.rng(0) }
 */
export interface DerivationOptions<S> {
  /** Draws the free quantities (x, parameters, …) of one draw from its own seeded generator. */
  setup: (rng: Rng) => S;
  /** Number of draws at which every step must hold (default 5). */
  draws?: number;
  /**
   * The generator the draws are split from (default `ll.rng(0)`): the derivation starts from a copy of its
   * state, so the generator is not advanced and every `.check()` gives the same numbers; the same generator
   * state, the same numbers.
   */
  rng?: Rng;
  /** Steps with a standard error pass within z·SE (default 4). */
  z?: number;
  /** Relative tolerance for exact values (default 1e-9: float64 arithmetic along different routes). */
  rtol?: number;
  /** Absolute tolerance for exact values (default 1e-12, for values near 0). */
  atol?: number;
  /**
   * Common random numbers: every line of a draw gets the same generator (default false: each its own).
   * Two lines replicated with ll.verify.replicate are then compared pairwise, with the SE of their difference,
   * which is far smaller when they share their randomness: a reversed inequality between close bounds is caught.
   */
  commonRandomNumbers?: boolean;
  /** The variable `∝` / `+ const` steps are constant in, for every such line that does not state its own. */
  constantIn?: ConstantIn<S>;
  /** How many redraws of that variable a `∝` / `+ const` step compares (default 4). */
  variations?: number;
}

// The boundary of derivation(title, options) and of .line(latex, f, options): each option's kind (an unknown key is
// an error listing the valid ones); relations and constantIn are judged where they are read
const TOLERANCE = num({ min: 0 });
const FD_VALUE = contract('finiteDifferenceValue', {
  f: func('a function θ → number'), theta: { ...arrayOf(num(), { minLength: 1 }), expected: 'a non-empty array of finite numbers' },
  options: optional(optionsKind({ h: positive(), rtol: TOLERANCE, atol: TOLERANCE })),
});
const DERIVATION = contract('derivation', {
  title: str(),
  options: optionsKind({
    setup: func('a function (rng) => state'), draws: count({ max: 100_000 }), rng: rngKind(), z: positive(), rtol: TOLERANCE, atol: TOLERANCE,
    commonRandomNumbers: bool(), constantIn: anything('a map from a state key to its redraw'), variations: count({ max: 10_000 }),
  }, { required: ['setup'] }),
});
// an option that only means something against a previous line, given on the first one
const FIRST_LINE = (why: string): Kind => where(anything(), `be left out on the first line: ${why}`, (v: unknown) => `got ${describeAny(v)}`);
// ∝ and + const without the variable they are constant in
const CONSTANT_IN_NEEDED = (rel: string, latex: string): Kind => where(anything(), `be given, on the line or the derivation, for ${rel} (${latex}): it needs the variable it is constant in, as { constantIn: { z: (g, state) => a new z } }`, () => 'got undefined');
const LINE = contract('Derivation.line', {
  latex: str(), f: func('a function (state, rng) => number | { value, se } | vector'),
  options: optional(optionsKind({
    relation: str(), constantIn: anything('a map from a state key to its redraw'), replicates: count({ min: 2, max: 100_000 }),
    printed: optionsKind({ source: str(), latex: str(), value: func('a function (state, rng) => number | { value, se } | vector') }, { required: ['latex', 'value'] }),
    rtol: TOLERANCE, atol: TOLERANCE,
  })),
});

/** A lecture's printed form of a line, checked beside the right one. */
export interface PrintedForm<S> {
  /** Where it is printed, e.g. "lecture 004, slide 12". */
  source?: string;
  latex: string;
  value: LineFunction<S>;
}

/**
 * Options of one line.
 * @example { printed: { source: 'lecture 004', latex: '= \\log\\sigma^2', value: (s) => Math.log(s.sigma ** 2) } }
 */
export interface LineOptions<S> {
  /** The relation to the previous line, when the LaTeX does not start with one (or to override it). */
  relation?: Relation | '≤' | '≥' | 'propto';
  /** For `∝` / `+ const`: the variable the step is constant in (overrides the derivation's constantIn). */
  constantIn?: ConstantIn<S>;
  /** Replicate the line's function this many times (it is a random realization): ll.verify.replicate(n, f). */
  replicates?: number;
  /** The form printed in a lecture, when it differs from this (right) one. */
  printed?: PrintedForm<S>;
  /** Tolerances for the steps into and out of this line (the larger of these and the derivation's wins). */
  rtol?: number;
  atol?: number;
}

/**
 * One draw of one step. lhs/rhs/se are the entry closest to failing (entry is its index for vectors).
 * For `+const` (`∝`) lhs is the difference lhs − rhs (log ratio) at the draw's state, rhs the one at the redraw that differs most.
 */
export interface StepDraw {
  lhs: number;
  rhs: number;
  /** |lhs − rhs| for = and ≈; for an inequality how far it is violated (0 when it holds). */
  error: number;
  /** The entry's index in the value's shape, for matrices: [i, j]. */
  index?: number[];
  tolerance: number;
  /** √(SE_lhs² + SE_rhs²) of that entry (0 for exact values). */
  se: number;
  pass: boolean;
  /** An inequality that holds with equality (within tolerance) at this draw. */
  tight?: boolean;
  entry?: number;
  /** Why the draw could not be compared (a line threw, returned NaN, sizes differ). */
  problem?: string;
}

/** The check of a printed form against the previous line (fields as in StepResult; pass does not affect the derivation's). */
export interface PrintedResult {
  source?: string;
  latex: string;
  relation: Relation;
  pass: boolean;
  tight: boolean;
  perDraw: StepDraw[];
  message: string;
}

/**
 * One step, line `from` R line `to` (previous R current), at every draw: perDraw[k] is draw k + 1.
 * pass is the right form's verdict; a printed form's is in printed.
 */
export interface StepResult {
  /** 1-based line numbers. */
  from: number;
  to: number;
  relation: Relation;
  pass: boolean;
  /** True when the inequality holds with equality (within tolerance) at some draw; see tightDraws. */
  tight: boolean;
  /** 1-based draws at which the inequality is tight. */
  tightDraws: number[];
  perDraw: StepDraw[];
  /** Why it fails, or a note (tight draws); '' when it holds plainly. */
  message: string;
  printed?: PrintedResult;
}

/** A line as displayed: its LaTeX, its numbers at draw 1 (value [n], se [n] or absent when exact), and its own failure if any. */
export interface LineResult {
  /** 1-based line number. */
  index: number;
  latex: string;
  relation?: Relation;
  value?: number[];
  se?: number[];
  /** The value's shape when it is a matrix, e.g. [2, 3]. */
  shape?: number[];
  /** The line's numbers at every draw: draws[k] is draw k + 1. */
  draws: { value?: number[]; se?: number[] }[];
  /** A failure of the line itself (threw or NaN) at some draw. */
  problem?: string;
  printed?: { source?: string; latex: string; value?: number[]; se?: number[]; problem?: string };
}

/** Evaluated values of one line at one draw (or why there are none). */
interface Evaluated {
  values?: number[];
  se?: number[];
  shape?: number[];
  replicates?: number[][];
  rtol: number;
  atol: number;
  problem?: string;
}

interface Line<S> {
  latex: string;
  relation?: Relation;
  f: LineFunction<S>;
  options: LineOptions<S>;
  /** For ∝ / + const: the redraw of the stated variable. */
  constantIn?: ConstantIn<S>;
}

/** The generator states one draw started from: enough to evaluate a line again, lazily, when a step fails. */
interface DrawSeeds {
  setup: RngState;
  lines: RngState[];
}

const rngFrom = (state: RngState): Rng => { const g = new Rng(0); g.setState(state); return g; };

const RELATIONS: [RegExp, Relation][] = [
  [/^\\propto(?![a-zA-Z])/, '∝'],
  [/^∝/, '∝'],
  [/^\\(?:leq?|leqslant|lt)(?![a-zA-Z])/, '<='],
  [/^\\(?:geq?|geqslant|gt)(?![a-zA-Z])/, '>='],
  [/^\\approx(?![a-zA-Z])/, '≈'],
  [/^(?:≤|<=)/, '<='],
  [/^(?:≥|>=)/, '>='],
  [/^≈/, '≈'],
  [/^</, '<'],
  [/^>/, '>'],
  [/^=/, '='],
];

const PARSE_RELATION = contract('parseRelation', { latex: str() });
const LATEX_OPTIONS = optional(optionsKind({ environment: optional(str(['align', 'align*', 'aligned'])), marks: optional(bool()) }));
const RESULT_LATEX = contract('DerivationResult.toLatex', { options: LATEX_OPTIONS });
const DERIVATION_LATEX = contract('Derivation.toLatex', { options: LATEX_OPTIONS });

/** The relation a LaTeX line starts with (after spaces and an alignment `&`), or undefined. */
export function parseRelation(latex: string): Relation | undefined {
  // called as a map callback too (lines.map(parseRelation)): the latex alone is checked
  PARSE_RELATION.check([latex]);
  const s = latex.replace(/^[\s&]+/, '');
  // \lt and \gt are strict; everything else in the table is as written
  if (/^\\lt(?![a-zA-Z])/.test(s)) return '<';
  if (/^\\gt(?![a-zA-Z])/.test(s)) return '>';
  for (const [re, rel] of RELATIONS) if (re.test(s)) return rel === '=' && CONST_SUFFIX.test(s) ? '+const' : rel;
  return undefined;
}

/** "= … + \text{const}" (or \mathrm{const}, \text{const.}, \mathrm{C}onst…): equality up to an additive constant. */
const CONST_SUFFIX = /\+\s*(?:\\[,;:! ]\s*)*\\(?:text|mathrm|textrm|operatorname)\s*\{\s*const\.?\s*\}\s*$/;

/** The relation token at the start of a line's LaTeX (after `&`), and the rest: for the aligned display. */
export function splitRelation(latex: string): { relation: string; rest: string } {
  const s = latex.replace(/^[\s&]+/, '');
  const m = /^(?:\\(?:leqslant|geqslant|leq?|geq?|lt|gt|approx|propto)(?![a-zA-Z])|<=|>=|[=<>≤≥≈∝])/.exec(s);
  return m ? { relation: m[0], rest: s.slice(m[0].length).trim() } : { relation: '', rest: s.trim() };
}

const RELATION_NAMES: Record<string, Relation> = { '=': '=', '≈': '≈', '<=': '<=', '≤': '<=', '>=': '>=', '≥': '>=', '<': '<', '>': '>', '+const': '+const', '∝': '∝', propto: '∝' };
const RELATION = { ...str(Object.keys(RELATION_NAMES)), expected: 'one of =, ≈, <=, >=, <, >, +const, ∝' };

function normalizeRelation(r: string, where: string): Relation {
  checkKind(RELATION, r, 'relation', where);
  return RELATION_NAMES[r];
}

const isTensor = (v: unknown): v is tf.Tensor => v instanceof tf.Tensor;

const isMatrixObject = (v: unknown): v is { to2DArray(): number[][] } =>
  v !== null && typeof v === 'object' && typeof (v as { to2DArray?: unknown }).to2DArray === 'function';

/** A number[][] (rows of equal length) flattened row-major with its shape. */
function fromRows(rows: unknown[], what: string): { values: number[]; shape: number[] } {
  const cols = (rows[0] as unknown[]).length;
  const values: number[] = [];
  rows.forEach((r, i) => {
    if (!Array.isArray(r) && !ArrayBuffer.isView(r)) throw new Error(`${what}: row ${i} is not an array`);
    const row = Array.from(r as ArrayLike<unknown>);
    if (row.length !== cols) throw new Error(`${what}: row ${i} has ${row.length} entries, row 0 has ${cols}`);
    const bad = row.findIndex((x) => typeof x !== 'number');
    if (bad >= 0) throw new Error(`${what}: entry [${i}][${bad}] is ${describe(row[bad])}, not a number`);
    values.push(...(row as number[]));
  });
  return { values, shape: [rows.length, cols] };
}

/** Numbers and, for a matrix (number[][], Matrix, rank-2 tensor), its shape. */
function toShaped(v: unknown, what: string): { values: number[]; shape?: number[] } {
  if (typeof v === 'number') return { values: [v] };
  if (isTensor(v)) {
    if (v.isDisposed) throw new Error(`${what} is a disposed tensor`);
    return { values: Array.from(v.dataSync() as ArrayLike<number>), shape: v.rank >= 2 ? v.shape.slice() : undefined };
  }
  if (isMatrixObject(v)) return fromRows(v.to2DArray(), what);
  if (v !== null && typeof v === 'object' && typeof (v as ArrayLike<number>).length === 'number') {
    const a = Array.from(v as ArrayLike<unknown>);
    if (a.every((x) => typeof x === 'number')) return { values: a as number[] };
    if (a.length > 0 && a.every((x) => Array.isArray(x) || ArrayBuffer.isView(x))) return fromRows(a, what);
  }
  throw new Error(`${what} must be a number, a vector or matrix of numbers, a tensor or { value, se }, got ${describe(v)}`);
}

function toArray(v: unknown, what: string): number[] {
  return toShaped(v, what).values;
}

function describe(v: unknown): string {
  if (v === undefined) return 'undefined (did the function return a value?)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array that is not all numbers';
  return typeof v === 'object' ? `an object with keys ${Object.keys(v as object).join(', ') || '(none)'}` : typeof v;
}

/** Reads a line's returned value into numbers (tensors are read here; the draw's tidy disposes them). */
function readValue(v: unknown): Omit<Evaluated, 'problem'> {
  if (v instanceof Promise || (v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function')) {
    throw new Error('returned a Promise; line functions must be synchronous (read tensors with dataSync)');
  }
  if (isTensor(v)) {
    const float32 = v.dtype === 'float32';
    return { ...toShaped(v, 'the value'), rtol: float32 ? 1e-5 : 0, atol: float32 ? 1e-6 : 0 };
  }
  if (v !== null && typeof v === 'object' && 'value' in (v as object)) {
    const e = v as LineEstimate;
    const { values, shape } = toShaped(e.value, 'value');
    const seRaw = e.se === undefined ? [0] : toArray(e.se, 'se');
    const se = seRaw.length === 1 ? values.map(() => seRaw[0]) : seRaw;
    if (se.length !== values.length) throw new Error(`se has ${se.length} entries, value has ${values.length}`);
    if (se.some((s) => !(s >= 0))) throw new Error(`se must be non-negative, got ${se.find((s) => !(s >= 0))}`);
    const float32 = isTensor(e.value) && e.value.dtype === 'float32';
    const replicates = Array.isArray(e.replicates) && e.replicates.every((r) => r.length === values.length) ? e.replicates : undefined;
    return { values, se, shape, replicates, rtol: Math.max(e.rtol ?? 0, float32 ? 1e-5 : 0), atol: Math.max(e.atol ?? 0, float32 ? 1e-6 : 0) };
  }
  return { ...toShaped(v, 'the value'), rtol: 0, atol: 0 };
}

/** An entry's place in a shape: 7 in [2, 4] → [1, 3]. */
function unravel(entry: number, shape: number[]): number[] {
  const idx: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) { idx.unshift(entry % shape[d]); entry = Math.floor(entry / shape[d]); }
  return idx;
}

/** SE of the paired difference of two replicated lines (common random numbers), entry j; undefined when they cannot be paired. */
function pairedSE(a: number[][] | undefined, b: number[][] | undefined, ja: number, jb: number): number | undefined {
  if (!a || !b || a.length !== b.length || a.length < 2) return undefined;
  const n = a.length;
  const d = a.map((r, i) => r[ja] - b[i][jb]);
  const m = d.reduce((s, x) => s + x, 0) / n;
  return Math.sqrt(d.reduce((s, x) => s + (x - m) ** 2, 0) / (n - 1) / n);
}

/** Calls a line's function; a throw, NaN or an unreadable value becomes a problem naming the line. */
function evaluate<S>(f: LineFunction<S>, state: S, g: Rng, name: string, draw: number): Evaluated {
  try {
    const read = readValue(f(state, g));
    const values = read.values!;
    if (values.length === 0) return { rtol: 0, atol: 0, problem: `${name} returned no numbers at draw ${draw}` };
    const nan = values.findIndex((x) => Number.isNaN(x));
    if (nan >= 0) return { rtol: 0, atol: 0, problem: `${name} returned NaN${values.length > 1 ? ` (entry ${nan})` : ''} at draw ${draw}` };
    return read;
  } catch (e) {
    return { rtol: 0, atol: 0, problem: `${name} threw at draw ${draw}: ${(e as Error)?.message ?? String(e)}` };
  }
}

/** Compares two evaluated lines: previous R current. */
function compare(prev: Evaluated, cur: Evaluated, rel: Relation, tol: { rtol: number; atol: number; z: number; paired?: boolean }, prevName: string, curName: string): StepDraw {
  const fail = (problem: string): StepDraw => ({ lhs: NaN, rhs: NaN, error: Infinity, tolerance: 0, se: 0, pass: false, problem });
  if (prev.problem) return fail(prev.problem);
  if (cur.problem) return fail(cur.problem);
  let a = prev.values!, b = cur.values!;
  let sa = prev.se ?? a.map(() => 0), sb = cur.se ?? b.map(() => 0);
  // a single number stands for a constant vector (e.g. "= 0" after a gradient)
  if (a.length === 1 && b.length > 1) { a = b.map(() => a[0]); sa = b.map(() => sa[0]); }
  if (b.length === 1 && a.length > 1) { b = a.map(() => b[0]); sb = a.map(() => sb[0]); }
  if (a.length !== b.length) return fail(`${prevName} has ${a.length} entries, ${curName} has ${b.length}`);
  if (prev.shape && cur.shape && prev.shape.join('×') !== cur.shape.join('×')) return fail(`${prevName} is ${prev.shape.join('×')}, ${curName} is ${cur.shape.join('×')}`);
  const shape = cur.shape ?? prev.shape;
  const rtol = Math.max(tol.rtol, prev.rtol, cur.rtol);
  const atol = Math.max(tol.atol, prev.atol, cur.atol);
  // common random numbers: two replicated lines are compared through the SE of their paired difference
  const seOf = (i: number) => (tol.paired ? pairedSE(prev.replicates, cur.replicates, prev.values!.length === 1 ? 0 : i, cur.values!.length === 1 ? 0 : i) : undefined) ?? Math.hypot(sa[i], sb[i]);
  let worst: StepDraw | undefined, worstRatio = -Infinity;
  for (let i = 0; i < a.length; i++) {
    const se = seOf(i);
    const scale = Math.max(Math.abs(a[i]), Math.abs(b[i]));
    const tolerance = atol + rtol * (Number.isFinite(scale) ? scale : 0) + tol.z * se;
    // equal infinities (log 0 = log 0) are equal; their difference would be NaN
    const d = a[i] === b[i] ? 0 : a[i] - b[i];
    let error: number, pass: boolean, tight = false;
    if (rel === '=' || rel === '≈') {
      error = Math.abs(d);
      pass = error <= tolerance;
    } else {
      // previous ≤ current: the violation is how far previous exceeds current
      const violation = rel === '<=' || rel === '<' ? d : -d;
      error = Math.max(0, violation);
      tight = Math.abs(d) <= tolerance;
      pass = error <= tolerance;
      // a strict inequality between exact values that are equal within float tolerance does not hold;
      // with a standard error equality cannot be told apart from a small gap, so it passes as tight
      if ((rel === '<' || rel === '>') && tight && se === 0) pass = false;
    }
    if (Number.isNaN(error)) { error = Infinity; pass = false; }
    const ratio = pass ? (tolerance > 0 ? error / tolerance : 0) : Infinity;
    const row: StepDraw = { lhs: a[i], rhs: b[i], error, tolerance, se, pass, ...(a.length > 1 ? { entry: i } : {}), ...(shape && a.length > 1 ? { index: unravel(i, shape) } : {}) };
    if (rel !== '=' && rel !== '≈') row.tight = tight;
    // the entry closest to failing is reported; among failures the largest error
    if (!worst || ratio > worstRatio || (ratio === Infinity && worstRatio === Infinity && !pass && error > worst.error)) { worst = row; worstRatio = ratio; }
  }
  // a tight entry anywhere makes the draw tight, even if another entry is closer to failing
  if (rel !== '=' && rel !== '≈') {
    const anyTight = a.some((x, i) => {
      const se = seOf(i);
      const scale = Math.max(Math.abs(x), Math.abs(b[i]));
      return Math.abs(x === b[i] ? 0 : x - b[i]) <= atol + rtol * (Number.isFinite(scale) ? scale : 0) + tol.z * se;
    });
    worst!.tight = anyTight;
  }
  return worst!;
}

/** Why a draw fails, in words: "differs by 0.37 ± 0.01 at draw 2 (…)" / "≤ is violated by 0.2 at draw 1 (…)". */
function describeFailure(rel: Relation, d: StepDraw, draw: number, constName?: string): string {
  if (d.problem) return d.problem;
  const entry = d.index ? ` (entry [${d.index.join('][')}])` : d.entry !== undefined ? ` (entry ${d.entry})` : '';
  const at = `${entry} at draw ${draw}`;
  // with a standard error the SE is the natural scale; for exact values the tolerance is
  const err = d.se > 0 ? `${fmtNumber(d.error)} ± ${fmtSE(d.se)}` : `${fmtNumber(d.error)}`;
  const tol = `tolerance ${fmtNumber(d.tolerance)}`;
  if (rel === '+const' || rel === '∝') {
    const what = rel === '∝' ? 'log ratio log(previous/this)' : 'difference previous − this';
    return `not constant in ${constName}: the ${what} is ${fmtNumber(d.lhs)} at the draw's ${constName} and ${fmtNumber(d.rhs)} at another${at} (changes by ${err}, ${tol})`
      + (rel === '∝' ? '; ∝ compares ratios — for log-densities write "= … + \\text{const}"' : '');
  }
  if (rel === '=' || rel === '≈') return `differs by ${err}${at} (${fmtNumber(d.lhs)} against ${fmtNumber(d.rhs)}, ${tol})`;
  if (d.error <= d.tolerance) return `${relationSymbol(rel)} is not strict${at}: both sides are ${fmtNumber(d.lhs)}`;
  return `${relationSymbol(rel)} is violated by ${err}${at} (${fmtNumber(d.lhs)} ${relationSymbol(rel)} ${fmtNumber(d.rhs)} is false, ${tol})`;
}

/** Builds the step's verdict, message and tight draws from its per-draw rows. */
function summarize(rel: Relation, perDraw: StepDraw[], label: string, constName?: string): { pass: boolean; tight: boolean; tightDraws: number[]; message: string } {
  const tightDraws = perDraw.map((d, k) => (d.tight ? k + 1 : 0)).filter((k) => k > 0);
  const bad = perDraw.findIndex((d) => !d.pass);
  if (bad >= 0) {
    const d = perDraw[bad];
    const text = describeFailure(rel, d, bad + 1, constName);
    return { pass: false, tight: tightDraws.length > 0, tightDraws, message: `${label}: ${text}` };
  }
  const message = tightDraws.length
    ? `${label}: ${relationSymbol(rel)} holds with equality (within tolerance) at draw${tightDraws.length > 1 ? 's' : ''} ${tightDraws.join(', ')}${tightDraws.length === perDraw.length ? ' (every draw: is it an equality?)' : ''}`
    : '';
  return { pass: true, tight: tightDraws.length > 0, tightDraws, message };
}

/**
 * A `+const` / `∝` step at one draw: the difference (log ratio) of the two lines at the draw's state,
 * base, against the same at each redraw of the stated variable; the redraw that differs most is reported.
 */
function compareConstant(base: [Evaluated, Evaluated], redraws: [Evaluated, Evaluated][], rel: Relation, tol: { rtol: number; atol: number; z: number }, prevName: string, curName: string): StepDraw {
  const fail = (problem: string): StepDraw => ({ lhs: NaN, rhs: NaN, error: Infinity, tolerance: 0, se: 0, pass: false, problem });
  // per entry: the constant, its SE, and its float scale
  const diff = ([p, c]: [Evaluated, Evaluated], where: string): { d: number[]; se: number[]; scale: number[]; rtol: number; atol: number } | string => {
    if (p.problem) return p.problem;
    if (c.problem) return c.problem;
    let a = p.values!, b = c.values!, sa = p.se ?? a.map(() => 0), sb = c.se ?? b.map(() => 0);
    if (a.length === 1 && b.length > 1) { a = b.map(() => a[0]); sa = b.map(() => sa[0]); }
    if (b.length === 1 && a.length > 1) { b = a.map(() => b[0]); sb = a.map(() => sb[0]); }
    if (a.length !== b.length) return `${prevName} has ${a.length} entries, ${curName} has ${b.length}${where}`;
    const rtol = Math.max(tol.rtol, p.rtol, c.rtol), atol = Math.max(tol.atol, p.atol, c.atol);
    if (rel === '∝') {
      const bad = a.findIndex((x, i) => !(x / b[i] > 0) || !Number.isFinite(x / b[i]));
      if (bad >= 0) return `∝ compares ratios of values of one sign, but ${prevName} is ${fmtNumber(a[bad])} and ${curName} is ${fmtNumber(b[bad])}${a.length > 1 ? ` (entry ${bad})` : ''}${where} — for log-densities write "= … + \\text{const}"`;
      // log ratio; its error scale is relative: rtol per side, SE by the delta method
      return { d: a.map((x, i) => Math.log(x / b[i])), se: a.map((x, i) => Math.hypot(sa[i] / Math.abs(x), sb[i] / Math.abs(b[i]))), scale: a.map((x, i) => 2 + atol / Math.min(Math.abs(x), Math.abs(b[i]))), rtol, atol: 0 };
    }
    return { d: a.map((x, i) => x - b[i]), se: a.map((_, i) => Math.hypot(sa[i], sb[i])), scale: a.map((x, i) => Math.max(Math.abs(x), Math.abs(b[i]))), rtol, atol };
  };
  const b0 = diff(base, '');
  if (typeof b0 === 'string') return fail(b0);
  let worst: StepDraw | undefined, worstRatio = -Infinity;
  for (const r of redraws) {
    const bv = diff(r, ` at a redraw of the variable`);
    if (typeof bv === 'string') return fail(bv);
    if (bv.d.length !== b0.d.length) return fail(`${curName} has ${bv.d.length} entries at a redraw, ${b0.d.length} at the draw`);
    for (let i = 0; i < b0.d.length; i++) {
      const se = Math.hypot(b0.se[i], bv.se[i]);
      const scale = Math.max(b0.scale[i], bv.scale[i]);
      const tolerance = Math.max(b0.atol, bv.atol) + Math.max(b0.rtol, bv.rtol) * (Number.isFinite(scale) ? scale : 0) + tol.z * se;
      let error = Math.abs(b0.d[i] === bv.d[i] ? 0 : bv.d[i] - b0.d[i]);
      if (Number.isNaN(error)) error = Infinity;
      const pass = error <= tolerance;
      const ratio = pass ? (tolerance > 0 ? error / tolerance : 0) : Infinity;
      const shape = base[1].shape ?? base[0].shape;
      const row: StepDraw = { lhs: b0.d[i], rhs: bv.d[i], error, tolerance, se, pass, ...(b0.d.length > 1 ? { entry: i } : {}), ...(shape && b0.d.length > 1 ? { index: unravel(i, shape) } : {}) };
      if (!worst || ratio > worstRatio || (ratio === Infinity && !pass && error > worst.error)) { worst = row; worstRatio = ratio; }
    }
  }
  return worst!;
}

/** A clone of a generator: the right and the printed form of a line see the same random numbers. */
function cloneRng(g: Rng): Rng {
  const c = new Rng(0);
  c.setState(g.getState());
  return c;
}

/**
 * The checked derivation: every step's verdict at every draw; displays as the typeset derivation.
 * @example const r = d.check(); if (!r.pass) console.log(r.firstFailure); r  // last value of a cell: the table
 */
export class DerivationResult {
  /**
   * The verdicts of a derivation's check (made by `Derivation.check`, not by hand).
   *
   * @param title  the derivation's title
   * @param pass  whether every step held at every draw
   * @param steps  the verdict of each step
   * @param lines  the value of each line at each draw
   */
  constructor(
    readonly title: string,
    readonly pass: boolean,
    readonly steps: StepResult[],
    readonly lines: LineResult[],
    readonly draws: number,
    readonly z: number,
    /** The first failing step (or line, or setup), e.g. "line 3 → line 4: differs by 0.37 ± 0.01 at draw 2". */
    readonly firstFailure?: string,
    /** The 1-based draw the display shows: the first failing one, else 1. */
    readonly shownDraw: number = 1,
  ) {}

  /** Throws an Error with firstFailure unless every step holds; returns this for chaining. */
  assert(): this {
    if (!this.pass) throw new Error(`derivation '${this.title}': ${this.firstFailure}`);
    return this;
  }

  /**
   * The plain-text form: one row per line (step mark, relation aligned, the LaTeX read as text —
   * \tfrac12 → ½, \mu → μ, \mathbb E → 𝔼 —, numbers at the shown draw), then notes and the first failure.
   */
  toString(): string {
    return renderText(this);
  }

  /** text/html (the typeset derivation in display style, relations aligned, LaTeX for MathJax/KaTeX) and text/plain. */
  toMimeBundle(): Record<string, string> {
    return { 'text/html': renderHTML(this), 'text/plain': renderText(this) };
  }

  /**
   * The same display with the numbers of every draw (a column per draw), or of one draw:
   * `r.show({ draws: 'all' })` as a cell's last value.
   */
  show(options: DisplayOptions): { toMimeBundle(): Record<string, string>; toString(): string } {
    const o = { ...options };
    checkKind(optional({ ...oneOf(str(['all']), num({ integer: true, min: 1, max: this.draws })), expected: `'all' or a draw 1…${this.draws}` }), o.draws, 'draws', 'DerivationResult.show');
    return { toMimeBundle: () => ({ 'text/html': renderHTML(this, o), 'text/plain': renderText(this, o) }), toString: () => renderText(this, o) };
  }

  /**
   * The derivation as a LaTeX `align` environment for slides and papers: the first line, then one row
   * per line with its relation aligned and a \checkmark (✓) or \times (✗) for the step (needs amssymb).
   *
   * @example
   *   console.log(d.check().toLatex());   // \begin{align} … &= … && \checkmark \\ … \end{align}
   *   d.check().toLatex({ marks: false, environment: 'align*' })
   */
  toLatex(options: LatexOptions = {}): string {
    RESULT_LATEX.check(arguments);
    return renderLatex(this, options);
  }
}

/**
 * A derivation under construction. Add lines with `.line(latex, f)`; `.check()` evaluates it, and the
 * builder itself displays as its check (so it can be a notebook cell's final value).
 *
 * Made by `ll.derivation(title, options)`; see its example.
 */
export class Derivation<S> {
  private readonly lines: Line<S>[] = [];
  private readonly draws: number;
  /** the state the draws are split from (a copy: the caller's generator is left where it was) */
  private readonly start: RngState;
  private readonly z: number;
  private readonly rtol: number;
  private readonly atol: number;
  private readonly variations: number;

  /**
   * An empty derivation titled `title`; add lines with `.line(…)` and relations between them, then `.check()`.
   * `ll.derivation(title, options)` is the short form.
   *
   * @param title  what is derived, e.g. 'ELBO = log p(x) − KL(q ‖ p(z|x))  (D15)'
   * @param options  `setup(rng)` building the state every line reads, the number of `draws`, the generator `rng`,
   *   the z-score and tolerances of the checks, `commonRandomNumbers`, `constantIn`
   */
  constructor(readonly title: string, private readonly options: DerivationOptions<S>) {
    const where = `derivation '${title}'`;
    DERIVATION.check(arguments, typeof title === 'string' ? where : 'derivation');
    this.draws = options.draws ?? 5;
    this.start = (options.rng ?? makeRng(0)).getState();
    this.z = options.z ?? 4;
    this.rtol = options.rtol ?? 1e-9;
    this.atol = options.atol ?? 1e-12;
    this.variations = options.variations ?? 4;
    if (options.constantIn !== undefined) checkConstantIn(options.constantIn, `${where}: constantIn`);
  }

  /**
   * Adds a line. Its relation to the previous line is read from the start of its LaTeX (`=`, `\le`,
   * `\ge`, `<`, `>`, `\approx`, `\propto`, or ≤ ≥ ≈ ∝; `= … + \text{const}` is equality up to a
   * constant), or given as options.relation. The first line has none. A `∝` / `+ const` line needs the
   * variable it is constant in: `{ constantIn: { z: (g) => … } }` here or in the derivation's options.
   */
  line(latex: string, f: LineFunction<S>, options: LineOptions<S> = {}): this {
    const n = this.lines.length + 1;
    const where = `derivation '${this.title}', line ${n}`;
    LINE.check(arguments, where);
    let relation: Relation | undefined;
    if (options.relation !== undefined) {
      if (n === 1) checkKind(FIRST_LINE('the first line has no relation to a previous line'), options.relation, 'options.relation', where);
      relation = normalizeRelation(options.relation, where);
    } else if (n > 1) {
      relation = parseRelation(latex);
      if (!relation) throw new Error(`${where} (${latex}): start the LaTeX with a relation (=, \\le, \\ge, <, >, \\approx, \\propto) or pass { relation }`);
    }
    if (options.printed && n === 1) checkKind(FIRST_LINE('a printed form needs a previous line to be checked against'), options.printed, 'options.printed', where);
    let constantIn: ConstantIn<S> | undefined;
    if (relation === '+const' || relation === '∝') {
      constantIn = options.constantIn ?? this.options.constantIn;
      if (!constantIn) {
        const rel = relation === '∝' ? '∝' : '= … + const';
        checkKind(CONSTANT_IN_NEEDED(rel, latex), constantIn, 'options.constantIn', where);
      }
      checkConstantIn(constantIn as ConstantIn<S>, where);
    }
    let fn = f;
    if (options.replicates !== undefined) fn = replicate(options.replicates, f) as LineFunction<S>;
    this.lines.push({ latex, relation, f: fn, options, constantIn });
    return this;
  }

  /** Evaluates every line at every draw and checks every step. Never throws for a failing line. */
  check(): DerivationResult {
    const L = this.lines.length;
    if (L === 0) throw new Error(`derivation '${this.title}': add lines with .line(latex, f) before checking`);
    const name = (i: number) => `line ${i + 1} (${this.lines[i].latex.trim()})`;
    const printedName = (i: number) => `printed line ${i + 1} (${this.lines[i].options.printed!.latex.trim()})`;
    const crn = this.options.commonRandomNumbers === true;
    // evaluated[draw][line], printedEval[draw][line], constEval[draw][line] (the redraws of a ∝ / + const step)
    const evaluated: Evaluated[][] = [];
    const printedEval: (Evaluated | undefined)[][] = [];
    const constEval: ([Evaluated, Evaluated][] | undefined)[][] = [];
    const seeds: DrawSeeds[] = [];
    const master = rngFrom(this.start);
    let setupProblem: string | undefined;
    for (let k = 0; k < this.draws; k++) {
      // each draw, and within it each line, has a generator of its own, so a line's numbers do not
      // depend on what the other lines consumed; with common random numbers every line gets the same one
      const drawRng = master.split();
      const setupRng = drawRng.split();
      const lineRngs = this.lines.map(() => drawRng.split());
      if (crn) {
        const shared = drawRng.split();
        lineRngs.forEach((g) => g.setState(shared.getState()));
      }
      const lineStates = lineRngs.map((g) => g.getState());
      const varyRng = drawRng.split();
      seeds.push({ setup: setupRng.getState(), lines: lineStates });
      const row: Evaluated[] = [], prow: (Evaluated | undefined)[] = [], crow: ([Evaluated, Evaluated][] | undefined)[] = [];
      tf.tidy(() => {
        let state: S;
        try {
          state = this.options.setup(setupRng);
        } catch (e) {
          const problem = `setup threw at draw ${k + 1}: ${(e as Error)?.message ?? String(e)}`;
          setupProblem ??= problem;
          this.lines.forEach(() => { row.push({ rtol: 0, atol: 0, problem }); prow.push(undefined); crow.push(undefined); });
          return;
        }
        const withTol = (e: Evaluated, line: Line<S>): Evaluated => ({ ...e, rtol: Math.max(e.rtol, line.options.rtol ?? 0), atol: Math.max(e.atol, line.options.atol ?? 0) });
        this.lines.forEach((line, i) => {
          const p = line.options.printed;
          const g2 = p ? cloneRng(lineRngs[i]) : undefined;
          const e = evaluate(line.f, state, lineRngs[i], name(i), k + 1);
          row.push(withTol(e, line));
          if (p) {
            const pe = evaluate(p.value, state, g2!, printedName(i), k + 1);
            prow.push(withTol(pe, line));
          } else prow.push(undefined);
          if (line.constantIn) {
            // the two lines again at redraws of the stated variable, with the random numbers they had
            const redraws: [Evaluated, Evaluated][] = [];
            for (let v = 0; v < this.variations; v++) {
              let varied: S;
              try {
                varied = redraw(state, line.constantIn, varyRng);
              } catch (err) {
                const problem = `constantIn threw at draw ${k + 1}: ${(err as Error)?.message ?? String(err)}`;
                redraws.push([{ rtol: 0, atol: 0, problem }, { rtol: 0, atol: 0, problem }]);
                continue;
              }
              const prev = this.lines[i - 1];
              redraws.push([
                withTol(evaluate(prev.f, varied, rngFrom(lineStates[i - 1]), name(i - 1), k + 1), prev),
                withTol(evaluate(line.f, varied, rngFrom(lineStates[i]), name(i), k + 1), line),
              ]);
            }
            crow.push(redraws);
          } else crow.push(undefined);
        });
      });
      evaluated.push(row);
      printedEval.push(prow);
      constEval.push(crow);
    }

    const tol = { rtol: this.rtol, atol: this.atol, z: this.z, paired: crn };
    const steps: StepResult[] = [];
    for (let i = 1; i < L; i++) {
      const line = this.lines[i];
      const rel = line.relation!;
      const label = `line ${i} → line ${i + 1}`;
      const constName = line.constantIn ? Object.keys(line.constantIn).join(', ') : undefined;
      const perDraw = evaluated.map((row, k) => (line.constantIn
        ? (constEval[k][i] ? compareConstant([row[i - 1], row[i]], constEval[k][i]!, rel, tol, `line ${i}`, `line ${i + 1}`)
          : compare(row[i - 1], row[i], '=', tol, `line ${i}`, `line ${i + 1}`))
        : compare(row[i - 1], row[i], rel, tol, `line ${i}`, `line ${i + 1}`)));
      const s = summarize(rel, perDraw, label, constName);
      if (!s.pass) {
        const hint = this.randomLineHint(i, perDraw.findIndex((d) => !d.pass), seeds, evaluated);
        if (hint) s.message += `. ${hint}`;
      }
      const step: StepResult = { from: i, to: i + 1, relation: rel, pass: s.pass, tight: s.tight, tightDraws: s.tightDraws, perDraw, message: s.message };
      const p = line.options.printed;
      if (p) {
        const prel = parseRelation(p.latex) ?? rel;
        const pd = evaluated.map((row, k) => compare(row[i - 1], printedEval[k][i]!, prel === '+const' || prel === '∝' ? '=' : prel, tol, `line ${i}`, `printed line ${i + 1}`));
        const ps = summarize(prel, pd, `line ${i} → printed line ${i + 1}${p.source ? ` (${p.source})` : ''}`);
        step.printed = { source: p.source, latex: p.latex, relation: prel, pass: ps.pass, tight: ps.tight, perDraw: pd, message: ps.message };
      }
      steps.push(step);
    }

    const lineResults: LineResult[] = this.lines.map((line, i) => {
      const first = evaluated[0][i];
      const problem = evaluated.map((row) => row[i].problem).find((p) => p !== undefined);
      const r: LineResult = {
        index: i + 1, latex: line.latex, relation: line.relation, value: first.values, se: first.se, problem,
        ...(evaluated.map((row) => row[i].shape).find((s) => s) ? { shape: evaluated.map((row) => row[i].shape).find((s) => s) } : {}),
        draws: evaluated.map((row) => ({ value: row[i].values, se: row[i].se })),
      };
      if (line.options.printed) {
        const pf = printedEval[0][i]!;
        const pp = printedEval.map((row) => row[i]?.problem).find((p) => p !== undefined);
        r.printed = { source: line.options.printed.source, latex: line.options.printed.latex, value: pf.values, se: pf.se, problem: pp };
      }
      return r;
    });

    const firstLineProblem = lineResults.find((l) => l.problem)?.problem;
    const firstStep = steps.find((s) => !s.pass)?.message;
    // a single line has no step, so its own failure must still fail the derivation
    const firstFailure = setupProblem ?? firstStep ?? firstLineProblem;
    const failingDraw = steps.find((s) => !s.pass)?.perDraw.findIndex((d) => !d.pass);
    const shownDraw = failingDraw !== undefined && failingDraw >= 0 ? failingDraw + 1 : 1;
    return new DerivationResult(this.title, firstFailure === undefined, steps, lineResults, this.draws, this.z, firstFailure, shownDraw);
  }

  /**
   * When a step fails at draw `bad` and one of its lines is "exact" (no SE), evaluates that line again
   * with other random numbers: if its value changes it is a random realization, and the message says
   * to replicate it.
   */
  private randomLineHint(step: number, bad: number, seeds: DrawSeeds[], evaluated: Evaluated[][]): string | undefined {
    if (bad < 0 || !seeds[bad]) return undefined;
    for (const i of [step - 1, step]) {
      const e = evaluated[bad][i];
      if (e.problem || (e.se && e.se.some((s) => s > 0))) continue;
      const line = this.lines[i];
      const varies = tf.tidy(() => {
        let state: S;
        try { state = this.options.setup(rngFrom(seeds[bad].setup)); } catch { return undefined; }
        const again = rngFrom(seeds[bad].lines[i]);
        const other = rngFrom(seeds[bad].lines[i]).split();
        const a = evaluate(line.f, state, again, '', bad + 1), b = evaluate(line.f, state, other, '', bad + 1);
        if (!a.values || !b.values || a.values.length !== b.values.length) return undefined;
        const j = a.values.findIndex((x, t) => Math.abs(x - b.values![t]) > 1e-12 + 1e-9 * Math.max(Math.abs(x), Math.abs(b.values![t])));
        return j >= 0 ? [a.values[j], b.values[j]] : undefined;
      });
      if (varies) {
        return `line ${i + 1} is not exact: with other random numbers it is ${fmtNumber(varies[1])} instead of ${fmtNumber(varies[0])} — `
          + `it is one random realization; estimate its expectation with its SE: ll.verify.replicate(n, f) or { replicates: n }`;
      }
    }
    return undefined;
  }

  /** check().assert(): throws with the first failing step, or returns the result. */
  assert(): DerivationResult {
    return this.check().assert();
  }

  /** check().toLatex(options): the derivation as a LaTeX align environment with ✓/✗ marks. */
  toLatex(options: LatexOptions = {}): string {
    DERIVATION_LATEX.check(arguments);
    return this.check().toLatex(options);
  }

  /** The builder as a cell's final value shows its check. */
  toMimeBundle(): Record<string, string> {
    return this.check().toMimeBundle();
  }
}

const CONSTANT_IN: Kind = {
  expected: 'a map from a state key to its redraw, e.g. { z: (g, state) => [g.nextNormal()] }',
  test: (c) => {
    const keys = c && typeof c === 'object' ? Object.keys(c) : [];
    return keys.length > 0 && keys.every((k) => typeof (c as Record<string, unknown>)[k] === 'function') ? undefined : 'got something else';
  },
};

function checkConstantIn<S>(c: ConstantIn<S>, where: string): void {
  checkKind(CONSTANT_IN, c, 'constantIn', where.replace(/: constantIn$/, ''));
}

/** The state with the stated variable(s) redrawn. */
function redraw<S>(state: S, c: ConstantIn<S>, g: Rng): S {
  if (state === null || typeof state !== 'object') throw new Error('∝ / + const needs a state object whose key the variable is (setup returned a non-object)');
  const out = { ...(state as object) } as S;
  for (const k of Object.keys(c) as (keyof S)[]) {
    if (!(k in (state as object))) throw new Error(`constantIn names '${String(k)}', which the state does not have (keys: ${Object.keys(state as object).join(', ')})`);
    out[k] = c[k]!(g, state) as S[keyof S];
  }
  return out;
}

/**
 * A derivation checked with numbers, written like one on the board:
 *
 *   log p(x) ≥ E_q[log p(x,z) − log q(z)] = E_q[log p(x|z)] − KL(q‖p(z)) …
 *
 * Every relation between consecutive lines must hold at each of `draws` draws of the free quantities
 * (setup), entry by entry, within atol + rtol·max(|lhs|, |rhs|) + z·√(SE_lhs² + SE_rhs²). The defaults
 * rtol = 1e-9, atol = 1e-12 suit float64 arithmetic; float32 tensors widen them to 1e-5 / 1e-6, and a
 * line may pass its own { rtol, atol }. `=` and `\approx` check the same tolerance (`\approx` says the
 * equality holds in expectation). An inequality that holds with equality is reported (tight); a strict
 * `<` or `>` between exact values that are equal within tolerance fails. Each draw, and each line in
 * it, gets a generator split from options.rng (default ll.rng(0)), which is not advanced: the same generator
 * state gives the same numbers. Tensors created
 * during a draw are disposed at its end.
 *
 * @example
 *   ll.derivation('Jensen for log', { setup: (g) => ({ a: 1 + g.nextUniform(), b: 1 + g.nextUniform() }) })
 *     .line('\\log \\tfrac{a+b}{2}', ({ a, b }) => Math.log((a + b) / 2))
 *     .line('\\ge \\tfrac12(\\log a + \\log b)', ({ a, b }) => 0.5 * (Math.log(a) + Math.log(b)))
 *     .line('= \\log\\sqrt{ab}', ({ a, b }) => Math.log(Math.sqrt(a * b)))
 *     .assert();
 */
export function derivation<S>(title: string, options: DerivationOptions<S>): Derivation<S> {
  return new Derivation(title, options);
}

/**
 * A gradient by central differences as a line value, with the tolerance of the method (rtol 1e-5,
 * atol 1e-7, as checkGradient): `.line('= \\nabla_\\theta f', (s) => finiteDifferenceValue(f, s.theta))`.
 * theta [d] → value [d].
 */
export function finiteDifferenceValue(f: (theta: number[]) => number, theta: number[], options: { h?: number; rtol?: number; atol?: number } = {}): LineEstimate {
  FD_VALUE.check(arguments);
  return { value: finiteDifferenceGradient(f, theta, options.h), rtol: options.rtol ?? 1e-5, atol: options.atol ?? 1e-7 };
}
