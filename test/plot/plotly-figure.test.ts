// plotly figures as a real plotly.js draws them in Chromium: the titles and axis titles it renders, the
// 3-D scene inside the figure, and the PNG of the bundle (drawn by plotly.js in headless Chromium) with
// the whole surface inside the picture. One browser for the layout checks; the PNG renderer has its own.
import { expect } from 'chai';
import fs from 'fs';
import path from 'path';
import type { Browser, Page } from 'playwright-core';
import { closePlotlyRenderer } from '../../src/plot/plotly-png';
import { PLOTLY_MIME, PlotlyFigure, surface3d, zoomableLines } from '../../src/plot/plotly-figure';
import { pngSize } from '../../src/plot/png';
import { launchChromium } from '../support/chromium';
import { root } from '../support/jupyter';

interface Drawn {
  title: string;
  axisTitles: string[];
  figure: { width: number; height: number };
  scene?: { left: number; top: number; right: number; bottom: number };
}

async function draw(page: Page, fig: PlotlyFigure): Promise<Drawn> {
  const { width, height } = fig.size();
  return page.evaluate(async ({ f, w, h }) => {
    document.body.innerHTML = `<div id="g" style="width:${w}px;height:${h}px"></div>`;
    const gd = document.getElementById('g') as HTMLElement & { _fullLayout: { scene?: { _scene: { container: HTMLElement } } } };
    await (window as unknown as { Plotly: { newPlot(...a: unknown[]): Promise<void> } }).Plotly.newPlot(gd, f.data, f.layout);
    const text = (sel: string) => Array.from(gd.querySelectorAll(sel)).map((e) => (e.textContent ?? '').trim()).filter(Boolean);
    const box = gd.getBoundingClientRect();
    const scene = gd._fullLayout.scene?._scene.container.getBoundingClientRect();
    return {
      title: text('.gtitle').join(' '),
      // 2-D axis titles are SVG text; 3-D axis titles are drawn into the WebGL scene, read from the layout
      axisTitles: [...text('.g-xtitle, .g-ytitle'),
        ...(gd._fullLayout.scene ? ['xaxis', 'yaxis', 'zaxis'].map((a) => (gd._fullLayout.scene as unknown as Record<string, { title: { text: string } }>)[a].title.text) : [])],
      figure: { width: box.width, height: box.height },
      scene: scene && { left: scene.left - box.left, top: scene.top - box.top, right: scene.right - box.left, bottom: scene.bottom - box.top },
    };
  }, { f: fig.figure(), w: width, h: height });
}

/** Rows and columns of the PNG that are not white, read back through a canvas. */
async function inkBox(page: Page, png: Buffer): Promise<{ width: number; height: number; left: number; top: number; right: number; bottom: number }> {
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.naturalWidth; c.height = img.naturalHeight;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let left = c.width, top = c.height, right = -1, bottom = -1;
    for (let y = 0; y < c.height; y++) {
      for (let x = 0; x < c.width; x++) {
        const i = 4 * (y * c.width + x);
        if (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235) {
          left = Math.min(left, x); right = Math.max(right, x); top = Math.min(top, y); bottom = Math.max(bottom, y);
        }
      }
    }
    return { width: c.width, height: c.height, left, top, right, bottom };
  }, png.toString('base64'));
}

