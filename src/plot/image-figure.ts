// Image grids (digits, reconstructions, samples, latent traversals) as one PNG, with no browser. The
// title is drawn into the PNG (by resvg), so the bundle needs no text/html: an untrusted classic
// notebook, which sanitizes HTML, shows the same picture as JupyterLab.
import * as tf from '@tensorflow/tfjs-core';
import type { MimeBundle } from '../display/display';
import { encodePNG, pngSize } from './png';
import { svgToPNG } from './svg-png';
import { extensionOf, savePath, writeFileAtomic } from './save-file';
import { escapeHtml } from './vega-lite-figure';
import { anything, checkKind, contract, count, describeAny, func, instance, num, oneOf, optional, record, tensor, where, type Kind } from '../validation/contract';

// one image [h, w], several flattened [n, h·w] (square, or shaped by imageShape), or several [n, h, w]
const IMAGES_TENSOR = where(tensor(), 'be [n, h, w], [n, h·w] or [h, w]', (t: tf.Tensor) => t.rank === 2 || t.rank === 3 || `got [${t.shape}]`);

// no memory bound: more columns than images is clamped to the image count
const POSITIVE_INTEGER: Kind = { ...num({ integer: true, min: 1 }), expected: 'a positive integer' };
const ROWS: Kind = { expected: 'an array of number arrays', test: (v) => (Array.isArray(v) && v.length > 0 && v.every(Array.isArray) ? undefined : `got ${describeAny(v)}`) };
const IMAGE_GRID = contract('imageGrid', { images: oneOf(tensor(), ROWS), options: optional(record('an options object')) });
const LATENT_TRAVERSAL = contract('latentTraversal', { args: record() });
// made by imageGrid; by hand, the pixels must hold count images of imageShape
const IMAGE_SHAPE: Kind = { expected: '[h, w], two positive integers', test: (v) => (Array.isArray(v) && v.length === 2 && v.every((d) => Number.isInteger(d) && d > 0) ? undefined : `got ${describeAny(v)}`) };
const IMAGE_FIGURE = contract('ImageFigure', {
  images: instance(Float32Array, 'a Float32Array of pixels in [0, 1]'),
  count: { ...num({ integer: true, min: 1 }), expected: 'a positive integer' },
  imageShape: where(IMAGE_SHAPE, (c) => `give count × h × w = ${(c.args.images as Float32Array).length} pixels, as images holds`,
    (s: number[], c) => s[0] * s[1] * (c.args.count as number) === (c.args.images as Float32Array).length || `got ${c.args.count} × ${s[0]} × ${s[1]}`),
  options: optional(record('an options object')),
});
const SAVE = contract('ImageFigure.save', { file: savePath(['png', 'svg', 'html'], 'an image grid') });
/** An array of latent dimensions in [0, M): which rows a traversal draws. */
const latentIndices = (M: number): Kind => ({
  expected: `integers in [0, ${M})`,
  test: (v) => (Array.isArray(v) && v.every((d) => Number.isInteger(d) && d >= 0 && d < M) ? undefined : `got ${describeAny(v)}`),
});

export interface ImageGridOptions {
  /** images per row (default: √n rounded up) */
  columns?: number;
  /** height and width of one image, when images come flattened ([n, h·w]); default square */
  imageShape?: [number, number];
  /** pixels per image pixel (default 3) */
  scale?: number;
  /** pixels between images (default 2) */
  padding?: number;
  title?: string;
}

/**
 * A grid of grayscale images in [0, 1]. Its fields can be changed before it is shown or saved.
 *
 * `ll.plot.imageGrid`, `ll.plot.latentTraversal` and the VAE views return one.
 *
 * @example
 * ```ts
 * const fig = ll.plot.imageGrid(vae.sample(ll.rng(0), 32), { columns: 8 });
 * fig.options.title = 'prior samples';
 * await fig.save('samples.png');
 * ```
 */
