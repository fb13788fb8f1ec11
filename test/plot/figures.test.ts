// The plot helpers: their specs, the SVG vega renders (with the expected marks), PNG size, MIME bundles, saving.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { lineChart, scatterPlot, histogram, barChart, Normal, MultivariateNormal, rng } from '../../src';
import { densityPlot } from '../../src/plot/density-plot';
import { density2d, contourSegments } from '../../src/plot/density-2d';
import { imageGrid, latentTraversal } from '../../src/plot/image-figure';
import { surface3d, zoomableLines, PlotlyFigure } from '../../src/plot/plotly-figure';
import { VEGA_LITE_MIME, VegaLiteFigure } from '../../src/plot/vega-lite-figure';
import { encodePNG, pngSize } from '../../src/plot/png';

const count = (svg: string, re: RegExp) => (svg.match(re) ?? []).length;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-plot-'));

describe('plot: vega-lite helpers', () => {
  it('lineChart: one line per series; its SVG has one path per series', async () => {
    const fig = lineChart({ series: { elbo: [1, 2, 3, 2.5], iwae: [1.5, 2.2, 3.1, 2.9] }, title: 'bounds' });
    expect((fig.spec.data as { values: unknown[] }).values).to.have.length(8);
    const svg = await fig.svg();
    expect(count(svg, /aria-roledescription="line mark"/g)).to.equal(2);
    expect(svg).to.contain('bounds');
  });

  it('lineChart: the legend lists the series in the order given, not alphabetically', async () => {
    const fig = lineChart({ series: { 'log p(x)': [0, 0], ELBO: [-1, -0.5], 'L_K': [-0.5, -0.2] } });
    const svg = await fig.svg();
    const order = ['log p(x)', 'ELBO', 'L_K'].map((name) => svg.indexOf(`>${name}<`));
    expect(order.every((i) => i >= 0), 'every name in the legend').to.equal(true);
    expect(order).to.deep.equal([...order].sort((a, b) => a - b));
  });

  it('scatterPlot: one circle per point, coloured by label', async () => {
    const fig = scatterPlot({ x: [0, 1, 2, 3], y: [1, 0, 1, 0], labels: [0, 0, 1, 1] });
    expect((fig.spec.encoding as Record<string, unknown>).color).to.deep.include({ field: 'label' });
    const svg = await fig.svg();
    expect(count(svg, /aria-roledescription="circle"/g)).to.equal(4);
  });

  it('histogram with an overlaid density: bars integrate to 1, the curve is a second layer', async () => {
    const xs = Array.from(rng(1).normalArray(2000));
    const fig = histogram({ values: xs, bins: 20, range: [-4, 4], density: (x) => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI) });
    const layers = fig.spec.layer as { data: { values: { x0: number; x1: number; density: number }[] } }[];
    expect(layers).to.have.length(2);
    const area = layers[0].data.values.reduce((s, b) => s + b.density * (b.x1 - b.x0), 0);
    expect(area).to.be.closeTo(1, 1e-9);
    const svg = await fig.svg();
    expect(count(svg, /aria-roledescription="rect mark"/g)).to.equal(20);
  });

  it('densityPlot takes a distribution; density2d draws a heatmap or contours with samples over it', async () => {
    const d = densityPlot({ densities: { 'N(0,1)': new Normal(0, 1) }, range: [-3, 3], points: 50 });
    const vals = (d.spec.data as { values: { density: number }[] }).values;
    expect(Math.max(...vals.map((v) => v.density))).to.be.closeTo(1 / Math.sqrt(2 * Math.PI), 1e-3);
    const mvn = new MultivariateNormal({ loc: [0, 0], covariance: [[1, 0.5], [0.5, 1]] });
    const heat = density2d({ logDensity: mvn, xRange: [-3, 3], yRange: [-3, 3], steps: 20, samples: [[0, 0], [1, 1]] });
    const svgH = await heat.svg();
    expect(count(svgH, /aria-roledescription="rect mark"/g)).to.equal(400);
    expect(count(svgH, /aria-roledescription="circle"/g)).to.equal(2);
    const contour = density2d({ logDensity: mvn, xRange: [-3, 3], yRange: [-3, 3], steps: 30, kind: 'contour' });
    expect(count(await contour.svg(), /aria-roledescription="rule mark"/g)).to.be.greaterThan(50);
  });

  it('contourSegments finds the unit circle of x² + y²', () => {
    const xs = Array.from({ length: 41 }, (_, i) => -2 + i * 0.1);
    const z = xs.map((y) => xs.map((x) => x * x + y * y));
    const segs = contourSegments(z, xs, xs, 1);
    expect(segs.length).to.be.greaterThan(20);
    for (const [x, y] of segs) expect(Math.hypot(x, y)).to.be.closeTo(1, 0.01);
  });

  it('barChart: one bar per label', async () => {
    const svg = await barChart({ labels: ['z1', 'z2', 'z3'], values: [0.5, 0.01, 1.2] }).svg();
    expect(count(svg, /aria-roledescription="bar"/g)).to.equal(3);
  });

  it('a figure displays as one MIME bundle under 1 MB: vega-lite and a PNG at the chart\'s size, no text/html (untrusted notebooks sanitize it)', async () => {
    const fig = lineChart({ series: { loss: Array.from({ length: 500 }, (_, i) => Math.exp(-i / 100)) }, title: 'loss' });
    const bundle = await fig.toMimeBundle();
    expect(Object.keys(bundle)).to.have.members([VEGA_LITE_MIME, 'image/png', 'text/plain']);
    expect(JSON.stringify(bundle).length).to.be.lessThan(1_000_000);
    const svgWidth = Number(/<svg[^>]*width="(\d+)"/.exec(await fig.svg())![1]);
    expect(pngSize(Buffer.from(bundle['image/png'] as string, 'base64')).width).to.equal(svgWidth);
    expect(bundle['text/plain']).to.equal('<VegaLiteFigure: loss>');
  });

  it('the spec can be adjusted and the change is rendered', async () => {
    const fig = barChart({ labels: ['a'], values: [1] });
    fig.spec.title = 'renamed';
    expect(await fig.svg()).to.contain('renamed');
  });

  it('saves .svg, .png (decoding at the requested size) and .html; refuses other extensions and missing folders', async () => {
    const fig = lineChart({ series: { a: [1, 2, 3] }, width: 300, height: 200 });
    await fig.save(path.join(tmp, 'f.svg'));
    await fig.save(path.join(tmp, 'f.html'));
    expect(fs.readFileSync(path.join(tmp, 'f.svg'), 'utf8')).to.match(/^<svg/);
    expect(fs.readFileSync(path.join(tmp, 'f.html'), 'utf8')).to.contain('<svg').and.not.contain('http://cdn');
    const png = await fig.png({ width: 640 });
    expect(pngSize(png).width).to.equal(640);
    await fig.save(path.join(tmp, 'f.png'));
    expect(pngSize(fs.readFileSync(path.join(tmp, 'f.png'))).width).to.be.greaterThan(300);
    await expectReject(fig.save(path.join(tmp, 'f.jpg')), 'saves to .svg, .png, .html');
    await expectReject(fig.save(path.join(tmp, 'missing', 'f.svg')), 'does not exist');
    expect(fs.readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
  });

  it('names a bad argument', () => {
    expect(() => lineChart({ series: {} })).to.throw('lineChart: series must name at least one series');
    expect(() => scatterPlot({ x: [1, 2], y: [1] })).to.throw('scatterPlot: x has 2 points, y has 1');
    expect(() => histogram({ values: [1, NaN] })).to.throw('histogram: values[1] must be a number, got NaN');
    expect(() => new VegaLiteFigure(null as never)).to.throw('spec must be a vega-lite object');
  });
});

