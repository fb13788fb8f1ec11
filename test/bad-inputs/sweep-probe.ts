// One probe of the sweep: a public callable's valid call with one argument (or one options field) replaced by a
// bad value, judged. Runs inside a sweep worker process (sweep-worker.ts), which the test kills on a hang.
import * as tf from '@tensorflow/tfjs-core';
import { publicCallables, parameterNames, type Callable } from './sweep-api';
import { exampleFor, instanceFor } from './sweep-examples';
import { disposeResult, findNaN } from './runner';

/** The kinds of bad value, each made fresh for a probe from the valid value it replaces. */
export const BAD_KINDS = ['NaN', '+∞', '−∞', '0', '−1', '1e308', '1e9', '[]', 'wrong-rank tensor', 'NaN tensor', 'string', 'undefined', 'null', '{}', 'disposed tensor', 'non-Rng generator'] as const;
export type BadKind = typeof BAD_KINDS[number];

/** Kinds whose value is itself not finite: a NaN result from them is NaN passed through, not made up. */
export const NON_FINITE_KINDS = new Set<BadKind>(['NaN', '+∞', '−∞', 'NaN tensor', '1e308']);

export interface Probe {
  id: string;
  /** argument index, or -1 for the valid call itself */
  arg: number;
  /** the options field replaced, if the argument is an options object */
  field?: string;
  bad?: BadKind;
}

export type Outcome = 'named' | 'unnamed' | 'returned' | 'nan-from-finite' | 'nan-passed' | 'leak' | 'hang' | 'crash' | 'example-broken';

export interface Verdict { outcome: Outcome; detail: string; ms: number }

const isRng = (v: unknown) => !!v && typeof v === 'object' && typeof (v as { nextUniform?: unknown }).nextUniform === 'function';
const isPlainObject = (v: unknown) => !!v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;

/** Which bad kinds make sense in place of a valid value (all kinds are tried somewhere; each argument gets those of its type). */
export function kindsFor(valid: unknown): BadKind[] {
  if (typeof valid === 'number') return ['NaN', '+∞', '−∞', '0', '−1', '1e308', '1e9', 'string', 'null', '[]'];
  if (valid instanceof tf.Tensor) return ['wrong-rank tensor', 'NaN tensor', 'disposed tensor', '[]', 'string', 'undefined', 'null', 'NaN'];
  if (isRng(valid)) return ['non-Rng generator', 'undefined', 'null', 'string', '0'];
  if (typeof valid === 'function') return ['string', 'undefined', 'null', '0'];
  if (Array.isArray(valid)) return ['[]', 'NaN', 'string', 'null', 'undefined', '{}'];
  if (typeof valid === 'boolean') return ['string', '0', 'null'];
  if (typeof valid === 'string') return ['0', 'null', '{}', 'undefined'];
  if (isPlainObject(valid)) return ['{}', 'null', 'string', 'NaN'];
  return ['null', '{}', 'string', 'undefined', '0'];
}

/** A bad value of a kind, shaped after the valid value where that matters (a NaN tensor of the valid shape). */
function makeBad(kind: BadKind, valid: unknown, made: tf.Tensor[]): unknown {
  const keep = (t: tf.Tensor) => { made.push(t); return t; };
  switch (kind) {
    case 'NaN': return NaN;
    case '+∞': return Infinity;
    case '−∞': return -Infinity;
    case '0': return 0;
    case '−1': return -1;
    case '1e308': return 1e308;
    case '1e9': return 1e9;
    case '[]': return [];
    case 'string': return 'abc';
    case 'undefined': return undefined;
    case 'null': return null;
    case '{}': return {};
    case 'non-Rng generator': return { next: Math.random, seed: 1 };
    case 'wrong-rank tensor': {
      const r = valid instanceof tf.Tensor ? valid.rank : 1;
      return keep(tf.zeros(r >= 3 ? [2] : [2, 2, 2, 2, 2].slice(0, r + 2)));
    }
    case 'NaN tensor': return keep(tf.fill(valid instanceof tf.Tensor ? valid.shape : [2], NaN));
    case 'disposed tensor': {
      const t = valid instanceof tf.Tensor ? tf.zerosLike(valid) : tf.zeros([2]);
      t.dispose();
      return t;
    }
  }
}

const callableById = () => new Map(publicCallables().map((c) => [c.id, c]));
let byId: Map<string, Callable> | undefined;
const warmed = new Set<string>();

