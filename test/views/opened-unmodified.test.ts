// Opening a saved notebook does not mark it modified. JupyterLab 4 and Notebook 7 write the kernel's
// language_info (its kernel_info_reply, kernel/kernel-info.ts) into the notebook's metadata when the kernel
// connects; a saved value that differs in any field (a source that stored only {name, file_extension})
// flips the document to dirty at once, and the student sees an unsaved-changes dot on a notebook they
// never touched (Debian's classic Notebook 6 does the same). Checked in Chromium, in JupyterLab and
// Notebook 7 once the kernel is idle (and in the classic Notebook for the homework), on:
//  - an executed lecture notebook (00, run by tools/run_notebooks.py);
//  - an executed notebook whose source saved no language_info (the runner records the kernel's);
//  - a homework's student version as released (tools/assignments.py, unexecuted).
// And statically: every notebook in the repository for the latent-lab kernel saves exactly the kernel's.
// Screenshot: build/screenshots/homework-jupyterlab.png (a1 as a student opens it).
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import type { Browser, Page } from 'playwright-core';
import { languageInfo } from '../../kernel/kernel-info';
import { launchChromium } from '../support/chromium';
import { root } from '../support/jupyter';
import { hasJupyterLab, startJupyterLab, type JupyterLabServer } from '../support/jupyterlab';

const screenshots = path.join(root, 'build', 'screenshots');
const HOMEWORK = 'a1-exact-inference-and-importance-sampling';

interface DocState { dirty: boolean; titleClass: string; kernel: string; languageInfo: unknown }

/** Opens `name` at `url`, waits until its kernel has connected, answered kernel_info and is idle, gives the
 * front end a moment to apply what the kernel said, and returns the document's state. */
async function openedState(page: Page, url: string, name: string): Promise<DocState> {
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction((n) => {
    const app = (window as unknown as { jupyterapp?: { shell: { widgets(area: string): Iterable<unknown> } } }).jupyterapp;
    type K = { connectionStatus: string; status: string; info: Promise<unknown> };
    const w = [...(app?.shell.widgets('main') ?? [])].find((x) => (x as { context?: { path: string } }).context?.path === n) as
      { context: { sessionContext: { session?: { kernel?: K | null } | null } } } | undefined;
    const k = w?.context.sessionContext.session?.kernel;
    if (!k || k.connectionStatus !== 'connected' || k.status !== 'idle') return false;
    // and its kernel_info_reply has arrived (kernel.info resolves with it)
    const seen = ((window as unknown as { llKernelInfo?: Map<unknown, boolean> }).llKernelInfo ??= new Map());
    if (!seen.has(k)) {
      seen.set(k, false);
      void k.info.then(() => seen.set(k, true));
    }
    return seen.get(k) === true;
  }, name, { timeout: 180_000, polling: 500 });
  const read = () => page.evaluate((n) => {
    const app = (window as unknown as { jupyterapp: { shell: { widgets(area: string): Iterable<unknown> } } }).jupyterapp;
    const w = [...app.shell.widgets('main')].find((x) => (x as { context?: { path: string } }).context?.path === n) as {
      title: { className: string };
      context: { model: { dirty: boolean; getMetadata(k: string): unknown }; sessionContext: { session?: { kernel?: { status: string } | null } | null } };
    };
    return { dirty: w.context.model.dirty, titleClass: w.title.className, kernel: w.context.sessionContext.session?.kernel?.status ?? '',
      languageInfo: w.context.model.getMetadata('language_info') };
  }, name);
  // the metadata is set when kernel.info resolves; watch it settle for a while
  let state = await read();
  for (let t = 0; t < 8 && !state.dirty; t++) {
    await page.waitForTimeout(250);
    state = await read();
  }
  return state;
}

