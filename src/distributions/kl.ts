// The KL registry: closed forms are registered next to their distributions (normal.ts, mvn.ts,
// bernoulli.ts, categorical.ts); every other pair falls back to Monte Carlo with a standard error.
// KL(q‖p) = E_q[log q(z) − log p(z)] ≥ 0, = 0 iff q = p, and KL(q‖p) ≠ KL(p‖q) in general (D16).
import { checkKind, contract, count, distribution, func, options, rngKind, where } from '../validation/contract';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random/rng';
import { Distribution, broadcastShapes } from './distribution';
import { integerAtLeast } from '../validation/arguments';
import type { Estimate } from '../inference/estimate';

// the boundary: two distributions (and for the Monte Carlo estimate a generator and a sample count that fits in memory)
const KL = contract('kl', { q: distribution(), p: distribution() });
const HAS_KL = contract('hasClosedFormKL', { q: distribution(), p: distribution() });
const KL_MC = contract('klMonteCarlo', { rng: rngKind(), q: distribution(), p: distribution(), options: options({ samples: count({ min: 2, entriesEach: 4 }) }, { required: ['samples'] }) });

// p against q (the argument before it): the relations KL(q‖p) needs, as kinds on p whose messages name q too
const qOf = (c: { args: Readonly<Record<string, unknown>> }) => c.args.q as Distribution;
const broadcasts = (a: number[], b: number[]) => { try { broadcastShapes(a, b, ['q', 'p']); return true; } catch { return false; } };
const EVENT_OF_Q = where(distribution(), (c) => `have q's event shape [${qOf(c).eventShape}] (KL needs the same event shape)`,
  (p: Distribution, c) => (p.eventShape.length === qOf(c).eventShape.length && p.eventShape.join() === qOf(c).eventShape.join()) || `got event shape [${p.eventShape}]`);
const BATCH_WITH_Q = where(distribution(), (c) => `have a batch shape that broadcasts with q's [${qOf(c).batchShape}]`,
  (p: Distribution, c) => broadcasts(qOf(c).batchShape, p.batchShape) || `got batch shape [${p.batchShape}]`);
const SUPPORT_OF_Q = where(distribution(), (c) => `be ${qOf(c).support} like q (${qOf(c).constructor.name}): KL(q‖p) is only defined between distributions of the same kind`,
  (p: Distribution, c) => !(qOf(c).support && p.support && qOf(c).support !== p.support) || `got ${p.constructor.name}, ${p.support}`);
const CLOSED_FORM_WITH_Q = where(distribution(), (c) => `be a family with a closed-form KL from q (${qOf(c).constructor.name}); for other pairs use klMonteCarlo(rng, q, p, { samples })`,
  (p: Distribution, c) => findKL(qOf(c), p) !== undefined || `got ${p.constructor.name}`);

type Ctor<T> = abstract new (...args: never[]) => T;
type KLFn = (q: Distribution, p: Distribution) => tf.Tensor;

const registry: { q: Ctor<Distribution>; p: Ctor<Distribution>; fn: KLFn }[] = [];

const REGISTER = contract('registerKL', { qClass: func('a distribution class (its constructor)'), pClass: func('a distribution class (its constructor)'), fn: func('a function (q, p) → KL(q‖p)') });

/** Registers the closed form of KL(q‖p) for q of class Q and p of class P. */
export function registerKL<Q extends Distribution, P extends Distribution>(
  qClass: Ctor<Q>, pClass: Ctor<P>, fn: (q: Q, p: P) => tf.Tensor): void {
  REGISTER.check(arguments);
  registry.push({ q: qClass, p: pClass, fn: fn as unknown as KLFn });
}

function findKL(q: Distribution, p: Distribution): KLFn | undefined {
  return registry.find((e) => q.constructor === e.q && p.constructor === e.p)?.fn;
}

/** True when KL(q‖p) has a registered closed form. */
export function hasClosedFormKL(q: Distribution, p: Distribution): boolean {
  HAS_KL.check(arguments);
  return findKL(q, p) !== undefined;
}

/**
 * Throws, naming both shapes, unless q and p have the same event shape and broadcastable batch shapes
 * (KL compares two distributions over the same space; a shape mismatch is a mistake, not a broadcast).
 */
