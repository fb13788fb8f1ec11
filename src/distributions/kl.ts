// The KL registry: closed forms are registered next to their distributions (normal.ts, mvn.ts,
// bernoulli.ts, categorical.ts); every other pair falls back to Monte Carlo with a standard error.
// KL(q‖p) = E_q[log q(z) − log p(z)] ≥ 0, = 0 iff q = p, and KL(q‖p) ≠ KL(p‖q) in general (D16).
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random/rng';
import { Distribution } from './distribution';

type Ctor<T> = abstract new (...args: never[]) => T;
type KLFn = (q: Distribution, p: Distribution) => tf.Tensor;

const registry: { q: Ctor<Distribution>; p: Ctor<Distribution>; fn: KLFn }[] = [];

/** Registers the closed form of KL(q‖p) for q of class Q and p of class P. */
export function registerKL<Q extends Distribution, P extends Distribution>(
  qClass: Ctor<Q>, pClass: Ctor<P>, fn: (q: Q, p: P) => tf.Tensor): void {
  registry.push({ q: qClass, p: pClass, fn: fn as unknown as KLFn });
}

function findKL(q: Distribution, p: Distribution): KLFn | undefined {
  return registry.find((e) => q.constructor === e.q && p.constructor === e.p)?.fn;
}

/** True when KL(q‖p) has a registered closed form. */
export function hasClosedFormKL(q: Distribution, p: Distribution): boolean {
  return findKL(q, p) !== undefined;
}

/** KL(q‖p) in closed form, shape [...batch]. Throws, naming both classes, where none is registered. */
export function kl(q: Distribution, p: Distribution): tf.Tensor {
  const fn = findKL(q, p);
  if (!fn) {
    throw new Error(`kl: no closed form for KL(${q.constructor.name}‖${p.constructor.name}); use klMonteCarlo(q, p, rng, n)`);
  }
  return fn(q, p);
}

export interface KLEstimate {
  /** The Monte Carlo estimate, one per batch entry. */
  estimate: Float32Array;
  /** Its standard error, sd/√n, one per batch entry. */
  se: Float32Array;
  samples: number;
}

/** KL(q‖p) ≈ (1/n) Σ [log q(z_i) − log p(z_i)], z_i ~ q, with its standard error (D16). */
export function klMonteCarlo(q: Distribution, p: Distribution, rng: Rng, n: number): KLEstimate {
  if (!Number.isInteger(n) || n < 2) throw new Error(`klMonteCarlo: n must be an integer ≥ 2, got ${n}`);
  const [estimate, se] = tf.tidy(() => {
    const z = q.sample(rng, n);
    const d = tf.sub(q.logProb(z), p.logProb(z));
    const { mean, variance } = tf.moments(d, 0);
    return [mean, tf.sqrt(tf.div(tf.mul(variance, n / (n - 1)), n))];
  });
  const out = { estimate: estimate.dataSync() as Float32Array, se: se.dataSync() as Float32Array, samples: n };
  tf.dispose([estimate, se]);
  return out;
}
