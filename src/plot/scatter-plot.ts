// Scatter plot, coloured by label (latent codes by digit, samples by mixture component).
import { ChartOptions, Numbers, asNumbers, frame } from './series';
import { VegaLiteFigure } from './vega-lite-figure';

export function scatterPlot(args: ChartOptions & { x: Numbers; y: Numbers; labels?: ArrayLike<string | number>; pointSize?: number }): VegaLiteFigure {
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
