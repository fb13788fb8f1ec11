// bench/step: one training step of the lectures' VAE (784-300-32 / 16-300-784, batch 128, Adam) and of
// a small 2-D diffusion denoiser (MLP [x, t-embedding] → 128 → 128 → 2, batch 256), float32, on the
// cpu backend, on wasm with the stock kernels, on wasm with Latent Lab's native kernels (with tfjs's Adam,
// then with FusedAdam: the library's default), and in PyTorch from the same command, with one and with
// two threads; plus sgemm GFLOP/s against the machine's measured peak. PyTorch inherits the OpenBLAS
// core type chosen here (it calls the same libopenblas), so both sides run the same sgemm kernels.
//   node dist/bench/step.js [--steps 50]
import { spawnSync } from 'child_process';
import path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { ready, VAE, rng } from '../src';
import { Dense } from '../src/ops/dense';
import { disableNativeKernels, enableNativeKernels, nativeStatus } from '../src/native/native-kernels';
import { FusedAdam } from '../src/native/fused-adam';
import { loadAddon } from '../src/native/addon';

const steps = Number(process.argv[process.argv.indexOf('--steps') + 1]) || 50;

// FLOPs of the matrix products a step needs: forward and ∂W for every layer, ∂x for every layer whose
// input needs a gradient (not the encoder's first: its input is data; neither side computes that product)
const productFlops = (B: number, layers: [number, number][], inputNeedsGradient: boolean) =>
  layers.reduce((s, [i, o], k) => s + 2 * B * i * o * (k === 0 && !inputNeedsGradient ? 2 : 3), 0);
const vaeFlops = productFlops(128, [[784, 300], [300, 32]], false) + productFlops(128, [[16, 300], [300, 784]], true);
const denoiserFlops = productFlops(256, [[18, 128], [128, 128], [128, 2]], false);

/** The median over rounds of the mean ms per step (this VM's timings are noisy); PyTorch is timed the same way. */
function time(step: () => void, n: number, rounds = 5): number {
  for (let i = 0; i < 10; i++) step();
  const perRound: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) step();
    perRound.push(Number(process.hrtime.bigint() - t0) / 1e6 / n);
  }
  return perRound.sort((a, b) => a - b)[Math.floor(rounds / 2)];
}

function vaeStep(optimizer: tf.Optimizer): { step: () => void; dispose: () => void } {
  const model = new VAE({ inputDim: 784, latentDim: 16, seed: 0 });
  const g = rng(0);
  const x = tf.tidy(() => tf.cast(tf.less(g.uniform([128, 784]), 0.2), 'float32'));
  return {
    step: () => { const c = optimizer.minimize(() => model.loss(g, x, { type: 'elbo' }), true, model.variables)!; c.dataSync(); c.dispose(); },
    dispose: () => { model.dispose(); x.dispose(); optimizer.dispose(); },
  };
}

function denoiserStep(optimizer: tf.Optimizer): { step: () => void; dispose: () => void } {
  const g = rng(1);
  const layers = [new Dense(18, 128, g, 'd1', 'bench'), new Dense(128, 128, g, 'd2', 'bench'), new Dense(128, 2, g, 'd3', 'bench')];
  const x0 = g.normal([256, 2]);
  const freqs = tf.exp(tf.mul(tf.range(0, 8), -Math.log(1000) / 8));
  const vars = layers.flatMap((l) => l.variables);
  return {
    step: () => {
      // the data side outside the gradient tape, as trainDenoiser does (PreparedLoss)
      const [input, eps] = tf.tidy(() => {
        const t = tf.add(tf.floor(tf.mul(g.uniform([256, 1]), 100)), 1);
        const abar = tf.exp(tf.div(t, -50));
        const noise = g.normal([256, 2]);
        const xt = tf.add(tf.mul(tf.sqrt(abar), x0), tf.mul(tf.sqrt(tf.sub(1, abar)), noise));
        const arg = tf.mul(t, freqs);
        return [tf.concat([xt, tf.sin(arg), tf.cos(arg)], -1), noise];
      });
      const c = optimizer.minimize(() => tf.tidy(() => {
        const h = layers[1].applyRelu(layers[0].applyRelu(input));
        return tf.mean(tf.sum(tf.square(tf.sub(layers[2].apply(h), eps)), -1)) as tf.Scalar;
      }), true, vars)!;
      c.dataSync();
      tf.dispose([c, input, eps]);
    },
    dispose: () => { layers.forEach((l) => l.dispose()); tf.dispose([x0, freqs]); optimizer.dispose(); },
  };
}

function sgemmGflops(M: number, K: number, N: number, n: number): number {
  const a = tf.randomNormal([M, K]), b = tf.randomNormal([K, N]);
  const ms = time(() => tf.tidy(() => { tf.matMul(a, b).dataSync(); }), n);
  tf.dispose([a, b]);
  return (2 * M * N * K) / (ms / 1000) / 1e9;
}

function torchRun(threads: number): { vae_ms: number; denoiser_ms: number; torch: string; threads: number } | string {
  const torch = spawnSync('/usr/bin/python3', [path.join(__dirname, '..', '..', 'bench', 'step_torch.py'), String(steps)],
    // OpenBLAS inside PyTorch gets the same thread count (torch.set_num_threads does not reach it)
    { encoding: 'utf8', env: { ...process.env, LATENT_BLAS_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) } });
  if (torch.status === 0) return JSON.parse(torch.stdout.trim().split('\n').pop()!);
  return (torch.stderr || 'python3-torch not installed').trim().split('\n').pop()!;
}

