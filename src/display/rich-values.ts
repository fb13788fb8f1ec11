// How tensors and distributions show themselves in the kernel: a short summary table, and for a
// 2-D tensor of at least 16×16 (a [28,28] digit, say) the image itself.
import * as tf from '@tensorflow/tfjs-core';
import type { MimeBundle } from './display';
import { encodePNG } from '../plot/png';
import { checkKind, tensor } from '../validation/contract';

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(4));
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function table(rows: [string, string][]): string {
  return `<table class="latent-lab-summary">${rows.map(([k, v]) => `<tr><th style="text-align:left">${esc(k)}</th><td style="text-align:left">${esc(v)}</td></tr>`).join('')}</table>`;
}

function preview(values: ArrayLike<number>, n = 8): string {
  const shown = Array.from(values).slice(0, n).map(fmt).join(', ');
  return values.length > n ? `${shown}, … (${values.length} values)` : shown;
}

/** The image of a 2-D tensor, min–max normalized, as PNG (dark = high). */
export function tensorImagePNG(t: tf.Tensor, scale = 4): Buffer {
  checkKind(tensor({ rank: 2 }), t, 't', 'tensorImagePNG');
  const [h, w] = t.shape as [number, number];
  const v = t.dataSync();
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < v.length; i++) if (Number.isFinite(v[i])) { lo = Math.min(lo, v[i]); hi = Math.max(hi, v[i]); }
  const span = hi - lo || 1;
  const px = new Uint8Array(h * scale * w * scale);
  for (let y = 0; y < h * scale; y++) {
    for (let x = 0; x < w * scale; x++) {
      const val = v[Math.floor(y / scale) * w + Math.floor(x / scale)];
      px[y * w * scale + x] = Number.isFinite(val) ? Math.round(255 * (1 - (val - lo) / span)) : 128;
    }
  }
  return encodePNG(px, w * scale, h * scale, 1);
}

/**
 * What the kernel shows for a tensor: its dtype, shape and summary statistics (min, max, mean, non-finite
 * count), the values when they are few, and a small image of a matrix; the text form alone for a
 * disposed tensor. Installed as the tensor display; call it to get the bundle yourself.
 *
 * @example
 * ```ts
 * ll.tf.randomNormal([28, 28])   // as a cell's last value, it shows as this bundle
 * ```
 */
export function tensorBundle(t: tf.Tensor): MimeBundle {
  if (t.isDisposed) return { 'text/plain': `<disposed Tensor ${t.dtype} [${t.shape}]>` };
  const v = t.dataSync();
  let min = Infinity, max = -Infinity, sum = 0, finite = 0;
  for (let i = 0; i < v.length; i++) if (Number.isFinite(v[i])) { min = Math.min(min, v[i]); max = Math.max(max, v[i]); sum += v[i]; finite++; }
  const rows: [string, string][] = [['shape', `[${t.shape.join(', ')}]`], ['dtype', t.dtype]];
  if (v.length > 0) {
    rows.push(['min / mean / max', finite ? `${fmt(min)} / ${fmt(sum / finite)} / ${fmt(max)}` : 'no finite value']);
    if (finite < v.length) rows.push(['non-finite', String(v.length - finite)]);
    rows.push(['values', preview(v)]);
  }
  const sh = t.shape as number[];
  const image = t.rank === 2 && sh[0] >= 16 && sh[1] >= 16 ? tensorImagePNG(t).toString('base64') : undefined;
  return {
    'text/html': table(rows) + (image ? `<img alt="tensor as image" src="data:image/png;base64,${image}"/>` : ''),
    ...(image ? { 'image/png': image } : {}),
    'text/plain': t.toString(),
  };
}

/** A distribution's class, shapes and tensor-valued parameters as a table. */
export function distributionBundle(d: { constructor: { name: string }; batchShape: number[]; eventShape: number[] }): MimeBundle {
  const rows: [string, string][] = [['batch shape', `[${d.batchShape.join(', ')}]`], ['event shape', `[${d.eventShape.join(', ')}]`]];
  for (const [k, val] of Object.entries(d)) {
    if (val instanceof tf.Tensor && !val.isDisposed) rows.push([k, `[${val.shape.join(', ')}] ${preview(val.dataSync(), 6)}`]);
    else if (typeof val === 'number') rows.push([k, fmt(val)]);
  }
  const name = d.constructor.name;
  return {
    'text/html': `<div><b>${esc(name)}</b></div>` + table(rows),
    'text/plain': `${name}(${rows.map(([k, v]) => `${k}: ${v}`).join('; ')})`,
  };
}

/** Makes every tfjs tensor display itself richly in the kernel (called once on import). */
export function installTensorDisplay(): void {
  const proto = tf.Tensor.prototype as unknown as { toMimeBundle?: () => MimeBundle };
  if (!proto.toMimeBundle) proto.toMimeBundle = function (this: tf.Tensor) { return tensorBundle(this); };
}