export function checkKLShapes(q: Distribution, p: Distribution, fn: string): void {
  checkKind(EVENT_OF_Q, p, 'p', fn, { args: { q } });
  checkKind(BATCH_WITH_Q, p, 'p', fn, { args: { q } });
}

/** Throws when one of q, p is continuous and the other discrete: a density against a probability mass has no KL. */
function checkSupports(q: Distribution, p: Distribution, fn: string): void {
  checkKind(SUPPORT_OF_Q, p, 'p', fn, { args: { q } });
}

/**
 * KL(q‖p) in closed form, shape [...batch]. Throws, naming both classes, where none is registered.
 *
 *     KL(q ‖ p) = E_q[log q(z) − log p(z)] ≥ 0, with equality only when q = p (D16)
 *
 * Closed forms are registered for Normal‖Normal and MultivariateNormal‖MultivariateNormal (D17),
 * Bernoulli‖Bernoulli and Categorical‖Categorical; summed over the event axes. Shapes: the two
 * distributions must have the same event shape; returns [...batch]. See docs/derivations.md#d17.
 *
 * @example
 * ```ts
 * const q = new ll.Normal([0.5, -1], [0.8, 1.2], { eventDims: 1 });
 * ll.kl(q, new ll.Normal([0, 0], [1, 1], { eventDims: 1 }));   // ½ Σ_j (μ_j² + σ_j² − 1) − Σ_j log σ_j
 * ```
 */
export function kl(q: Distribution, p: Distribution): tf.Tensor {
  KL.check(arguments);
  checkSupports(q, p, 'kl');
  checkKLShapes(q, p, 'kl');
  const fn = findKL(q, p);
  if (!fn) checkKind(CLOSED_FORM_WITH_Q, p, 'p', 'kl', { args: { q } });
  return fn!(q, p);
}

/**
 * value ± se: KL between the whole batches (independent entries, so the sum of the entries' KLs, with
 * se = √Σ se²); for a scalar batch simply KL(q‖p). `entries` holds one Estimate per batch entry.
 */
export interface KLEstimate extends Estimate {
  entries: Estimate[];
}

/**
 * KL(q‖p) ≈ (1/n) Σ [log q(z_i) − log p(z_i)], z_i ~ q, with its standard error (D16).
 * A draw where p has no density (log p = −∞, e.g. q = N(0, 1) against p = Uniform(0, 1)) makes the
 * estimate +∞ with se 0: q puts mass where p has none, so KL(q‖p) = +∞. A continuous q against a discrete p
 * (or the reverse) is an error: the supports differ.
 *
 *     KL(q ‖ p) ≈ (1/n) Σ_i [log q(z_i) − log p(z_i)],  z_i ~ q
 *
 * An unbiased estimate for pairs without a closed form (or to check one, D16, D17).
 *
 * @example
 * ```ts
 * const q = new ll.Normal(0, 1), p = new ll.dist.Laplace(0, 1);
 * ll.dist.klMonteCarlo(ll.rng(0), q, p, { samples: 10000 });   // { value, se, n, … }
 * ```
 */
export function klMonteCarlo(rng: Rng, q: Distribution, p: Distribution, options: { samples: number }): KLEstimate {
  KL_MC.check(arguments);
  const n = options?.samples;
  integerAtLeast(n, 2, 'klMonteCarlo', 'samples');
  checkSupports(q, p, 'klMonteCarlo');
  checkKLShapes(q, p, 'klMonteCarlo');
  const [estimate, se] = tf.tidy(() => {
    const z = q.sample(rng, n);
    const d = tf.sub(q.logProb(z), p.logProb(z));
    const { mean, variance } = tf.moments(d, 0);
    const infinite = tf.equal(mean, Infinity);
    // moments of values containing +∞ give a NaN variance; the estimate +∞ is exact there
    const seFinite = tf.sqrt(tf.div(tf.mul(variance, n / (n - 1)), n));
    return [mean, tf.where(infinite, tf.zerosLike(seFinite), seFinite)];
  });
  const values = Array.from(estimate.dataSync()), ses = Array.from(se.dataSync());
  tf.dispose([estimate, se]);
  const entries = values.map((value, i) => ({ value, se: ses[i], n }));
  return {
    value: values.reduce((a, b) => a + b, 0),
    se: Math.sqrt(ses.reduce((a, b) => a + b * b, 0)),
    n,
    entries,
  };
}
