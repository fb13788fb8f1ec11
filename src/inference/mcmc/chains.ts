// The shape every sampler here returns and every diagnostic reads: draws[chain][draw][dim], several
// chains started apart, so that disagreement between them can show a sampler that has not mixed.
import { describeValue } from '../../validation/arguments';

/** Draws of several chains: [chain][draw][dim]. */
export type Chains = number[][][];

/** Starting points [chains][dim]: a non-empty array of equally long arrays of finite numbers. */
export function checkStarts(init: unknown, fn: string, arg = 'init'): number[][] {
  if (!Array.isArray(init) || init.length === 0 || !init.every((x) => Array.isArray(x))) {
    throw new Error(`${fn}: ${arg} must be an array of starting points [chains][dim], got ${describeValue(init)}`);
  }
  const d = (init[0] as unknown[]).length;
  if (d === 0) throw new Error(`${fn}: ${arg} must have at least one dimension, got an empty starting point`);
  init.forEach((x: unknown[], c: number) => {
    if (x.length !== d) throw new Error(`${fn}: ${arg} must have one dimension for all chains: chain 0 has ${d}, chain ${c} has ${x.length}`);
    x.forEach((v, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${fn}: ${arg}[${c}][${j}] must be a finite number, got ${describeValue(v)}`);
    });
  });
  return (init as number[][]).map((x) => x.slice());
}

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
  if (!Array.isArray(chains) || chains.length === 0) throw new Error(`coordinate: chains must be draws [chain][draw][dim], got ${describeValue(chains)}`);
  const d = chains[0][0]?.length ?? 0;
  if (!Number.isInteger(dim) || dim < 0 || dim >= d) throw new Error(`coordinate: dim must be an integer in [0, ${d - 1}], got ${describeValue(dim)}`);
  return chains.map((c) => c.map((x) => x[dim]));
}
