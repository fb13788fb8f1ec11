// The exports of `npm run notebooks` and `npm run slides` are offline and portable: the figures fixture,
// executed by the runner, exported to HTML and to a reveal.js deck, then MOVED to another folder and
// opened in Chromium with every non-file request aborted. The maths is typeset by MathJax, every figure
// is drawn interactively (vega-embed, plotly.js) from the assets folder beside the pages, the vega-lite
// parameter slider changes its chart, and the deck advances. Screenshots: build/screenshots/export-*.png.
import { expect } from 'chai';
import fs from 'fs';
import os from 'os';
import path from 'path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { executedFigures } from '../support/executed-figures';
import { root } from '../support/jupyter';

const screenshots = path.join(root, 'build', 'screenshots');

/** A page that may load file: and data: URLs only; what else it asked for is listed in `blocked`. */
async function offlinePage(browser: Browser, blocked: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  return page;
}

interface FigureState { kind: string; drawn: boolean; failed: string | null; marks: number }

function figureStates(page: Page): Promise<FigureState[]> {
  return page.evaluate(() => Array.from(document.querySelectorAll('.latent-lab-export-figure')).map((el) => ({
    kind: el.getAttribute('data-kind') ?? '',
    drawn: el.classList.contains('latent-lab-drawn'),
    failed: el.getAttribute('data-error'),
    // vega: SVG marks; plotly: its SVG layers or its WebGL canvas (the 3-D surface)
    marks: el.querySelectorAll('.latent-lab-live g[class*="role-mark"] > *, .latent-lab-live .main-svg .trace, .latent-lab-live canvas').length,
  })));
}

async function waitForFigures(page: Page, count: number): Promise<FigureState[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const states = await figureStates(page);
    if (states.length >= count && states.every((s) => s.drawn || s.failed)) return states;
    if (Date.now() > deadline) return states;
    await page.waitForTimeout(200);
  }
}

