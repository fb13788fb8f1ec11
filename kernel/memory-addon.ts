// The kernel's own native addon (native/process-memory.c, built by setup beside the library's kernels): memory
// the process holds and no longer needs goes back to the system. It links no BLAS, so the kernel and its
// compiler process load it at no cost. Missing (not built, another platform) or refused (Node's permission
// model allows no addons: the grading kernels), the kernel simply keeps that memory.
import fs from 'fs';
import path from 'path';

export interface MemoryAddon {
  /** malloc_trim(0): the C heap's free pages back to the system; true when any were. */
  trimMemory(): boolean;
  /** madvise(MADV_DONTNEED) over whole pages of a region never read again; throws on an unaligned range. */
  releasePages(address: number, length: number): boolean;
  /**
   * V8's collection for low memory in the calling thread's isolate: full collections until nothing more is
   * freed, the young generation shrunk, pooled pages freed (a plain gc() does only the first).
   */
  lowMemoryNotification(): boolean;
}

/**
 * Where setup builds it (native/binding.gyp, target latent_memory): under the folder holding native/ above
 * this file, whether it runs from dist/kernel or kernel/. Looked for when first needed: under Node's
 * permission model (the grading kernels) existsSync throws on a folder the kernel may not read. The same walk
 * as the library's (src/backend/addon.ts) on purpose: the grading sandbox lets the kernel read dist/kernel
 * and not dist/src (tools/assignments.py), so the kernel imports nothing of the library's at run time.
 */
export function memoryAddonPath(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'native', 'binding.gyp')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'native', 'build', 'Release', 'latent_memory.node');
}

let loaded: MemoryAddon | null | undefined;

/** The addon, loaded once; undefined when it cannot be. */
export function memoryAddon(): MemoryAddon | undefined {
  if (loaded === undefined) {
    try {
      const file = memoryAddonPath();
      const mod = { exports: {} as MemoryAddon };
      process.dlopen(mod, file);
      loaded = ['trimMemory', 'releasePages', 'lowMemoryNotification'].every((f) => typeof (mod.exports as unknown as Record<string, unknown>)[f] === 'function') ? mod.exports : null;
    } catch {
      loaded = null;
    }
  }
  return loaded ?? undefined;
}
