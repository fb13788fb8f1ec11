// How a cell's value is shown (its MIME bundle).
import util from 'util';

import type { MimeBundle } from '../src/display/kernel-hook';
export type { MimeBundle };

/**
 * A value's MIME bundle: its own `toMimeBundle()` (sync or async) when it has one, with text/plain always
 * present; undefined when its own bundle is empty: a value that has shown itself already (ll.interact's
 * controls and figure) is no cell result, or views without a live kernel show a stray `Out:` line.
 */
export async function mimeBundleOf(value: unknown): Promise<MimeBundle | undefined> {
  const bundle: MimeBundle = {};
  const v = value as { toMimeBundle?: () => MimeBundle | Promise<MimeBundle>; dataSync?: unknown; toString(): string };
  if (v !== null && typeof v === 'object' && typeof v.toMimeBundle === 'function') {
    const own = await v.toMimeBundle();
    if (own === null || own === undefined || Object.keys(own).length === 0) return undefined;
    Object.assign(bundle, own);
  }
  if (!('text/plain' in bundle)) {
    // A tfjs tensor's own toString() is its values; util.inspect would dump engine internals.
    const isTensor = v !== null && typeof v === 'object' && typeof v.dataSync === 'function';
    bundle['text/plain'] = isTensor ? v.toString() : util.inspect(value, { depth: 4, maxArrayLength: 50 });
  }
  return bundle;
}
