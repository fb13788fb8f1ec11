// Slides a lecturer can present: every slide of a deck fits the deck's 1280×720 at the deck's scale, in
// Chromium with the network aborted. Decks checked: lecture 07 (the VAE on MNIST: long code cells,
// training output, many figures; built by `npm run slides` from the executed copy in build/notebooks/,
// run first when there is none) and the figures fixture's deck (vega-lite, an explorable figure, an
// image grid, a plotly surface). The other lectures' decks are built the same way but not all opened
// here (each lecture would have to run first). For each slide: the content's extent against the slide
// box (no overflow), no code line cut at the right edge, and the zoom the fitting chose.
// Screenshots: build/screenshots/deck-07-first.png, deck-07-smallest-zoom.png.
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { executedFigures } from '../support/executed-figures';
import { root } from '../support/jupyter';

const screenshots = path.join(root, 'build', 'screenshots');

interface SlideFit { index: string; zoom: number; overflowBottom: number; overflowRight: number; cutCode: number; notes: number }

async function openDeck(browser: Browser, file: string, blocked: string[]): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  await page.goto(`file://${file}`, { waitUntil: 'domcontentloaded', timeout: 120_000 });
  await page.waitForFunction(() => (window as unknown as { Reveal?: { isReady(): boolean } }).Reveal?.isReady(), undefined, { timeout: 120_000 });
  // MathJax typesets the whole deck once; the slides are measured after it
  await page.evaluate(() => (window as unknown as { MathJax?: { startup?: { promise?: Promise<unknown> } } }).MathJax?.startup?.promise);
  return page;
}

/** Shows every slide in turn, fits it as the deck does, and measures it. */
function measureSlides(page: Page): Promise<SlideFit[]> {
  return page.evaluate(async () => {
    type R = { getSlides(): HTMLElement[]; getIndices(s?: HTMLElement): { h: number; v: number }; slide(h: number, v: number): void };
    const w = window as unknown as { Reveal: R; LatentLabFit: { fit(s: HTMLElement): number } };
    const out: { index: string; zoom: number; overflowBottom: number; overflowRight: number; cutCode: number; notes: number }[] = [];
    const box = (document.querySelector('.reveal .slides') as HTMLElement);
    // measured where each slide rests, not mid-transition
    (w.Reveal as unknown as { configure(c: object): void }).configure({ transition: 'none', backgroundTransition: 'none' });
    for (const slide of w.Reveal.getSlides()) {
      const { h, v } = w.Reveal.getIndices(slide);
      w.Reveal.slide(h, v);
      await new Promise((r) => setTimeout(r, 150)); // figures on this slide draw
      const zoom = w.LatentLabFit.fit(slide);
      const frame = box.getBoundingClientRect();
      let bottom = frame.top, right = frame.left;
      slide.querySelectorAll('*').forEach((el) => {
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) return;
        if (el.closest('aside.notes')) return;
        bottom = Math.max(bottom, r.bottom);
        right = Math.max(right, r.right);
      });
      const cutCode = Array.from(slide.querySelectorAll('pre')).filter((p) => p.scrollWidth > p.clientWidth + 1).length;
      out.push({ index: `${h}/${v}`, zoom, overflowBottom: Math.max(0, bottom - frame.bottom), overflowRight: Math.max(0, right - frame.right), cutCode, notes: slide.querySelectorAll('aside.notes').length });
    }
    return out;
  });
}

function expectAllFit(fits: SlideFit[], deck: string) {
  const bad = fits.filter((f) => f.overflowBottom > 2 || f.overflowRight > 2 || f.cutCode > 0);
  expect(bad, `${deck}: slides that do not fit 1280×720 (of ${fits.length})`).to.deep.equal([]);
}

describe('slide decks fit 1280×720 (Chromium, offline)', function () {
  this.timeout(900_000);
  let browser: Browser;
  let deck07: string;

  before(async function () {
    this.timeout(900_000);
    const out = path.join(root, 'build', 'notebooks');
    const r = spawnSync('/usr/bin/python3', [path.join(root, 'tools', 'build_slides.py'), path.join(root, 'notebooks', '07-vae-on-mnist.ipynb'), '--out', out],
      { cwd: root, encoding: 'utf8', env: { ...process.env, JUPYTER_PATH: path.join(root, '.jupyter') }, timeout: 840_000 });
    expect(r.status, `build_slides.py: ${r.stdout}${r.stderr}`).to.equal(0);
    deck07 = path.join(out, '07-vae-on-mnist.slides.html');
    browser = await launchChromium();
    fs.mkdirSync(screenshots, { recursive: true });
  });

  after(async () => { await browser?.close(); });

  it('lecture 07: every slide fits (zoomed out where needed, code wrapped), long markdown in the speaker notes', async () => {
    const blocked: string[] = [];
    const page = await openDeck(browser, deck07, blocked);
    await page.screenshot({ path: path.join(screenshots, 'deck-07-first.png') });
    const fits = await measureSlides(page);
    expect(fits.length, 'slides').to.be.greaterThan(10);
    expectAllFit(fits, 'lecture 07');
    expect(fits.reduce((n, f) => n + f.notes, 0), 'speaker notes from long markdown').to.be.greaterThan(0);
    const smallest = fits.reduce((a, b) => (b.zoom < a.zoom ? b : a));
    const [h, v] = smallest.index.split('/').map(Number);
    await page.evaluate(([h, v]) => (window as unknown as { Reveal: { slide(h: number, v: number): void } }).Reveal.slide(h, v), [h, v]);
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(screenshots, 'deck-07-smallest-zoom.png') });
    console.log(`      lecture 07: ${fits.length} slides, zooms ${fits.map((f) => f.zoom.toFixed(2)).join(' ')}`);
    expect(blocked, 'network requests').to.deep.equal([]);
    await page.context().close();
  });

  it('the figures fixture: every slide fits', async () => {
    const { slides } = await executedFigures();
    const blocked: string[] = [];
    const page = await openDeck(browser, slides, blocked);
    const fits = await measureSlides(page);
    expectAllFit(fits, 'figures fixture');
    expect(blocked, 'network requests').to.deep.equal([]);
    await page.context().close();
  });
});
