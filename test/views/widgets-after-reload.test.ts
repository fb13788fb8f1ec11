// A live widget survives a page reload: JupyterLab 4 (with ipywidgets 8, from .venv/) in Chromium runs the
// widgets fixture, the slider is moved from 3 to 5, the notebook is saved and the page reloaded. The
// reloaded page holds only the widget's model id (the saved notebook has no widget state), so the slider
// it draws comes from the kernel (ipywidgets 8 asks the kernel for every live widget's state, the
// `jupyter.widget.control` comm, kernel/comms.ts): it reads 5, and it is still the kernel's — one more step
// right and a new cell's `k.value` is 6. The control comm's answer (update_states) is read off the page's
// websocket: without it ipywidgets falls back to asking each widget's comm, and the slider would come back
// all the same (checked: with the answer suppressed in the kernel this test fails only on that line).
// Screenshot: build/screenshots/widgets-after-reload.png.
import { expect } from 'chai';
import fs from 'fs';
import path from 'path';
import type { Page } from 'playwright-core';
import { root } from '../support/jupyter';
import { openAndRunNotebook, jupyterLabInChromium } from '../support/jupyterlab';

const FIXTURE = path.join(root, 'test', 'fixtures', 'jupyterlab', 'widgets.ipynb');

/** The first slider's readout once it is drawn. */
async function readout(page: Page, what: string): Promise<string> {
  const slider = page.locator('.jp-OutputArea-output .widget-slider').first();
  await slider.waitFor({ state: 'visible', timeout: 60_000 }).catch(async () => {
    const outputs = await page.locator('.jp-OutputArea-output').allInnerTexts().catch(() => []);
    throw new Error(`${what}: no slider drawn; outputs: ${JSON.stringify(outputs)}`);
  });
  return page.locator('.widget-readout').first().innerText();
}

/** Steps the first slider right from the keyboard, as a person can, until it reads `value`. */
async function stepTo(page: Page, value: string, steps: number): Promise<void> {
  await page.locator('.widget-slider .noUi-handle').first().focus();
  for (let i = 0; i < steps; i++) await page.keyboard.press('ArrowRight');
  await page.waitForFunction((v) => document.querySelector('.widget-readout')?.textContent?.trim() === v, value, { timeout: 30_000 });
}

describe('JupyterLab 4 in Chromium: a live widget comes back after the page is reloaded', function () {
  this.timeout(300_000);
  const lab = jupyterLabInChromium();

  it('shows the slider at the value it was moved to, connected to the same kernel', async () => {
    const nb = lab.server.addNotebook(FIXTURE);
    const page = await lab.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await openAndRunNotebook(page, lab.server, nb, 120_000);
    expect(await readout(page, 'before the reload')).to.equal('3');
    await page.getByText('K squared is 9').waitFor({ timeout: 60_000 });
    await stepTo(page, '5', 2);
    await page.getByText('K squared is 25').waitFor({ timeout: 60_000 });

    // Saved (the reloaded page reads the notebook from disk), then reloaded.
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+s');
    await page.waitForFunction(() => !document.querySelector('.jp-mod-dirty'), undefined, { timeout: 30_000 });
    const saved = JSON.parse(fs.readFileSync(path.join(lab.server.rootDir, nb), 'utf8'));
    const views = saved.cells.flatMap((c: { outputs?: { data?: Record<string, unknown> }[] }) => c.outputs ?? [])
      .filter((o: { data?: Record<string, unknown> }) => o.data?.['application/vnd.jupyter.widget-view+json']);
    expect(views.length, 'the saved notebook holds the slider as a widget view').to.be.greaterThan(0);
    expect(saved.metadata.widgets, 'no widget state saved in the notebook: the state must come from the kernel').to.equal(undefined);

    // What the kernel sends the reloaded page: its control comm's answer carries every widget's state.
    const received: string[] = [];
    page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => {
      const text = typeof payload === 'string' ? payload : payload.toString('latin1');
      if (text.includes('update_states')) received.push(text);
    }));
    await page.reload({ waitUntil: 'domcontentloaded' });
    expect(await readout(page, 'after the reload')).to.equal('5');
    expect(received.length, 'the kernel answered the widget control comm (update_states)').to.be.greaterThan(0);
    expect(received.some((t) => /"value":\s*5\b/.test(t)), 'its states hold the moved value').to.equal(true);
    const screenshot = path.join(root, 'build', 'screenshots', 'widgets-after-reload.png');
    fs.mkdirSync(path.dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot });

    // Still the kernel's widget: one step right, then the kernel's own value, from a new cell.
    await stepTo(page, '6', 1);
    await page.locator('.jp-Notebook .jp-Cell .jp-InputPrompt').last().click();
    await page.keyboard.press('Escape');
    await page.keyboard.press('b');
    await page.keyboard.press('Enter');
    await page.keyboard.type('k.value');
    await page.keyboard.press('Shift+Enter');
    await page.locator('.jp-Notebook .jp-Cell').filter({ hasText: 'k.value' }).locator('.jp-OutputArea-output')
      .filter({ hasText: /^6$/ }).waitFor({ timeout: 60_000 }).catch(async () => {
        const outputs = await page.locator('.jp-OutputArea-output').allInnerTexts();
        throw new Error(`the kernel's k.value after the step is not shown as 6; outputs: ${JSON.stringify(outputs)}`);
      });
  });
});
