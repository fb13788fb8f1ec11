// Bars: KL per latent dimension, effective sample sizes, scores.
import { ChartOptions, Numbers, asNumbers, frame } from './series';
import { VegaLiteFigure } from './vega-lite-figure';
import { checkKind, record } from '../validation/contract';

/**
 * A bar chart of one value per label: KL per latent dimension (posterior collapse, D32), effective
 * sample sizes, scores.
 *
 * @param args  `labels` and `values` of the same length, and the chart options
 * @example
 * ```ts
 * ll.barChart({ labels: ['z1', 'z2', 'z3'], values: [2.1, 0.02, 1.4], yTitle: 'KL (nats)' });
 * ```
 */
export function barChart(args: ChartOptions & { labels: ArrayLike<string | number>; values: Numbers }): VegaLiteFigure {
  checkKind(record(), args, 'args', 'barChart');
  const v = asNumbers(args.values, 'barChart: values');
  if (args.labels.length !== v.length) throw new Error(`barChart: labels has ${args.labels.length} entries, values has ${v.length}`);
  const labels = Array.from(args.labels, String);
  return new VegaLiteFigure({
    ...frame(args),
    data: { values: v.map((value, i) => ({ label: labels[i], value })) },
    mark: 'bar',
    encoding: {
      x: { field: 'label', type: 'nominal', sort: null, title: args.xTitle ?? null },
      y: { field: 'value', type: 'quantitative', title: args.yTitle ?? 'value' },
    },
  });
}
