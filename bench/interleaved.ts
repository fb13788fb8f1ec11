// The method of the side-by-side benchmarks (bench:step, bench:images): Latent Lab and PyTorch train the
// same model in the same command, in rounds interleaved ours, PyTorch 1.13, PyTorch 2.x, ours, … so that
// the drift of this shared, noisy machine hits every side alike; each round gives a ratio ours/theirs and
// the table prints the median ratio with its spread (min–max over rounds). Each side runs in its own best
// configuration: ours with the library's defaults (wasm + native kernels + FusedAdam), PyTorch with its
// default BLAS and convolution backends and the environment this process started with (our
// OPENBLAS_CORETYPE choice is not passed on). Threads: ours through the addon (OpenBLAS and OpenMP),
// PyTorch through torch.set_num_threads and OMP/MKL/OPENBLAS_NUM_THREADS.
// PyTorch: Debian's python3-torch (/usr/bin/python3) and the pip wheel in a virtual environment
// (LATENT_TORCH_VENV, default build/torch-venv: python3 -m venv build/torch-venv &&
// build/torch-venv/bin/pip install --retries 0 --timeout 5 torch); a missing one is reported, not fatal.
import { ChildProcessWithoutNullStreams, spawn, spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import readline from 'readline';

/** The environment before anything of ours (loadAddon sets OPENBLAS_CORETYPE) touched it. */
const STARTING_ENV = { ...process.env };
export const ROOT = path.resolve(__dirname, fs.existsSync(path.join(__dirname, '..', 'package.json')) ? '..' : path.join('..', '..'));
const WORKER = path.join(ROOT, 'bench', 'torch_steps.py');

export interface TorchSide { label: string; python: string }

/** The PyTorch installations found: Debian's and the venv's; the reason for each one missing. */
export function torchSides(): { sides: TorchSide[]; missing: string[] } {
  const venv = process.env.LATENT_TORCH_VENV ?? path.join(ROOT, 'build', 'torch-venv');
  const candidates = [
    { python: '/usr/bin/python3', how: 'apt-get install python3-torch' },
    { python: path.join(venv, 'bin', 'python'), how: `python3 -m venv ${venv} && ${venv}/bin/pip install --retries 0 --timeout 5 torch` },
  ];
  const sides: TorchSide[] = [], missing: string[] = [];
  for (const c of candidates) {
    const r = fs.existsSync(c.python) ? spawnSync(c.python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }) : undefined;
    const version = r?.status === 0 ? r.stdout.trim().split('\n').pop() : undefined;
    if (version) sides.push({ label: `PyTorch ${version.replace(/a0$/, '')}`, python: c.python });
    else missing.push(`${c.python}: no torch (${c.how})`);
  }
  return { sides, missing };
}

/** A PyTorch process that builds the benchmark models and times steps on request (bench/torch_steps.py). */
export class TorchWorker {
  private proc: ChildProcessWithoutNullStreams;
  private lines: AsyncIterableIterator<string>;
  private stderr = '';
  info: { torch: string; threads: number; blas: string; mkldnn: boolean } | undefined;

  constructor(readonly side: TorchSide, readonly threads: number) {
    const n = String(threads);
    this.proc = spawn(side.python, [WORKER, n], {
      env: { ...STARTING_ENV, OMP_NUM_THREADS: n, MKL_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n, PYTHONWARNINGS: 'ignore' },
    });
    this.proc.stderr.on('data', (d) => { this.stderr = (this.stderr + String(d)).slice(-2000); });
    this.lines = readline.createInterface({ input: this.proc.stdout })[Symbol.asyncIterator]();
  }

