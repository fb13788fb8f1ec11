// JupyterLab 4 (from the project's .venv/, installed by scripts/setup.sh) driven by Debian's Chromium:
// start a server on a free port with a random token and a temporary folder, open a notebook, run all
// its cells through the menu (Run > Run All Cells) and wait until the kernel is idle, then read the
// outputs from the page. For browser tests of what a person sees in JupyterLab (e.g. widgets):
//
//   const lab = jupyterLabInChromium();                     // in a describe: started before its tests, stopped after
//   const server = lab.server, browser = lab.browser;        // (or startJupyterLab() / launchChromium() yourself)
//   server.addNotebook(path.join(root, 'test/fixtures/jupyterlab/hello.ipynb'));
//   const browser = await launchChromium(); const page = await browser.newPage();
//   const run = await openAndRunNotebook(page, server, 'hello.ipynb');
//   run.cells[0].outputs  // ['2']
import { spawn, type ChildProcess } from 'child_process';
import crypto from 'crypto';
import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { root } from './jupyter';

export const JUPYTER = path.join(root, '.venv', 'bin', 'jupyter');

/** True when scripts/setup.sh installed JupyterLab into .venv/. */
export function hasJupyterLab(): boolean {
  return fs.existsSync(path.join(root, '.venv', 'bin', 'jupyter-lab'));
}

export interface JupyterLabServer {
  /** http://127.0.0.1:PORT (no trailing slash). */
  url: string;
  port: number;
  token: string;
  /** The server's root folder (a temporary folder unless one was given). */
  rootDir: string;
  /** The server's output so far (stdout and stderr), for error messages. */
  log(): string;
  /** Copies a notebook (or any file) into rootDir; returns its path relative to rootDir. */
  addNotebook(file: string, name?: string): string;
  /** Shuts the server and its kernels down and removes a temporary rootDir. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Serve this folder instead of a new temporary one (which stop() removes). */
  rootDir?: string;
  /**
   * Debian's classic Notebook 6 (/usr/bin/python3 -m notebook, as `npm start -- --classic`) instead of
   * JupyterLab; its notebooks open at /notebooks/NAME.
   */
  classic?: boolean;
  /** JupyterLab and Notebook 7 expose their application as window.jupyterapp (to read models, e.g. output trust). */
  exposeApp?: boolean;
  /** How long to wait for the server to answer (ms). */
  timeoutMs?: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function exited(proc: ChildProcess, ms: number): Promise<boolean> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    proc.once('exit', () => { clearTimeout(t); resolve(true); });
  });
}

/**
 * Starts `.venv/bin/jupyter lab` on 127.0.0.1 and a free port with a random token, JUPYTER_PATH set to
 * the project's .jupyter/ (the latent-lab kernel), and its settings and workspaces in a temporary folder
 * (nothing from the user's own JupyterLab). Resolves when /api/status answers.
 */
/** A JupyterLab server and a Chromium for the enclosing describe: started in its before hook, closed in its after
 * hook. Read `server` and `browser` inside the tests (before the hook has run they throw). */
export function jupyterLabInChromium(options: StartOptions = {}): { readonly server: JupyterLabServer; readonly browser: Browser } {
  let server: JupyterLabServer | undefined;
  let browser: Browser | undefined;
  before(async () => {
    server = await startJupyterLab(options);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });
  const started = <T>(x: T | undefined, what: string): T => {
    if (x === undefined) throw new Error(`jupyterLabInChromium: the ${what} is started in the describe's before hook`);
    return x;
  };
  return { get server() { return started(server, 'server'); }, get browser() { return started(browser, 'browser'); } };
}

