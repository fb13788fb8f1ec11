// plotly figures as PNG, drawn by plotly.js itself in a headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core, which downloads no browser). Why a browser and not a vega-lite twin: the
// course's plotly figures are what vega-lite cannot draw (3-D surfaces, WebGL); a twin would be a
// different picture. One browser and one page with plotly.js loaded serve every figure of a process;
// the browser closes itself after a short idle time so that scripts and tests can exit.
import fs from 'fs';
import type { Browser, Page } from 'playwright-core';

/** The Chromium used for plotly PNGs: $LATENT_LAB_CHROMIUM, else Debian's. */
export function chromiumPath(): string {
  return process.env.LATENT_LAB_CHROMIUM || '/usr/bin/chromium';
}

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--enable-unsafe-swiftshader', '--use-angle=swiftshader'];
const IDLE_MS = 10_000;

let browser: Promise<Browser> | undefined;
let page: Promise<Page> | undefined;
let queue: Promise<unknown> = Promise.resolve();
let idleTimer: NodeJS.Timeout | undefined;

async function openPage(): Promise<Page> {
  const exe = chromiumPath();
  if (!fs.existsSync(exe)) throw new Error(`Chromium is not at ${exe} (install Debian's chromium, or set LATENT_LAB_CHROMIUM)`);
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  browser = chromium.launch({ executablePath: exe, args: FLAGS });
  const b = await browser;
  const p = await b.newPage({ viewport: { width: 1200, height: 900 } });
  // No network: plotly.js comes from the npm package, and a figure must not fetch anything.
  await p.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()));
  await p.setContent('<!DOCTYPE html><html><body style="margin:0;background:white"></body></html>');
  await p.addScriptTag({ path: require.resolve('plotly.js-dist-min/plotly.min.js') });
  return p;
}

/** Closes the browser that renders plotly PNGs (it also closes itself after 10 s without work). */
export async function closePlotlyRenderer(): Promise<void> {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = undefined;
  const b = browser;
  browser = undefined;
  page = undefined;
  if (b) await b.then((x) => x.close()).catch(() => undefined);
}

/**
 * Draws {data, layout} with plotly.js in headless Chromium and returns the PNG, `width`×`height` CSS
 * pixels at `scale` device pixels each. Renders run one at a time on one page.
 */
export function renderPlotlyPNG(figure: { data: unknown[]; layout: Record<string, unknown> }, width: number, height: number, scale = 1): Promise<Buffer> {
  const work = queue.then(async () => {
    if (idleTimer) clearTimeout(idleTimer);
    page ??= openPage();
    let p: Page;
    try {
      p = await page;
    } catch (e) {
      await closePlotlyRenderer();
      throw e;
    }
    try {
      const url = await p.evaluate(async ({ fig, w, h, s }) => {
        const Plotly = (globalThis as unknown as { Plotly: { toImage(f: unknown, o: unknown): Promise<string> } }).Plotly;
        return Plotly.toImage(fig, { format: 'png', width: w, height: h, scale: s });
      }, { fig: figure, w: width, h: height, s: scale });
      return Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
    } finally {
      idleTimer = setTimeout(() => void closePlotlyRenderer(), IDLE_MS);
    }
  });
  queue = work.catch(() => undefined);
  return work;
}
