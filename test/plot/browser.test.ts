// The browser check: an executed notebook exported to HTML by nbconvert renders every plot in a real
// headless Chromium (Debian's, driven by playwright-core), with no network. Screenshots are kept in
// build/screenshots/.
import { expect } from 'chai';
import fs from 'fs';
import path from 'path';
import { chromium } from 'playwright-core';
import { root, runPython } from '../support/jupyter';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--enable-unsafe-swiftshader'];

export interface RenderReport {
  vega: { marks: number }[];
  plotly: { svgMarks: number; canvases: number; text: string }[];
  progress: { points: number }[];
  images: { width: number }[];
}

/** Opens an HTML file in Chromium, counts what each figure drew, and takes a screenshot. */
export async function renderReport(htmlFile: string, screenshot: string): Promise<RenderReport> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const offline: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
      offline.push(url);
      return route.abort();
    });
    await page.goto('file://' + htmlFile, { waitUntil: 'load' });
    await page.waitForTimeout(1500); // plotly draws asynchronously
    fs.mkdirSync(path.dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });
    return await page.evaluate(() => ({
      vega: Array.from(document.querySelectorAll('.latent-lab-figure svg')).map((svg) => ({ marks: svg.querySelectorAll('g[class*="role-mark"] > *').length })),
      plotly: Array.from(document.querySelectorAll('.latent-lab-plotly')).map((div) => ({
        svgMarks: div.querySelectorAll('.main-svg .trace, .main-svg path.js-line').length,
        canvases: div.querySelectorAll('canvas').length,
        text: (div.textContent ?? '').slice(0, 200),
      })),
      progress: Array.from(document.querySelectorAll('.latent-lab-progress polyline')).map((p) => ({ points: (p.getAttribute('points') ?? '').trim().split(/\s+/).length })),
      images: Array.from(document.querySelectorAll('img[src^="data:image/png"]')).map((img) => ({ width: (img as HTMLImageElement).naturalWidth })),
    }));
  } finally {
    await browser.close();
  }
}

describe('browser check: executed notebooks render in Chromium', function () {
  this.timeout(180_000);

  it('00-getting-started: every vega-lite, plotly and progress output drew its marks', async () => {
    expect(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: run bash scripts/setup.sh (it installs Debian's chromium)`).to.equal(true);
    const out = path.join(root, 'build', 'browser-check');
    const r = runPython('tools/run_notebooks.py', ['notebooks/00-getting-started.ipynb', '--out', out, '--timeout', '120']);
    expect(r.status, r.output).to.equal(0);
    const report = await renderReport(path.join(out, '00-getting-started.html'), path.join(root, 'build', 'screenshots', '00-getting-started.png'));
    expect(report.vega.length, 'vega-lite figures').to.be.at.least(1);
    report.vega.forEach((v, i) => expect(v.marks, `vega figure ${i}`).to.be.greaterThan(0));
    expect(report.plotly.length, 'plotly figures').to.be.at.least(1);
    report.plotly.forEach((p, i) => expect(p.svgMarks + p.canvases, `plotly figure ${i}: ${p.text}`).to.be.greaterThan(0));
    expect(report.progress.length, 'progress displays').to.be.at.least(1);
    report.progress.forEach((p) => expect(p.points).to.be.greaterThan(10));
    expect(fs.statSync(path.join(root, 'build', 'screenshots', '00-getting-started.png')).size).to.be.greaterThan(10_000);
  });
});
