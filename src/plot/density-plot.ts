// The density of a 1-D distribution on a grid (several curves can be compared).
import * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from '../distributions/distribution';
import { ChartOptions, RANGE, frame } from './series';
import { VegaLiteFigure } from './vega-lite-figure';
import { checkKind, count, distribution, oneOf, func, optional, record, where } from '../validation/contract';

const DENSITY = oneOf(where(distribution(), 'be a scalar distribution (batch [], event [])', (d: Distribution) => d.batchShape.length === 0 && d.eventShape.length === 0),
  func('a function of points xs [n] to densities [n]'));
const DENSITIES = where(record('densities by name'), 'name at least one density', (v: object) => Object.keys(v).length > 0 || 'got {}');
const POINTS = optional(count({ min: 2, max: 1e7 }));

type Density1D = Distribution | ((xs: number[]) => number[]);

function densityValues(d: Density1D, xs: number[], name: string): number[] {
  if (typeof d === 'function') {
    const ys = d(xs);
    if (ys.length !== xs.length) throw new Error(`densityPlot: '${name}' returned ${ys.length} values for ${xs.length} points`);
    return ys;
  }
  return tf.tidy(() => Array.from(tf.exp(d.logProb(tf.tensor1d(xs))).dataSync()));
}

/**
 * p(x) on [range[0], range[1]] for each named density (a scalar Distribution or a vectorized function).
 *
 * @example
 * ```ts
 * ll.plot.densityPlot({ densities: { 'N(0, 1)': new ll.Normal(0, 1), 'Laplace(0, 1)': new ll.dist.Laplace(0, 1) }, range: [-5, 5] });
 * ```
 */
export function densityPlot(args: ChartOptions & { densities: Record<string, Density1D>; range: [number, number]; points?: number }): VegaLiteFigure {
  checkKind(record(), args, 'args', 'densityPlot');
  checkKind(RANGE, args.range, 'range', 'densityPlot');
  checkKind(POINTS, args.points, 'points', 'densityPlot');
  checkKind(DENSITIES, args.densities, 'densities', 'densityPlot');
  const names = Object.keys(args.densities);
  for (const name of names) checkKind(DENSITY, args.densities[name], `densities['${name}']`, 'densityPlot');
  const [lo, hi] = args.range;
  const n = args.points ?? 300;
  const xs = Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
  const values = names.flatMap((name) => densityValues(args.densities[name], xs, name).map((p, i) => ({ x: xs[i], density: p, name })));
  return new VegaLiteFigure({
    ...frame(args),
    data: { values },
    mark: 'line',
    encoding: {
      x: { field: 'x', type: 'quantitative', title: args.xTitle ?? 'x' },
      y: { field: 'density', type: 'quantitative', title: args.yTitle ?? 'density' },
      // the legend and the palette follow the caller's order, not vega's alphabetical default
      color: { field: 'name', type: 'nominal', title: null, scale: { domain: names } },
    },
  });
}