export class ImageFigure {
  /**
   * A grid of `count` grayscale images of `imageShape` [h, w], pixel values in [0, 1].
   *
   * @param images  the pixels, [count, h, w] row-major
   * @param count  how many images
   * @param imageShape  [h, w] of one image
   * @param options  `columns`, `scale`, `padding`, `title`
   */
  constructor(
    /** pixel values in [0, 1], [n, h, w] row-major */
    public images: Float32Array,
    public count: number,
    public imageShape: [number, number],
    public options: ImageGridOptions = {},
  ) {
    IMAGE_FIGURE.check(arguments);
  }

  /** The grid's size in pixels. */
  size(): { width: number; height: number } {
    const [h, w] = this.imageShape;
    const cols = this.columns(), rows = Math.ceil(this.count / cols);
    const s = this.options.scale ?? 3, pad = this.options.padding ?? 2;
    return { width: cols * w * s + (cols + 1) * pad, height: rows * h * s + (rows + 1) * pad };
  }

  private columns(): number {
    const c = this.options.columns ?? Math.ceil(Math.sqrt(this.count));
    checkKind(POSITIVE_INTEGER, c, 'columns', 'imageGrid');
    return Math.min(c, this.count);
  }

  /** The grid as a PNG, with the title (if any) in a band above it. */
  png(): Buffer {
    const grid = this.gridPNG();
    if (!this.options.title) return grid;
    const { width, height } = this.size();
    const band = 22;
    // resvg measures no text for us: 7.5 px per character of a 13 px sans-serif is a safe upper bound.
    const fullWidth = Math.max(width, Math.ceil(this.options.title.length * 7.5) + 8);
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${fullWidth}" height="${height + band}">` +
      `<rect width="100%" height="100%" fill="white"/>` +
      `<text x="${fullWidth / 2}" y="15" text-anchor="middle" font-family="sans-serif" font-size="13" font-weight="bold" fill="black">${escapeHtml(this.options.title)}</text>` +
      `<image x="${Math.floor((fullWidth - width) / 2)}" y="${band}" width="${width}" height="${height}" href="data:image/png;base64,${grid.toString('base64')}"/></svg>`;
    return svgToPNG(svg, { zoom: 1 });
  }