/** The machine's peak: 2048³ through OpenBLAS's best kernels for this CPU (chosen from /proc/cpuinfo whatever this process uses). */
function peakProbe(threads: number): { gflops: number; detail: string } {
  const probe = spawnSync(process.execPath, ['-e', `const b = require(${JSON.stringify(require.resolve('../src/native/native-kernels'))});
    b.enableNativeKernels(); const tf = require('@tensorflow/tfjs-core'); require(${JSON.stringify(require.resolve('../src/backend'))}).ready().then(() => {
    const a = tf.randomNormal([2048, 2048]); tf.matMul(a, a).dataSync(); const t = process.hrtime.bigint();
    for (let i = 0; i < 5; i++) tf.matMul(a, a).dataSync(); console.log(2 * 2048 ** 3 * 5 / (Number(process.hrtime.bigint() - t) / 1e9) / 1e9, b.nativeStatus().detail); });`],
    { encoding: 'utf8', env: { ...process.env, LATENT_BLAS_CORETYPE: 'auto', LATENT_BLAS_THREADS: String(threads), LATENT_QUIET: '1' } });
  const [gflops, ...detail] = (probe.stdout.trim().split('\n').pop() ?? '').split(' ');
  return { gflops: Number(gflops) || 0, detail: detail.join(' ') || 'probe failed' };
}

async function main() {
  await ready();
  const rows: { config: string; vae: number; denoiser: number; threads: number }[] = [];
  const run = async (config: string, backend: string, native: boolean, fused: boolean, threads = 1) => {
    await tf.setBackend(backend);
    if (native) { enableNativeKernels(); loadAddon().setThreads(threads); } else disableNativeKernels();
    const v = vaeStep(fused ? new FusedAdam(1e-3) : tf.train.adam(1e-3));
    const vae = backend === 'cpu' ? time(v.step, Math.max(3, Math.floor(steps / 10)), 1) : time(v.step, steps);
    v.dispose();
    const d = denoiserStep(fused ? new FusedAdam(1e-3) : tf.train.adam(1e-3));
    const denoiser = time(d.step, steps, backend === 'cpu' ? 1 : 5);
    d.dispose();
    rows.push({ config, vae, denoiser, threads });
  };
  await run('tfjs cpu (stock kernels)', 'cpu', false, false);
  await run('tfjs wasm (stock kernels)', 'wasm', false, false);
  await run('tfjs wasm + native kernels, tfjs Adam', 'wasm', true, false);
  await run('tfjs wasm + native kernels + FusedAdam', 'wasm', true, true);
  await run('tfjs wasm + native kernels + FusedAdam', 'wasm', true, true, 2);
  loadAddon().setThreads(1);
  const blas = nativeStatus();
  const torch = new Map([1, 2].map((n) => [n, torchRun(n)] as const));

  console.log(`One training step, float32, ${steps} timed steps after warm-up. Native: ${blas?.detail}`);
  console.log(`PyTorch runs with OPENBLAS_CORETYPE=${process.env.OPENBLAS_CORETYPE ?? '(unset)'}, as the native kernels do.`);
  console.log(`${'configuration'.padEnd(44)} ${'threads'.padStart(7)} ${'VAE ms'.padStart(8)} ${'GFLOP/s'.padStart(8)} ${'×PyTorch'.padStart(9)} ${'denoiser ms'.padStart(12)} ${'GFLOP/s'.padStart(8)} ${'×PyTorch'.padStart(9)}`);
  const line = (c: string, threads: number, v: number, d: number) => {
    const pt = torch.get(threads);
    const ratio = (x: number, ref?: number) => (typeof pt === 'object' && ref ? (x / ref).toFixed(2) : '-').padStart(9);
    console.log(`${c.padEnd(44)} ${String(threads).padStart(7)} ${v.toFixed(2).padStart(8)} ${(vaeFlops / v / 1e6).toFixed(1).padStart(8)} ${ratio(v, typeof pt === 'object' ? pt.vae_ms : undefined)} ${d.toFixed(2).padStart(12)} ${(denoiserFlops / d / 1e6).toFixed(1).padStart(8)} ${ratio(d, typeof pt === 'object' ? pt.denoiser_ms : undefined)}`);
  };
  for (const threads of [1, 2]) {
    rows.filter((r) => r.threads === threads).forEach((r) => line(r.config, r.threads, r.vae, r.denoiser));
    const pt = torch.get(threads)!;
    if (typeof pt === 'object') line(`PyTorch ${pt.torch}`, threads, pt.vae_ms, pt.denoiser_ms);
    else console.log(`PyTorch (${threads} threads): not run (${pt})`);
  }

  await tf.setBackend('wasm');
  enableNativeKernels();
  for (const threads of [1, 2]) {
    loadAddon().setThreads(threads);
    const big = sgemmGflops(2048, 2048, 2048, 5);
    const vaeShape = sgemmGflops(128, 784, 300, 200);
    const probe = peakProbe(threads);
    const peak = Math.max(big, probe.gflops);
    const cores = threads === 1 ? 'one core' : `${threads} cores`;
    console.log(`sgemm through tfjs + OpenBLAS, ${threads} thread${threads > 1 ? 's' : ''}: 2048³ ${big.toFixed(1)} GFLOP/s; 128×784·784×300 ${vaeShape.toFixed(1)} GFLOP/s = ${((100 * vaeShape) / peak).toFixed(0)}% of the peak of ${cores}, ${peak.toFixed(1)} GFLOP/s (2048³ with OpenBLAS's best kernels for this CPU: ${probe.detail})`);
  }
  loadAddon().setThreads(1);
  console.log(`denoiser matmul FLOPs per step: ${(denoiserFlops / 1e6).toFixed(1)} M (launch-bound: its time is kernel launches, not arithmetic)`);
}

main().catch((e) => { console.error(e); process.exit(1); });
