// Slides a lecturer can present: every slide of every lecture's deck (00–15 and on) fits the deck's 1280×720 at
// the deck's scale, in Chromium with the network aborted. The decks are built by `npm run slides` from the
// executed copies in build/notebooks/ (npm test's lecture-notebook test leaves them there; a lecture
// without one runs first), plus the figures fixture's deck (vega-lite, an explorable figure, an image
// grid, a plotly surface). For each slide: the content's extent against the slide box (no overflow), no
// code line cut at the right edge, and the zoom the fitting chose, which must leave text readable
// (MIN_ZOOM). The explorable figures of the lectures (a slider inside the vega-lite figure: notebooks 06,
// 08, 09, 11, 14) redraw when their slider moves, on the slide and in the lecture's HTML page, offline.
// Screenshots: build/screenshots/deck-07-first.png, deck-NN-smallest-zoom.png, deck-NN-explorable.png.
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { executedFigures } from '../support/executed-figures';
import { root } from '../support/jupyter';

const screenshots = path.join(root, 'build', 'screenshots');
const out = path.join(root, 'build', 'notebooks');
// below this a slide's body text (18 px in the deck) is under 11 px on a 1280×720 screen
const MIN_ZOOM = 0.6;
// the lectures whose figures have a slider of their own (ll.plot.explorableFigure)
const EXPLORABLE = ['06', '08', '09', '11', '14'];

const lectures = spawnSync('git', ['ls-files', '--', 'notebooks/*.ipynb'], { cwd: root, encoding: 'utf8' }).stdout
  .split('\n').filter((f) => /^notebooks\/\d\d-[^/]+\.ipynb$/.test(f)).map((f) => path.basename(f, '.ipynb')).sort();

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
  const bad = fits.filter((f) => f.overflowBottom > 2 || f.overflowRight > 2 || f.cutCode > 0 || f.zoom < MIN_ZOOM);
  expect(bad, `${deck}: slides that do not fit 1280×720 at zoom ≥ ${MIN_ZOOM} (of ${fits.length})`).to.deep.equal([]);
}

async function showSlide(page: Page, index: string) {
  const [h, v] = index.split('/').map(Number);
  await page.evaluate(([h, v]) => (window as unknown as { Reveal: { slide(h: number, v: number): void } }).Reveal.slide(h, v), [h, v]);
  await page.waitForTimeout(500);
}

/** The drawn marks of a vega figure (its SVG's mark groups), to tell one frame from another. */
const marks = (figure: Locator) => figure.evaluate((el) =>
  Array.from(el.querySelectorAll('g[class*="role-mark"]')).map((g) => g.innerHTML).join('|'));

/** Moves each slider (range or select) of the explorable figures in `scope` to another value and checks
 * that the figure redraws; returns how many it moved. */
async function moveSliders(scope: Locator, where: string): Promise<number> {
  const figures = scope.locator('.latent-lab-export-figure:has(input[type="range"], select)');
  const n = await figures.count();
  for (let i = 0; i < n; i++) {
    const figure = figures.nth(i);
    await figure.scrollIntoViewIfNeeded();
    const before = await marks(figure);
    expect(before.length, `${where}: figure ${i} drawn`).to.be.greaterThan(0);
    const input = figure.locator('input[type="range"], select').first();
    await input.evaluate((el: HTMLInputElement | HTMLSelectElement) => {
      if (el instanceof HTMLSelectElement) {
        el.selectedIndex = el.selectedIndex === 0 ? el.options.length - 1 : 0;
      } else {
        el.value = String(Number(el.value) === Number(el.min) ? el.max : el.min);
      }
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    });
    let after = before;
    for (let t = 0; t < 20 && after === before; t++) {
      await figure.page().waitForTimeout(100);
      after = await marks(figure);
    }
    expect(after, `${where}: figure ${i} after moving its slider`).to.not.equal(before);
  }
  return n;
}

