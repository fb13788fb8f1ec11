// projectionFigure: the data, the reconstructions, one segment per point and the subspace line.
import { expect } from 'chai';
import { projectionFigure } from '../../src/plot/projection-figure';

const count = (svg: string, re: RegExp) => (svg.match(re) ?? []).length;

describe('plot: projectionFigure', () => {
  const points = [[1, 2], [2, 1], [3, 3.5]];
  const reconstructions = [[1.5, 1.5], [1.5, 1.5], [3.25, 3.25]];

  it('draws 2N circles, N segments and the subspace line through the origin along the direction', async () => {
    const fig = projectionFigure({ points, reconstructions, subspace: { origin: [0, 0], direction: [2, 2] }, title: 'PPCA' });
    const layers = fig.spec.layer as { data: { values: Record<string, number>[] }; mark: { type: string } }[];
    expect(layers.map((l) => l.mark.type)).to.deep.equal(['rule', 'rule', 'circle']);
    const line = layers[0].data.values[0];
    // the subspace line lies on y = x (direction [1, 1]) and spans every point's projection
    expect(line.y - line.x).to.be.closeTo(0, 1e-12);
    expect(line.y2 - line.x2).to.be.closeTo(0, 1e-12);
    expect(Math.min(line.x, line.x2)).to.be.below(1.5);
    expect(Math.max(line.x, line.x2)).to.be.above(3.25);
    expect(layers[1].data.values[2]).to.deep.equal({ x: 3, y: 3.5, x2: 3.25, y2: 3.25 });
    // equal units: both domains have the same length and the plot is square
    const enc = (layers[2] as unknown as { encoding: Record<string, { scale: { domain: number[] } }> }).encoding;
    const len = (k: string) => enc[k].scale.domain[1] - enc[k].scale.domain[0];
    expect(len('x')).to.be.closeTo(len('y'), 1e-12);
    expect(len('y')).to.be.closeTo(1.1 * 2.5, 1e-12);   // the larger extent (y: 1 … 3.5) with 10% margin
    expect(fig.spec.width).to.equal(fig.spec.height);
    const svg = await fig.svg();
    expect(count(svg, /aria-roledescription="circle"/g)).to.equal(6);
    expect(count(svg, /aria-roledescription="rule mark"/g)).to.equal(4);
    expect(svg).to.contain('PPCA');
  });

  it('names a mismatched or non-finite input', () => {
    expect(() => projectionFigure({ points, reconstructions: reconstructions.slice(1) })).to.throw(/one row per point \(3\)/);
    expect(() => projectionFigure({ points: [[1, NaN]], reconstructions: [[1, 1]] })).to.throw(/points\[0\]/);
    expect(() => projectionFigure({ points, reconstructions, subspace: { origin: [0, 0], direction: [0, 0] } })).to.throw(/non-zero direction/);
  });
});