export async function startJupyterLab(options: StartOptions = {}): Promise<JupyterLabServer> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  if (!options.classic && !hasJupyterLab()) {
    throw new Error(`JupyterLab is not installed in ${path.join(root, '.venv')}: run 'bash scripts/setup.sh' (its pip log is build/pip-install.log)`);
  }
  const port = await freePort();
  const token = crypto.randomBytes(24).toString('hex');
  const ownRoot = options.rootDir === undefined;
  const rootDir = options.rootDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'latent-lab-jupyterlab-'));
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-lab-jupyterlab-state-'));
  const args = options.classic
    ? ['-m', 'notebook', '--no-browser', '--ip=127.0.0.1', `--port=${port}`, '--NotebookApp.port_retries=0',
      `--NotebookApp.token=${token}`, `--notebook-dir=${rootDir}`]
    : ['lab', '--no-browser', '--ip=127.0.0.1', `--port=${port}`, '--ServerApp.port_retries=0',
      `--IdentityProvider.token=${token}`, `--ServerApp.root_dir=${rootDir}`,
      // no update check or news (no network here), no announcements popping over the notebook
      '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate', '--LabApp.news_url=None',
      ...(options.exposeApp ? ['--LabApp.expose_app_in_browser=True', '--JupyterNotebookApp.expose_app_in_browser=True'] : [])];
  if (process.getuid?.() === 0) args.push('--allow-root');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    JUPYTER_PATH: path.join(root, '.jupyter'),
    JUPYTER_CONFIG_DIR: path.join(stateDir, 'config'),
    // the project's server settings, as npm start uses them (scripts/jupyter-config/)
    JUPYTER_CONFIG_PATH: path.join(root, 'scripts', 'jupyter-config'),
    JUPYTER_RUNTIME_DIR: path.join(stateDir, 'runtime'),
    // a data folder of its own: no notebook is trusted from the user's signature database
    JUPYTER_DATA_DIR: path.join(stateDir, 'data'),
    JUPYTERLAB_SETTINGS_DIR: path.join(stateDir, 'settings'),
    JUPYTERLAB_WORKSPACES_DIR: path.join(stateDir, 'workspaces'),
  };
  const proc = spawn(options.classic ? '/usr/bin/python3' : JUPYTER, args, { cwd: rootDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout!.on('data', (d) => { output += d; });
  proc.stderr!.on('data', (d) => { output += d; });
  let spawnError: Error | undefined;
  proc.on('error', (e) => { spawnError = e; });
  const url = `http://127.0.0.1:${port}`;
  const tail = () => output.split('\n').slice(-25).join('\n');

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (proc.exitCode === null && proc.signalCode === null) {
      // The API shuts the kernels down cleanly; signals are the fallback.
      try {
        await fetch(`${url}/api/shutdown`, { method: 'POST', headers: { Authorization: `token ${token}` }, signal: AbortSignal.timeout(5_000) });
      } catch { /* the server may already be going */ }
      if (!(await exited(proc, 10_000))) {
        proc.kill('SIGTERM');
        if (!(await exited(proc, 5_000))) { proc.kill('SIGKILL'); await exited(proc, 5_000); }
      }
    }
    fs.rmSync(stateDir, { recursive: true, force: true });
    if (ownRoot) fs.rmSync(rootDir, { recursive: true, force: true });
  };

  const server: JupyterLabServer = {
    url, port, token, rootDir, stop,
    log: () => output,
    addNotebook(file: string, name = path.basename(file)) {
      const dest = path.join(rootDir, name);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.copyFileSync(file, dest);
      return name;
    },
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (spawnError || proc.exitCode !== null || proc.signalCode !== null) {
      await stop();
      throw new Error(`jupyter lab exited before it answered (${spawnError?.message ?? `code ${proc.exitCode}, signal ${proc.signalCode}`}):\n${tail()}`);
    }
    try {
      const r = await fetch(`${url}/api/status`, { headers: { Authorization: `token ${token}` }, signal: AbortSignal.timeout(2_000) });
      if (r.ok) return server;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`jupyter lab did not answer on ${url} within ${timeoutMs / 1000} s:\n${tail()}`);
    }
    await sleep(250);
  }
}

export interface CellResult {
  /** The prompt number, e.g. 1 for [1]:; null when the cell never ran. */
  executionCount: number | null;
  /** The text of each output (execute results, streams, errors, display data), as rendered. */
  outputs: string[];
  /** The MIME type each output was rendered from (data-mime-type), in the same order. */
  mimeTypes: string[];
}

export interface NotebookRun {
  cells: CellResult[];
  /** Every output's text, all cells, in order. */
  text: string;
  /** Messages the page logged at the error level (for diagnosing failures). */
  consoleErrors: string[];
}

