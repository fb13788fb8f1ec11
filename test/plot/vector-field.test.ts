// The quiver plot of a score field.
import { expect } from 'chai';
import { vectorFieldPlot } from '../../src/plot/vector-field';

describe('plot/vector-field: a vector field drawn as arrows', () => {
  it('draws one arrow per grid point over the points; the longest arrow spans 0.9 of a cell', () => {
    const x: number[] = [], y: number[] = [], u: number[] = [], v: number[] = [];
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) { x.push(j); y.push(i); u.push(-j + 2); v.push(-i + 2); }
    const fig = vectorFieldPlot({ x, y, u, v, points: [[0, 0], [1, 1]], title: 'score' });
    const layers = (fig.spec as unknown as { layer: { data: { values: { x: number; y: number; x2: number; y2: number }[] } }[] }).layer;
    expect(layers).to.have.length(3);
    expect(layers[1].data.values).to.have.length(25);
    const longest = Math.max(...layers[1].data.values.map((a) => Math.hypot(a.x2 - a.x, a.y2 - a.y)));
    expect(longest).to.be.closeTo(0.9, 1e-9);
  });

  it('rejects mismatched lengths and infinite values, naming the argument', () => {
    expect(() => vectorFieldPlot({ x: [0], y: [0, 1], u: [0], v: [0] })).to.throw('vectorFieldPlot: y must have shape [1], got [2]');
    expect(() => vectorFieldPlot({ x: [0], y: [0], u: [NaN], v: [0] })).to.throw('vectorFieldPlot: u[0] must be a finite number, got NaN');
  });
});
