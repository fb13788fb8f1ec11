// A process started from a V8 startup snapshot (the compiler, compiler-process.ts) keeps Node's in-memory copy
// of the snapshot's V8 data for the rest of its life: 57 MB of the compiler's ~235 MB resident memory, read
// once to build the heap and again only to make a new V8 context (vm.createContext), which the compiler does
// once, at its start (compiler-service.ts fullCollection), before this runs. The copy is a malloc'd block of
// its own mapping, found here by its content: the snapshot file's bytes. Its pages go back to the system
// (memory-addon.ts releasePages); the block itself stays allocated, so nothing in Node or V8 changes.
import fs from 'fs';
import { memoryAddon, type MemoryAddon } from './memory-addon';

const PAGE = 4096;
/** glibc's header before the data of a block malloc maps on its own. */
const CHUNK_HEADER = 16;

interface Region { start: number; end: number }

/** The process's private anonymous read-write mappings of at least `minBytes` (from /proc/self/maps). */
function anonymousRegions(maps: string, minBytes: number): Region[] {
  const regions: Region[] = [];
  for (const line of maps.split('\n')) {
    const [range, perms, , , inode, ...rest] = line.trim().split(/\s+/);
    if (!range || perms !== 'rw-p' || inode !== '0' || rest.join(' ') !== '') continue;
    const [start, end] = range.split('-').map((h) => parseInt(h, 16));
    if (end - start >= minBytes) regions.push({ start, end });
  }
  return regions;
}

const readAt = (fd: number, position: number, length: number) => {
  const buffer = Buffer.alloc(length);
  const n = fs.readSync(fd, buffer, 0, length, position);
  return buffer.subarray(0, n);
};

/**
 * Gives back the pages of this process's copy of the startup snapshot `blobFile`; returns the bytes released
 * (0 when there is no such copy, no addon, or /proc cannot be read). The copy is recognised by its first
 * 64 bytes, found near the start of the file, and by four more pages compared with the file's.
 */
export function releaseSnapshotCopy(blobFile: string, addon: MemoryAddon | undefined = memoryAddon()): number {
  if (!addon) return 0;
  let mem: number | undefined, blob: number | undefined;
  try {
    const size = fs.statSync(blobFile).size;
    const regions = anonymousRegions(fs.readFileSync('/proc/self/maps', 'utf8'), Math.min(size / 2, 16 << 20));
    mem = fs.openSync('/proc/self/mem', 'r');
    blob = fs.openSync(blobFile, 'r');
    const head = readAt(blob, 0, 64 * 1024);
    for (const { start, end } of regions) {
      if (end - start > size + 2 * PAGE) continue;
      const offset = head.indexOf(readAt(mem, start + CHUNK_HEADER, 64));
      if (offset < 0) continue;
      const data = start + CHUNK_HEADER;
      const length = Math.min(end - data, size - offset);
      const same = [PAGE, length / 4, length / 2, length - 2 * PAGE].every((at) => {
        const p = Math.floor(at);
        return readAt(mem!, data + p, PAGE).equals(readAt(blob!, offset + p, PAGE));
      });
      if (!same) continue;
      // the first page holds malloc's header: kept, with whatever of the data shares it
      const from = start + PAGE, to = Math.floor((data + length) / PAGE) * PAGE;
      if (to <= from) return 0;
      addon.releasePages(from, to - from);
      return to - from;
    }
    return 0;
  } catch {
    return 0;
  } finally {
    if (mem !== undefined) fs.closeSync(mem);
    if (blob !== undefined) fs.closeSync(blob);
  }
}
