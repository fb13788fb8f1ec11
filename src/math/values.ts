// Reading a tensor into plain numbers, for a notebook cell: the tensor is disposed after reading, so
// `ll.values(q.sample(rng, 5))` leaves nothing behind. Pass a tensor you still need through `t.clone()`.
import * as tf from '@tensorflow/tfjs-core';

function asTensor(t: unknown, fn: string): tf.Tensor {
  if (!(t instanceof tf.Tensor)) throw new Error(`${fn}: t must be a tensor, got ${t === null ? 'null' : typeof t}`);
  if (t.isDisposed) throw new Error(`${fn}: t is already disposed`);
  return t;
}

/**
 * All entries of t, flattened in row-major order, as numbers; disposes t.
 * Any rank: [2, 3] → 6 numbers.
 *
 * @example
 *   const draws = ll.values(new ll.Normal(0, 1).sample(ll.rng(0), 1000));   // number[1000]
 */
export function values(t: tf.Tensor): number[] {
  const x = asTensor(t, 'values');
  try { return Array.from(x.dataSync()); } finally { x.dispose(); }
}

/**
 * The single entry of t (a scalar, or any shape with one entry) as a number; disposes t.
 *
 * @example
 *   const m = ll.value(ll.tf.mean(x));
 */
export function value(t: tf.Tensor): number {
  const x = asTensor(t, 'value');
  try {
    if (x.size !== 1) throw new Error(`value: t must have exactly one entry, got shape [${x.shape}] (use values for many)`);
    return x.dataSync()[0];
  } finally { x.dispose(); }
}

/**
 * The rows of a rank-2 tensor [n, d] as n arrays of d numbers; disposes t.
 *
 * @example
 *   const pts = ll.rows(flow.sample(ll.rng(1), 300));   // number[300][2]
 */
export function rows(t: tf.Tensor): number[][] {
  const x = asTensor(t, 'rows');
  try {
    if (x.rank !== 2) throw new Error(`rows: t must have rank 2, got shape [${x.shape}]`);
    return x.arraySync() as number[][];
  } finally { x.dispose(); }
}
