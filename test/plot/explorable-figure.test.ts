import { expect } from 'chai';
import * as ll from '../../src';

/** Frame v has v + 1 points on the line y = 10·v, so a frame is recognizable in the SVG. */
const frame = (v: number) => ll.scatterPlot({ x: Array.from({ length: v + 1 }, (_, i) => i), y: Array.from({ length: v + 1 }, () => 10 * v) });
const pointsIn = (svg: string) => (svg.match(/aria-roledescription="circle"/g) ?? []).length;

describe('plot: explorable figures (a slider inside the figure, no kernel needed)', () => {
  it('binds a range slider for evenly spaced values and filters to the chosen frame', () => {
    const f = ll.plot.explorableFigure({ name: 't', values: [0, 1, 2, 3], label: 'step t' }, frame);
    expect(f.spec.params).to.deep.equal([{ name: 't', value: 0, bind: { input: 'range', min: 0, max: 3, step: 1, name: 'step t ' } }]);
    expect(f.spec.transform).to.deep.equal([{ filter: 'datum.__frame == t' }]);
    expect((f.spec.data as { values: unknown[] }).values).to.have.length(1 + 2 + 3 + 4);
  });

  it('uses a drop-down for values that are not evenly spaced (e.g. K = 1, 5, 50)', () => {
    const f = ll.plot.explorableFigure({ name: 'K', values: [1, 5, 50], value: 5 }, (k) => frame(k % 4));
    expect(f.spec.params).to.deep.equal([{ name: 'K', value: 5, bind: { input: 'select', options: [1, 5, 50], name: 'K ' } }]);
  });

  it('draws the starting frame in static views, on axes fixed over all frames', async () => {
    const values = [0, 1, 2, 3];
    for (const start of [0, 3]) {
      const f = ll.plot.explorableFigure({ name: 't', values, value: start }, frame);
      expect(pointsIn(await f.svg()), `start ${start}`).to.equal(start + 1);
      const y = (f.spec.encoding as { y: { scale: { domain: number[] } } }).y.scale.domain;
      expect(y).to.deep.equal([0, 30]);
    }
  });

  it('rejects bad parameters, naming the argument', () => {
    expect(() => ll.plot.explorableFigure({ name: 'not a name', values: [1] }, frame)).to.throw(/explorableFigure: parameter.name/);
    expect(() => ll.plot.explorableFigure({ name: 't', values: [] }, frame)).to.throw(/explorableFigure: parameter.values/);
    expect(() => ll.plot.explorableFigure({ name: 't', values: [1, NaN] }, frame)).to.throw(/explorableFigure: parameter.values/);
    expect(() => ll.plot.explorableFigure({ name: 't', values: [1, 1] }, frame)).to.throw(/must not repeat/);
    expect(() => ll.plot.explorableFigure({ name: 't', values: [1, 2], value: 3 }, frame)).to.throw(/parameter.value must be one of/);
    expect(() => ll.plot.explorableFigure({ name: 't', values: [1] }, () => ({}) as ll.plot.VegaLiteFigure)).to.throw(/frame\(1\) must return a vega-lite figure/);
  });

  it('shows as vega-lite (the slider) and a PNG of the starting frame, with no HTML to outrank them', async () => {
    const bundle = await ll.plot.explorableFigure({ name: 't', values: [0, 1] }, frame).toMimeBundle();
    expect(Object.keys(bundle).sort()).to.deep.equal(['application/vnd.vegalite.v5+json', 'image/png', 'text/plain']);
    expect(Buffer.from(bundle['image/png'] as string, 'base64').subarray(1, 4).toString()).to.equal('PNG');
  });
});
