// The transformations ArviZ (after Vehtari et al. 2021, "Rank-normalization, folding, and
// localization: an improved R-hat") applies before computing R-hat and the bulk ESS:
//   split:  each chain's first and second halves become two chains (a drifting chain then shows as
//           two chains that disagree);
//   rank-normalize:  replace every draw, pooled over chains, by Φ⁻¹((r − 3/8)/(S + 1/4)) with r its
//           average rank among the S draws, so heavy tails and infinite variances cannot hide anything.
import { checkKind, num, numberArray } from '../../validation/contract';

/** The kind of draws [chain][draw] of one quantity: ≥ 1 chain, one length ≥ minDraws, all finite (draws[i][t] named). */
export const drawsKind = (minDraws = 4) => numberArray({
  depth: 2, min: [1, minDraws], finite: true, axes: ['chains', 'draws per chain'],
  what: '[chain][draw] (one quantity; use ll.infer.coordinate for one dimension of samples)',
});

const QUANTILE = num({ above: 0, below: 1 });

/** Each chain's first and last ⌊n/2⌋ draws as two chains (ArviZ's _split_chains; an odd middle draw is dropped). */
export function splitChains(draws: number[][]): number[][] {
  const half = Math.floor(draws[0].length / 2);
  return [...draws.map((c) => c.slice(0, half)), ...draws.map((c) => c.slice(c.length - half))];
}

/** Φ⁻¹(u) by Acklam's rational approximation (relative error below 1.2e-9). */
export function normalQuantile(u: number): number {
  checkKind(QUANTILE, u, 'u', 'normalQuantile');
  const a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
  const b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
  const c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
  const d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
  const lo = 0.02425;
  if (u < lo || u > 1 - lo) {
    const s = Math.sqrt(-2 * Math.log(u < lo ? u : 1 - u));
    const x = (((((c[0] * s + c[1]) * s + c[2]) * s + c[3]) * s + c[4]) * s + c[5]) / ((((d[0] * s + d[1]) * s + d[2]) * s + d[3]) * s + 1);
    return u < lo ? x : -x;
  }
  const s = u - 0.5, r = s * s;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * s / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** ArviZ's _z_scale: every draw, pooled over all chains, replaced by Φ⁻¹((rank − 3/8)/(S + 1/4)), ties given their average rank. */
export function rankNormalize(draws: number[][]): number[][] {
  const flat = draws.flat();
  const S = flat.length;
  const order = flat.map((_, i) => i).sort((i, j) => flat[i] - flat[j]);
  const rank = new Array<number>(S);
  for (let k = 0; k < S;) {
    let e = k;
    while (e + 1 < S && flat[order[e + 1]] === flat[order[k]]) e++;
    const avg = (k + e) / 2 + 1;   // ranks are 1-based
    for (let i = k; i <= e; i++) rank[order[i]] = avg;
    k = e + 1;
  }
  const n = draws[0].length;
  return draws.map((c, ci) => c.map((_, t) => normalQuantile((rank[ci * n + t] - 0.375) / (S + 0.25))));
}
