// The denoising chain as a picture: each sample's x_t at a few steps t = T … 0, one row per sample,
// one column per step (a frame-by-frame view of ancestral sampling, lecture 003).
import * as tf from '@tensorflow/tfjs-core';
import { SampleResult } from './ddpm';
import { checkKind, contract, describeAny, record, where } from '../../validation/contract';

// which steps were kept is checked against the result below (a relation between the two arguments)
const KEPT_STEPS = { expected: 'a non-empty array of kept steps', test: (v: unknown) => (Array.isArray(v) && v.length > 0 ? undefined : `got ${describeAny(v)}`) };

// what ImageDDPM.sample returns: its frames are a Map from step to pixels
const RESULT = where(record('a sample result { pixels, frames }'), 'be what ImageDDPM.sample returns, { pixels, frames } with frames a Map of kept steps', (r: { frames?: unknown }) => r.frames instanceof Map || 'got no Map in frames');
const DENOISING_CHAIN = contract('denoisingChain', { result: RESULT, steps: KEPT_STEPS });

/**
 * The frames of `result` at `steps` (each must have been kept by sample's `frames` option), arranged
 * sample by sample: row i·F + f is sample i at steps[f]; [n·F, D], for imageGrid with F columns.
 * @example const s = m.sample(ll.rng(0), 4, { steps: 50, frames: [1000, 500, 0] });
 *          ll.plot.imageGrid(denoisingChain(s, [1000, 500, 0]), { columns: 3 })
 */
export function denoisingChain(result: SampleResult, steps: number[]): tf.Tensor2D {
  DENOISING_CHAIN.check(arguments);
  const missing = steps.filter((t) => !result.frames.has(t));
  if (missing.length) throw new Error(`denoisingChain: step(s) ${missing.join(', ')} were not kept; pass them in sample's frames option (kept: ${[...result.frames.keys()].join(', ')})`);
  return tf.tidy(() => {
    const stacked = tf.stack(steps.map((t) => result.frames.get(t)!), 1);
    const [n, F, D] = stacked.shape;
    return tf.reshape(stacked, [n * F, D]) as tf.Tensor2D;
  });
}
