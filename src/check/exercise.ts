// Automatic checks for homework: specific feedback (which input, expected against got, a hint) and
// never the solution. A failed check throws, so the notebook cell fails and the grader gives it 0.
import * as tf from '@tensorflow/tfjs-core';
import { anything, contract, describeAny, num, optional, options, str, type Kind } from '../validation/contract';

/**
 * The error a failed homework check (`ll.check`) throws: its message says which input, what was
 * expected and what came out, and gives a hint, never the solution.
 */
export class ExerciseCheckError extends Error {
  /**
   * A failed check with the feedback `message`.
   */
  constructor(message: string) {
    super(message);
    this.name = 'CheckFailed';
  }
}

export interface ExerciseCheckOptions {
  /** relative tolerance (default 1e-6) */
  rtol?: number;
  /** absolute tolerance (default 1e-9) */
  atol?: number;
  /** the input the answer was computed for, shown on failure */
  input?: string;
  /** a nudge toward the idea, never the answer */
  hint?: string;
}

const fmt = (v: number[]) => (v.length === 1 ? fmtOne(v[0]) : `[${v.slice(0, 6).map(fmtOne).join(', ')}${v.length > 6 ? ', …' : ''}]`);
const fmtOne = (x: number) => (Number.isInteger(x) ? String(x) : Math.abs(x) < 1e-3 ? x.toExponential(2) : x.toPrecision(6));

function numbers(x: unknown): number[] | undefined {
  if (typeof x === 'number') return [x];
  if (x instanceof tf.Tensor) return x.isDisposed ? undefined : Array.from(x.dataSync() as Float32Array);
  if (x instanceof Float32Array || x instanceof Float64Array || x instanceof Int32Array) return Array.from(x);
  if (Array.isArray(x) && x.every((v) => typeof v === 'number')) return x as number[];
  if (Array.isArray(x) && x.every((r) => Array.isArray(r))) return (x as unknown[]).flatMap((r) => numbers(r) ?? [NaN]);
  return undefined;
}

/** The expected value: numbers (a number, an array or matrix of numbers, a live tensor). */
const EXPECTED: Kind = { expected: 'numbers (a number, an array of numbers or a live tensor)', test: (v) => (numbers(v) ? undefined : `got ${describeAny(v)}`) };
const CHECK = contract('check', {
  name: str(), got: anything('the answer'), expected: EXPECTED,
  options: optional(options({ rtol: num({ min: 0 }), atol: num({ min: 0 }), input: str(), hint: str() })),
});

/**
 * Compares an answer with the expected value(s); prints ✓ or throws with feedback.
 *
 * @example
 * ```ts
 * ll.check('KL(N(1, 1) ‖ N(0, 1))', myKL, 0.5);   // ✓, or an ExerciseCheckError saying what differs
 * ```
 */
export function check(name: string, got: unknown, expected: number | number[] | tf.Tensor, options: ExerciseCheckOptions = {}): void {
  CHECK.check(arguments);
  const exp = numbers(expected)!;
  const where = options.input ? ` for ${options.input}` : '';
  const hint = options.hint ? ` Hint: ${options.hint}` : '';
  const g = numbers(got);
  if (!g) throw new ExerciseCheckError(`✗ ${name}${where}: expected ${fmt(exp)}, got ${got === undefined ? 'undefined (did the function return a value?)' : typeof got}.${hint}`);
  if (g.length !== exp.length) throw new ExerciseCheckError(`✗ ${name}${where}: expected ${exp.length} number(s), got ${g.length}.${hint}`);
  const rtol = options.rtol ?? 1e-6, atol = options.atol ?? 1e-9;
  const bad = g.findIndex((v, i) => !(Math.abs(v - exp[i]) <= atol + rtol * Math.abs(exp[i])) && !(v === exp[i]));
  if (bad >= 0) {
    const at = exp.length > 1 ? ` (entry ${bad})` : '';
    throw new ExerciseCheckError(`✗ ${name}${where}${at}: expected ${fmtOne(exp[bad])} ± ${fmtOne(atol + rtol * Math.abs(exp[bad]))}, got ${fmtOne(g[bad])}.${hint}`);
  }
  console.log(`✓ ${name}${where}`);
}
