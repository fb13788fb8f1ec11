// Line chart with several series (training curves, bounds against K, …).
import { ChartOptions, Numbers, SERIES, asNumbers, checkLength, frame } from './series';
import { VegaLiteFigure } from './vega-lite-figure';
import { checkKind, record } from '../validation/contract';

/**
 * One line per named series; x defaults to 0, 1, 2, … (the step).
 *
 * @param args  `series` (name → values), `x` (shared by every series), `logY`, and the chart's `title`,
 *   `xTitle`, `yTitle`, `width`, `height`
 * @example
 * ```ts
 * ll.lineChart({ series: { ELBO: elbos, 'IWAE-50': iwaes }, xTitle: 'epoch', yTitle: 'nats' });
 * ```
 */
export function lineChart(args: ChartOptions & { series: Record<string, Numbers>; x?: Numbers; logY?: boolean }): VegaLiteFigure {
  checkKind(record(), args, 'args', 'lineChart');
  checkKind(SERIES, args.series, 'series', 'lineChart');
  const names = Object.keys(args.series);
  const x = args.x === undefined ? undefined : asNumbers(args.x, 'lineChart: x');
  const values = names.flatMap((name) => {
    const ys = asNumbers(args.series[name], `lineChart: series['${name}']`);
    if (x) checkLength(ys, x.length, `series['${name}']`, 'lineChart', 'one point per entry of x');
    return ys.map((y, i) => ({ x: x ? x[i] : i, y, series: name }));
  });
  return new VegaLiteFigure({
    ...frame(args),
    data: { values },
    mark: { type: 'line', point: values.length <= 60 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: args.xTitle ?? (x ? 'x' : 'step') },
      y: { field: 'y', type: 'quantitative', title: args.yTitle ?? 'value', scale: args.logY ? { type: 'log' } : { zero: false } },
      // the legend and the palette follow the caller's order, not vega's alphabetical default
      color: { field: 'series', type: 'nominal', title: null, scale: { domain: names } },
    },
  });
}
