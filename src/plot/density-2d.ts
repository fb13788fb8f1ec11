// A 2-D log-density on a grid, as a heatmap or as contour lines (marching squares), with samples over it.
import * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from '../distributions/distribution';
import { ChartOptions, RANGE, frame } from './series';
import { VegaLiteFigure } from './vega-lite-figure';
import { checkKind, contract, count, distribution, func, oneOf, record, where } from '../validation/contract';

const DENSITY_2D = contract('density2d', { args: record() });
const LOG_DENSITY = oneOf(distribution(), func('a function of points [n, 2] to log-densities [n]'));
// one density over the plane: a distribution of 2-D points
const PLANE = where(distribution(), 'have event shape [2] and batch []', (d: Distribution) => (d.eventShape.join() === '2' && d.batchShape.length === 0) || `got [${d.eventShape}] and [${d.batchShape}]`);

type LogDensity2D = Distribution | ((points: number[][]) => number[]);

function logDensityOn(d: LogDensity2D, pts: number[][]): number[] {
  if (typeof d === 'function') return d(pts);
  checkKind(PLANE, d, 'logDensity', 'density2d');
  return tf.tidy(() => Array.from(d.logProb(tf.tensor2d(pts)).dataSync()));
}

/** Line segments where the grid function crosses `level` (marching squares, linear interpolation). */
export function contourSegments(z: number[][], xs: number[], ys: number[], level: number): [number, number, number, number][] {
  const segs: [number, number, number, number][] = [];
  const lerp = (a: number, b: number, za: number, zb: number) => a + ((level - za) / (zb - za)) * (b - a);
  for (let j = 0; j + 1 < ys.length; j++) {
    for (let i = 0; i + 1 < xs.length; i++) {
      const c = [z[j][i], z[j][i + 1], z[j + 1][i + 1], z[j + 1][i]]; // corners: bl, br, tr, tl
      const p = [[xs[i], ys[j]], [xs[i + 1], ys[j]], [xs[i + 1], ys[j + 1]], [xs[i], ys[j + 1]]];
      const crossings: [number, number][] = [];
      for (let e = 0; e < 4; e++) {
        const a = e, b = (e + 1) % 4;
        if ((c[a] >= level) !== (c[b] >= level)) {
          crossings.push([lerp(p[a][0], p[b][0], c[a], c[b]), lerp(p[a][1], p[b][1], c[a], c[b])]);
        }
      }
      for (let k = 0; k + 1 < crossings.length; k += 2) segs.push([...crossings[k], ...crossings[k + 1]] as [number, number, number, number]);
    }
  }
  return segs;
}

/**
 * A 2-D density p(x, y) as a heatmap or as contour lines at fractions of its maximum, on a grid over
 * `xRange` × `yRange`, optionally with samples on top: a variational q against the target posterior,
 * a flow against its data.
 *
 * @param args  `logDensity` (a `Distribution` with event [2], or points [[x, y], …] ↦ log p), `xRange`,
 *   `yRange`, `steps` per axis (60), `kind` ('heatmap' or 'contour'), `levels`, `samples` ([n, 2]),
 *   and the chart options
 * @example
 * ```ts
 * const p = new ll.MultivariateNormal({ loc: [0, 0], covariance: [[1, 0.8], [0.8, 1]] });
 * ll.plot.density2d({ logDensity: p, xRange: [-3, 3], yRange: [-3, 3], kind: 'contour' });
 * ```
 */
export function density2d(args: ChartOptions & {
  logDensity: LogDensity2D;
  xRange: [number, number];
  yRange: [number, number];
  /** grid points per axis (default 60) */
  steps?: number;
  kind?: 'heatmap' | 'contour';
  /** contour levels of the density as fractions of its maximum (default 0.9, 0.7, 0.5, 0.3, 0.1, 0.03) */
  levels?: number[];
  samples?: number[][] | tf.Tensor;
}): VegaLiteFigure {
  DENSITY_2D.check(arguments);
  checkKind(LOG_DENSITY, args.logDensity, 'logDensity', 'density2d');
  checkKind(RANGE, args.xRange, 'xRange', 'density2d');
  checkKind(RANGE, args.yRange, 'yRange', 'density2d');
  const steps = args.steps ?? 60;
  checkKind(count({ min: 2, entries: (n) => n * n }), steps, 'steps', 'density2d');
  const axis = ([lo, hi]: [number, number]) => Array.from({ length: steps }, (_, i) => lo + ((hi - lo) * i) / (steps - 1));
  const xs = axis(args.xRange), ys = axis(args.yRange);
  const pts = ys.flatMap((y) => xs.map((x) => [x, y]));
  const lp = logDensityOn(args.logDensity, pts);
  const max = Math.max(...lp.filter(Number.isFinite));
  const grid = ys.map((_, j) => xs.map((__, i) => lp[j * steps + i]));
  const layers: Record<string, unknown>[] = [];
  const enc = { x: { field: 'x', type: 'quantitative', title: args.xTitle ?? 'z₁', scale: { domain: args.xRange } }, y: { field: 'y', type: 'quantitative', title: args.yTitle ?? 'z₂', scale: { domain: args.yRange } } };
  if ((args.kind ?? 'heatmap') === 'heatmap') {
    const dx = (xs[1] - xs[0]) / 2, dy = (ys[1] - ys[0]) / 2;
    layers.push({
      data: { values: pts.map(([x, y], k) => ({ x: x - dx, x2: x + dx, y: y - dy, y2: y + dy, density: Math.exp(lp[k] - max) })) },
      mark: 'rect',
      encoding: { ...enc, x2: { field: 'x2' }, y2: { field: 'y2' }, color: { field: 'density', type: 'quantitative', scale: { scheme: 'viridis' }, title: 'p / max p' } },
    });
  } else {
    const levels = args.levels ?? [0.9, 0.7, 0.5, 0.3, 0.1, 0.03];
    const segs = levels.flatMap((lv) => contourSegments(grid, xs, ys, max + Math.log(lv)).map(([x, y, x2, y2]) => ({ x, y, x2, y2, level: lv })));
    layers.push({
      data: { values: segs },
      mark: { type: 'rule', strokeWidth: 1.5 },
      encoding: { ...enc, x2: { field: 'x2' }, y2: { field: 'y2' }, color: { field: 'level', type: 'quantitative', scale: { scheme: 'viridis' }, title: 'p / max p' } },
    });
  }
  if (args.samples) {
    const s = args.samples instanceof tf.Tensor ? (args.samples.arraySync() as number[][]) : args.samples;
    layers.push({
      data: { values: s.map(([x, y]) => ({ x, y })) },
      mark: { type: 'circle', size: 10, color: 'white', stroke: 'black', strokeWidth: 0.5, opacity: 0.8, clip: true },
      encoding: enc,
    });
  }
  return new VegaLiteFigure({ ...frame({ ...args, width: args.width ?? 320, height: args.height ?? 320 }), layer: layers });
}
