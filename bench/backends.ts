// bench:backends — which backend each course model's training step should use: the steps of bench:step
// (MLP VAE, 2-D denoiser) and bench:images (DDPM U-Net, DDPM sampling, conv VAE, RealNVP, VQ-VAE) on the
// default backend (wasm + native kernels + FusedAdam) and on tfjs-node (TensorFlow's kernels, tf.train.adam),
// each interleaved with PyTorch 2.x at the same thread count (bench/interleaved.ts's method), in one command.
// TensorFlow reads its thread counts once per process, so each thread count runs in a process of its own
// (TF_NUM_INTRAOP_THREADS = threads, TF_NUM_INTEROP_THREADS = 1; OpenBLAS/oneDNN and PyTorch set the same).
//   node dist/bench/backends.js [--rounds 3] [--steps 2] [--threads 1,2] [--only vae,conv-vae] [--backends wasm,node]
// bench/gpu.ts runs the same with node-gpu.
import { spawnSync } from 'child_process';
import os from 'os';
import * as tf from '@tensorflow/tfjs-core';
import { interleave, median, printRows, Row, torchSides, TorchWorker } from './interleaved';
import { ready, BackendChoice } from '../src/backend/backend';
import { loadTfjsNode } from '../src/backend/tfjs-node';
import { rng } from '../src/random/rng';
import { FusedAdam } from '../src/backend/fused-adam';
import { loadAddon } from '../src/backend/addon';
import { vaeStep, denoiserStep } from './step';
import { unetSampleStep, unetStep } from './unet';
import { convVaeStep } from './conv-vae';
import { realNvpStep } from './real-nvp';
import { vqVaeStep } from './vq-vae';

type Step = { step: () => void; dispose: () => void };
const option = (name: string) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : undefined);

/** The course models' steps; `native` says whether the default backend's FusedAdam applies. */
export const MODELS: { name: string; steps: number; make: (native: boolean) => Step }[] = [
  { name: 'vae', steps: 20, make: (native) => vaeStep(native ? new FusedAdam(1e-3) : tf.train.adam(1e-3)) },
  { name: 'denoiser', steps: 20, make: (native) => denoiserStep(native ? new FusedAdam(1e-3) : tf.train.adam(1e-3)) },
  { name: 'unet', steps: 1, make: (native) => unetStep(rng(0), native ? new FusedAdam(1e-3) : tf.train.adam(1e-3)) },
  { name: 'unet-sample', steps: 4, make: () => unetSampleStep(rng(1)) },
  { name: 'conv-vae', steps: 10, make: (native) => convVaeStep(rng(2), native ? new FusedAdam(1e-3) : tf.train.adam(1e-3)) },
  { name: 'realnvp', steps: 2, make: (native) => realNvpStep(rng(3), native ? new FusedAdam(1e-3) : tf.train.adam(1e-3)) },
  { name: 'vq-vae', steps: 10, make: (native) => vqVaeStep(rng(4), native ? new FusedAdam(1e-3) : tf.train.adam(1e-3)) },
];

const TF_NAME: Record<BackendChoice, string> = { wasm: 'wasm', cpu: 'cpu', node: 'tensorflow', 'node-gpu': 'tensorflow' };

