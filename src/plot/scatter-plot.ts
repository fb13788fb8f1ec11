// Scatter plot, coloured by label (latent codes by digit, samples by mixture component).
import { ChartOptions, Numbers, asNumbers, frame } from './series';
import { VegaLiteFigure } from './vega-lite-figure';
import { checkKind, record } from '../validation/contract';

/**
 * A scatter plot of points (x_i, y_i), coloured by label when `labels` is given: latent codes by digit,
 * samples by mixture component. A `VegaLiteFigure`: interactive in JupyterLab, a PNG elsewhere.
 *
 * Shapes: `x` and `y` of the same length n (numbers, arrays or 1-D tensors), `labels` of length n.
 *
 * @param args  `x`, `y`, optional `labels`, `pointSize`, and the chart's `title`, `xTitle`, `yTitle`, `width`, `height`
 * @example
 * ```ts
 * const z = ll.rows(q.sample(ll.rng(0), 500));   // [500, 2] as rows of numbers
 * ll.scatterPlot({ x: z.map((p) => p[0]), y: z.map((p) => p[1]), title: 'z ~ q' });
 * ```
 */
export function scatterPlot(args: ChartOptions & { x: Numbers; y: Numbers; labels?: ArrayLike<string | number>; pointSize?: number }): VegaLiteFigure {
  checkKind(record(), args, 'args', 'scatterPlot');
  const x = asNumbers(args.x, 'scatterPlot: x');
  const y = asNumbers(args.y, 'scatterPlot: y');
  if (x.length !== y.length) throw new Error(`scatterPlot: x has ${x.length} points, y has ${y.length}`);
  // A point at infinity has no place on the axes: vega would silently drop or misplace it.
  for (const [name, v] of [['x', x], ['y', y]] as const) {
    const i = v.findIndex((u) => !Number.isFinite(u));
    if (i >= 0) throw new Error(`scatterPlot: ${name}[${i}] is not finite (${v[i]}); a point at infinity cannot be drawn`);
  }
  if (args.labels && args.labels.length !== x.length) throw new Error(`scatterPlot: labels has ${args.labels.length} entries, x has ${x.length}`);
  const values = x.map((xi, i) => ({ x: xi, y: y[i], ...(args.labels ? { label: String(args.labels[i]) } : {}) }));
  return new VegaLiteFigure({
    ...frame(args),
    data: { values },
    mark: { type: 'circle', size: args.pointSize ?? 16, opacity: 0.7 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: args.xTitle ?? 'x', scale: { zero: false } },
      y: { field: 'y', type: 'quantitative', title: args.yTitle ?? 'y', scale: { zero: false } },
      ...(args.labels ? { color: { field: 'label', type: 'nominal', title: 'label' } } : {}),
    },
  });
}
