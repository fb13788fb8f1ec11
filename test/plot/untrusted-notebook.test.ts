// What a student sees when a lecturer hands out an executed notebook: the figures fixture executed by the
// runner, then opened (not run) by someone else's Jupyter, which does not trust it (a fresh data folder:
// no signature database). In JupyterLab 4 and in Debian's classic Notebook 6, in Chromium, every figure
// shows: vega-lite drawn by JupyterLab, plotly by its renderer, and otherwise the PNG of the bundle —
// never a sanitized HTML fallback. Screenshots: build/screenshots/untrusted-{jupyterlab,classic}.png.
import { expect } from 'chai';
import fs from 'fs';
import path from 'path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { executedFigures } from '../support/executed-figures';
import { root } from '../support/jupyter';
import { hasJupyterLab, startJupyterLab, type JupyterLabServer } from '../support/jupyterlab';

const screenshots = path.join(root, 'build', 'screenshots');

interface Shown {
  /** What the output shows as: 'png', 'vega', 'plotly', 'text' or 'empty'. */
  as: string;
  mime: string;
  /** Pixels or marks drawn (image width, vega marks, plotly layers). */
  drawn: number;
  text: string;
}

/** Classifies each output element under `selector` by what it actually draws. */
function shownOutputs(page: Page, selector: string): Promise<Shown[]> {
  return page.evaluate((sel) => Array.from(document.querySelectorAll(sel)).map((o) => {
    const img = o.querySelector('img') as HTMLImageElement | null;
    const vegaMarks = o.querySelectorAll('g[class*="role-mark"] > *').length + o.querySelectorAll('.vega-embed canvas').length;
    const plotly = o.querySelectorAll('.main-svg, .gl-container canvas').length;
    const text = ((o as HTMLElement).innerText ?? '').trim().slice(0, 120);
    const as = vegaMarks > 0 ? 'vega' : plotly > 0 ? 'plotly' : img && img.naturalWidth > 0 ? 'png' : text ? 'text' : 'empty';
    return { as, mime: o.getAttribute('data-mime-type') ?? '', drawn: vegaMarks || plotly || (img?.naturalWidth ?? 0), text };
  }), selector);
}

async function waitFor(page: Page, fn: () => Promise<boolean>, what: string, ms = 90_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await page.waitForTimeout(250);
  }
}

/** The fixture's four figure outputs (after the ready line): chart, explorable chart, image grid, surface. */
function expectEveryFigureShown(shown: Shown[], where: string) {
  const figures = shown.filter((s) => !s.text.startsWith('Latent Lab ready'));
  expect(figures.length, `${where}: figure outputs ${JSON.stringify(shown)}`).to.equal(4);
  figures.forEach((f, i) => {
    expect(['png', 'vega', 'plotly'], `${where}: figure ${i} shows as ${f.as} (${f.mime}): ${f.text}`).to.include(f.as);
    expect(f.drawn, `${where}: figure ${i} drew nothing`).to.be.greaterThan(0);
    // what a sanitized chart looked like: its tick labels run together as text
    expect(f.text, `${where}: figure ${i} text`).to.not.match(/\d{6,}/);
  });
  expect(figures[2].as, `${where}: the image grid`).to.equal('png');
}

describe('an executed notebook opened untrusted shows every figure (JupyterLab 4 and the classic Notebook)', function () {
  this.timeout(240_000);
  let browser: Browser;
  let notebook: string;

  before(async () => {
    notebook = (await executedFigures()).notebook;
    browser = await launchChromium();
    fs.mkdirSync(screenshots, { recursive: true });
  });

  after(async () => {
    await browser?.close();
  });

  it('JupyterLab 4: not trusted, vega-lite and plotly drawn by their renderers, the image grid as PNG', async () => {
    expect(hasJupyterLab(), 'JupyterLab is not in .venv/: run bash scripts/setup.sh').to.equal(true);
    let server: JupyterLabServer | undefined;
    try {
      server = await startJupyterLab({ exposeApp: true });
      const name = server.addNotebook(notebook, 'handed-out.ipynb');
      const page = await browser.newPage({ viewport: { width: 1280, height: 2400 } });
      await page.goto(`${server.url}/lab/tree/${name}?token=${server.token}`, { waitUntil: 'domcontentloaded' });
      const outputs = '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output';
      await waitFor(page, async () => {
        const shown = await shownOutputs(page, outputs);
        return shown.length >= 4 && shown.every((s) => s.as !== 'empty');
      }, 'JupyterLab showed the outputs');
      await page.waitForTimeout(1000); // the WebGL surface and vega finish drawing
      const trusted = await page.evaluate(() => {
        const app = (window as unknown as { jupyterapp: { shell: { currentWidget: { content: { model: { cells: { length: number; get(i: number): { trusted: boolean; type: string } } } } } } } }).jupyterapp;
        const cells = app.shell.currentWidget.content.model.cells;
        return Array.from({ length: cells.length }, (_, i) => cells.get(i)).filter((c) => c.type === 'code').map((c) => c.trusted);
      });
      expect(trusted, 'code cells trusted').to.deep.equal([false, false, false, false, false]);
      const shown = await shownOutputs(page, outputs);
      await page.screenshot({ path: path.join(screenshots, 'untrusted-jupyterlab.png'), fullPage: true });
      expectEveryFigureShown(shown, 'JupyterLab');
      // jupyterlab-plotly (installed by setup) shows the bundle's PNG, and the interactive plot on hover
      const plotly = page.locator('.jp-RenderedPlotly');
      expect(await plotly.count(), 'outputs drawn by jupyterlab-plotly').to.equal(1);
      await plotly.locator('img.plot-img').dispatchEvent('mouseenter');
      await plotly.locator('.plot-container .main-svg').first().waitFor({ state: 'attached', timeout: 30_000 });
      await page.close();
    } finally {
      await server?.stop();
    }
  });

  it('classic Notebook 6 (Debian\'s): not trusted, every figure as its PNG', async () => {
    let server: JupyterLabServer | undefined;
    try {
      server = await startJupyterLab({ classic: true });
      const name = server.addNotebook(notebook, 'handed-out.ipynb');
      const page = await browser.newPage({ viewport: { width: 1280, height: 2400 } });
      await page.goto(`${server.url}/notebooks/${name}?token=${server.token}`, { waitUntil: 'domcontentloaded' });
      await waitFor(page, () => page.evaluate(() => {
        const nb = (window as unknown as { IPython?: { notebook?: { _fully_loaded?: boolean } } }).IPython?.notebook;
        return !!nb?._fully_loaded;
      }), 'the classic notebook loaded');
      const trusted = await page.evaluate(() => (window as unknown as { IPython: { notebook: { trusted: boolean } } }).IPython.notebook.trusted);
      expect(trusted, 'notebook trusted').to.equal(false);
      const outputs = '.output_area .output_subarea';
      await waitFor(page, async () => (await shownOutputs(page, outputs)).filter((s) => s.as === 'png').length >= 4, 'the PNGs loaded', 30_000);
      const shown = await shownOutputs(page, outputs);
      await page.screenshot({ path: path.join(screenshots, 'untrusted-classic.png'), fullPage: true });
      expectEveryFigureShown(shown, 'classic Notebook');
      shown.filter((s) => !s.text.startsWith('Latent Lab ready')).forEach((s, i) => expect(s.as, `figure ${i}`).to.equal('png'));
      await page.close();
    } finally {
      await server?.stop();
    }
  });
});
