// A vector field drawn as arrows (a quiver plot): the score ∇ log p on a grid (lecture 003, score matching),
// optionally over a scatter of points (the data, or samples).
import { ChartOptions, frame } from './series';
import { VegaLiteFigure } from './vega-lite-figure';
import { checkKind, numberArray, record } from '../validation/contract';

// x binds n, the arrows; y, u and v have one entry per arrow (every entry finite, named where it is not)
const X = numberArray({ shape: ['n'], min: [1], finite: true, what: 'a non-empty array of finite numbers' });
const PER_ARROW = numberArray({ shape: ['n'], finite: true, what: 'an array of finite numbers, one per arrow' });

/**
 * Arrows from (x_k, y_k) to (x_k + c u_k, y_k + c v_k), with one length scale c for all (default: the longest
 * arrow spans 0.9 of a grid cell, assuming a square grid), over optional points. Shapes: x, y, u, v of equal length.
 * @example
 * ```ts
 * const f = ll.models.scoreField(net.scoreFunction, 0.1);
 * ll.plot.vectorFieldPlot({ ...f, points: data, title: 'learned score at σ = 0.1' });
 * ```
 */
export function vectorFieldPlot(args: ChartOptions & { x: number[]; y: number[]; u: number[]; v: number[]; scale?: number; points?: number[][] }): VegaLiteFigure {
  checkKind(record(), args, 'args', 'vectorFieldPlot');
  const { x, y, u, v } = args;
  const ctx = { dims: {} };
  checkKind(X, x, 'x', 'vectorFieldPlot', ctx);
  for (const [name, a] of [['y', y], ['u', u], ['v', v]] as const) checkKind(PER_ARROW, a, name, 'vectorFieldPlot', ctx);
  const n = x.length;
  const cell = (Math.max(...x) - Math.min(...x)) / Math.max(Math.sqrt(n) - 1, 1);
  const longest = Math.max(...u.map((ui, k) => Math.hypot(ui, v[k])), 1e-12);
  const c = args.scale ?? (0.9 * (cell > 0 ? cell : 1)) / longest;
  // an arrow is a rule plus a small circle at its head
  const arrows = x.map((xk, k) => ({ x: xk, y: y[k], x2: xk + c * u[k], y2: y[k] + c * v[k] }));
  const layers: Record<string, unknown>[] = [];
  if (args.points) {
    layers.push({
      data: { values: args.points.map((p) => ({ x: p[0], y: p[1] })) },
      mark: { type: 'circle', size: 8, opacity: 0.35, color: '#999' },
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
    });
  }
  layers.push({
    data: { values: arrows },
    mark: { type: 'rule', color: '#1f77b4' },
    encoding: { x: { field: 'x', type: 'quantitative', title: args.xTitle ?? 'x₁' }, y: { field: 'y', type: 'quantitative', title: args.yTitle ?? 'x₂' }, x2: { field: 'x2' }, y2: { field: 'y2' } },
  });
  layers.push({
    data: { values: arrows },
    mark: { type: 'circle', size: 10, color: '#1f77b4' },
    encoding: { x: { field: 'x2', type: 'quantitative' }, y: { field: 'y2', type: 'quantitative' } },
  });
  return new VegaLiteFigure({ ...frame({ width: 400, height: 400, ...args }), layer: layers });
}
