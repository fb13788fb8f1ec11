// A vega-lite figure: the spec stays public and editable; it renders to SVG in Node with vega (no
// browser), to PNG with resvg, and to a self-contained HTML page. As a cell's value, or through
// display(), it shows as one MIME bundle: the interactive vega-lite JSON (JupyterLab), and the SVG
// inline in text/html (the classic notebook and nbconvert, offline).
import { Resvg } from '@resvg/resvg-js';
import type { MimeBundle } from '../display/display';
import { extensionOf, writeFileAtomic } from './save-file';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const vega = require('vega');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const vegaLite = require('vega-lite');

export const VEGA_LITE_MIME = 'application/vnd.vegalite.v5+json';

/** A vega-lite v5 specification (https://vega.github.io/vega-lite/docs/). */
export type VegaLiteSpec = Record<string, unknown>;

export class VegaLiteFigure {
  /** The vega-lite spec: change it (title, size, encodings) and the figure renders the change. */
  spec: VegaLiteSpec;

  constructor(spec: VegaLiteSpec) {
    if (spec === null || typeof spec !== 'object') throw new Error('VegaLiteFigure: spec must be a vega-lite object');
    this.spec = { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', ...spec };
  }

  /** The SVG rendered by vega in Node. */
  async svg(): Promise<string> {
    const compiled = vegaLite.compile(this.spec).spec;
    const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
    try {
      return await view.toSVG();
    } finally {
      view.finalize();
    }
  }

  /** A PNG rendered from the SVG by resvg, `width` pixels wide (default: the SVG's own width × 2). */
  async png(options: { width?: number } = {}): Promise<Buffer> {
    const svg = await this.svg();
    const fitTo = options.width ? { mode: 'width' as const, value: options.width } : { mode: 'zoom' as const, value: 2 };
    return new Resvg(svg, { fitTo, background: 'white', font: { loadSystemFonts: true } }).render().asPng();
  }

  /** A standalone page with the SVG and the spec; it needs no network. */
  async html(): Promise<string> {
    const title = typeof this.spec.title === 'string' ? this.spec.title : 'Latent Lab figure';
    return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${await this.svg()}` +
      `<script type="application/json" id="vega-lite-spec">${JSON.stringify(this.spec).replace(/</g, '\\u003c')}</script></body></html>`;
  }

  async toMimeBundle(): Promise<MimeBundle> {
    const svg = await this.svg();
    const title = typeof this.spec.title === 'string' ? this.spec.title : String(this.spec.mark ?? 'layered') + ' chart';
    return {
      [VEGA_LITE_MIME]: this.spec,
      'image/svg+xml': svg,
      'text/html': `<div class="latent-lab-figure">${svg}</div>`,
      'text/plain': `<VegaLiteFigure: ${title}>`,
    };
  }

  /** Saves to .svg, .png or .html, chosen by the extension; the file is replaced whole or not at all. */
  async save(file: string): Promise<void> {
    const ext = extensionOf(file, ['svg', 'png', 'html'], 'a vega-lite figure');
    const data = ext === 'svg' ? await this.svg() : ext === 'png' ? await this.png() : await this.html();
    writeFileAtomic(file, data);
  }
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
