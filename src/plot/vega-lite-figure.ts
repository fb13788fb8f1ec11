// A vega-lite figure: the spec stays public and editable; it renders to SVG in Node with vega (no
// browser), to PNG with resvg, and to a self-contained HTML page. As a cell's value, or through
// display(), it shows as one MIME bundle: the interactive vega-lite JSON (JupyterLab, Notebook 7) and a
// PNG rendered here (the classic notebook, untrusted notebooks, nbconvert's fallback). The bundle has no
// text/html and no SVG: an untrusted classic notebook sanitizes both (a chart became a line of tick
// labels) and front ends rank HTML above vega-lite.
import type { MimeBundle } from '../display/display';
import { anything, checkKind, contract, count, describeAny, memoryBudgetBytes, optional, options as optionsKind, positive, where } from '../validation/contract';
import { extensionOf, savePath, writeFileAtomic } from './save-file';
import { svgToPNG } from './svg-png';

// vega and vega-lite are required at the first render, not with the library: together ~20 MB of a kernel's
// memory (environment.md, "The kernel's memory") that a notebook which draws nothing never needs.
/* eslint-disable @typescript-eslint/no-var-requires */
let renderers: { vega: any; vegaLite: any } | undefined;
const vegaRenderers = () => (renderers ??= { vega: require('vega'), vegaLite: require('vega-lite') });
/* eslint-enable @typescript-eslint/no-var-requires */

const VEGA_LITE_FIGURE = contract('VegaLiteFigure', {
  spec: { expected: 'a vega-lite object', test: (v) => (v !== null && typeof v === 'object' ? undefined : `got ${describeAny(v)}`) },
});

const PNG = contract('VegaLiteFigure.png', { options: optional(optionsKind({ width: count({ entries: (w) => w * w, bytesEach: 4 }), zoom: positive() })) });
const SAVE = contract('VegaLiteFigure.save', { file: savePath(['svg', 'png', 'html'], 'a vega-lite figure') });

export const VEGA_LITE_MIME = 'application/vnd.vegalite.v5+json';

/** A vega-lite v5 specification (https://vega.github.io/vega-lite/docs/). */
export type VegaLiteSpec = Record<string, unknown>;

/**
 * A figure given by a vega-lite v5 specification, which stays public and editable. It renders to SVG
 * in Node with vega (no browser), to PNG with resvg, and to a self-contained HTML page; as a cell's
 * value it shows as the interactive vega-lite JSON with a PNG beside it for front ends without vega.
 * Every chart of Latent Lab (`lineChart`, `histogram`, `scatterPlot`, …) returns one.
 *
 * @example
 * ```ts
 * const fig = ll.lineChart({ series: { elbo: [-120, -105, -99] }, xTitle: 'epoch' });
 * fig.spec.title = 'Training';   // edit the spec, then show or save it
 * await fig.save('elbo.png');
 * ```
 */
export class VegaLiteFigure {
  /** The vega-lite spec: change it (title, size, encodings) and the figure renders the change. */
  spec: VegaLiteSpec;

  /**
   * A figure from a vega-lite spec (the v5 `$schema` is added when missing).
   *
   * @param spec  a vega-lite v5 specification object
   */
  constructor(spec: VegaLiteSpec) {
    VEGA_LITE_FIGURE.check(arguments, new.target.name);
    this.spec = { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', ...spec };
  }

  /** The SVG rendered by vega in Node. */
  async svg(): Promise<string> {
    const { vega, vegaLite } = vegaRenderers();
    const compiled = vegaLite.compile(this.spec).spec;
    const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
    try {
      return await view.toSVG();
    } finally {
      view.finalize();
    }
  }

  /**
   * A PNG rendered from the SVG by resvg: `width` pixels wide, or the SVG's own size times `zoom`
   * (default 2, sharp on high-density screens and in print).
   */
  async png(options: { width?: number; zoom?: number } = {}): Promise<Buffer> {
    // named after the receiver's class (an ExplorableFigure's png is its own)
    PNG.check(arguments, `${this.constructor.name}.png`);
    const svg = await this.svg();
    // the PNG's size is known once the SVG is: refuse one beyond memory (zoom 1e308) before resvg allocates it
    const m = /<svg[^>]*?\swidth="([\d.]+)"[^>]*?\sheight="([\d.]+)"/.exec(svg);
    if (m) {
      const [w, h] = [Number(m[1]), Number(m[2])];
      const scale = options.width ? options.width / w : options.zoom ?? 2;
      const bytes = 4 * (w * scale) * (h * scale);
      if (!(bytes <= memoryBudgetBytes())) {
        const name = options.width ? 'width' : 'zoom';
        checkKind(where(anything(), `give a PNG that fits in memory (the chart is ${w}×${h} pixels at zoom 1)`, () => `got ${options.width ?? options.zoom}: ${(bytes / 1e9).toPrecision(3)} GB`), undefined, name, `${this.constructor.name}.png`);
      }
    }
    return svgToPNG(svg, options.width ? { width: options.width } : { zoom: options.zoom ?? 2 });
  }

  /** A standalone page with the SVG and the spec; it needs no network. */
  async html(): Promise<string> {
    const title = titleText(this.spec.title) ?? 'Latent Lab figure';
    return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${await this.svg()}` +
      `<script type="application/json" id="vega-lite-spec">${JSON.stringify(this.spec).replace(/</g, '\\u003c')}</script></body></html>`;
  }

  /**
   * The interactive spec, a PNG at the chart's own size (a front end shows image/png at its pixel size,
   * so a 2× PNG would show twice as large), and a text line.
   */
  async toMimeBundle(): Promise<MimeBundle> {
    const png = await this.png({ zoom: 1 });
    return {
      [VEGA_LITE_MIME]: this.spec,
      'image/png': png.toString('base64'),
      'text/plain': this.describe(),
    };
  }

  /** The one-line text form of the figure (its text/plain). */
  describe(): string {
    const title = titleText(this.spec.title) ?? String(typeof this.spec.mark === 'string' ? this.spec.mark : (this.spec.mark as { type?: string })?.type ?? 'layered') + ' chart';
    return `<VegaLiteFigure: ${title}>`;
  }

  /** Saves to .svg, .png or .html, chosen by the extension; the file is replaced whole or not at all. */
  async save(file: string): Promise<void> {
    SAVE.check(arguments, `${this.constructor.name}.save`);
    const ext = extensionOf(file, ['svg', 'png', 'html'], 'a vega-lite figure');
    const data = ext === 'svg' ? await this.svg() : ext === 'png' ? await this.png() : await this.html();
    writeFileAtomic(file, data);
  }
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A title's text, whether given as a string or as vega-lite's / plotly's { text } object. */
export function titleText(title: unknown): string | undefined {
  if (typeof title === 'string') return title;
  if (Array.isArray(title)) return title.join(' ');
  if (title && typeof title === 'object' && 'text' in title) return titleText((title as { text: unknown }).text);
  return undefined;
}
