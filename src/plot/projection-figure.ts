// The board figure of lecture 001's "projection of 2-D data onto 1-D space" (PPCA, D06, D08): the data,
// the principal subspace {μ + t·w}, each point's reconstruction x̂_n on it, and a segment x_n → x̂_n.
// For PPCA the reconstruction is x̂ = W E[z | x] + μ with E[z | x] = M⁻¹Wᵀ(x − μ) (D06).
import { ChartOptions, frame } from './series';
import { VegaLiteFigure } from './vega-lite-figure';
import { arrayOf, checkKind, record, where, type Kind } from '../validation/contract';

// a point of the figure: its first two coordinates are drawn, so they must be finite
const XY: Kind = { expected: 'a point holding two finite numbers', test: (r) => (Array.isArray(r) && r.length >= 2 && Number.isFinite(r[0]) && Number.isFinite(r[1]) ? undefined : `got ${JSON.stringify(r)}`) };
const pointsOf = (c: { args: Readonly<Record<string, unknown>> }) => (c.args.points as unknown[]).length;
const POINTS = { ...arrayOf(XY, { minLength: 1 }), expected: 'a non-empty array of [x, y]' };
const RECONSTRUCTIONS = where(arrayOf(XY), (c) => `have one row per point (${pointsOf(c)})`, (r: unknown[], c) => r.length === pointsOf(c) || `got ${r.length}`);

export interface ProjectionFigureArgs extends ChartOptions {
  /** The data x_n, [N][2] (the first two coordinates are drawn). */
  points: number[][];
  /** The reconstructions x̂_n, [N][2], one per point. */
  reconstructions: number[][];
  /** The subspace: a point on it (μ, [2]) and its direction (a column of W, [2]); drawn across the data. */
  subspace?: { origin: number[]; direction: number[] };
}

/**
 * Data, reconstructions and the principal subspace in one 2-D figure: blue points x_n, orange points
 * x̂_n, a grey segment from each x_n to its x̂_n, and the subspace line μ + t·w spanning the data.
 * Both axes have the same units (a square plot, 360 px unless width/height say otherwise), so an
 * orthogonal projection looks orthogonal.
 * @example projectionFigure({ points: X, reconstructions: X.map((x) => fit.reconstruct(x)),
 *   subspace: { origin: fit.mu, direction: fit.W.getColumn(0) } })
 */
export function projectionFigure(args: ProjectionFigureArgs): VegaLiteFigure {
  checkKind(record(), args, 'args', 'projectionFigure');
  const { points, reconstructions } = args;
  checkKind(POINTS, points, 'points', 'projectionFigure');
  checkKind(RECONSTRUCTIONS, reconstructions, 'reconstructions', 'projectionFigure', { args: { points } });
  // equal units on both axes (a square plot over a square domain), so that right angles look right
  const all = [...points, ...reconstructions];
  const extent = (k: number) => [Math.min(...all.map((p) => p[k])), Math.max(...all.map((p) => p[k]))];
  const [ex, ey] = [extent(0), extent(1)];
  const span = 1.1 * Math.max(ex[1] - ex[0], ey[1] - ey[0], 1e-9);
  const domain = (e: number[]) => [(e[0] + e[1]) / 2 - span / 2, (e[0] + e[1]) / 2 + span / 2];
  const x = (s: string) => ({ field: 'x', type: 'quantitative', title: args.xTitle ?? s, scale: { domain: domain(ex), nice: false } });
  const y = (s: string) => ({ field: 'y', type: 'quantitative', title: args.yTitle ?? s, scale: { domain: domain(ey), nice: false } });
  const layer: Record<string, unknown>[] = [];
  if (args.subspace) {
    const { origin: o, direction: d } = args.subspace;
    const norm = Math.hypot(d[0], d[1]);
    if (!(norm > 0) || !Number.isFinite(o[0]) || !Number.isFinite(o[1])) {
      checkKind(where(record(), 'have a finite origin [2] and a non-zero direction [2]', () => `got origin [${o}] and direction [${d}]`), args.subspace, 'subspace', 'projectionFigure');
    }
    // the line spans the data's extent along the direction
    const ts = points.map((p) => ((p[0] - o[0]) * d[0] + (p[1] - o[1]) * d[1]) / norm);
    const pad = 0.1 * (Math.max(...ts) - Math.min(...ts));
    const lo = Math.min(...ts) - pad, hi = Math.max(...ts) + pad;
    const u = [d[0] / norm, d[1] / norm];
    layer.push({
      data: { values: [{ x: o[0] + lo * u[0], y: o[1] + lo * u[1], x2: o[0] + hi * u[0], y2: o[1] + hi * u[1] }] },
      mark: { type: 'rule', color: 'black', strokeWidth: 2, clip: true },
      encoding: { x: x('x₁'), y: y('x₂'), x2: { field: 'x2' }, y2: { field: 'y2' } },
    });
  }
  layer.push(
    {
      data: { values: points.map((p, i) => ({ x: p[0], y: p[1], x2: reconstructions[i][0], y2: reconstructions[i][1] })) },
      mark: { type: 'rule', color: 'grey', strokeWidth: 0.7, opacity: 0.7 },
      encoding: { x: x('x₁'), y: y('x₂'), x2: { field: 'x2' }, y2: { field: 'y2' } },
    },
    {
      data: {
        values: [
          ...points.map((p) => ({ x: p[0], y: p[1], kind: 'data x' })),
          ...reconstructions.map((p) => ({ x: p[0], y: p[1], kind: 'reconstruction x̂' })),
        ],
      },
      mark: { type: 'circle', size: 22, opacity: 0.85 },
      encoding: { x: x('x₁'), y: y('x₂'), color: { field: 'kind', type: 'nominal', title: null } },
    },
  );
  const size = args.width ?? args.height ?? 360;
  return new VegaLiteFigure({ ...frame({ ...args, width: args.width ?? size, height: args.height ?? size }), layer });
}
