// A plotly.js figure for what is better interactive: 3-D surfaces, zooming long curves.
// In the kernel plotly.js itself is sent once per running kernel (from the npm package, never a
// CDN) as its own output, before the first figure; each figure is then a small MIME bundle.
import fs from 'fs';
import type { MimeBundle } from '../display/display';
import { display, inKernel } from '../display/display';
import { ChartOptions, Numbers, asNumbers } from './series';
import { extensionOf, writeFileAtomic } from './save-file';
import { escapeHtml } from './vega-lite-figure';

export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

let plotlySource: string | undefined;
let sentToKernel = false;
let figureCount = 0;

/** plotly.js from the installed package, safe to inline in a <script>. */
export function plotlyScript(): string {
  plotlySource ??= fs.readFileSync(require.resolve('plotly.js-dist-min/plotly.min.js'), 'utf8').replace(/<\/script/gi, '<\\/script');
  return `<script type="text/javascript">${plotlySource}</script>`;
}

/** Sends plotly.js to the notebook once per running kernel (the first plotly figure does it). */
function ensurePlotlyInKernel(): void {
  if (!sentToKernel) loadPlotly();
}

/** Sends plotly.js to the notebook now, e.g. after its outputs were cleared in a running kernel. */
export function loadPlotly(): void {
  if (!inKernel()) return;
  sentToKernel = true;
  display({ 'text/html': plotlyScript(), 'text/plain': '(plotly.js loaded for this kernel)' });
}

export class PlotlyFigure {
  /** Plotly traces and layout (https://plotly.com/javascript/reference/): edit them freely. */
  constructor(public data: Record<string, unknown>[], public layout: Record<string, unknown> = {}) {
    if (!Array.isArray(data) || data.length === 0) throw new Error('PlotlyFigure: data must be a non-empty array of traces');
  }

  private divAndScript(id: string): string {
    const fig = JSON.stringify({ data: this.data, layout: this.layout }).replace(/</g, '\\u003c');
    return `<div id="${id}" class="latent-lab-plotly" style="width:100%;height:${Number(this.layout.height ?? 420)}px"></div>` +
      `<script type="text/javascript">(function(){var f=${fig};if(window.Plotly){window.Plotly.newPlot(${JSON.stringify(id)},f.data,f.layout,{responsive:true});}` +
      `else{document.getElementById(${JSON.stringify(id)}).textContent='plotly.js is not loaded in this page: run ll.loadPlotly() and show the figure again';}})();</script>`;
  }

  toMimeBundle(): MimeBundle {
    ensurePlotlyInKernel();
    const id = `latent-plotly-${process.pid}-${++figureCount}`;
    const title = typeof this.layout.title === 'string' ? this.layout.title : 'plotly figure';
    return {
      [PLOTLY_MIME]: { data: this.data, layout: this.layout },
      'text/html': this.divAndScript(id),
      'text/plain': `<PlotlyFigure: ${title}>`,
    };
  }

  /** A standalone page with plotly.js inlined (no network). */
  html(): string {
    const title = typeof this.layout.title === 'string' ? this.layout.title : 'Latent Lab figure';
    return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>${plotlyScript()}</head><body>${this.divAndScript('figure')}</body></html>`;
  }

  /** Saves to .html; a plotly figure needs a browser to become SVG or PNG (use a vega-lite helper for those). */
  async save(file: string): Promise<void> {
    extensionOf(file, ['html'], 'a plotly figure');
    writeFileAtomic(file, this.html());
  }
}

/** A 3-D surface z[i][j] over y[i], x[j] (e.g. a 2-D log-density or an ELBO landscape). */
export function surface3d(args: ChartOptions & { z: number[][]; x?: Numbers; y?: Numbers; zTitle?: string }): PlotlyFigure {
  const rows = args.z?.length ?? 0;
  if (rows === 0 || args.z.some((r) => r.length !== args.z[0].length)) throw new Error('surface3d: z must be a non-empty rectangular number[][]');
  const x = args.x ? asNumbers(args.x, 'surface3d: x') : undefined;
  const y = args.y ? asNumbers(args.y, 'surface3d: y') : undefined;
  if (x && x.length !== args.z[0].length) throw new Error(`surface3d: x has ${x.length} entries, z has ${args.z[0].length} columns`);
  if (y && y.length !== rows) throw new Error(`surface3d: y has ${y.length} entries, z has ${rows} rows`);
  return new PlotlyFigure([{ type: 'surface', z: args.z, ...(x ? { x } : {}), ...(y ? { y } : {}), colorscale: 'Viridis' }], {
    ...(args.title ? { title: args.title } : {}), height: args.height ?? 480,
    scene: { xaxis: { title: args.xTitle ?? 'x' }, yaxis: { title: args.yTitle ?? 'y' }, zaxis: { title: args.zTitle ?? 'z' } },
  });
}

/** Long curves with zoom and a range slider (training losses over many steps). */
export function zoomableLines(args: ChartOptions & { series: Record<string, Numbers>; x?: Numbers }): PlotlyFigure {
  const names = Object.keys(args.series ?? {});
  if (names.length === 0) throw new Error('zoomableLines: series must name at least one series');
  const x = args.x ? asNumbers(args.x, 'zoomableLines: x') : undefined;
  const traces = names.map((name) => {
    const y = asNumbers(args.series[name], `zoomableLines: series['${name}']`);
    if (x && x.length !== y.length) throw new Error(`zoomableLines: series['${name}'] has ${y.length} points, x has ${x.length}`);
    return { type: 'scatter', mode: 'lines', name, x: x ?? y.map((_, i) => i), y };
  });
  return new PlotlyFigure(traces, {
    ...(args.title ? { title: args.title } : {}), height: args.height ?? 380,
    xaxis: { title: args.xTitle ?? 'step', rangeslider: { visible: true } }, yaxis: { title: args.yTitle ?? 'value' },
  });
}
