// A plotly.js figure for what is better interactive: 3-D surfaces, zooming long curves. It shows as
// one MIME bundle: the plotly JSON (JupyterLab and Notebook 7 with plotly's renderer, the HTML export,
// the slides) and a PNG drawn by plotly.js in headless Chromium (every other view: the classic
// notebook, untrusted notebooks, JupyterLab without plotly's renderer). No text/html and no plotly.js in
// the notebook: untrusted notebooks drop scripts, and plotly.js is 4.8 MB.
import fs from 'fs';
import type { MimeBundle } from '../display/display';
import { positiveFinite } from '../validation/arguments';
import { checkKind, contract, describeAny, numberArray, optional, record } from '../validation/contract';
import { renderPlotlyPNG } from './plotly-png';
import { ChartOptions, Numbers, SERIES, asNumbers, checkLength } from './series';

const SURFACE = numberArray({ shape: ['rows', 'columns'], min: [1, 1], what: 'a non-empty rectangular number[][]' });
import { extensionOf, savePath, writeFileAtomic } from './save-file';
import { escapeHtml, titleText } from './vega-lite-figure';

const SAVE = contract('PlotlyFigure.save', { file: savePath(['html', 'png'], 'a plotly figure') });

export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

const DEFAULT_WIDTH = 720;
const DEFAULT_HEIGHT = 450;

const PLOTLY_FIGURE = contract('PlotlyFigure', {
  data: { expected: 'a non-empty array of traces', test: (v) => (Array.isArray(v) && v.length > 0 ? undefined : `got ${describeAny(v)}`) },
  layout: optional({ expected: 'an object', test: (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? undefined : `got ${describeAny(v)}`) }),
});

let plotlySource: string | undefined;
let warnedNoPNG = false;

/** plotly.js from the installed package, safe to inline in a <script>. */
export function plotlyScript(): string {
  plotlySource ??= fs.readFileSync(require.resolve('plotly.js-dist-min/plotly.min.js'), 'utf8').replace(/<\/script/gi, '<\\/script');
  return `<script type="text/javascript">${plotlySource}</script>`;
}

type Layout = Record<string, unknown>;

/** plotly.js 4 draws only `{ text }` titles; a plain string is silently ignored. */
function asTitle(t: unknown): unknown {
  return typeof t === 'string' ? { text: t } : t;
}

function withAxisTitles(axis: unknown): unknown {
  if (!axis || typeof axis !== 'object') return axis;
  const a = axis as Layout;
  return 'title' in a ? { ...a, title: asTitle(a.title) } : a;
}

/**
 * The layout as plotly.js should get it: every title as `{ text }`, and, unless the layout sets them,
 * margins that leave room for the title and axis titles and no more, and for 3-D scenes a fixed aspect
 * (x : y : z = 1 : 1 : 0.7) with a camera that keeps the whole box inside the picture.
 */
export function normalizeLayout(layout: Layout, data: Record<string, unknown>[] = []): Layout {
  const out: Layout = { ...layout, title: asTitle(layout.title) };
  if (out.title === undefined) delete out.title;
  let hasScene = false;
  for (const [key, value] of Object.entries(layout)) {
    if (/^[xy]axis\d*$/.test(key)) out[key] = withAxisTitles(value);
    if (/^scene\d*$/.test(key) && value && typeof value === 'object') {
      hasScene = true;
      const scene: Layout = { ...(value as Layout) };
      for (const axis of ['xaxis', 'yaxis', 'zaxis']) if (axis in scene) scene[axis] = withAxisTitles(scene[axis]);
      if (scene.aspectmode === undefined && scene.aspectratio === undefined) {
        scene.aspectmode = 'manual';
        scene.aspectratio = { x: 1, y: 1, z: 0.7 };
      }
      scene.camera ??= { eye: { x: 1.45, y: 1.45, z: 0.95 } };
      out[key] = scene;
    }
  }
  if (data.some((t) => ['surface', 'scatter3d', 'mesh3d', 'cone', 'volume', 'isosurface'].includes(String(t.type)))) hasScene = true;
  const top = out.title ? 56 : 20;
  out.margin ??= hasScene ? { l: 10, r: 10, b: 10, t: top } : { l: 70, r: 24, b: 56, t: top };
  return out;
}

/**
 * A plotly.js figure (traces and a layout) for what vega-lite does not draw: 3-D surfaces, zoomable
 * lines. As a cell's value it shows interactively where plotly.js is available, with a PNG drawn in
 * headless Chromium beside it.
 *
 * @example
 * ```ts
 * new ll.plot.PlotlyFigure([{ type: 'surface', z: [[0, 1], [1, 2]] }], { title: 'log p(x)' });
 * ```
 */
export class PlotlyFigure {
  /** Plotly traces and layout (https://plotly.com/javascript/reference/): edit them freely. */
  constructor(public data: Record<string, unknown>[], public layout: Layout = {}) {
    PLOTLY_FIGURE.check(arguments);
  }

  /** The traces and the layout as plotly.js draws them (see normalizeLayout). */
  figure(): { data: Record<string, unknown>[]; layout: Layout } {
    const data = this.data.map((t) => (t.colorbar && typeof t.colorbar === 'object' ? { ...t, colorbar: withAxisTitles(t.colorbar) as Layout } : t));
    return { data, layout: normalizeLayout(this.layout, this.data) };
  }

