// Between cells, the C heap's free pages go back to the system. The native kernels (Latent Lab's addon,
// OpenBLAS, oneDNN) free their work buffers to glibc's malloc, which keeps the pages for the next
// allocation: after lecture notebook 07 the kernel held ~23 MB of them (375 → 352 MB RSS after a trim).
import { realTimers } from './cell-scope';
import { idleAction, type IdleAction } from './idle-action';
import { memoryAddon } from './memory-addon';

/** Seconds without a cell before the trim: a student reading, not a run of cells. */
const TRIM_AFTER_MS = 2000;

/** malloc_trim(0) through the kernel's memory addon; false when there is nothing to give back or no addon. */
export function trimNativeHeap(): boolean {
  return memoryAddon()?.trimMemory() ?? false;
}

/**
 * Returns what to call when a request has been answered: once `quiet()` has held for TRIM_AFTER_MS since the
 * last call, `trim` runs (never while a cell runs: an await loop's pause is not the end of its cell).
 */
export function trimWhenIdle(quiet: () => boolean, trim: () => unknown = trimNativeHeap, ms = TRIM_AFTER_MS): IdleAction {
  return idleAction(ms, trim, { guard: quiet, setTimer: realTimers.setTimeout });
}
