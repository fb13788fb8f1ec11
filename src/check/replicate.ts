// A random realization as a derivation line: `ll.infer.iwae(...)` at one draw of ε is one number,
// not E[L_K]; replicated n times it is an estimate of the expectation with its standard error, and
// the per-replicate values let a derivation with common random numbers compare two such lines pairwise.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random/rng';
import type { LineEstimate } from './derivation';
import { anything, checkKind, contract, count, describeAny, func, where } from '../validation/contract';

// n ≥ 2: a standard error needs two replicates; each replicate keeps its numbers (n × entries)
const REPLICATE = contract('replicate', { n: count({ min: 2, entriesEach: 64 }), f: func('a function (state, rng) => number | vector | tensor') });

/** A replicated line's value: the mean over replicates with its SE, and the replicates themselves ([n][entries]). */
export interface ReplicatedEstimate extends LineEstimate {
  value: number[];
  se: number[];
  /** replicates[r] is replicate r's value (one entry per entry of value). */
  replicates: number[][];
}

function readNumbers(v: unknown, at: string): number[] {
  if (typeof v === 'number') return [v];
  if (v instanceof tf.Tensor) return Array.from(v.dataSync() as ArrayLike<number>);
  if (v !== null && typeof v === 'object' && typeof (v as ArrayLike<number>).length === 'number') {
    const a = Array.from(v as ArrayLike<unknown>);
    if (a.every((x) => typeof x === 'number')) return a as number[];
  }
  checkKind(where(anything(), 'return a number, a vector or a tensor', () => `got ${describeAny(v)} (${at})`), v, 'f', 'replicate');
  return [];
}

/**
 * A line function that calls f n times, each replicate with a generator of its own (split from the
 * line's, in order, so that with `commonRandomNumbers` replicate r of every line starts from the same
 * state), and returns the mean with its standard error sd/√n per entry:
 *
 *     value = (1/n) Σ_r f_r,   se = sd_r(f_r)/√n
 *
 * Tensors f returns are read and disposed. n ≥ 2. The result is a LineEstimate with `replicates`.
 *
 * @example
 *   // E[max(μ + ε, 0)] with its SE, instead of one draw of it:
 *   .line('= \\mathbb E \\max(\\mu + \\epsilon, 0)', ll.verify.replicate(200, ({ mu }, g) => Math.max(mu + g.nextNormal(), 0)))
 */
export function replicate<S>(n: number, f: (state: S, rng: Rng) => unknown): (state: S, rng: Rng) => ReplicatedEstimate {
  REPLICATE.check(arguments);
  return (state: S, g: Rng) => {
    const reps: number[][] = [];
    for (let r = 0; r < n; r++) {
      const gr = g.split();
      reps.push(tf.tidy(() => {
        const v = f(state, gr);
        const nums = readNumbers(v, `replicate ${r + 1}`);
        return nums;
      }));
      if (reps[r].length !== reps[0].length) throw new Error(`replicate: replicate ${r + 1} has ${reps[r].length} entries, replicate 1 has ${reps[0].length}`);
    }
    const d = reps[0].length;
    const value = new Array<number>(d).fill(0), se = new Array<number>(d).fill(0);
    for (let j = 0; j < d; j++) {
      let m = 0;
      for (const rep of reps) m += rep[j];
      m /= n;
      let ss = 0;
      for (const rep of reps) ss += (rep[j] - m) ** 2;
      value[j] = m;
      se[j] = Math.sqrt(ss / (n - 1) / n);
    }
    return { value, se, replicates: reps };
  };
}
