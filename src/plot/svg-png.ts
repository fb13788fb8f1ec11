// SVG → PNG with resvg, in Node (no browser), with fonts named explicitly: resvg's own default for
// "sans-serif" is Arial, which Debian does not have, and its fallback drew vega's labels in a serif face.
import type { Resvg as ResvgClass } from '@resvg/resvg-js';

// Loaded at the first render, not with the library: a kernel that draws nothing keeps its native module out.
let Resvg: typeof ResvgClass | undefined;

const FONTS = {
  loadSystemFonts: true,
  defaultFontFamily: 'DejaVu Sans',
  sansSerifFamily: 'DejaVu Sans',
  serifFamily: 'DejaVu Serif',
  monospaceFamily: 'DejaVu Sans Mono',
};

/** Renders an SVG document to PNG, `width` pixels wide or scaled by `zoom`, on a white background. */
export function svgToPNG(svg: string, size: { width: number } | { zoom: number }): Buffer {
  const fitTo = 'width' in size ? { mode: 'width' as const, value: size.width } : { mode: 'zoom' as const, value: size.zoom };
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  Resvg ??= (require('@resvg/resvg-js') as typeof import('@resvg/resvg-js')).Resvg;
  return new Resvg(svg, { fitTo, background: 'white', font: FONTS }).render().asPng();
}
