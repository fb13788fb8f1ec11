// Between cells, the kernel's idle memory goes back to the system. V8's: the young generation a cell grew
// stays committed (the library's import grows it to 32 MB, 0.6 MB of it live), and a low-memory collection
// shrinks it to one page (the kernel after the library: 116 → 97 MB RSS). The C heap's: the native kernels
// (Latent Lab's addon, OpenBLAS, oneDNN) free their work buffers to glibc's malloc, which keeps the pages for
// the next allocation: after lecture notebook 07 the kernel held ~23 MB of them (375 → 352 MB RSS after a trim).
import v8 from 'v8';
import { realTimers } from './cell-scope';
import { idleAction, type IdleAction } from './idle-action';
import { memoryAddon } from './memory-addon';

/** Milliseconds without a cell before the release: a student reading, not a run of cells. */
const TRIM_AFTER_MS = 2000;

/** malloc_trim(0) through the kernel's memory addon; false when there is nothing to give back or no addon. */
export function trimNativeHeap(): boolean {
  return memoryAddon()?.trimMemory() ?? false;
}

/** A young generation at most this size is not worth a collection (V8 starts it at 1 MB). */
const YOUNG_WORTH_RELEASING = 4 * 2 ** 20;
/**
 * Live heap above which the low-memory collection is left out: it takes longer the more is live (284 MB of small
 * objects: 0.45 s), and a cell sent meanwhile would wait for it; 32 MB of young generation matter less there.
 */
const COLLECT_BELOW_BYTES = 192 * 2 ** 20;

/**
 * V8's low-memory collection of the kernel's heap when its young generation has grown past `youngAbove` bytes
 * and less than `liveBelow` bytes are live, then the C heap's trim; false without the addon.
 */
export function releaseIdleMemory({ youngAbove = YOUNG_WORTH_RELEASING, liveBelow = COLLECT_BELOW_BYTES } = {}): boolean {
  const addon = memoryAddon();
  if (!addon) return false;
  const spaces = v8.getHeapSpaceStatistics();
  const young = spaces.find((s) => s.space_name === 'new_space')?.space_size ?? 0;
  const live = spaces.reduce((sum, s) => sum + s.space_used_size, 0);
  if (young > youngAbove && live < liveBelow) addon.lowMemoryNotification();
  addon.trimMemory();
  return true;
}

/**
 * Returns what to call when a request has been answered: once `quiet()` has held for TRIM_AFTER_MS since the
 * last call, `trim` runs (never while a cell runs: an await loop's pause is not the end of its cell).
 */
export function trimWhenIdle(quiet: () => boolean, trim: () => unknown = () => releaseIdleMemory(), ms = TRIM_AFTER_MS): IdleAction {
  return idleAction(ms, trim, { guard: quiet, setTimer: realTimers.setTimeout });
}