describe('offline exports in Chromium: HTML and slides moved to another folder, no network', function () {
  this.timeout(240_000);
  let browser: Browser;
  let moved: string;

  before(async () => {
    const run = await executedFigures();
    // a copy in a new folder: nothing may point back at the build folder, node_modules or /usr/share
    moved = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-lab-export-'));
    fs.cpSync(run.dir, moved, { recursive: true });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    if (moved) fs.rmSync(moved, { recursive: true, force: true });
  });

  it('the pages name no CDN and no Debian JavaScript; the assets are one folder beside them', () => {
    for (const file of ['figures.html', 'figures.slides.html']) {
      const html = fs.readFileSync(path.join(moved, file), 'utf8');
      const scripts = [...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1]);
      expect(scripts.length, `${file}: scripts`).to.be.at.least(5);
      scripts.forEach((src) => expect(src, `${file}: a script from outside assets/`).to.match(/^assets\//));
      expect(html, file).to.not.match(/\/usr\/share\/javascript|unpkg\.com|cdn\.jsdelivr|cdnjs/);
      // plotly.js is loaded from assets/, not embedded in the page
      expect(html.length, `${file} size`).to.be.lessThan(2_000_000);
    }
    expect(fs.existsSync(path.join(moved, 'assets', 'plotly', 'plotly.min.js'))).to.equal(true);
  });

  it('HTML: maths typeset, every figure drawn interactively, the slider changes its chart', async () => {
    const blocked: string[] = [];
    const page = await offlinePage(browser, blocked);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto('file://' + path.join(moved, 'figures.html'), { waitUntil: 'load' });
    const figures = await waitForFigures(page, 3);
    await page.waitForFunction(() => document.querySelectorAll('mjx-container svg').length >= 2, undefined, { timeout: 30_000 });
    fs.mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: path.join(screenshots, 'export-offline.png'), fullPage: true });

    expect(figures.map((f) => f.kind), 'figures').to.deep.equal(['vega-lite', 'vega-lite', 'plotly']);
    figures.forEach((f, i) => {
      expect(f.failed, `figure ${i} (${f.kind}) error`).to.equal(null);
      expect(f.drawn, `figure ${i} (${f.kind}) drawn`).to.equal(true);
      expect(f.marks, `figure ${i} (${f.kind}) marks`).to.be.greaterThan(0);
    });
    const maths = await page.evaluate(() => ({
      typeset: document.querySelectorAll('mjx-container').length,
      raw: /\$\$?\\(log|mathrm)/.test(document.body.innerText),
    }));
    expect(maths.typeset, 'typeset formulas').to.be.at.least(3);
    expect(maths.raw, 'raw TeX left on the page').to.equal(false);
    // the image grid (no interactive form) is its PNG
    const images = await page.evaluate(() => Array.from(document.querySelectorAll('.jp-OutputArea-output img')).filter((i) => (i as HTMLImageElement).naturalWidth > 0 && (i as HTMLElement).offsetParent !== null).length);
    expect(images, 'visible PNG outputs (the image grid)').to.equal(1);

    // the explorable figure's slider (vega-lite parameter bound to a range input) redraws its line
    const explorable = page.locator('.latent-lab-export-figure').nth(1);
    const slider = explorable.locator('input[type="range"]');
    expect(await slider.count(), 'slider').to.equal(1);
    const path0 = await explorable.locator('g[class*="role-mark"] path').first().getAttribute('d');
    await slider.evaluate((el: HTMLInputElement) => { el.value = '2'; el.dispatchEvent(new Event('input', { bubbles: true })); });
    await page.waitForTimeout(300);
    const path1 = await explorable.locator('g[class*="role-mark"] path').first().getAttribute('d');
    expect(path0, 'the line before').to.be.a('string');
    expect(path1, 'the line after moving the slider').to.not.equal(path0);
    expect(blocked, 'requests to the network').to.deep.equal([]);
    expect(errors, 'page errors').to.deep.equal([]);
    await page.close();
  });

  it('slides: the deck splits at headings, advances, and draws maths and figures on its slides', async () => {
    const blocked: string[] = [];
    const page = await offlinePage(browser, blocked);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto('file://' + path.join(moved, 'figures.slides.html'), { waitUntil: 'load' });
    await page.waitForFunction(() => (window as unknown as { Reveal?: { isReady(): boolean } }).Reveal?.isReady(), undefined, { timeout: 30_000 });
    const reveal = <T>(fn: string) => page.evaluate(`Reveal.${fn}`) as Promise<T>;
    // five headings in the fixture: five slides
    expect(await reveal<number>('getTotalSlides()'), 'slides').to.equal(5);
    expect(await reveal<{ h: number }>('getIndices()')).to.deep.include({ h: 0 });
    await page.waitForFunction(() => document.querySelectorAll('section.present mjx-container svg').length >= 2, undefined, { timeout: 30_000 });
    fs.mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: path.join(screenshots, 'export-slides-1.png') });
    // a text output on a slide wraps at spaces as code does (JupyterLab's own rule for outputs, break-all,
    // split "(chosen" in lecture 07's first slide): the style an output's <pre> gets in this deck
    const outputWrap = await page.evaluate(() => {
      const out = document.createElement('div');
      out.className = 'jp-OutputArea-output jp-RenderedText';
      const pre = out.appendChild(document.createElement('pre'));
      document.querySelector('section.present')!.appendChild(out);
      const style = getComputedStyle(pre);
      const wrap = { wordBreak: style.wordBreak, whiteSpace: style.whiteSpace };
      out.remove();
      return wrap;
    });
    expect(outputWrap, 'a text output\'s wrapping on a slide').to.deep.equal({ wordBreak: 'normal', whiteSpace: 'break-spaces' });

    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => (window as unknown as { Reveal: { getIndices(): { h: number } } }).Reveal.getIndices().h === 1, undefined, { timeout: 5_000 });
    const figures = await waitForFigures(page, 3);
    figures.forEach((f, i) => expect(f.drawn && !f.failed, `figure ${i} (${f.kind}): ${f.failed}`).to.equal(true));
    const onSlide2 = await page.evaluate(() => document.querySelectorAll('section.present .latent-lab-export-figure.latent-lab-drawn svg').length);
    expect(onSlide2, 'the chart on the second slide').to.be.greaterThan(0);
    await page.screenshot({ path: path.join(screenshots, 'export-slides-2.png') });

    // the third slide: the explorable figure, whose slider works in the deck too
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => (window as unknown as { Reveal: { getIndices(): { h: number } } }).Reveal.getIndices().h === 2, undefined, { timeout: 5_000 });
    const explorable = page.locator('section.present .latent-lab-export-figure');
    const slider = explorable.locator('input[type="range"]');
    expect(await slider.count(), 'slider on the third slide').to.equal(1);
    const line = () => explorable.locator('g[class*="role-mark"] path').first().getAttribute('d');
    const before = await line();
    await slider.evaluate((el: HTMLInputElement) => { el.value = '2'; el.dispatchEvent(new Event('input', { bubbles: true })); });
    await page.waitForTimeout(300);
    expect(await line(), 'the line after moving the slider on the slide').to.not.equal(before);
    await page.screenshot({ path: path.join(screenshots, 'export-slides-3.png') });

    await page.keyboard.press('End'); // the last slide: the plotly surface
    await page.waitForFunction(() => (window as unknown as { Reveal: { isLastSlide(): boolean } }).Reveal.isLastSlide(), undefined, { timeout: 5_000 });
    await page.waitForTimeout(500);
    const surface = await page.evaluate(() => {
      const c = document.querySelector('section.present .latent-lab-export-figure[data-kind="plotly"] canvas') as HTMLCanvasElement | null;
      const r = c?.getBoundingClientRect();
      return r ? { width: r.width, height: r.height } : null;
    });
    expect(surface, 'the surface on the last slide').to.not.equal(null);
    expect(surface!.width * surface!.height).to.be.greaterThan(100_000);
    await page.screenshot({ path: path.join(screenshots, 'export-slides-last.png') });
    expect(blocked, 'requests to the network').to.deep.equal([]);
    expect(errors, 'page errors').to.deep.equal([]);
    await page.close();
  });
});
