// The one shape every estimator returns: the estimate, its standard error and how many samples it rests on.
// A single number (T = number), one per data point (Float64Array) or one per parameter entry (Float64Array[]):
// the fields keep their names, so any estimate goes straight into a check (ll.checkMonteCarlo) or a table.

/**
 * An estimate with its Monte Carlo standard error and the number of samples behind it.
 *
 *     value ≈ E[f],   se = sd(f)/√n   (sd with the n − 1 denominator)
 *
 * `T` is `number` for one quantity; per-point estimates (`ll.infer.gaussianElbo`) have `Float64Array` (one entry
 * per point, n samples each) and gradient estimates (`ll.infer.reparameterizationGradient`) `Float64Array[]`
 * (one array per parameter, flattened row-major). An exact number has se = 0.
 *
 * @example
 * ```ts
 * const e: ll.Estimate = ll.estimateMean(ll.values(new ll.Normal(0, 1).sample(ll.rng(0), 10000)));
 * ll.checkMonteCarlo('E[x] = 0', e, 0);   // { value ≈ 0, se ≈ 0.01, n: 10000 }
 * ```
 */
export interface Estimate<T = number> {
  value: T;
  /** Standard error of value (entry by entry). 0 for an exact number. */
  se: T;
  /** The number of samples behind value (behind each entry of it). */
  n: number;
}
