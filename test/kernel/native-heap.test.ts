import { expect } from 'chai';
import { trimNativeHeap, trimWhenIdle } from '../../kernel/native-heap';
import { ADDON_PATH, loadAddon } from '../../src/backend/addon';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const moduleWith = (exports: unknown) => ({ exports } as unknown as NodeModule);

describe('kernel: the C heap given back between cells', () => {
  it('trims through the library\'s addon when it is loaded, and does nothing when it is not', () => {
    let trims = 0;
    const withAddon = { '/x/native/build/Release/latent_blas.node': moduleWith({ trimMemory: () => { trims++; return true; } }) };
    expect(trimNativeHeap(withAddon)).to.equal(true);
    expect(trims).to.equal(1);
    expect(trimNativeHeap({ '/x/other.node': moduleWith({ trimMemory: () => { trims++; return true; } }) })).to.equal(false);
    expect(trimNativeHeap({ '/x/latent_blas.node': moduleWith({}) }), 'an older addon without trimMemory').to.equal(false);
    expect(trims).to.equal(1);
  });

  it('the real addon\'s trimMemory runs malloc_trim and answers a boolean, in this process', () => {
    loadAddon();
    expect(require.cache[ADDON_PATH], 'the addon is among the loaded modules').to.not.equal(undefined);
    expect(typeof trimNativeHeap()).to.equal('boolean');
  });

  it('runs once after a quiet spell, not between the cells of a run and not while a cell runs', async () => {
    let trims = 0, quiet = true;
    const replied = trimWhenIdle(() => quiet, () => trims++, 60);
    for (let i = 0; i < 5; i++) {
      replied();
      await sleep(20);
    }
    expect(trims, 'trimmed between cells 20 ms apart').to.equal(0);
    await sleep(120);
    expect(trims).to.equal(1);
    quiet = false;
    replied();
    await sleep(120);
    expect(trims, 'trimmed while a cell was running').to.equal(1);
  });
});
