// What a student sees when a lecturer hands out an executed notebook, in Chromium: the views fixture
// (test/fixtures/views/views.ipynb: a ledger link, math, a training progress display) executed by the
// runner, then opened untrusted in JupyterLab 4, Notebook 7 (one server for both) and Debian's classic
// Notebook 6, and its offline HTML export opened with every network request aborted.
//  - the progress display reads exactly as the run saved it (a text line and a PNG curve): no sanitizer
//    residue such as the stripped SVG's axis labels running together as digits;
//  - the ledger link (to #d29, the VAE's entry) opens the ledger there: in JupyterLab as a Markdown preview of
//    notebooks/derivations.md (a link to docs/derivations.md inside the folder Jupyter serves), in the
//    export as derivations.html beside the page;
//  - Notebook 7 renders the math with MathJax's own fonts (every font request answered 200).
//  - a homework feedback report (the grader's Markdown) opens in JupyterLab rendered, one line per check;
//  - the classic Notebook typesets the math (its screenshot shows it done), and JupyterLab asks nothing
//    about Jupyter news over the notebook.
// Screenshots: build/screenshots/{progress-jupyterlab,ledger-jupyterlab,feedback-jupyterlab,progress-notebook7,progress-classic,ledger-export}.png.
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { root } from '../support/jupyter';
import { hasJupyterLab, startJupyterLab, type JupyterLabServer } from '../support/jupyterlab';

const screenshots = path.join(root, 'build', 'screenshots');
const FIXTURE = path.join(root, 'test', 'fixtures', 'views', 'views.ipynb');

interface Executed { dir: string; notebook: string; html: string; progressText: string }

function executeViews(): Executed {
  const dir = path.join(root, 'build', 'test-exports', 'views');
  fs.rmSync(dir, { recursive: true, force: true });
  const r = spawnSync('/usr/bin/python3', [path.join(root, 'tools', 'run_notebooks.py'), FIXTURE, '--out', dir, '--timeout', '120'],
    { cwd: root, encoding: 'utf8', env: { ...process.env, JUPYTER_PATH: path.join(root, '.jupyter') }, timeout: 240_000 });
  if (r.status !== 0) throw new Error(`run_notebooks.py on the views fixture exited with ${r.status}:\n${r.stdout}${r.stderr}`);
  const notebook = path.join(dir, 'views.ipynb');
  const nb = JSON.parse(fs.readFileSync(notebook, 'utf8'));
  const progressCell = nb.cells.find((c: { source: string[] }) => c.source.join('').includes('ll.plot.progress'));
  const text = (o: { data?: Record<string, string | string[]> }) => [o.data?.['text/plain'] ?? ''].flat().join('');
  return { dir, notebook, html: path.join(dir, 'views.html'), progressText: text(progressCell.outputs[0]) };
}

async function waitFor(page: Page, fn: () => Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await page.waitForTimeout(250);
  }
}

interface Output { text: string; img: number }

/** Each output element's rendered text and the natural width of its image (0 when none). */
function outputs(page: Page, selector: string): Promise<Output[]> {
  return page.evaluate((sel) => Array.from(document.querySelectorAll(sel)).map((o) => ({
    text: ((o as HTMLElement).innerText ?? '').trim(),
    img: (o.querySelector('img') as HTMLImageElement | null)?.naturalWidth ?? 0,
  })), selector);
}

/** The progress display as shown: its status line is exactly the saved text, its curve a 320-pixel image. */
function expectProgressShown(shown: Output[], expected: string, where: string) {
  const i = shown.findIndex((o) => o.text.startsWith('training'));
  expect(i, `${where}: the status line among ${JSON.stringify(shown)}`).to.be.at.least(0);
  expect(shown[i].text, `${where}: the status line`).to.equal(expected.trim());
  expect(shown[i].text).to.contain('epoch 20/20').and.not.match(/\d\.0000/);
  expect(shown[i + 1], `${where}: the curve after the status line`).to.deep.equal({ text: '', img: 320 });
}