async function kernelStatus(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const panel = Array.from(document.querySelectorAll('.jp-NotebookPanel')).find((p) => !p.classList.contains('lm-mod-hidden'));
    const el = (panel ?? document).querySelector('.jp-Notebook-ExecutionIndicator');
    const status = el?.getAttribute('data-status') ?? null;
    // The indicator says "idle" before any kernel is connected; the status bar names the kernel only once
    // it is ("Latent Lab (TypeScript) | Idle"). Run All clicked before that runs nothing.
    const bar = Array.from(document.querySelectorAll('.jp-StatusBar-TextItem')).map((e) => e.textContent ?? '');
    const connected = bar.some((t) => /\|\s*Idle/.test(t));
    return status === 'idle' && !connected ? 'connecting' : status;
  });
}

async function readCells(page: Page): Promise<CellResult[]> {
  return page.evaluate(() => Array.from(document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell')).map((cell) => {
    const prompt = cell.querySelector('.jp-InputArea-prompt')?.textContent ?? '';
    const m = /\[(\d+)\]/.exec(prompt);
    const outs = Array.from(cell.querySelectorAll('.jp-OutputArea-output'));
    return {
      executionCount: m ? Number(m[1]) : null,
      outputs: outs.map((o) => ((o as HTMLElement).innerText ?? o.textContent ?? '').trim()),
      mimeTypes: outs.map((o) => o.getAttribute('data-mime-type') ?? ''),
    };
  }));
}

/**
 * Opens rootDir/notebookPath in JupyterLab, waits for its kernel to be idle, runs all cells from the
 * menu (Run > Run All Cells) and waits until every code cell has its prompt number and the kernel is
 * idle again. Throws with the page's state when something takes longer than timeoutMs.
 */
export async function openAndRunNotebook(page: Page, server: JupyterLabServer, notebookPath: string, timeoutMs = 60_000): Promise<NotebookRun> {
  const consoleErrors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  const deadline = Date.now() + timeoutMs;
  const left = () => Math.max(1_000, deadline - Date.now());
  const fail = async (what: string): Promise<never> => {
    let cells = '';
    try { cells = JSON.stringify(await readCells(page)); } catch { /* page gone */ }
    throw new Error(`JupyterLab, ${notebookPath}: ${what} (${timeoutMs / 1000} s)\ncells: ${cells}\nkernel: ${await kernelStatus(page).catch(() => '?')}\n`
      + `page errors: ${consoleErrors.slice(-5).join(' | ')}\nserver log:\n${server.log().split('\n').slice(-15).join('\n')}`);
  };
  const waitIdle = async (what: string) => {
    for (;;) {
      if ((await kernelStatus(page)) === 'idle') return;
      if (Date.now() > deadline) await fail(what);
      await page.waitForTimeout(200);
    }
  };

  const nbUrl = `${server.url}/lab/tree/${notebookPath.split('/').map(encodeURIComponent).join('/')}?token=${server.token}`;
  await page.goto(nbUrl, { waitUntil: 'domcontentloaded', timeout: left() });
  try {
    await page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell').first().waitFor({ state: 'visible', timeout: left() });
  } catch { await fail('the notebook did not open'); }
  await waitIdle('the kernel did not start (kernel status never became idle)');

  // Run > Run All Cells, as a person would.
  await page.locator('.lm-MenuBar-itemLabel', { hasText: /^Run$/ }).click({ timeout: left() });
  await page.locator('.lm-Menu-itemLabel', { hasText: /^Run All Cells$/ }).click({ timeout: left() });

  for (;;) {
    const cells = await readCells(page);
    if (cells.length > 0 && cells.every((c) => c.executionCount !== null) && (await kernelStatus(page)) === 'idle') {
      await page.waitForTimeout(300); // let the last outputs render
      const final = await readCells(page);
      return { cells: final, text: final.flatMap((c) => c.outputs).join('\n'), consoleErrors };
    }
    if (Date.now() > deadline) await fail('the cells did not all run');
    await page.waitForTimeout(250);
  }
}
