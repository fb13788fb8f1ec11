// Histogram on the density scale (count / (n·width)) with an optional density curve over it,
// e.g. samples against the exact density they should follow.
import { ChartOptions, Numbers, RANGE, asNumbers, frame } from './series';
import { VegaLiteFigure } from './vega-lite-figure';
import { checkKind, contract, count, record } from '../validation/contract';

const HISTOGRAM = contract('histogram', { args: record() });

/**
 * A histogram on the density scale, count / (n · bin width), so it integrates to 1 and can be laid over
 * the exact density it should follow (`density`): the picture of a sampler being right.
 *
 * @param args  `values` (non-finite ones are dropped), `bins` (40), `range` ([min, max] of the values),
 *   `density` x ↦ p(x) drawn as a curve, `densityLabel`, and the chart options
 * @example
 * ```ts
 * const x = new ll.Normal(0, 1).sample(ll.rng(0), 5000);
 * ll.histogram({ values: x, density: (v) => Math.exp(-v * v / 2) / Math.sqrt(2 * Math.PI), title: 'N(0, 1)' });
 * ```
 */
export function histogram(args: ChartOptions & { values: Numbers; bins?: number; range?: [number, number]; density?: (x: number) => number; densityLabel?: string }): VegaLiteFigure {
  HISTOGRAM.check(arguments);
  const xs = asNumbers(args.values, 'histogram: values').filter(Number.isFinite);
  if (xs.length === 0) throw new Error('histogram: values has no finite number');
  const bins = args.bins ?? 40;
  checkKind(count(), bins, 'bins', 'histogram');
  const [lo, hi] = args.range ?? [Math.min(...xs), Math.max(...xs)];
  checkKind(RANGE, [lo, hi], 'range', 'histogram');
  const width = (hi - lo) / bins;
  const counts = new Array(bins).fill(0);
  for (const x of xs) if (x >= lo && x <= hi) counts[Math.min(bins - 1, Math.floor((x - lo) / width))]++;
  const bars = counts.map((c, i) => ({ x0: lo + i * width, x1: lo + (i + 1) * width, density: c / (xs.length * width) }));
  const layers: Record<string, unknown>[] = [{
    data: { values: bars },
    mark: { type: 'rect', opacity: 0.6 },
    encoding: {
      x: { field: 'x0', type: 'quantitative', title: args.xTitle ?? 'x' },
      x2: { field: 'x1' },
      y: { field: 'density', type: 'quantitative', title: args.yTitle ?? 'density' },
    },
  }];
  if (args.density) {
    const f = args.density;
    const curve = Array.from({ length: 200 }, (_, i) => { const x = lo + ((hi - lo) * i) / 199; return { x, density: f(x) }; });
    layers.push({
      data: { values: curve },
      mark: { type: 'line', color: 'firebrick' },
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'density', type: 'quantitative' } },
    });
  }
  return new VegaLiteFigure({ ...frame(args), layer: layers });
}
