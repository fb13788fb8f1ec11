// Toy 2-D data sets for flows and diffusion, seeded. Each returns n points as number[][] ([n, 2]).
import { Rng } from '../random/rng';
import { contract, count, num, optional, options as optionsKind, positive, rngKind } from '../validation/contract';

// the boundary: a generator, a point count that fits in memory, known option keys
const N = count({ entriesEach: 2 });
const TWO_MOONS = contract('twoMoons', { rng: rngKind(), n: N, options: optional(optionsKind({ noise: num({ min: 0 }) })) });
const SWISS_ROLL = contract('swissRoll', { rng: rngKind(), n: N, options: optional(optionsKind({ noise: num({ min: 0 }) })) });
const RING = contract('gaussianRing', { rng: rngKind(), n: N, options: optional(optionsKind({ components: count({ max: 1e6 }), radius: num({ min: 0 }), sd: num({ min: 0 }) })) });

/**
 * Two interleaving half circles (as scikit-learn's make_moons), with Gaussian noise.
 *
 * @example
 * ```ts
 * ll.data.twoMoons(ll.rng(0), 1000, { noise: 0.05 });   // 1000 points [x, y]
 * ```
 */
export function twoMoons(rng: Rng, n: number, options: { noise?: number } = {}): number[][] {
  TWO_MOONS.check(arguments);
  const noise = options.noise ?? 0.05;
  return Array.from({ length: n }, (_, i) => {
    const t = Math.PI * rng.nextUniform();
    const [x, y] = i % 2 === 0 ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
    return [x + noise * rng.nextNormal(), y + noise * rng.nextNormal()];
  });
}

/**
 * A 2-D swiss roll: (t cos t, t sin t)/5 for t in [1.5π, 4.5π], with noise.
 *
 * @example
 * ```ts
 * ll.data.swissRoll(ll.rng(0), 1000);
 * ```
 */
export function swissRoll(rng: Rng, n: number, options: { noise?: number } = {}): number[][] {
  SWISS_ROLL.check(arguments);
  const noise = options.noise ?? 0.1;
  return Array.from({ length: n }, () => {
    const t = 1.5 * Math.PI * (1 + 2 * rng.nextUniform());
    return [(t * Math.cos(t)) / 5 + noise * rng.nextNormal(), (t * Math.sin(t)) / 5 + noise * rng.nextNormal()];
  });
}

/**
 * k Gaussians of standard deviation sd evenly spaced on a circle of the given radius.
 *
 * @example
 * ```ts
 * ll.data.gaussianRing(ll.rng(0), 1000, { components: 8, radius: 2, sd: 0.1 });
 * ```
 */
export function gaussianRing(rng: Rng, n: number, options: { components?: number; radius?: number; sd?: number } = {}): number[][] {
  RING.check(arguments);
  const k = options.components ?? 8, r = options.radius ?? 2, sd = options.sd ?? 0.1;
  return Array.from({ length: n }, () => {
    const a = (2 * Math.PI * rng.int(k)) / k;
    return [r * Math.cos(a) + sd * rng.nextNormal(), r * Math.sin(a) + sd * rng.nextNormal()];
  });
}