  /** The grid alone, pixel for pixel (gray, nearest-neighbour scaling: no blur between pixels). */
  private gridPNG(): Buffer {
    const [h, w] = this.imageShape;
    const cols = this.columns();
    const s = this.options.scale ?? 3, pad = this.options.padding ?? 2;
    const { width, height } = this.size();
    const px = new Uint8Array(width * height).fill(255);
    for (let n = 0; n < this.count; n++) {
      const ox = pad + (n % cols) * (w * s + pad), oy = pad + Math.floor(n / cols) * (h * s + pad);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          // ink is dark: value 1 → black, as digits are drawn on paper
          const v = Math.round(255 * (1 - Math.min(1, Math.max(0, this.images[n * h * w + y * w + x]))));
          for (let dy = 0; dy < s; dy++) px.fill(v, (oy + y * s + dy) * width + ox + x * s, (oy + y * s + dy) * width + ox + x * s + s);
        }
      }
    }
    return encodePNG(px, width, height, 1);
  }

  /**
   * The grid as an SVG holding the PNG.
   */
  svg(): string {
    const { width, height } = pngSize(this.png());
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><image width="${width}" height="${height}" href="data:image/png;base64,${this.png().toString('base64')}"/></svg>`;
  }

  /**
   * The grid as an HTML `<img>` holding the PNG.
   */
  html(): string {
    return `<img alt="${escapeHtml(this.options.title ?? 'image grid')}" src="data:image/png;base64,${this.png().toString('base64')}"/>`;
  }

  /** The PNG (title included) and a text line; no text/html, which untrusted notebooks sanitize. */
  toMimeBundle(): MimeBundle {
    return {
      'image/png': this.png().toString('base64'),
      'text/plain': `<ImageFigure: ${this.count} images of ${this.imageShape.join('×')}${this.options.title ? ' — ' + this.options.title : ''}>`,
    };
  }

  /**
   * Writes the grid to `file`: .png, .svg or .html by its extension.
   */
  async save(file: string): Promise<void> {
    SAVE.check(arguments);
    const ext = extensionOf(file, ['png', 'svg', 'html'], 'an image grid');
    writeFileAtomic(file, ext === 'png' ? this.png() : ext === 'svg' ? this.svg() : `<!DOCTYPE html><html><body>${this.html()}</body></html>`);
  }
}

/**
 * A grid from images [n, h, w], [n, h·w] (square unless imageShape says) or [h, w]; values in [0, 1].
 *
 * @example
 * ```ts
 * ll.plot.imageGrid(vae.sample(ll.rng(0), 16), { columns: 8, title: 'samples' });
 * ```
 */
export function imageGrid(images: tf.Tensor | number[][], options: ImageGridOptions = {}): ImageFigure {
  IMAGE_GRID.check(arguments);
  if (options.columns !== undefined) checkKind(POSITIVE_INTEGER, options.columns, 'columns', 'imageGrid');
  const t = images instanceof tf.Tensor ? images : tf.tensor2d(images);
  try {
    let n: number, shape: [number, number];
    checkKind(IMAGES_TENSOR, t, 'images', 'imageGrid');
    const sh = t.shape as number[];
    if (t.rank === 3) { n = sh[0]; shape = [sh[1], sh[2]]; }
    else if (t.rank === 2 && options.imageShape) { n = sh[0]; shape = options.imageShape; }
    else if (t.rank === 2 && Number.isInteger(Math.sqrt(sh[1])) && sh[0] !== sh[1]) { n = sh[0]; const s = Math.sqrt(sh[1]); shape = [s, s]; }
    else { n = 1; shape = [sh[0], sh[1]]; }
    if (n === 0) checkKind(where(tensor(), 'hold at least one image', () => `got shape [${sh}]`), t, 'images', 'imageGrid');
    // only a given imageShape can disagree with the rows (the other layouts are read from the shape itself)
    if (shape[0] * shape[1] * n !== t.size) {
      checkKind(where(anything(), `have h × w = ${sh[1]} pixels, one row of images`, (s: number[]) => s[0] * s[1] === sh[1] || `got [${s}]`), options.imageShape, 'imageShape', 'imageGrid');
    }
    return new ImageFigure(Float32Array.from(t.dataSync()), n, shape, options);
  } finally {
    if (!(images instanceof tf.Tensor)) t.dispose();
  }
}

/**
 * A latent traversal: for each chosen latent dimension (one row), decode base + v·e_dim for
 * `steps` values v evenly in `range`. decode maps z [k, M] to images [k, h·w] or [k, h, w] in [0, 1].
 *
 * @example
 * ```ts
 * ll.plot.latentTraversal({ decode: (z) => vae.decodeMean(z), latentDim: 16, dims: [0, 1, 2] });
 * ```
 */
export function latentTraversal(args: { decode: (z: tf.Tensor) => tf.Tensor; latentDim: number; dims: number[]; range?: [number, number]; steps?: number; base?: number[] } & ImageGridOptions): ImageFigure {
  LATENT_TRAVERSAL.check(arguments);
  checkKind(func('a function from codes z [k, M] to images'), args.decode, 'decode', 'latentTraversal');
  const steps = args.steps ?? 9;
  const [lo, hi] = args.range ?? [-3, 3];
  const M = args.latentDim;
  // steps and latentDim size the codes decoded (a row of latentDim per step per dimension): bounded by memory
  checkKind(count({ min: 2 }), steps, 'steps', 'latentTraversal');
  checkKind(count({ entriesEach: 1 + (Array.isArray(args.dims) ? args.dims.length : 0) * steps }), M, 'latentDim', 'latentTraversal');
  checkKind(latentIndices(M), args.dims, 'dims', 'latentTraversal');
  const base = args.base ?? new Array(M).fill(0);
  if (base.length !== M) throw new Error(`latentTraversal: base has length ${base.length}, latentDim is ${M}`);
  const z = args.dims.flatMap((d) => Array.from({ length: steps }, (_, i) => { const v = base.slice(); v[d] = lo + ((hi - lo) * i) / (steps - 1); return v; }));
  const images = tf.tidy(() => args.decode(tf.tensor2d(z)));
  try {
    return imageGrid(images, { columns: steps, title: args.title ?? `traversal of dims ${args.dims.join(', ')} over [${lo}, ${hi}]`, ...args });
  } finally {
    images.dispose();
  }
}
