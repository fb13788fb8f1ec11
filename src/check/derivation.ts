// Worked derivations (issue 12): an instructor writes a chain of equalities and inequalities as on the
// board, one LaTeX line and one function per line, and every step is checked with numbers at several
// random draws of the free quantities. A step is the relation between a line and the line before it:
//   line_{i−1}  R  line_i,   R ∈ {=, ≈, ≤, ≥, <, >}
// checked entry by entry with the tolerance  atol + rtol·max(|lhs|, |rhs|) + z·√(SE_lhs² + SE_rhs²).
import * as tf from '@tensorflow/tfjs-core';
import { Rng, rng as makeRng } from '../random/rng';
import { Estimate } from './monte-carlo';
import { finiteDifferenceGradient } from './finite-differences';
import { renderHTML, renderText, fmtNumber, fmtSE, relationSymbol } from './derivation-display';

/** How a line relates to the line before it: `previous R this`. `≈` is equality in expectation (within z·SE). */
export type Relation = '=' | '≈' | '<=' | '>=' | '<' | '>';

/**
 * What a line's function may return:
 * - a number (exact, compared within the float tolerance);
 * - an Estimate `{ value, se }` (Monte Carlo or quadrature error; value and se may be vectors);
 * - a vector (number[], Float64Array, …), compared entry by entry;
 * - a tf.Tensor, read and then disposed (float32 tensors widen the tolerance to rtol ≥ 1e-5, atol ≥ 1e-6);
 * - a LineEstimate with its own tolerance, e.g. from finiteDifferenceValue.
 */
export type LineValue = number | Estimate | LineEstimate | ArrayLike<number> | tf.Tensor;

/** A value with its own error model: standard error(s) and/or a tolerance of the method (e.g. finite differences). */
export interface LineEstimate {
  value: number | ArrayLike<number>;
  /** Standard error, one for all entries or one per entry (default 0: exact). */
  se?: number | ArrayLike<number>;
  /** Relative tolerance of the method that produced value (widens the step's tolerance). */
  rtol?: number;
  /** Absolute tolerance of the method that produced value. */
  atol?: number;
}

/** A line's function: the state drawn by setup, and a generator of its own (reproducible per draw). */
export type LineFunction<S> = (state: S, rng: Rng) => LineValue;

/**
 * How a derivation is checked. S is the state one draw shares among its lines (e.g. { x, W, q }).
 * @example { setup: (g) => ({ mu: g.nextNormal(), sigma: 0.5 + g.nextUniform() }), draws: 5, seed: 0 }
 */
export interface DerivationOptions<S> {
  /** Draws the free quantities (x, parameters, …) of one draw from its own seeded generator. */
  setup: (rng: Rng) => S;
  /** Number of draws at which every step must hold (default 5). */
  draws?: number;
  /** Seed of the generator the draws are split from (default 0): same seed, same numbers. */
  seed?: number;
  /** Steps with a standard error pass within z·SE (default 4). */
  z?: number;
  /** Relative tolerance for exact values (default 1e-9: float64 arithmetic along different routes). */
  rtol?: number;
  /** Absolute tolerance for exact values (default 1e-12, for values near 0). */
  atol?: number;
}

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
  relation?: Relation | '≤' | '≥';
  /** The form printed in a lecture, when it differs from this (right) one. */
  printed?: PrintedForm<S>;
  /** Tolerances for the steps into and out of this line (the larger of these and the derivation's wins). */
  rtol?: number;
  atol?: number;
}

/** One draw of one step. lhs/rhs/se are the entry closest to failing (entry is its index for vectors). */
export interface StepDraw {
  lhs: number;
  rhs: number;
  /** |lhs − rhs| for = and ≈; for an inequality how far it is violated (0 when it holds). */
  error: number;
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
  /** A failure of the line itself (threw or NaN) at some draw. */
  problem?: string;
  printed?: { source?: string; latex: string; value?: number[]; se?: number[]; problem?: string };
}

/** Evaluated values of one line at one draw (or why there are none). */
interface Evaluated {
  values?: number[];
  se?: number[];
  rtol: number;
  atol: number;
  problem?: string;
}