describe('plot: image grids and plotly', () => {
  it('imageGrid lays out [n, 784] digits as one PNG of the expected size', () => {
    const imgs = tf.tidy(() => tf.reshape(tf.linspace(0, 1, 6 * 784), [6, 784]));
    const fig = imageGrid(imgs, { columns: 3, scale: 2, padding: 1 });
    expect(() => imageGrid(imgs, { imageShape: [20, 20] })).to.throw('imageGrid: imageShape must have h × w = 784 pixels, one row of images, got [20,20]');
    expect(() => encodePNG(new Uint8Array(5), 2, 2)).to.throw('encodePNG: pixels must have width × height × channels = 2×2×1 = 4 bytes, got 5');
    imgs.dispose();
    expect(fig.count).to.equal(6);
    expect(fig.imageShape).to.deep.equal([28, 28]);
    expect(pngSize(fig.png())).to.deep.equal({ width: 3 * 56 + 4, height: 2 * 56 + 3 });
    const bundle = fig.toMimeBundle();
    expect(Object.keys(bundle)).to.have.members(['image/png', 'text/plain']);
    // a title is drawn into the PNG, in a band above the grid, since there is no text/html to carry it
    fig.options.title = 'six digits';
    const titled = pngSize(Buffer.from(fig.toMimeBundle()['image/png'] as string, 'base64'));
    expect(titled).to.deep.equal({ width: 3 * 56 + 4, height: 2 * 56 + 3 + 22 });
  });

  it('latentTraversal decodes one row per dimension', () => {
    const decode = (z: tf.Tensor) => tf.tidy(() => tf.sigmoid(tf.tile(tf.sum(z, 1, true), [1, 16 * 16])));
    const fig = latentTraversal({ decode, latentDim: 3, dims: [0, 2], steps: 5 });
    expect(fig.count).to.equal(10);
    expect(fig.imageShape).to.deep.equal([16, 16]);
    expect(() => latentTraversal({ decode, latentDim: 3, dims: [3] })).to.throw('dims must be integers in [0, 3)');
  });

  it('plotly figures: titles as { text } (plotly.js 4 ignores plain strings), fixed 3-D aspect, margins', () => {
    const surf = surface3d({ z: [[1, 2], [3, 4]], x: [0, 1], y: [0, 1], title: 'surface', zTitle: 'log p' });
    const { layout } = surf.figure();
    expect(layout.title).to.deep.equal({ text: 'surface' });
    const scene = layout.scene as Record<string, Record<string, unknown>>;
    expect(scene.zaxis.title).to.deep.equal({ text: 'log p' });
    expect(scene.aspectmode).to.equal('manual');
    expect(layout.margin).to.deep.equal({ l: 10, r: 10, b: 10, t: 56 });
    // a user's plain-string titles are converted too
    const custom = new PlotlyFigure([{ type: 'scatter', y: [1, 2] }], { title: 'mine', xaxis: { title: 'x' }, yaxis2: { title: 'y2' } }).figure().layout;
    expect([custom.title, (custom.xaxis as { title: unknown }).title, (custom.yaxis2 as { title: unknown }).title]).to.deep.equal([{ text: 'mine' }, { text: 'x' }, { text: 'y2' }]);
    const z = zoomableLines({ series: { loss: [3, 2, 1] } });
    expect((z.layout.xaxis as Record<string, unknown>).rangeslider).to.deep.equal({ visible: true });
    expect(() => surface3d({ z: [[1], [1, 2]] })).to.throw('surface3d: z must have one length for all rows, got row 0 with 1, row 1 with 2');
    expect(() => new PlotlyFigure([{ type: 'scatter' }], null as never)).to.throw('PlotlyFigure: layout must be an object');
  });

  it('plotly figures save as standalone HTML with plotly.js inlined; other extensions are refused', async () => {
    const z = zoomableLines({ series: { loss: [3, 2, 1] } });
    await z.save(path.join(tmp, 'z.html'));
    expect(fs.statSync(path.join(tmp, 'z.html')).size).to.be.greaterThan(1_000_000); // plotly.js inlined
    await expectReject(z.save(path.join(tmp, 'z.svg')), 'saves to .html, .png');
  });
});

async function expectReject(p: Promise<unknown>, message: string) {
  try {
    await p;
  } catch (e) {
    expect((e as Error).message).to.contain(message);
    return;
  }
  throw new Error(`expected a rejection containing '${message}'`);
}