  private async next(): Promise<Record<string, unknown>> {
    const r = await this.lines.next();
    if (r.done) throw new Error(`${this.side.label} worker ended: ${this.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return JSON.parse(r.value);
  }

  async start(): Promise<this> {
    this.info = (await this.next()) as TorchWorker['info'];
    return this;
  }

  /** Mean ms per step over `steps` steps (the first request for a model also builds and warms it up). */
  async time(model: string, steps: number): Promise<number> {
    this.proc.stdin.write(`${model} ${steps}\n`);
    return (await this.next()).ms as number;
  }

  stop(): void {
    this.proc.stdin.end();
    this.proc.kill();
  }
}

/** Mean ms per step of `steps` calls. */
export function timeSteps(step: () => void, steps: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < steps; i++) step();
  return Number(process.hrtime.bigint() - t0) / 1e6 / steps;
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b), m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** ms per step and the ratios ours/theirs per round; load: the 1-minute load average after each round (a ratio under load is less believable). */
export interface Row { model: string; threads: number; side: string; ms: number[]; ratios: number[]; load: number[] }

/**
 * Runs `rounds` rounds of ours then each PyTorch worker in turn, `steps` steps each (after one warm-up
 * round that is not counted); returns one row for ours and one per PyTorch with the ratios ours/theirs.
 */
export async function interleave(model: string, threads: number, ours: () => void, workers: TorchWorker[], steps: number, rounds: number): Promise<Row[]> {
  timeSteps(ours, Math.max(1, Math.ceil(steps / 2)));
  for (const w of workers) await w.time(model, 1);
  const mine: number[] = [], theirs = workers.map(() => [] as number[]), load: number[] = [];
  for (let r = 0; r < rounds; r++) {
    mine.push(timeSteps(ours, steps));
    for (let k = 0; k < workers.length; k++) theirs[k].push(await workers[k].time(model, steps));
    load.push(os.loadavg()[0]);
  }
  return [
    { model, threads, side: 'Latent Lab (wasm + native)', ms: mine, ratios: [], load },
    ...workers.map((w, k) => ({ model, threads, side: w.side.label, ms: theirs[k], ratios: mine.map((m, r) => m / theirs[k][r]), load })),
  ];
}

/** The table: median ms per step (min–max), and the median ratio ours/PyTorch with its spread over rounds. */
export function printRows(rows: Row[], header = true): void {
  const f = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
  if (header) console.log(`${'step'.padEnd(10)} ${'threads'.padStart(7)}  ${'side'.padEnd(28)} ${'median ms'.padStart(10)} ${'(min–max)'.padEnd(17)} ${'load'.padEnd(10)} ours/theirs: median (min–max)`);
  for (const r of rows) {
    const ratio = r.ratios.length ? `${median(r.ratios).toFixed(2)}× (${Math.min(...r.ratios).toFixed(2)}–${Math.max(...r.ratios).toFixed(2)})` : '';
    const load = `${Math.min(...r.load).toFixed(1)}–${Math.max(...r.load).toFixed(1)}`;
    console.log(`${r.model.padEnd(10)} ${String(r.threads).padStart(7)}  ${r.side.padEnd(28)} ${f(median(r.ms)).padStart(10)} ${`(${f(Math.min(...r.ms))}–${f(Math.max(...r.ms))})`.padEnd(17)} ${load.padEnd(10)} ${ratio}`);
  }
}

export interface BenchModel { name: string; steps: number; make: () => { step: () => void; dispose: () => void } }

/**
 * The whole comparison for a list of models, at one and two threads: ours through `setThreads`, each
 * PyTorch found in a worker of its own per thread count. Prints the table and what ran.
 */
export async function compare(models: BenchModel[], rounds: number, setThreads: (n: number) => void, oursDetail: string): Promise<Row[]> {
  const { sides, missing } = torchSides();
  const rows: Row[] = [];
  for (const threads of [1, 2]) {
    setThreads(threads);
    const workers = await Promise.all(sides.map((s) => new TorchWorker(s, threads).start()));
    try {
      for (const m of models) {
        const ours = m.make();
        try {
          const done = await interleave(m.name, threads, ours.step, workers, m.steps, rounds);
          rows.push(...done);
          printRows(done, rows.length === done.length);  // as it comes: a long run that is stopped still shows its rows
        } finally {
          ours.dispose();
        }
      }
    } finally {
      workers.forEach((w) => w.stop());
    }
    if (threads === 1) for (const w of workers) console.log(`${w.side.label}: ${w.side.python}, BLAS ${w.info?.blas.split(',')[0]}, oneDNN (mkldnn) ${w.info?.mkldnn ? 'on' : 'off'}, OPENBLAS_CORETYPE ${STARTING_ENV.OPENBLAS_CORETYPE ?? '(unset: its own detection)'}`);
  }
  console.log(`Latent Lab: ${oursDetail}`);
  for (const m of missing) console.log(`not run: ${m}`);
  console.log(`\nAll together: ${rounds} interleaved rounds (ours, then each PyTorch) after a warm-up round; ms per step, float32; load: the 1-minute load average over the rounds (${os.cpus().length} cores).`);
  printRows(rows);
  return rows;
}
