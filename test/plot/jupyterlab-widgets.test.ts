// Widgets in a real front end: JupyterLab 4 (with ipywidgets 8, from .venv/) in Chromium renders the
// kernel's slider, and moving it (the keyboard, as a person can) makes ll.interact replace its figure.
// The screenshot is kept in build/screenshots/jupyterlab-widgets.png.
import { expect } from 'chai';
import fs from 'fs';
import path from 'path';
import { root } from '../support/jupyter';
import { openAndRunNotebook, jupyterLabInChromium } from '../support/jupyterlab';

describe('JupyterLab 4 in Chromium: widgets from the latent-lab kernel', function () {
  this.timeout(120_000);
  const lab = jupyterLabInChromium();

  let page: import('playwright-core').Page;

  it('shows the slider and the figure; moving the slider replaces the figure in place', async () => {
    const nb = lab.server.addNotebook(path.join(root, 'test', 'fixtures', 'jupyterlab', 'widgets.ipynb'));
    page = await lab.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const run = await openAndRunNotebook(page, lab.server, nb);
    const slider = page.locator('.jp-OutputArea-output .widget-slider').first();
    await slider.waitFor({ state: 'visible', timeout: 30_000 }).catch(() => {
      throw new Error(`no slider rendered; outputs: ${JSON.stringify(run.cells)}; page errors: ${run.consoleErrors.join(' | ')}`);
    });
    expect(await page.locator('.widget-readout').first().innerText()).to.equal('3');
    await page.getByText('K squared is 9').waitFor({ timeout: 30_000 });

    // One step right, twice, from the keyboard on the slider's handle.
    const handle = page.locator('.widget-slider .noUi-handle').first();
    await handle.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.getByText('K squared is 25').waitFor({ timeout: 30_000 });
    expect(await page.locator('.widget-readout').first().innerText()).to.equal('5');
    const screenshot = path.join(root, 'build', 'screenshots', 'jupyterlab-widgets.png');
    fs.mkdirSync(path.dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot });
    // Replaced, not appended: the cell's outputs are the controls, the figure and interact's one line.
    const outputs = await page.locator('.jp-OutputArea-output').allInnerTexts();
    expect(outputs.filter((t) => t.includes('K squared is')), JSON.stringify(outputs)).to.deep.equal(['K squared is 25']);
  });

  it('an explorable figure moves with its own slider, without the kernel', async () => {
    const figure = page.locator('.jp-OutputArea-output').filter({ has: page.locator('.vega-embed') }).first();
    const slider = figure.locator('.vega-bindings input[type="range"]');
    await slider.waitFor({ state: 'visible', timeout: 30_000 });
    const circles = () => figure.locator('svg [aria-roledescription="circle"], canvas').count();
    const drawn = async () => figure.locator('.vega-embed').innerHTML();
    const before = await drawn();
    expect(await circles()).to.be.greaterThan(0);
    await slider.fill('3');
    await page.waitForTimeout(500);
    expect(await drawn(), 'the figure redraws for t = 3').to.not.equal(before);
    await page.screenshot({ path: path.join(root, 'build', 'screenshots', 'jupyterlab-explorable.png') });
  });
});