describe('a saved notebook opens unmodified in JupyterLab and Notebook 7 (Chromium)', function () {
  this.timeout(600_000);
  let browser: Browser;
  let lab: JupyterLabServer | undefined;
  let tmp: string;
  const notebooks = ['00-getting-started.ipynb', 'no-language-info.ipynb', `${HOMEWORK}.ipynb`];

  it('every notebook in the repository for the latent-lab kernel saves the kernel\'s language_info', () => {
    const files = spawnSync('git', ['ls-files', '--', '*.ipynb'], { cwd: root, encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    const ours = files.map((f) => ({ f, nb: JSON.parse(fs.readFileSync(path.join(root, f), 'utf8')) }))
      .filter(({ nb }) => nb.metadata?.kernelspec?.name === 'latent-lab');
    expect(ours.length, 'notebooks for the latent-lab kernel').to.be.greaterThan(20);
    const differ = ours.filter(({ nb }) => JSON.stringify(nb.metadata.language_info) !== JSON.stringify(languageInfo()));
    expect(differ.map(({ f, nb }) => `${f}: ${JSON.stringify(nb.metadata.language_info)}`),
      `saved language_info other than ${JSON.stringify(languageInfo())}`).to.deep.equal([]);
  });

  describe('in Chromium', () => {
    before(async function () {
      this.timeout(600_000);
      expect(hasJupyterLab(), 'JupyterLab is not in .venv/: run bash scripts/setup.sh').to.equal(true);
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-lab-unmodified-'));
      const sources = path.join(tmp, 'sources');
      const served = path.join(tmp, 'served');
      fs.mkdirSync(sources);
      // a notebook whose source saved no language_info: the views fixture without it
      const fixture = JSON.parse(fs.readFileSync(path.join(root, 'test', 'fixtures', 'views', 'views.ipynb'), 'utf8'));
      delete fixture.metadata.language_info;
      fs.writeFileSync(path.join(sources, 'no-language-info.ipynb'), JSON.stringify(fixture, null, 1));
      fs.copyFileSync(path.join(root, 'notebooks', '00-getting-started.ipynb'), path.join(sources, '00-getting-started.ipynb'));
      const run = spawnSync('/usr/bin/python3', [path.join(root, 'tools', 'run_notebooks.py'), sources, '--out', served, '--timeout', '180'],
        { cwd: root, encoding: 'utf8', env: { ...process.env, JUPYTER_PATH: path.join(root, '.jupyter') }, timeout: 500_000 });
      expect(run.status, `run_notebooks.py: ${run.stdout}${run.stderr}`).to.equal(0);
      // the homework as a student gets it
      const release = spawnSync('/usr/bin/python3', ['-c', `
import sys; sys.path.insert(0, "tools")
import nbformat, assignments
nb = nbformat.read(sys.argv[1], as_version=4)
nbformat.write(assignments.make_version(nb, True, "${HOMEWORK}"), sys.argv[2])
`, path.join(root, 'notebooks', 'exercises', `${HOMEWORK}.ipynb`), path.join(served, `${HOMEWORK}.ipynb`)], { cwd: root, encoding: 'utf8' });
      expect(release.status, release.stderr).to.equal(0);
      lab = await startJupyterLab({ rootDir: served, exposeApp: true });
      browser = await launchChromium();
      fs.mkdirSync(screenshots, { recursive: true });
    });

    after(async () => {
      await browser?.close();
      await lab?.stop();
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('the runner saved the kernel\'s language_info in a notebook whose source had none', () => {
      const nb = JSON.parse(fs.readFileSync(path.join(lab!.rootDir, 'no-language-info.ipynb'), 'utf8'));
      expect(nb.metadata.language_info).to.deep.equal(languageInfo());
    });

    for (const frontEnd of ['JupyterLab', 'Notebook 7'] as const) {
      for (const name of notebooks) {
        it(`${frontEnd}: ${name} is not modified once the kernel is idle`, async () => {
          const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
          try {
            const at = frontEnd === 'JupyterLab' ? `lab/tree/${name}?reset&` : `notebooks/${name}?`;
            const state = await openedState(page, `${lab!.url}/${at}token=${lab!.token}`, name);
            expect(state.kernel, 'kernel status').to.equal('idle');
            expect(state.languageInfo, 'language_info after the kernel connected').to.deep.equal(languageInfo());
            expect(state.dirty, `${frontEnd}: ${name}'s document dirty`).to.equal(false);
            expect(state.titleClass, 'the tab\'s classes').to.not.contain('jp-mod-dirty');
            if (frontEnd === 'JupyterLab') {
              const dots = await page.locator('.lm-TabBar-tab.jp-mod-dirty').count();
              expect(dots, 'tabs with the unsaved-changes dot').to.equal(0);
              if (name.startsWith(HOMEWORK)) await page.screenshot({ path: path.join(screenshots, 'homework-jupyterlab.png') });
            }
          } finally {
            await page.close();
          }
        });
      }
    }

    it(`classic Notebook 6: ${HOMEWORK}.ipynb is not modified once the kernel is ready`, async () => {
      // the same rule there (notebook.js: a kernel_ready whose language_info differs from the saved one sets dirty)
      const classic = await startJupyterLab({ classic: true });
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      try {
        const name = classic.addNotebook(path.join(lab!.rootDir, `${HOMEWORK}.ipynb`));
        await page.goto(`${classic.url}/notebooks/${name}?token=${classic.token}`, { waitUntil: 'domcontentloaded' });
        type Classic = { notebook: { dirty: boolean; metadata: { language_info?: unknown }; kernel?: { info_reply?: { language_info?: unknown } } } };
        await page.waitForFunction(() => (window as unknown as { IPython?: Classic }).IPython?.notebook?.kernel?.info_reply?.language_info !== undefined,
          undefined, { timeout: 180_000, polling: 500 });
        await page.waitForTimeout(2000);
        const state = await page.evaluate(() => {
          const nb = (window as unknown as { IPython: Classic }).IPython.notebook;
          return { dirty: nb.dirty, languageInfo: nb.metadata.language_info, title: document.title };
        });
        expect(state.languageInfo, 'language_info after the kernel was ready').to.deep.equal(languageInfo());
        expect(state.dirty, `classic: ${name}'s document dirty (${state.title})`).to.equal(false);
      } finally {
        await page.close();
        await classic.stop();
      }
    });
  });
});
