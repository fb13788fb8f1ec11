// The density of a 1-D distribution on a grid (several curves can be compared).
import * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from '../distributions/distribution';
import { ChartOptions, frame } from './series';
import { VegaLiteFigure } from './vega-lite-figure';

type Density1D = Distribution | ((xs: number[]) => number[]);

function densityValues(d: Density1D, xs: number[], name: string): number[] {
  if (typeof d === 'function') {
    const ys = d(xs);
    if (ys.length !== xs.length) throw new Error(`densityPlot: '${name}' returned ${ys.length} values for ${xs.length} points`);
    return ys;
  }
  if (d.batchShape.length !== 0 || d.eventShape.length !== 0) throw new Error(`densityPlot: '${name}' must be a scalar distribution (batch [], event [])`);
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
  const [lo, hi] = args.range;
  if (!(hi > lo)) throw new Error(`densityPlot: range must have hi > lo, got [${lo}, ${hi}]`);
  const n = args.points ?? 300;
  const xs = Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
  const names = Object.keys(args.densities ?? {});
  if (names.length === 0) throw new Error('densityPlot: densities must name at least one density');
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
