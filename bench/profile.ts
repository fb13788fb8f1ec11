// bench:profile — where a training step's time goes, per course model, at one and two threads: the step's wall
// time, the kernels it launches, the time inside them (tf.profile, measured around each kernel), and the rest —
// tfjs's dispatch, tape and bookkeeping between kernels, which no thread count shortens. The heaviest kernels by
// time follow. It explains the rows of bench:step and bench:images above 1.0× (environment.md); it times no
// PyTorch and is not a comparison.
//   node dist/bench/profile.js [--only denoiser,vae,conv-vae,dcgan] [--steps 20] [--top 5]
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../src/backend/backend';
import { rng } from '../src/random/rng';
import { FusedAdam } from '../src/backend/fused-adam';
import { loadAddon } from '../src/backend/addon';
import { median, timeSteps } from './interleaved';
import { denoiserStep, vaeStep } from './step';
import { convVaeStep } from './conv-vae';
import { dcganStep } from './dcgan';
import { realNvpStep } from './real-nvp';
import { vqVaeStep } from './vq-vae';
import { unetStep } from './unet';
import { pixelCnnStep } from './pixel-cnn';

const option = (name: string) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : undefined);

const MODELS: Record<string, () => { step: () => void; dispose: () => void }> = {
  denoiser: () => denoiserStep(new FusedAdam(1e-3)),
  vae: () => vaeStep(new FusedAdam(1e-3)),
  'conv-vae': () => convVaeStep(rng(2), new FusedAdam(1e-3)),
  dcgan: () => dcganStep(rng(6), new FusedAdam(3e-4)),
  realnvp: () => realNvpStep(rng(3), new FusedAdam(1e-3)),
  'vq-vae': () => vqVaeStep(rng(4), new FusedAdam(1e-3)),
  pixelcnn: () => pixelCnnStep(rng(5), new FusedAdam(1e-3)),
  unet: () => unetStep(rng(0), new FusedAdam(1e-3)),
};

async function main() {
  await ready();
  const only = option('only')?.split(',') ?? ['denoiser', 'vae', 'conv-vae', 'dcgan'];
  const unknown = only.filter((m) => !(m in MODELS));
  if (unknown.length > 0) throw new Error(`--only: no model ${unknown.join(', ')} (known: ${Object.keys(MODELS).join(', ')})`);
  const steps = Number(option('steps') ?? 20), top = Number(option('top') ?? 5);
  console.log('model      threads  wall ms/step  kernels  in kernels ms  between kernels ms   heaviest kernels (ms per step, calls)');
  for (const name of only) {
    for (const threads of [1, 2]) {
      loadAddon().setThreads(threads);
      const s = MODELS[name]();
      // a second of steps first: V8's optimizing compiler and the kernels' first calls are not the step's cost
      for (const t0 = Date.now(); Date.now() - t0 < 1000;) s.step();
      // the wall time without the profiler (it adds its own bookkeeping), median of 5 batches of steps
      const wall = median(Array.from({ length: 5 }, () => timeSteps(s.step, Math.max(1, Math.round(steps / 5)))));
      const byKernel = new Map<string, { ms: number; calls: number }>();
      let kernels = 0, inKernels = 0;
      const profiled = Math.max(1, Math.round(steps / 4));
      for (let i = 0; i < profiled; i++) {
        const info = await tf.profile(() => s.step());
        // an op that wraps a kernel (fusedConv2d__op around FusedConv2D) is listed beside it: counted once, as its kernel
        for (const k of info.kernels.filter((kernel) => !kernel.name.endsWith('__op'))) {
          const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
          kernels++;
          inKernels += ms;
          const e = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
          e.ms += ms;
          e.calls++;
          byKernel.set(k.name, e);
        }
      }
      s.dispose();
      const perStep = (x: number) => x / profiled;
      const heaviest = [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, top)
        .map(([k, e]) => `${k} ${perStep(e.ms).toFixed(2)} (${Math.round(perStep(e.calls))})`).join(', ');
      console.log(`${name.padEnd(10)} ${String(threads).padStart(7)}  ${wall.toFixed(2).padStart(12)}  ${perStep(kernels).toFixed(0).padStart(7)}  ` +
        `${perStep(inKernels).toFixed(2).padStart(13)}  ${Math.max(0, wall - perStep(inKernels)).toFixed(2).padStart(18)}   ${heaviest}`);
    }
  }
  loadAddon().setThreads(1);
}

main().catch((e) => { console.error(e); process.exit(1); });
