// Runs bad-input rows (see cases.ts) and judges each one: an Error naming the function and the argument,
// or a value without NaN that passes the row's check; and in both cases no tensor left behind.
import * as tf from '@tensorflow/tfjs-core';
import type { Row } from './cases';

export interface Verdict {
  ok: boolean;
  /** what happened, for the failure message */
  detail: string;
}

/** Tensors a row makes as inputs; they are the row's, not the library's, so they are freed before counting. */
const inputs: tf.Tensor[] = [];

/** An input tensor for a row (freed by the runner after the call). */
export function input(values: tf.TensorLike, shape?: number[]): tf.Tensor {
  const t = tf.tensor(values, shape, 'float32');
  inputs.push(t);
  return t;
}

/** Objects a row makes on the way (a distribution whose method is under test); their tensors are freed like inputs. */
const owned: unknown[] = [];

/** Registers an object the row made, so its tensors are not counted against the library. */
export function own<T>(x: T): T {
  owned.push(x);
  return x;
}

function isPlainContainer(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !(v instanceof tf.Tensor) && !ArrayBuffer.isView(v);
}

/** The first NaN in a result (tensors, numbers, arrays, typed arrays, object fields), as a path; undefined if none. */
export function findNaN(v: unknown, path = 'result', depth = 0, seen = new Set<unknown>()): string | undefined {
  if (typeof v === 'number') return Number.isNaN(v) ? path : undefined;
  if (v instanceof tf.Tensor) {
    if (v.isDisposed || v.dtype === 'string') return undefined;
    return Array.from(v.dataSync() as ArrayLike<number>).some(Number.isNaN) ? path : undefined;
  }
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>).some(Number.isNaN) ? path : undefined;
  if (depth > 3 || !isPlainContainer(v) || seen.has(v)) return undefined;
  seen.add(v);
  for (const [k, x] of Object.entries(v)) {
    const found = findNaN(x, `${path}.${k}`, depth + 1, seen);
    if (found) return found;
  }
  return undefined;
}

/** Frees what a call returned: tensors, and the tensors held by returned objects (a distribution, a model). */
export function disposeResult(v: unknown, depth = 0, seen = new Set<unknown>()): void {
  if (v instanceof tf.Tensor) { if (!v.isDisposed) v.dispose(); return; }
  // a Map of tensors (ImageDDPM.sample's frames)
  if (v instanceof Map) { for (const x of v.values()) disposeResult(x, depth + 1, seen); return; }
  if (depth > 3 || !isPlainContainer(v) || seen.has(v)) return;
  seen.add(v);
  const d = (v as { dispose?: unknown }).dispose;
  if (typeof d === 'function' && !Array.isArray(v)) { (d as () => void).call(v); return; }
  for (const x of Object.values(v)) disposeResult(x, depth + 1, seen);
}

/** Runs one row and judges it. */
export async function runRow(row: Row): Promise<Verdict> {
  const before = tf.memory().numTensors;
  let verdict: Verdict;
  try {
    let result = row.call();
    if (result && typeof (result as Promise<unknown>).then === 'function') result = await result;
    if (row.expect === 'error') {
      verdict = { ok: false, detail: 'returned instead of throwing' };
    } else {
      const nan = findNaN(result);
      if (nan) verdict = { ok: false, detail: `returned NaN at ${nan}` };
      else {
        try {
          row.expect(result);
          verdict = { ok: true, detail: 'returned the right value' };
        } catch (e) {
          verdict = { ok: false, detail: `returned a wrong value: ${(e as Error).message}` };
        }
      }
    }
    disposeResult(result);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (row.expect !== 'error') verdict = { ok: false, detail: `threw instead of returning a value: ${message}` };
    else if (!(e instanceof Error)) verdict = { ok: false, detail: `threw a non-Error: ${message}` };
    else {
      const missing = [row.fn, ...row.args].filter((name) => !message.includes(name));
      verdict = missing.length ? { ok: false, detail: `the message "${message}" does not name ${missing.join(' and ')}` } : { ok: true, detail: message };
    }
  }
  owned.splice(0).forEach((o) => disposeResult(o));
  tf.dispose(inputs.splice(0));
  const leaked = tf.memory().numTensors - before;
  if (leaked !== 0 && verdict.ok) verdict = { ok: false, detail: `${leaked} tensors left behind (${verdict.detail})` };
  return verdict;
}
