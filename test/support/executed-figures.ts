// The figures fixture (test/fixtures/figures/figures.ipynb: maths, a vega-lite chart, an explorable
// figure with a slider, an image grid, a plotly surface) executed once per test run by the notebook
// runner, with its HTML export and slide deck. Shared by the browser tests of untrusted notebooks,
// offline exports and slides, so the kernel runs it once.
import { spawn } from 'child_process';
import fs from 'fs';
import path from 'path';
import { root } from './jupyter';

export const FIGURES_FIXTURE = path.join(root, 'test', 'fixtures', 'figures', 'figures.ipynb');

export interface ExecutedFigures {
  /** The runner's output folder: figures.ipynb, figures.html, figures.slides.html and assets/. */
  dir: string;
  notebook: string;
  html: string;
  slides: string;
  /** The runner's output (for failure messages). */
  log: string;
}

let run: Promise<ExecutedFigures> | undefined;

/** Runs the fixture through tools/run_notebooks.py --slides (once per process) and returns its files. */
export function executedFigures(): Promise<ExecutedFigures> {
  run ??= new Promise((resolve, reject) => {
    const dir = path.join(root, 'build', 'test-exports', 'figures');
    fs.rmSync(dir, { recursive: true, force: true });
    const proc = spawn('/usr/bin/python3', [path.join(root, 'tools', 'run_notebooks.py'), FIGURES_FIXTURE, '--out', dir, '--timeout', '120', '--slides'], {
      cwd: root, env: { ...process.env, JUPYTER_PATH: path.join(root, '.jupyter') }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    proc.stdout.on('data', (d) => { log += d; });
    proc.stderr.on('data', (d) => { log += d; });
    proc.on('error', reject);
    proc.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`run_notebooks.py on the figures fixture exited with ${code}:\n${log}`));
      resolve({ dir, notebook: path.join(dir, 'figures.ipynb'), html: path.join(dir, 'figures.html'), slides: path.join(dir, 'figures.slides.html'), log });
    });
  });
  return run;
}
