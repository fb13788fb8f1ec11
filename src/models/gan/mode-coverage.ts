// Counting the modes a generator covers (mode collapse made a number; Srivastava et al. 2017's protocol for the
// ring of Gaussians): each sample goes to its nearest mode centre if within `radius` of it (a "high-quality"
// sample), and a mode counts as covered when it holds at least `minShare` of its fair share n/K of the samples.
import { contract, count, num, numberArray, options as optionsKind, positive } from '../../validation/contract';

const POINTS = numberArray({ shape: ['n', 'd'], finite: true, what: 'points as rows [n, d]' });
const CENTERS = numberArray({ shape: ['K', 'd'], finite: true, what: 'mode centres as rows [K, d]' });
const COVERAGE = contract('modeCoverage', {
  samples: POINTS, centers: CENTERS,
  options: optionsKind({ radius: positive(), minShare: num({ min: 0, max: 1 }) }, { required: ['radius'] }),
});

const RING = contract('ringCenters', { components: count({ max: 1e6 }), radius: positive() });

/** What modeCoverage finds. */
export interface ModeCoverage {
  /** samples assigned to each mode (nearest centre, within the radius) [K] */
  counts: number[];
  /** modes holding at least minShare · n/K samples */
  covered: number;
  /** the share of samples within the radius of some centre */
  highQuality: number;
  /** the samples per mode as shares of the high-quality samples [K] (zeros when there are none) */
  shares: number[];
}

/**
 * Modes covered and samples per mode. A sample x_i goes to mode k = argmin_k ‖x_i − c_k‖ when that distance is
 * at most `radius` (3 sd of a mode is the usual choice); mode k is covered when
 *
 *     count_k ≥ minShare · n / K      (minShare default 0.25: a quarter of its fair share)
 *
 * Shapes: samples [n, d], centers [K, d]. Example:
 * `ll.models.modeCoverage(points, centers, { radius: 0.3 })` → { counts, covered, highQuality, shares }.
 */
export function modeCoverage(samples: number[][], centers: number[][], options: { radius: number; minShare?: number }): ModeCoverage {
  COVERAGE.check(arguments);
  const K = centers.length, n = samples.length, r2 = options.radius ** 2;
  const minShare = options.minShare ?? 0.25;
  const counts = new Array<number>(K).fill(0);
  for (const x of samples) {
    let best = -1, bestD = Infinity;
    for (let k = 0; k < K; k++) {
      let d = 0;
      for (let j = 0; j < x.length; j++) d += (x[j] - centers[k][j]) ** 2;
      if (d < bestD) { bestD = d; best = k; }
    }
    if (bestD <= r2) counts[best]++;
  }
  const good = counts.reduce((s, c) => s + c, 0);
  return {
    counts,
    covered: counts.filter((c) => c > 0 && c >= (minShare * n) / K).length,
    highQuality: n > 0 ? good / n : 0,
    shares: counts.map((c) => (good > 0 ? c / good : 0)),
  };
}

/** The K centres of ll.data.gaussianRing's modes: (r cos 2πk/K, r sin 2πk/K). Example: `ringCenters(8, 2)`. */
export function ringCenters(components: number, radius: number): number[][] {
  RING.check(arguments);
  return Array.from({ length: components }, (_, k) => [radius * Math.cos((2 * Math.PI * k) / components), radius * Math.sin((2 * Math.PI * k) / components)]);
}