describe('plotly figures in Chromium: what plotly.js draws', function () {
  this.timeout(120_000);
  let browser: Browser;
  let page: Page;

  before(async () => {
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    await page.setContent('<!DOCTYPE html><html><body style="margin:0"></body></html>');
    // tsx compiles named inner functions with a __name helper that the page does not have
    await page.evaluate('window.__name = (f) => f');
    await page.addScriptTag({ path: path.join(root, 'node_modules', 'plotly.js-dist-min', 'plotly.min.js') });
  });

  after(async () => {
    await browser?.close();
    await closePlotlyRenderer();
  });

  const grid = Array.from({ length: 31 }, (_, i) => -3 + i * 0.2);
  const surface = () => surface3d({ z: grid.map((y) => grid.map((x) => -0.5 * (x * x + y * y) - 1.84)), x: grid, y: grid, title: 'log N(x; 0, I)', zTitle: 'log p' });

  it('zoomableLines: plotly.js renders the title and both axis titles', async () => {
    const drawn = await draw(page, zoomableLines({ series: { loss: [3, 2, 1.5, 1.2] }, title: 'denoising loss', yTitle: 'loss' }));
    expect(drawn.title).to.equal('denoising loss');
    expect(drawn.axisTitles).to.have.members(['step', 'loss']);
  });

  it('a user figure with plain-string titles gets them drawn (plotly.js 4 would ignore them)', async () => {
    const drawn = await draw(page, new PlotlyFigure([{ type: 'scatter', y: [1, 3, 2] }], { title: 'mine', xaxis: { title: 'time' }, yaxis: { title: 'value' } }));
    expect(drawn.title).to.equal('mine');
    expect(drawn.axisTitles).to.have.members(['time', 'value']);
  });

  it('surface3d: title and the three axis titles; the 3-D scene fills the figure inside its margins', async () => {
    const fig = surface();
    const drawn = await draw(page, fig);
    expect(drawn.title).to.equal('log N(x; 0, I)');
    expect(drawn.axisTitles).to.deep.equal(['x', 'y', 'log p']);
    const s = drawn.scene!;
    expect(s.left).to.be.at.least(0);
    expect(s.top).to.be.at.least(40); // below the title
    expect(s.right).to.be.at.most(drawn.figure.width);
    expect(s.bottom).to.be.at.most(drawn.figure.height);
    expect((s.right - s.left) * (s.bottom - s.top)).to.be.greaterThan(0.5 * drawn.figure.width * drawn.figure.height);
  });

  it('without Chromium the bundle keeps the plotly JSON and its text, with no PNG, and png() says why', async () => {
    const saved = process.env.LATENT_LAB_CHROMIUM;
    await closePlotlyRenderer();
    process.env.LATENT_LAB_CHROMIUM = '/nonexistent/chromium';
    try {
      const fig = zoomableLines({ series: { loss: [3, 2, 1] }, title: 'loss' });
      const bundle = await fig.toMimeBundle();
      expect(Object.keys(bundle)).to.have.members([PLOTLY_MIME, 'text/plain']);
      expect(bundle['text/plain']).to.equal('<PlotlyFigure: loss>');
      let message = '';
      await fig.png().catch((e: Error) => { message = e.message; });
      expect(message).to.contain('Chromium is not at /nonexistent/chromium').and.contain('LATENT_LAB_CHROMIUM');
    } finally {
      if (saved === undefined) delete process.env.LATENT_LAB_CHROMIUM;
      else process.env.LATENT_LAB_CHROMIUM = saved;
    }
  });

  it('png() names a bad scale', async () => {
    let message = '';
    await zoomableLines({ series: { a: [1, 2] } }).png({ scale: 0 }).catch((e: Error) => { message = e.message; });
    expect(message).to.equal('png: options.scale must be positive and finite, got 0');
  });

  it('the bundle\'s PNG (plotly.js in headless Chromium): the surface is not cropped, at the figure\'s size', async () => {
    const fig = surface();
    const bundle = await fig.toMimeBundle();
    expect(Object.keys(bundle)).to.have.members([PLOTLY_MIME, 'image/png', 'text/plain']);
    const png = Buffer.from(bundle['image/png'] as string, 'base64');
    expect(pngSize(png)).to.deep.equal(fig.size());
    const ink = await inkBox(page, png);
    // something is drawn, and nothing touches the picture's edges (a cropped surface would)
    expect(ink.right - ink.left, 'drawn width').to.be.greaterThan(ink.width / 2);
    expect(ink.bottom - ink.top, 'drawn height').to.be.greaterThan(ink.height / 2);
    expect([ink.left, ink.top], 'margin at the top left').to.satisfy(([l, t]: number[]) => l >= 2 && t >= 2);
    expect([ink.width - 1 - ink.right, ink.height - 1 - ink.bottom], 'margin at the bottom right').to.satisfy(([r, b]: number[]) => r >= 2 && b >= 2);
    const out = path.join(root, 'build', 'screenshots', 'plotly-surface.png');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, png);
    // save() writes a 2× PNG (a 2-D figure here: software WebGL makes a second surface slow)
    const lines = zoomableLines({ series: { loss: [3, 2, 1] } });
    const saved = path.join(root, 'build', 'screenshots', 'plotly-lines.png');
    await lines.save(saved);
    expect(pngSize(fs.readFileSync(saved))).to.deep.equal({ width: 2 * lines.size().width, height: 2 * lines.size().height });
  });
});
