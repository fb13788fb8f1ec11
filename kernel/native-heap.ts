// Between cells, the C heap's free pages go back to the system. The native kernels (Latent Lab's addon,
// OpenBLAS, oneDNN) free their work buffers to glibc's malloc, which keeps the pages for the next
// allocation: after lecture notebook 07 the kernel held ~23 MB of them (375 → 352 MB RSS after a trim).
// The addon is the library's (src/backend/addon.ts): found among the loaded modules, never loaded here.
import { realTimers } from './cell-scope';
import { idleAction, type IdleAction } from './idle-action';

/** Seconds without a cell before the trim: a student reading, not a run of cells. */
const TRIM_AFTER_MS = 2000;

type Trimmer = { trimMemory?: () => boolean };

/** malloc_trim(0) through the library's addon when a cell has loaded it; false when it is not loaded. */
export function trimNativeHeap(cache: NodeJS.Dict<NodeModule> = require.cache): boolean {
  for (const [file, mod] of Object.entries(cache)) {
    const exports = mod?.exports as Trimmer | undefined;
    if (file.endsWith('latent_blas.node') && typeof exports?.trimMemory === 'function') return exports.trimMemory();
  }
  return false;
}

/**
 * Returns what to call when a request has been answered: once `quiet()` has held for TRIM_AFTER_MS since the
 * last call, `trim` runs (never while a cell runs: an await loop's pause is not the end of its cell).
 */
export function trimWhenIdle(quiet: () => boolean, trim: () => unknown = trimNativeHeap, ms = TRIM_AFTER_MS): IdleAction {
  return idleAction(ms, trim, { guard: quiet, setTimer: realTimers.setTimeout });
}