function invoke(c: Callable, self: any, args: unknown[]): unknown {
  if (c.kind === 'constructor') return new c.cls!(...args);
  if (c.kind === 'method') return c.target.apply(self, args);
  return c.target(...args);
}

async function settle(v: unknown): Promise<unknown> {
  return v && typeof (v as Promise<unknown>).then === 'function' ? await v : v;
}

function errorMessage(e: unknown): string { return e instanceof Error ? e.message : String(e); }

/** Runs one probe: builds the valid call, swaps in the bad value, calls, judges, frees everything it made. */
export async function runProbe(p: Probe): Promise<Verdict> {
  const t0 = Date.now();
  byId ??= callableById();
  const c = byId.get(p.id);
  if (!c) return { outcome: 'example-broken', detail: `no callable ${p.id}`, ms: 0 };
  if (!warmed.has(p.id)) {
    // the first call may make cached constants or register kernels: not a leak
    warmed.add(p.id);
    try { await oneCall(c, { ...p, arg: -1 }, false); } catch { /* judged below */ }
  }
  const v = await oneCall(c, p, true);
  return { ...v, ms: Date.now() - t0 };
}

async function oneCall(c: Callable, p: Probe, judge: boolean): Promise<Verdict> {
  const before = tf.memory().numTensors;
  const made: tf.Tensor[] = [];
  let self: any, args: unknown[] = [], result: unknown, verdict: Verdict;
  try {
    self = c.kind === 'method' ? instanceFor(c) : undefined;
    args = exampleFor(c)!(self);
  } catch (e) {
    disposeResult(self); disposeResult(args);
    return { outcome: 'example-broken', detail: `building the valid call threw: ${errorMessage(e)}`, ms: 0 };
  }
  const callArgs = [...args];
  let argName = '', validValue: unknown;
  if (p.arg >= 0) {
    const names = parameterNames(c);
    argName = names[p.arg] ?? `argument ${p.arg + 1}`;
    if (p.field !== undefined) {
      const bag = { ...(args[p.arg] as Record<string, unknown>) };
      validValue = bag[p.field];
      bag[p.field] = makeBad(p.bad!, validValue, made);
      callArgs[p.arg] = bag;
      argName = p.field;
    } else {
      validValue = args[p.arg];
      callArgs[p.arg] = makeBad(p.bad!, validValue, made);
    }
  }
  try {
    result = await settle(invoke(c, self, callArgs));
    const nan = judge ? findNaN(result) : undefined;
    if (p.arg < 0) verdict = nan ? { outcome: 'example-broken', detail: `the valid call returned NaN at ${nan}`, ms: 0 } : { outcome: 'returned', detail: 'valid call', ms: 0 };
    else if (nan) verdict = NON_FINITE_KINDS.has(p.bad!) ? { outcome: 'nan-passed', detail: `returned NaN at ${nan}`, ms: 0 } : { outcome: 'nan-from-finite', detail: `returned NaN at ${nan} from ${p.bad}`, ms: 0 };
    else verdict = { outcome: 'returned', detail: 'returned a value without NaN', ms: 0 };
  } catch (e) {
    const m = errorMessage(e);
    if (p.arg < 0) verdict = { outcome: 'example-broken', detail: `the valid call threw: ${m}`, ms: 0 };
    else {
      const namesFn = c.aliases.some((a) => m.includes(a));
      // an options object replaced whole may be answered by naming one of its fields ("give exactly one of logits and probs")
      const fields = p.field === undefined && validValue && typeof validValue === 'object' && !(validValue instanceof tf.Tensor) ? Object.keys(validValue) : [];
      const namesArg = m.includes(argName) || fields.some((f) => m.includes(f));
      verdict = e instanceof Error && namesFn && namesArg ? { outcome: 'named', detail: m, ms: 0 } : { outcome: 'unnamed', detail: m.slice(0, 300), ms: 0 };
    }
  }
  try {
    disposeResult(result);
    disposeResult(args);
    if (self && typeof self.dispose === 'function') self.dispose(); else disposeResult(self);
  } catch { /* a result sharing tensors with its inputs: already freed */ }
  tf.dispose(made);
  const leaked = tf.memory().numTensors - before;
  if (judge && leaked > 0) verdict = { outcome: 'leak', detail: `${leaked} tensors left behind (${verdict.outcome}: ${verdict.detail.slice(0, 200)})`, ms: 0 };
  return verdict;
}
