import { expect } from 'chai';
import fs from 'fs';
import { memoryAddon, memoryAddonPath } from '../../kernel/memory-addon';
import v8 from 'v8';
import { releaseIdleMemory, trimNativeHeap, trimWhenIdle } from '../../kernel/native-heap';
import { ADDON_PATH } from '../../src/backend/addon';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('kernel: idle memory given back between cells', () => {
  it('trims through the kernel\'s own memory addon, which links no BLAS, and answers a boolean', () => {
    const addon = memoryAddon();
    expect(addon, 'native/build/Release/latent_memory.node is built by setup').to.not.equal(undefined);
    expect(typeof trimNativeHeap()).to.equal('boolean');
    expect(fs.readFileSync('/proc/self/maps', 'utf8')).to.contain('latent_memory.node');
    // its dynamic dependencies (the ELF's string table): no OpenBLAS, no oneDNN, unlike the library's addon
    const strings = (file: string) => fs.readFileSync(file).toString('latin1');
    expect(strings(memoryAddonPath())).to.not.match(/libopenblas|libdnnl/);
    expect(strings(ADDON_PATH)).to.match(/libopenblas/);
  });

  it('its lowMemoryNotification collects what is garbage and shrinks the heap, in the calling thread\'s isolate', () => {
    const addon = memoryAddon()!;
    let junk: { i: number; s: string }[] | undefined = [];
    for (let i = 0; i < 2_000_000; i++) junk.push({ i, s: `item ${i}` });
    const held = process.memoryUsage().heapUsed;
    junk = undefined;
    expect(addon.lowMemoryNotification()).to.equal(true);
    const after = process.memoryUsage();
    expect(held - after.heapUsed, 'bytes collected').to.be.above(50e6);
    expect(after.heapTotal - after.heapUsed, 'heap kept beyond what is live').to.be.below(64e6);
  });

  /** Grows V8's young generation: short-lived objects that survive a scavenge or two. */
  const youngSize = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_size;
  const growYoung = () => {
    let keep: number[][] = [];
    for (let i = 0; i < 400_000; i++) {
      keep.push([i, i + 1]);
      if (keep.length > 50_000) keep = [];
    }
    return youngSize();
  };

  it('releaseIdleMemory, what the kernel runs between cells, shrinks the young generation a burst of allocation grew', () => {
    const grown = growYoung();
    expect(grown, 'the young generation after the burst').to.be.above(4 * 2 ** 20);
    // this process's live heap is whatever the tests before left: the limit on it is the next test's
    expect(releaseIdleMemory({ liveBelow: Infinity })).to.equal(true);
    expect(youngSize(), 'the young generation after the release').to.be.at.most(2 * 2 ** 20);
  });

  it('releaseIdleMemory leaves the collection out when more is live than its limit (a stall for a cell sent meanwhile), and still trims', () => {
    const grown = growYoung();
    expect(grown).to.be.above(4 * 2 ** 20);
    expect(releaseIdleMemory({ liveBelow: process.memoryUsage().heapUsed / 2 })).to.equal(true);
    expect(youngSize(), 'the young generation, left to V8').to.equal(grown);
  });

  it('its releasePages refuses a range that is not whole pages, naming what it needs', () => {
    const addon = memoryAddon()!;
    expect(() => addon.releasePages(4097, 4096)).to.throw(/multiples of the page size/);
    expect(() => addon.releasePages(4096, 100)).to.throw(/multiples of the page size/);
    expect(() => (addon.releasePages as (...a: unknown[]) => boolean)('x', 4096)).to.throw(/two numbers/);
  });

  // When it runs after a reply is idleAction's (idle-action.test.ts); what is trimWhenIdle's own is the guard.
  it('skips the trim when the time comes while a cell runs, and trims after a reply once none is running', async () => {
    let trims = 0, quiet = false;
    const replied = trimWhenIdle(() => quiet, () => trims++, 30);
    replied();
    await sleep(100);
    expect(trims, 'trimmed while a cell was running').to.equal(0);
    quiet = true;
    replied();
    await sleep(100);
    expect(trims).to.equal(1);
  });
});