describe('what a student sees in JupyterLab, Notebook 7, the classic Notebook and an export (Chromium)', function () {
  this.timeout(300_000);
  let browser: Browser;
  let views: Executed;
  let lab: JupyterLabServer | undefined;
  let tmp: string;

  before(async function () {
    this.timeout(300_000);
    expect(hasJupyterLab(), 'JupyterLab is not in .venv/: run bash scripts/setup.sh').to.equal(true);
    views = executeViews();
    // notebooks/ as `npm start` serves it: the notebook beside the repository's link to ../docs/derivations.md
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-lab-views-'));
    fs.mkdirSync(path.join(tmp, 'docs'));
    fs.mkdirSync(path.join(tmp, 'notebooks'));
    fs.copyFileSync(path.join(root, 'docs', 'derivations.md'), path.join(tmp, 'docs', 'derivations.md'));
    fs.symlinkSync(fs.readlinkSync(path.join(root, 'notebooks', 'derivations.md')), path.join(tmp, 'notebooks', 'derivations.md'));
    fs.copyFileSync(views.notebook, path.join(tmp, 'notebooks', 'views.ipynb'));
    browser = await launchChromium();
    lab = await startJupyterLab({ rootDir: path.join(tmp, 'notebooks') });
    fs.mkdirSync(screenshots, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await lab?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('the repository serves the ledger inside notebooks/, and the lecture notebooks link it there', () => {
    expect(fs.realpathSync(path.join(root, 'notebooks', 'derivations.md'))).to.equal(fs.realpathSync(path.join(root, 'docs', 'derivations.md')));
    const r = spawnSync('/usr/bin/python3', [path.join(root, 'tools', 'ledger_links.py'), '--check'], { encoding: 'utf8' });
    expect(r.status, `links to ../docs/derivations.md left (run /usr/bin/python3 tools/ledger_links.py):\n${r.stdout}${r.stderr}`).to.equal(0);
  });

  it('JupyterLab 4: the progress display as saved, and the ledger link opens the ledger at the VAE\'s entry', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await page.goto(`${lab!.url}/lab/tree/views.ipynb?token=${lab!.token}`, { waitUntil: 'domcontentloaded' });
      const sel = '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output';
      await waitFor(page, async () => (await outputs(page, sel)).some((o) => o.img > 0), 'JupyterLab showed the outputs');
      expectProgressShown(await outputs(page, sel), views.progressText, 'JupyterLab');
      // no toast asking about Jupyter news over the notebook (lab-settings: fetchNews "false")
      await page.waitForTimeout(2000);
      expect(await page.locator('.Toastify__toast').allInnerTexts(), 'toasts').to.deep.equal([]);
      await page.screenshot({ path: path.join(screenshots, 'progress-jupyterlab.png') });

      await page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedMarkdown a', { hasText: "the VAE's entry" }).click();
      // a Markdown preview of derivations.md, scrolled so that the entry's anchor is in view
      // (JupyterLab's sanitizer keeps the anchor's id as data-jupyter-id and scrolls to it)
      const anchor = page.locator('.jp-MarkdownViewer:not(.lm-mod-hidden)').locator('[id="d29"], [data-jupyter-id="d29"]');
      await anchor.waitFor({ state: 'attached', timeout: 30_000 }).catch(async (e) => {
        await page.screenshot({ path: path.join(screenshots, 'ledger-jupyterlab.png') });
        const ids = await page.evaluate(() => Array.from(document.querySelectorAll('.jp-MarkdownViewer *')).filter((el) => /d29/i.test(el.outerHTML.slice(0, 200)) && el.children.length < 3).map((el) => el.outerHTML.slice(0, 200)));
        throw new Error(`${e}\nopen tabs: ${await page.locator('.lm-TabBar-tabLabel').allInnerTexts()}\n${ids.join('\n')}`);
      });
      await waitFor(page, () => anchor.evaluate((a) => {
        const box = (a.parentElement ?? a).getBoundingClientRect();
        return box.bottom > 0 && box.top < window.innerHeight - 50;
      }), 'the preview scrolled to the entry', 15_000);
      const shown = await anchor.evaluate((a) => (a.parentElement as HTMLElement).innerText);
      expect(shown).to.match(/^D(29) .*The lectures' VAE/);  // (the id in parentheses: this test checks no ledger entry)
      await page.screenshot({ path: path.join(screenshots, 'ledger-jupyterlab.png') });
    } finally {
      await page.close();
    }
  });

  it('JupyterLab 4: a homework feedback report opens rendered, one line per check, with the scoring rule', async () => {
    // a report as the grader writes it (tools/assignments.py's score and feedback_text), for an a1 hand-in
    // with one exercise right, one NaN and one wrong normalization
    const r = spawnSync('/usr/bin/python3', ['-c', `
import sys; sys.path.insert(0, "tools")
from pathlib import Path
import assignments as A
def ref(name, expected, hidden=False, **kw): return {"name": name, "hidden": hidden, "expected": expected, "rtol": 1e-6, "atol": 1e-9, **kw}
def got(*v): return {"got": list(v), "gotType": "number"}
reference = {"ex1.1": [ref("posterior of component 1", [0.25], input="x = 0.3", hint="normalize in log space (logSumExp)"),
                       ref("posterior of component 1", [0.75], input="x = 2", hint="normalize in log space (logSumExp)"),
                       ref("posterior", [0.5], hidden=True)],
             "ex1.2": [ref("self-normalized estimate", [1.75], input="log w = [0, log 3], f = [1, 2]", hint="divide by the sum of the weights, not by the number of samples")]}
outcomes = {"ex1.1": {"record": {"records": [got(0.25), got("NaN"), got(0.5)], "error": None}},
            "ex1.2": {"record": {"records": [got(1.5)], "error": None}}}
rows = A.score([("ex1.1", 2.0), ("ex1.2", 2.0)], reference, outcomes, 30)
sys.stdout.write(A.feedback_text("student-a", Path("a1-exact-inference-and-importance-sampling.ipynb"), rows, [], False))
`], { cwd: root, encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    const checks = r.stdout.split('\n').filter((l) => /^- [✓✗]/.test(l));
    expect(checks, 'check lines').to.have.length(4);
    fs.mkdirSync(path.join(tmp, 'notebooks', 'feedback'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'notebooks', 'feedback', 'student-a.md'), r.stdout);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await page.goto(`${lab!.url}/lab/tree/feedback/student-a.md?token=${lab!.token}`, { waitUntil: 'domcontentloaded' });
      // (the ledger opened by the test above may be open in another tab of the same workspace)
      const report = page.locator('.jp-MarkdownViewer .jp-RenderedMarkdown', { hasText: 'Feedback for student-a' });
      const items = report.locator('li');
      await items.first().waitFor({ timeout: 60_000 });
      const shown = await items.allInnerTexts();
      // each check its own list item, reading as the grader wrote it (no Markdown eaten: | _ * stay)
      expect(shown.map((t) => t.trim())).to.deep.equal(checks.map((l) => l.slice(2).replace(/\\(.)/g, '$1')));
      const text = await report.innerText();
      expect(text).to.contain('Scoring: all-or-nothing').and.contain('got NaN').and.not.contain('got nan');
      await page.screenshot({ path: path.join(screenshots, 'feedback-jupyterlab.png') });
    } finally {
      await page.close();
    }
  });

  it('Notebook 7: the progress display as saved, and the math drawn with MathJax\'s fonts (no failed font request)', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const failed: string[] = [];
    const fonts: number[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400 && !r.url().endsWith('favicon.ico')) failed.push(`${r.status()} ${r.url()}`);
      if (/\.woff2?(\?|$)/.test(r.url())) fonts.push(r.status());
    });
    try {
      await page.goto(`${lab!.url}/notebooks/views.ipynb?token=${lab!.token}`, { waitUntil: 'domcontentloaded' });
      const sel = '.jp-OutputArea-output';
      await waitFor(page, async () => (await outputs(page, sel)).some((o) => o.img > 0), 'Notebook 7 showed the outputs');
      expectProgressShown(await outputs(page, sel), views.progressText, 'Notebook 7');
      await waitFor(page, () => page.evaluate(() => document.querySelectorAll('mjx-container').length >= 2), 'MathJax typeset the math');
      const loaded = await page.evaluate(async () => {
        await document.fonts.ready;
        const faces: FontFace[] = [];
        document.fonts.forEach((f) => faces.push(f));
        return faces.filter((f) => /^MJX/.test(f.family.replace(/"/g, '')) && f.status === 'loaded').length;
      });
      await page.screenshot({ path: path.join(screenshots, 'progress-notebook7.png') });
      expect(failed, `failed requests; server log:\n${lab!.log().split('\n').filter((l) => /40[34]/.test(l)).slice(0, 8).join('\n')}`).to.deep.equal([]);
      expect(fonts.length, 'MathJax font files requested').to.be.greaterThan(0);
      expect(fonts.every((s) => s === 200), `font responses ${fonts}`).to.equal(true);
      expect(loaded, 'MathJax fonts loaded by the page').to.be.greaterThan(0);
    } finally {
      await page.close();
    }
  });

  it('classic Notebook 6: the progress display as saved', async () => {
    let classic: JupyterLabServer | undefined;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      classic = await startJupyterLab({ classic: true });
      const name = classic.addNotebook(views.notebook, 'views.ipynb');
      await page.goto(`${classic.url}/notebooks/${name}?token=${classic.token}`, { waitUntil: 'domcontentloaded' });
      const sel = '.output_area .output_subarea';
      await waitFor(page, async () => (await outputs(page, sel)).some((o) => o.img > 0), 'the classic notebook showed the outputs');
      const trusted = await page.evaluate(() => (window as unknown as { IPython: { notebook: { trusted: boolean } } }).IPython.notebook.trusted);
      expect(trusted, 'notebook trusted').to.equal(false);
      expectProgressShown(await outputs(page, sel), views.progressText, 'classic Notebook');
      // MathJax 2 typesets both formulas (inline and displayed) and hides its "Processing math" message
      await waitFor(page, () => page.evaluate(() => {
        const message = document.getElementById('MathJax_Message');
        return document.querySelectorAll('.rendered_html .MathJax_Display, .rendered_html .MathJax_CHTML_Display, .rendered_html .MathJax_SVG_Display').length >= 1
          && (!message || message.style.display === 'none' || message.innerText.trim() === '');
      }), 'the classic notebook typeset the math');
      await page.screenshot({ path: path.join(screenshots, 'progress-classic.png') });
    } finally {
      await page.close();
      await classic?.stop();
    }
  });

  it('the offline export: the progress display as saved, and the ledger link opens derivations.html at the entry', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const requested: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
      requested.push(url);
      return route.abort();
    });
    try {
      await page.goto(`file://${views.html}`, { waitUntil: 'load' });
      const sel = '.jp-OutputArea-output';
      expectProgressShown(await outputs(page, sel), views.progressText, 'the export');
      await page.locator('.jp-RenderedMarkdown a', { hasText: "the VAE's entry" }).click();
      await page.waitForURL(/derivations\.html#d29$/, { timeout: 15_000 });
      const target = await page.evaluate(() => (document.querySelector(':target')?.parentElement as HTMLElement | null)?.innerText ?? '');
      expect(target).to.match(/^D(29) .*The lectures' VAE/);
      const top = await page.evaluate(() => document.getElementById('d29')!.parentElement!.getBoundingClientRect().top);
      expect(top, 'the entry scrolled into view').to.be.within(-5, 900);
      await page.screenshot({ path: path.join(screenshots, 'ledger-export.png') });
      expect(requested, 'network requests').to.deep.equal([]);
    } finally {
      await context.close();
    }
  });
});