  /** The figure's size in CSS pixels: the layout's width and height, else 720 × 450. */
  size(): { width: number; height: number } {
    const w = this.layout.width ?? DEFAULT_WIDTH, h = this.layout.height ?? DEFAULT_HEIGHT;
    return { width: positiveFinite(w, 'PlotlyFigure', 'layout.width'), height: positiveFinite(h, 'PlotlyFigure', 'layout.height') };
  }

  /** A PNG drawn by plotly.js in headless Chromium, at `scale` device pixels per CSS pixel (default 2). */
  async png(options: { scale?: number } = {}): Promise<Buffer> {
    const scale = options.scale === undefined ? 2 : positiveFinite(options.scale, 'png', 'options.scale');
    const { width, height } = this.size();
    return renderPlotlyPNG(this.figure(), width, height, scale);
  }

  /** The one-line text form of the figure (its text/plain). */
  describe(): string {
    return `<PlotlyFigure: ${titleText(this.layout.title) ?? 'plotly figure'}>`;
  }

  /**
   * The plotly JSON, a PNG at the figure's size, and a text line. Without Chromium the bundle has no
   * PNG (one warning on stderr says why), and front ends without a plotly renderer show the text.
   */
  async toMimeBundle(): Promise<MimeBundle> {
    const bundle: MimeBundle = { [PLOTLY_MIME]: this.figure() };
    try {
      bundle['image/png'] = (await this.png({ scale: 1 })).toString('base64');
    } catch (e) {
      if (!warnedNoPNG) process.stderr.write(`plotly figure: no PNG for views without plotly.js (${(e as Error).message})\n`);
      warnedNoPNG = true;
    }
    bundle['text/plain'] = this.describe();
    return bundle;
  }

  /** A standalone page with plotly.js inlined (no network). */
  html(): string {
    const fig = JSON.stringify(this.figure()).replace(/</g, '\\u003c');
    const { height } = this.size();
    return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeHtml(titleText(this.layout.title) ?? 'Latent Lab figure')}</title>${plotlyScript()}</head>` +
      `<body><div id="figure" style="width:100%;height:${height}px"></div>` +
      `<script type="text/javascript">(function(){var f=${fig};Plotly.newPlot('figure',f.data,f.layout,{responsive:true});})();</script></body></html>`;
  }

  /** Saves to .html (interactive, plotly.js inlined) or .png (drawn in headless Chromium). */
  async save(file: string): Promise<void> {
    SAVE.check(arguments);
    const ext = extensionOf(file, ['html', 'png'], 'a plotly figure');
    writeFileAtomic(file, ext === 'png' ? await this.png() : this.html());
  }
}

/**
 * A 3-D surface z[i][j] over y[i], x[j] (e.g. a 2-D log-density or an ELBO landscape).
 *
 * @example
 * ```ts
 * const xs = [...Array(41).keys()].map((i) => -2 + i / 10);
 * ll.plot.surface3d({ x: xs, y: xs, z: xs.map((y) => xs.map((x) => -(x * x + y * y) / 2)), zTitle: 'log p̃' });
 * ```
 */
export function surface3d(args: ChartOptions & { z: number[][]; x?: Numbers; y?: Numbers; zTitle?: string }): PlotlyFigure {
  checkKind(record(), args, 'args', 'surface3d');
  checkKind(SURFACE, args.z, 'z', 'surface3d');
  const rows = args.z.length;
  const x = args.x ? asNumbers(args.x, 'surface3d: x') : undefined;
  const y = args.y ? asNumbers(args.y, 'surface3d: y') : undefined;
  if (x) checkLength(x, args.z[0].length, 'x', 'surface3d', 'one entry per column of z');
  if (y) checkLength(y, rows, 'y', 'surface3d', 'one entry per row of z');
  return new PlotlyFigure([{ type: 'surface', z: args.z, ...(x ? { x } : {}), ...(y ? { y } : {}), colorscale: 'Viridis', colorbar: { title: { text: args.zTitle ?? 'z' }, len: 0.75 } }], {
    ...(args.title ? { title: { text: args.title } } : {}), width: args.width ?? 640, height: args.height ?? 520,
    scene: { xaxis: { title: { text: args.xTitle ?? 'x' } }, yaxis: { title: { text: args.yTitle ?? 'y' } }, zaxis: { title: { text: args.zTitle ?? 'z' } } },
  });
}

/**
 * Long curves with zoom and a range slider (training losses over many steps).
 *
 * @example
 * ```ts
 * ll.plot.zoomableLines({ series: { loss: losses }, xTitle: 'step' });
 * ```
 */
export function zoomableLines(args: ChartOptions & { series: Record<string, Numbers>; x?: Numbers }): PlotlyFigure {
  checkKind(record(), args, 'args', 'zoomableLines');
  checkKind(SERIES, args.series, 'series', 'zoomableLines');
  const names = Object.keys(args.series);
  const x = args.x ? asNumbers(args.x, 'zoomableLines: x') : undefined;
  const traces = names.map((name) => {
    const y = asNumbers(args.series[name], `zoomableLines: series['${name}']`);
    if (x) checkLength(y, x.length, `series['${name}']`, 'zoomableLines', 'one point per entry of x');
    return { type: 'scatter', mode: 'lines', name, x: x ?? y.map((_, i) => i), y };
  });
  return new PlotlyFigure(traces, {
    ...(args.title ? { title: { text: args.title } } : {}), width: args.width ?? 720, height: args.height ?? 400,
    xaxis: { title: { text: args.xTitle ?? 'step' }, rangeslider: { visible: true } }, yaxis: { title: { text: args.yTitle ?? 'value' } },
  });
}
