// Reading a tensor into plain numbers, for a notebook cell: the tensor is disposed after reading, so
// `ll.values(q.sample(rng, 5))` leaves nothing behind. Pass a tensor you still need through `t.clone()`.
import * as tf from '@tensorflow/tfjs-core';
import { checkKind, tensor, where } from '../validation/contract';

const LIVE = tensor();
// checked after the tensor is known to be live, inside the try that disposes it
const ONE_ENTRY = where(LIVE, 'have exactly one entry', (t: tf.Tensor) => t.size === 1 || `got shape [${t.shape}] (use values for many)`);
const RANK_2 = where(LIVE, 'have rank 2', (t: tf.Tensor) => t.rank === 2 || `got shape [${t.shape}]`);

function asTensor(t: unknown, fn: string): tf.Tensor {
  checkKind(LIVE, t, 't', fn);
  return t as tf.Tensor;
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
    checkKind(ONE_ENTRY, x, 't', 'value');
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
    checkKind(RANK_2, x, 't', 'rows');
    return x.arraySync() as number[][];
  } finally { x.dispose(); }
}
