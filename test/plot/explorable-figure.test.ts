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

  it('animates a layered frame per layer (a histogram), and a title that names the frame follows the slider', async () => {
    // frame v: 2 + v draws, all in bin v of four bins on [0, 4]; the title names the frame
    const hist = (v: number) => ll.histogram({ values: Array.from({ length: 2 + v }, () => v + 0.5), bins: 4, range: [0, 4], title: `all ${2 + v} draws in bin ${v}` });
    const f = ll.plot.explorableFigure({ name: 'v', values: [0, 1, 2, 3], value: 2 }, hist);
    const layer = (f.spec.layer as { transform?: unknown[]; data: { values: unknown[] } }[])[0];
    expect(layer.transform).to.deep.equal([{ filter: 'datum.__frame == v' }]);
    expect(layer.data.values).to.have.length(4 * 4);
    const svg = await f.svg();
    expect(svg).to.contain('all 4 draws in bin 2');
    expect(svg).not.to.contain('all 2 draws in bin 0');
    // one frame's four bars, not sixteen, with its draws in bin 2
    expect((svg.match(/aria-roledescription="rect mark"/g) ?? []).length).to.equal(4);
    expect(svg).to.contain('aria-label="x: 2; density: 1; x1: 3"');
  });

  it('keeps a layer that is the same in every frame (contours) once, and animates the one that changes (samples)', async () => {
    const logDensity = (p: number[][]) => p.map(([x, y]) => -(x * x + y * y) / 2);
    const snap = (k: number) => ll.plot.density2d({ logDensity, xRange: [-3, 3], yRange: [-3, 3], kind: 'contour', steps: 20,
      samples: Array.from({ length: k + 1 }, (_, i) => [i / 4 - 1, 0]), title: 'fixed title' });
    const f = ll.plot.explorableFigure({ name: 'k', values: [0, 1, 2] }, snap);
    const [contours, samples] = f.spec.layer as { transform?: unknown[]; data: { values: Record<string, unknown>[] } }[];
    expect(contours.transform, 'contours: no filter').to.equal(undefined);
    expect(contours.data.values.every((r) => !('__frame' in r)), 'contours: no frame field').to.equal(true);
    expect(samples.transform).to.deep.equal([{ filter: 'datum.__frame == k' }]);
    expect(samples.data.values).to.have.length(1 + 2 + 3);
    expect(f.spec.title).to.equal('fixed title');
    expect(pointsIn(await f.svg())).to.equal(1);
  });

  it('fixes a bar chart\'s value axis from zero, and to the stacked totals when bars stack', () => {
    const bars = (v: number) => ll.barChart({ labels: ['a', 'b'], values: [1 + v, 2 + v] });
    const f = ll.plot.explorableFigure({ name: 'v', values: [0, 1] }, bars);
    expect((f.spec.encoding as { y: { scale: { domain: number[] } } }).y.scale.domain).to.deep.equal([0, 3]);
    // two categories stacked in one bar per sample (as notebook 06's Gumbel-softmax samples): totals 1
    const stacked = (v: number) => new ll.plot.VegaLiteFigure({ data: { values: [{ s: 1, k: 'a', y: 0.2 + v / 10 }, { s: 1, k: 'b', y: 0.8 - v / 10 }] },
      mark: 'bar', encoding: { x: { field: 's', type: 'ordinal' }, y: { field: 'y', type: 'quantitative' }, color: { field: 'k', type: 'nominal' } } });
    const g = ll.plot.explorableFigure({ name: 'v', values: [0, 1, 2] }, stacked);
    const [lo, hi] = (g.spec.encoding as { y: { scale: { domain: number[] } } }).y.scale.domain;
    expect(lo).to.equal(0);
    expect(hi).to.be.closeTo(1, 1e-12);
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