/** One thread count in this process: every model on every backend, each interleaved with PyTorch 2.x. */
async function worker(threads: number, backends: BackendChoice[], only: string[] | undefined, rounds: number, scale: number): Promise<void> {
  process.env.LATENT_QUIET = '1';
  await ready();   // wasm + native kernels, as the library chooses
  loadAddon().setThreads(threads);
  const tfjsNode = backends.find((b) => b === 'node' || b === 'node-gpu');
  if (tfjsNode) loadTfjsNode(tfjsNode === 'node' ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs-node-gpu');
  const sides = torchSides().sides.filter((s) => !s.label.startsWith('PyTorch 1.'));
  const workers = await Promise.all(sides.map((s) => new TorchWorker(s, threads).start()));
  const rows: Row[] = [];
  try {
    for (const m of MODELS.filter((m) => !only || only.includes(m.name))) {
      for (const b of backends) {
        await tf.setBackend(TF_NAME[b]);
        const s = m.make(b === 'wasm' || b === 'cpu');
        try {
          const done = await interleave(m.name, threads, s.step, workers, Math.max(1, Math.round(m.steps * scale)), rounds);
          done[0].side = `Latent Lab (${b})`;
          rows.push(...done);
          printRows(done, rows.length === done.length);
        } finally {
          s.dispose();
        }
      }
    }
  } finally {
    workers.forEach((w) => w.stop());
  }
  console.log('ROWS ' + JSON.stringify(rows));
}

/** Every thread count in its own process; then the table of ratios to PyTorch, backend against backend. */
export function runBackends(backends: BackendChoice[], script: string): Row[] {
  const threads = (option('threads') ?? '1,2').split(',').map(Number);
  const rows: Row[] = [];
  console.log(`bench:backends — ${backends.join(' vs ')}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(', ')} at the start (${os.cpus().length} cores)`);
  for (const n of threads) {
    const env = { ...process.env, TF_NUM_INTRAOP_THREADS: String(n), TF_NUM_INTEROP_THREADS: '1', TF_CPP_MIN_LOG_LEVEL: '1' };
    const args = [script, '--worker', String(n), '--backends', backends.join(','), ...process.argv.slice(2).filter((a, i, all) => a !== '--backends' && all[i - 1] !== '--backends')];
    const r = spawnSync(process.execPath, [...process.execArgv, ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
    process.stdout.write(r.stdout.split('\n').filter((l) => !l.startsWith('ROWS ')).join('\n'));
    const line = r.stdout.split('\n').find((l) => l.startsWith('ROWS '));
    if (!line) throw new Error(`bench:backends: the ${n}-thread run failed (exit ${r.status})`);
    rows.push(...JSON.parse(line.slice(5)));
  }
  console.log(`\nload average ${os.loadavg().map((l) => l.toFixed(1)).join(', ')} at the end. Ratio = ours / PyTorch in the same round (median, min–max):`);
  console.log(`${'step'.padEnd(12)} ${'threads'.padStart(7)}  ${backends.map((b) => `${b} ms`.padStart(10) + '  ' + `${b} × PyTorch`.padEnd(24)).join('')} PyTorch ms`);
  const f = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
  for (const n of threads) {
    for (const m of MODELS) {
      const ours = backends.map((b) => rows.find((r) => r.model === m.name && r.threads === n && r.side === `Latent Lab (${b})`));
      if (ours.some((r) => !r)) continue;
      // interleave() returns ours then PyTorch's row, whose ratios are ours / PyTorch per round
      const ratioRows = ours.map((r) => rows[rows.indexOf(r!) + 1]);
      const cells = ours.map((r, k) => `${f(median(r!.ms)).padStart(10)}  ${`${median(ratioRows[k].ratios).toFixed(2)}× (${Math.min(...ratioRows[k].ratios).toFixed(2)}–${Math.max(...ratioRows[k].ratios).toFixed(2)})`.padEnd(24)}`);
      console.log(`${m.name.padEnd(12)} ${String(n).padStart(7)}  ${cells.join('')} ${f(median(ratioRows.flatMap((t) => t.ms)))}`);
    }
  }
  return rows;
}

if (require.main === module) {
  const at = process.argv.indexOf('--worker');
  const backends = (option('backends') ?? 'wasm,node').split(',') as BackendChoice[];
  const only = option('only')?.split(',');
  if (at >= 0) {
    worker(Number(process.argv[at + 1]), backends, only, Number(option('rounds') ?? 3), Number(option('steps') ?? 1))
      .catch((e) => { console.error(e); process.exit(1); });
  } else {
    runBackends(backends, __filename);
  }
}
