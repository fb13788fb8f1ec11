// What ll.interact leaves in a saved notebook for views without a live kernel: its controls as one line
// naming their values (not "VBox(1 widgets)"), then the figure for those values.
import { expect } from 'chai';
import * as ll from '../../src';
import type { DisplayOptions, MimeBundle } from '../../src/display/kernel-hook';

describe('display: interact in a saved notebook', () => {
  const shown: { bundle: MimeBundle; options?: DisplayOptions }[] = [];
  const g = globalThis as { __latentLabKernel__?: unknown };
  const pending: Promise<unknown>[] = [];
  beforeEach(() => {
    shown.length = 0;
    g.__latentLabKernel__ = {
      display: (bundle: MimeBundle, options?: DisplayOptions) => shown.push({ bundle, options }),
      clearOutput() {},
      track(w: Promise<unknown>) { pending.push(w); },
      openComm: undefined,
    };
  });
  afterEach(() => { delete g.__latentLabKernel__; });

  it('shows the controls as one line with their values, then the static frame', async () => {
    const tau = ll.widgets.floatSlider({ value: 0.5, min: 0.1, max: 2 });
    const it = ll.interact(({ tau }) => `frame for τ = ${tau}`, { tau });
    await it.settled;
    await Promise.all(pending);
    const controls = shown[0].bundle;
    expect(controls['text/plain']).to.equal('tau = 0.5 · the controls move in a running notebook (run the cell)');
    expect(Object.keys(controls)).to.include('application/vnd.jupyter.widget-view+json');
    expect(shown.map((s) => s.bundle['text/plain'])).to.not.include.members(['VBox(1 widgets)']);
    expect(shown[1].bundle['text/plain']).to.equal('frame for τ = 0.5');
    tau.close();
  });
});
