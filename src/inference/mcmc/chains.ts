// The shape every sampler here returns and every diagnostic reads: draws[chain][draw][dim], several
// chains started apart, so that disagreement between them can show a sampler that has not mixed.
import { contract, describeAny, num, numberArray, where, type Kind } from '../../validation/contract';

/** Draws of several chains: [chain][draw][dim]. */
export type Chains = number[][][];

/** The kind of a sampler's `init`, starting points [chains][dim]: every chain with the same dim ≥ 1, finite entries (init[c][j] named). */
export const STARTS = numberArray({ depth: 2, min: [1, 1], finite: true, axes: ['chains', 'dimensions'], what: 'an array of starting points [chains][dim]' });

// draws of every chain: a non-empty array whose first chain's first draw is a point [dim]
const CHAINS: Kind = {
  expected: 'draws [chain][draw][dim]',
  test: (v) => (Array.isArray(v) && v.length > 0 && Array.isArray(v[0]) && Array.isArray(v[0][0]) ? undefined : `got ${describeAny(v)}`),
};
const dimsOf = (c: { args: Readonly<Record<string, unknown>> }) => (c.args.chains as Chains)[0][0].length;
const COORDINATE = contract('coordinate', {
  chains: CHAINS,
  dim: where(num({ integer: true, min: 0 }), (c) => `be an integer in [0, ${dimsOf(c) - 1}]`, (d: number, c) => d < dimsOf(c)),
});

/**
 * One coordinate of every draw: [chain][draw] for dimension `dim` — what ESS and R-hat read.
 *
 * @param chains  draws [chain][draw][dim]
 * @param dim  which coordinate
 * @returns [chain][draw]
 * @example
 * ```ts
 * const { samples } = ll.infer.randomWalkMetropolis(ll.rng(0), { logDensity: (x) => -0.5 * x[0] ** 2, init: [[0], [1]], steps: 100 });
 * ll.infer.coordinate(samples, 0);   // [2][100]
 * ```
 */
export function coordinate(chains: Chains, dim: number): number[][] {
  COORDINATE.check(arguments);
  return chains.map((c) => c.map((x) => x[dim]));
}