interface Line<S> {
  latex: string;
  relation?: Relation;
  f: LineFunction<S>;
  options: LineOptions<S>;
}

const RELATIONS: [RegExp, Relation][] = [
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

/** The relation a LaTeX line starts with (after spaces and an alignment `&`), or undefined. */
export function parseRelation(latex: string): Relation | undefined {
  const s = latex.replace(/^[\s&]+/, '');
  // \lt and \gt are strict; everything else in the table is as written
  if (/^\\lt(?![a-zA-Z])/.test(s)) return '<';
  if (/^\\gt(?![a-zA-Z])/.test(s)) return '>';
  for (const [re, rel] of RELATIONS) if (re.test(s)) return rel;
  return undefined;
}

function normalizeRelation(r: string, where: string): Relation {
  const map: Record<string, Relation> = { '=': '=', '≈': '≈', '<=': '<=', '≤': '<=', '>=': '>=', '≥': '>=', '<': '<', '>': '>' };
  const rel = map[r];
  if (!rel) throw new Error(`${where}: relation must be one of =, ≈, <=, >=, <, >, got ${JSON.stringify(r)}`);
  return rel;
}

const isTensor = (v: unknown): v is tf.Tensor => v instanceof tf.Tensor;

function toArray(v: unknown, what: string): number[] {
  if (typeof v === 'number') return [v];
  if (isTensor(v)) {
    if (v.isDisposed) throw new Error(`${what} is a disposed tensor`);
    return Array.from(v.dataSync() as ArrayLike<number>);
  }
  if (v !== null && typeof v === 'object' && typeof (v as ArrayLike<number>).length === 'number') {
    const a = Array.from(v as ArrayLike<unknown>);
    if (a.every((x) => typeof x === 'number')) return a as number[];
  }
  throw new Error(`${what} must be a number, a vector of numbers, a tensor or { value, se }, got ${describe(v)}`);
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
    return { values: toArray(v, 'the value'), rtol: float32 ? 1e-5 : 0, atol: float32 ? 1e-6 : 0 };
  }
  if (v !== null && typeof v === 'object' && 'value' in (v as object)) {
    const e = v as LineEstimate;
    const values = toArray(e.value, 'value');
    const seRaw = e.se === undefined ? [0] : toArray(e.se, 'se');
    const se = seRaw.length === 1 ? values.map(() => seRaw[0]) : seRaw;
    if (se.length !== values.length) throw new Error(`se has ${se.length} entries, value has ${values.length}`);
    if (se.some((s) => !(s >= 0))) throw new Error(`se must be non-negative, got ${se.find((s) => !(s >= 0))}`);
    const float32 = isTensor(e.value) && e.value.dtype === 'float32';
    return { values, se, rtol: Math.max(e.rtol ?? 0, float32 ? 1e-5 : 0), atol: Math.max(e.atol ?? 0, float32 ? 1e-6 : 0) };
  }
  return { values: toArray(v, 'the value'), rtol: 0, atol: 0 };
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
function compare(prev: Evaluated, cur: Evaluated, rel: Relation, tol: { rtol: number; atol: number; z: number }, prevName: string, curName: string): StepDraw {
  const fail = (problem: string): StepDraw => ({ lhs: NaN, rhs: NaN, error: Infinity, tolerance: 0, se: 0, pass: false, problem });
  if (prev.problem) return fail(prev.problem);
  if (cur.problem) return fail(cur.problem);
  let a = prev.values!, b = cur.values!;
  let sa = prev.se ?? a.map(() => 0), sb = cur.se ?? b.map(() => 0);
  // a single number stands for a constant vector (e.g. "= 0" after a gradient)
  if (a.length === 1 && b.length > 1) { a = b.map(() => a[0]); sa = b.map(() => sa[0]); }
  if (b.length === 1 && a.length > 1) { b = a.map(() => b[0]); sb = a.map(() => sb[0]); }
  if (a.length !== b.length) return fail(`${prevName} has ${a.length} entries, ${curName} has ${b.length}`);
  const rtol = Math.max(tol.rtol, prev.rtol, cur.rtol);
  const atol = Math.max(tol.atol, prev.atol, cur.atol);
  let worst: StepDraw | undefined, worstRatio = -Infinity;
  for (let i = 0; i < a.length; i++) {
    const se = Math.hypot(sa[i], sb[i]);
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
    const row: StepDraw = { lhs: a[i], rhs: b[i], error, tolerance, se, pass, ...(a.length > 1 ? { entry: i } : {}) };
    if (rel !== '=' && rel !== '≈') row.tight = tight;
    // the entry closest to failing is reported; among failures the largest error
    if (!worst || ratio > worstRatio || (ratio === Infinity && worstRatio === Infinity && !pass && error > worst.error)) { worst = row; worstRatio = ratio; }
  }
  // a tight entry anywhere makes the draw tight, even if another entry is closer to failing
  if (rel !== '=' && rel !== '≈') {
    const anyTight = a.some((x, i) => {
      const se = Math.hypot(sa[i], sb[i]);
      const scale = Math.max(Math.abs(x), Math.abs(b[i]));
      return Math.abs(x === b[i] ? 0 : x - b[i]) <= atol + rtol * (Number.isFinite(scale) ? scale : 0) + tol.z * se;
    });
    worst!.tight = anyTight;
  }
  return worst!;
}

/** Why a draw fails, in words: "differs by 0.37 ± 0.01 at draw 2 (…)" / "≤ is violated by 0.2 at draw 1 (…)". */
function describeFailure(rel: Relation, d: StepDraw, draw: number): string {
  if (d.problem) return d.problem;
  const at = `${d.entry !== undefined ? ` (entry ${d.entry})` : ''} at draw ${draw}`;
  // with a standard error the SE is the natural scale; for exact values the tolerance is
  const err = d.se > 0 ? `${fmtNumber(d.error)} ± ${fmtSE(d.se)}` : `${fmtNumber(d.error)}`;
  const tol = `tolerance ${fmtNumber(d.tolerance)}`;
  if (rel === '=' || rel === '≈') return `differs by ${err}${at} (${fmtNumber(d.lhs)} against ${fmtNumber(d.rhs)}, ${tol})`;
  if (d.error <= d.tolerance) return `${relationSymbol(rel)} is not strict${at}: both sides are ${fmtNumber(d.lhs)}`;
  return `${relationSymbol(rel)} is violated by ${err}${at} (${fmtNumber(d.lhs)} ${relationSymbol(rel)} ${fmtNumber(d.rhs)} is false, ${tol})`;
}

/** Builds the step's verdict, message and tight draws from its per-draw rows. */
function summarize(rel: Relation, perDraw: StepDraw[], label: string): { pass: boolean; tight: boolean; tightDraws: number[]; message: string } {
  const tightDraws = perDraw.map((d, k) => (d.tight ? k + 1 : 0)).filter((k) => k > 0);
  const bad = perDraw.findIndex((d) => !d.pass);
  if (bad >= 0) {
    const d = perDraw[bad];
    const text = describeFailure(rel, d, bad + 1);
    return { pass: false, tight: tightDraws.length > 0, tightDraws, message: `${label}: ${text}` };
  }
  const message = tightDraws.length
    ? `${label}: ${relationSymbol(rel)} holds with equality (within tolerance) at draw${tightDraws.length > 1 ? 's' : ''} ${tightDraws.join(', ')}${tightDraws.length === perDraw.length ? ' (every draw: is it an equality?)' : ''}`
    : '';
  return { pass: true, tight: tightDraws.length > 0, tightDraws, message };
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
    readonly seed: number,
    readonly z: number,
    /** The first failing step (or line, or setup), e.g. "line 3 → line 4: differs by 0.37 ± 0.01 at draw 2". */
    readonly firstFailure?: string,
  ) {}

  /** Throws an Error with firstFailure unless every step holds; returns this for chaining. */
  assert(): this {
    if (!this.pass) throw new Error(`derivation '${this.title}': ${this.firstFailure}`);
    return this;
  }

  /** The plain-text form: one row per line (step mark, relation, LaTeX, numbers at draw 1), then notes and the first failure. */
  toString(): string {
    return renderText(this);
  }

  /** text/html (the typeset derivation, LaTeX in $…$ for MathJax/KaTeX) and text/plain. */
  toMimeBundle(): Record<string, string> {
    return { 'text/html': renderHTML(this), 'text/plain': renderText(this) };
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
  private readonly seed: number;
  private readonly z: number;
  private readonly rtol: number;
  private readonly atol: number;

  /**
   * An empty derivation titled `title`; add lines with `.line(…)` and relations between them, then `.check()`.
   * `ll.derivation(title, options)` is the short form.
   *
   * @param title  what is derived, e.g. 'ELBO = log p(x) − KL(q ‖ p(z|x))  (D15)'
   * @param options  `setup(rng)` building the state every line reads, the number of `draws`, `seed`,
   *   the z-score and tolerances of the checks
   */
  constructor(readonly title: string, private readonly options: DerivationOptions<S>) {
    const where = `derivation '${title}'`;
    if (typeof title !== 'string') throw new Error(`derivation: title must be a string, got ${typeof title}`);
    if (!options || typeof options.setup !== 'function') throw new Error(`${where}: options.setup must be a function (rng) => state`);
    this.draws = options.draws ?? 5;
    if (!Number.isInteger(this.draws) || this.draws < 1) throw new Error(`${where}: draws must be a positive integer, got ${options.draws}`);
    this.seed = options.seed ?? 0;
    if (!Number.isInteger(this.seed) || this.seed < 0) throw new Error(`${where}: seed must be a non-negative integer, got ${options.seed}`);
    this.z = options.z ?? 4;
    if (!(this.z > 0) || !Number.isFinite(this.z)) throw new Error(`${where}: z must be positive and finite, got ${options.z}`);
    this.rtol = options.rtol ?? 1e-9;
    this.atol = options.atol ?? 1e-12;
    if (!(this.rtol >= 0) || !(this.atol >= 0)) throw new Error(`${where}: rtol and atol must be non-negative`);
  }

  /**
   * Adds a line. Its relation to the previous line is read from the start of its LaTeX (`=`, `\le`,
   * `\ge`, `<`, `>`, `\approx`, or ≤ ≥ ≈), or given as options.relation. The first line has none.
   */
  line(latex: string, f: LineFunction<S>, options: LineOptions<S> = {}): this {
    const n = this.lines.length + 1;
    const where = `derivation '${this.title}', line ${n}`;
    if (typeof latex !== 'string') throw new Error(`${where}: latex must be a string`);
    if (typeof f !== 'function') throw new Error(`${where} (${latex}): the value must be a function (state, rng) => number | { value, se } | vector`);
    let relation: Relation | undefined;
    if (options.relation !== undefined) {
      if (n === 1) throw new Error(`${where}: the first line has no relation to a previous line`);
      relation = normalizeRelation(options.relation, where);
    } else if (n > 1) {
      relation = parseRelation(latex);
      if (!relation) throw new Error(`${where} (${latex}): start the LaTeX with a relation (=, \\le, \\ge, <, >, \\approx) or pass { relation }`);
    }
    if (options.printed) {
      if (n === 1) throw new Error(`${where}: a printed form needs a previous line to be checked against`);
      if (typeof options.printed.latex !== 'string' || typeof options.printed.value !== 'function') {
        throw new Error(`${where}: printed needs { latex: string, value: (state, rng) => … }`);
      }
    }
    for (const k of ['rtol', 'atol'] as const) {
      const v = options[k];
      if (v !== undefined && !(v >= 0)) throw new Error(`${where}: ${k} must be non-negative, got ${v}`);
    }
    this.lines.push({ latex, relation, f, options });
    return this;
  }

  /** Evaluates every line at every draw and checks every step. Never throws for a failing line. */
  check(): DerivationResult {
    const L = this.lines.length;
    if (L === 0) throw new Error(`derivation '${this.title}': add lines with .line(latex, f) before checking`);
    const name = (i: number) => `line ${i + 1} (${this.lines[i].latex.trim()})`;
    const printedName = (i: number) => `printed line ${i + 1} (${this.lines[i].options.printed!.latex.trim()})`;
    // evaluated[draw][line], printedEval[draw][line]
    const evaluated: Evaluated[][] = [];
    const printedEval: (Evaluated | undefined)[][] = [];
    const master = makeRng(this.seed);
    let setupProblem: string | undefined;
    for (let k = 0; k < this.draws; k++) {
      // each draw, and within it each line, has a generator of its own, so a line's numbers do not
      // depend on what the other lines consumed
      const drawRng = master.split();
      const setupRng = drawRng.split();
      const lineRngs = this.lines.map(() => drawRng.split());
      const row: Evaluated[] = [], prow: (Evaluated | undefined)[] = [];
      tf.tidy(() => {
        let state: S;
        try {
          state = this.options.setup(setupRng);
        } catch (e) {
          const problem = `setup threw at draw ${k + 1}: ${(e as Error)?.message ?? String(e)}`;
          setupProblem ??= problem;
          this.lines.forEach(() => { row.push({ rtol: 0, atol: 0, problem }); prow.push(undefined); });
          return;
        }
        this.lines.forEach((line, i) => {
          const p = line.options.printed;
          const g2 = p ? cloneRng(lineRngs[i]) : undefined;
          const e = evaluate(line.f, state, lineRngs[i], name(i), k + 1);
          row.push({ ...e, rtol: Math.max(e.rtol, line.options.rtol ?? 0), atol: Math.max(e.atol, line.options.atol ?? 0) });
          if (p) {
            const pe = evaluate(p.value, state, g2!, printedName(i), k + 1);
            prow.push({ ...pe, rtol: Math.max(pe.rtol, line.options.rtol ?? 0), atol: Math.max(pe.atol, line.options.atol ?? 0) });
          } else prow.push(undefined);
        });
      });
      evaluated.push(row);
      printedEval.push(prow);
    }

    const tol = { rtol: this.rtol, atol: this.atol, z: this.z };
    const steps: StepResult[] = [];
    for (let i = 1; i < L; i++) {
      const line = this.lines[i];
      const rel = line.relation!;
      const label = `line ${i} → line ${i + 1}`;
      const perDraw = evaluated.map((row) => compare(row[i - 1], row[i], rel, tol, `line ${i}`, `line ${i + 1}`));
      const s = summarize(rel, perDraw, label);
      const step: StepResult = { from: i, to: i + 1, relation: rel, pass: s.pass, tight: s.tight, tightDraws: s.tightDraws, perDraw, message: s.message };
      const p = line.options.printed;
      if (p) {
        const prel = parseRelation(p.latex) ?? rel;
        const pd = evaluated.map((row, k) => compare(row[i - 1], printedEval[k][i]!, prel, tol, `line ${i}`, `printed line ${i + 1}`));
        const ps = summarize(prel, pd, `line ${i} → printed line ${i + 1}${p.source ? ` (${p.source})` : ''}`);
        step.printed = { source: p.source, latex: p.latex, relation: prel, pass: ps.pass, tight: ps.tight, perDraw: pd, message: ps.message };
      }
      steps.push(step);
    }

    const lineResults: LineResult[] = this.lines.map((line, i) => {
      const first = evaluated[0][i];
      const problem = evaluated.map((row) => row[i].problem).find((p) => p !== undefined);
      const r: LineResult = { index: i + 1, latex: line.latex, relation: line.relation, value: first.values, se: first.se, problem };
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
    return new DerivationResult(this.title, firstFailure === undefined, steps, lineResults, this.draws, this.seed, this.z, firstFailure);
  }

  /** check().assert(): throws with the first failing step, or returns the result. */
  assert(): DerivationResult {
    return this.check().assert();
  }

  /** The builder as a cell's final value shows its check. */
  toMimeBundle(): Record<string, string> {
    return this.check().toMimeBundle();
  }
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
 * it, gets a generator split from rng(seed): the same seed gives the same numbers. Tensors created
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
  return { value: finiteDifferenceGradient(f, theta, options.h), rtol: options.rtol ?? 1e-5, atol: options.atol ?? 1e-7 };
}