describe('slide decks fit 1280×720 (Chromium, offline)', function () {
  this.timeout(3_600_000);
  let browser: Browser;
  let built = '';

  before(async function () {
    this.timeout(3_600_000);
    const r = spawnSync('/usr/bin/python3', [path.join(root, 'tools', 'build_slides.py'), ...lectures.map((l) => path.join(root, 'notebooks', `${l}.ipynb`)), '--out', out],
      { cwd: root, encoding: 'utf8', env: { ...process.env, JUPYTER_PATH: path.join(root, '.jupyter') }, timeout: 3_500_000 });
    built = `${r.stdout}${r.stderr}`;
    expect(r.status, `build_slides.py: ${built}`).to.equal(0);
    browser = await launchChromium();
    fs.mkdirSync(screenshots, { recursive: true });
  });

  after(async () => { await browser?.close(); });

  it('the decks are the lectures 00, 01, … numbered without a gap (at least 00–15)', () => {
    expect(lectures.length).to.be.at.least(16);
    expect(lectures.map((l) => l.slice(0, 2))).to.deep.equal(Array.from({ length: lectures.length }, (_, i) => String(i).padStart(2, '0')));
  });

  /** Everything one lecture's deck shows: each slide measured, the smallest zoom's screenshot, the sliders moved. */
  async function inspectDeck(lecture: string): Promise<{ fits: SlideFit[]; blocked: string[]; moved: number | null }> {
    const nn = lecture.slice(0, 2);
    const blocked: string[] = [];
    const page = await openDeck(browser, path.join(out, `${lecture}.slides.html`), blocked);
    try {
      if (nn === '07') await page.screenshot({ path: path.join(screenshots, 'deck-07-first.png') });
      const fits = await measureSlides(page);
      if (!fits.length) return { fits, blocked, moved: null };
      const smallest = fits.reduce((a, b) => (b.zoom < a.zoom ? b : a));
      await showSlide(page, smallest.index);
      await page.screenshot({ path: path.join(screenshots, `deck-${nn}-smallest-zoom.png`) });
      console.log(`      lecture ${nn}: ${fits.length} slides, ${fits.filter((f) => f.zoom < 0.999).length} zoomed (smallest ${smallest.zoom.toFixed(2)} at ${smallest.index}), ${fits.reduce((n, f) => n + f.notes, 0)} with speaker notes`);
      if (!EXPLORABLE.includes(nn)) return { fits, blocked, moved: null };
      // the slide holding the explorable figure, then its slider
      const index = await page.evaluate(() => {
        const fig = document.querySelector('.reveal .slides section .latent-lab-export-figure input[type="range"], .reveal .slides section .latent-lab-export-figure select');
        const slide = fig?.closest('section') as HTMLElement | null;
        const r = (window as unknown as { Reveal: { getIndices(s: HTMLElement): { h: number; v: number } } }).Reveal;
        return slide ? `${r.getIndices(slide).h}/${r.getIndices(slide).v ?? 0}` : '';
      });
      expect(index, `lecture ${nn}: a slide with an explorable figure`).to.not.equal('');
      await showSlide(page, index);
      const moved = await moveSliders(page.locator('section.present'), `lecture ${nn}'s deck`);
      await page.screenshot({ path: path.join(screenshots, `deck-${nn}-explorable.png`) });
      return { fits, blocked, moved };
    } finally {
      await page.context().close();
    }
  }

  // Two decks at a time (each page lays out and typesets on its own renderer); each test reads its deck's result.
  const inspected = new Map<string, Promise<Awaited<ReturnType<typeof inspectDeck>>>>();
  function inspectAll() {
    const queue = [...lectures];
    const next = (): Promise<void> => {
      const lecture = queue.shift();
      if (!lecture) return Promise.resolve();
      const result = inspectDeck(lecture);
      inspected.set(lecture, result);
      result.catch(() => undefined); // reported by the lecture's own test
      return result.then(next, next);
    };
    void Promise.all([next(), next()]);
  }
  const resultOf = async (lecture: string) => {
    for (let t = 0; !inspected.has(lecture); t++) await new Promise((r) => setTimeout(r, 100));
    return inspected.get(lecture)!;
  };

  for (const lecture of lectures) {
    const nn = lecture.slice(0, 2);
    it(`lecture ${nn}: every slide fits (zoomed out no further than ${MIN_ZOOM}, code wrapped)${EXPLORABLE.includes(nn) ? ', its sliders work' : ''}`, async () => {
      if (!inspected.size) inspectAll();
      const { fits, blocked, moved } = await resultOf(lecture);
      expect(fits.length, 'slides').to.be.greaterThan(3);
      expectAllFit(fits, `lecture ${nn}`);
      if (EXPLORABLE.includes(nn)) expect(moved, 'explorable figures moved on the slide').to.be.greaterThan(0);
      expect(blocked, 'network requests').to.deep.equal([]);
    });
  }

  it('long markdown continues in the speaker notes (lecture 07)', async () => {
    const deck = fs.readFileSync(path.join(out, '07-vae-on-mnist.slides.html'), 'utf8');
    expect((deck.match(/<aside class="notes"/g) ?? []).length, 'speaker notes in lecture 07').to.be.greaterThan(0);
    expect(deck).to.contain('continued in the speaker notes');
  });

  it('the explorable lectures\' HTML pages: every slider works offline', async () => {
    for (const nn of EXPLORABLE) {
      const lecture = lectures.find((l) => l.startsWith(nn))!;
      const blocked: string[] = [];
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
        blocked.push(url);
        return route.abort();
      });
      try {
        const page = await context.newPage();
        await page.goto(`file://${path.join(out, `${lecture}.html`)}`, { waitUntil: 'load', timeout: 120_000 });
        await page.waitForFunction(() => document.querySelectorAll('.latent-lab-export-figure.latent-lab-drawn').length > 0, undefined, { timeout: 60_000 });
        const moved = await moveSliders(page.locator('body'), `lecture ${nn}'s page`);
        expect(moved, `lecture ${nn}'s page: explorable figures`).to.be.greaterThan(0);
        expect(blocked, 'network requests').to.deep.equal([]);
      } finally {
        await context.close();
      }
    }
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
