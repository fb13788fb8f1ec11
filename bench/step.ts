// bench/step: one training step of the lectures' VAE (784-300-32 / 16-300-784, batch 128, Adam) and of
// a small 2-D diffusion denoiser (MLP [x, t-embedding] → 128 → 128 → 2, batch 256), float32, side by side
// with PyTorch by bench/interleaved.ts's method: rounds interleaved ours, PyTorch 1.13, PyTorch 2.x, …;
// both PyTorch versions in their own default configuration (their BLAS, their OPENBLAS_CORETYPE);
// one and two threads; the median ratio with its spread over rounds. Ours: wasm + native kernels +
// FusedAdam (the library's defaults). --stock adds tfjs's stock kernels (cpu and wasm, one round each,
// not interleaved) for scale.
//   node dist/bench/step.js [--steps 50] [--rounds 7] [--stock]
import { compare, median, timeSteps } from './interleaved';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../src/backend/backend';
import { VAE } from '../src/models/vae/vae';
import { Dense } from '../src/ops/dense';
import { rng } from '../src/random/rng';
import { disableNativeKernels, enableNativeKernels, nativeStatus } from '../src/backend/native-kernels';
import { FusedAdam } from '../src/backend/fused-adam';
import { loadAddon } from '../src/backend/addon';

const arg = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) || fallback;
const steps = arg('steps', 50);

export function vaeStep(optimizer: tf.Optimizer): { step: () => void; dispose: () => void } {
  const model = new VAE(rng(0), { inputDim: 784, latentDim: 16 });
  const g = rng(0);
  const x = tf.tidy(() => tf.cast(tf.less(g.uniform([128, 784]), 0.2), 'float32'));
  return {
    step: () => { const c = optimizer.minimize(() => model.loss(g, x, { type: 'elbo' }), true, model.variables)!; c.dataSync(); c.dispose(); },
    dispose: () => { model.dispose(); x.dispose(); optimizer.dispose(); },
  };
}

export function denoiserStep(optimizer: tf.Optimizer): { step: () => void; dispose: () => void } {
  const g = rng(1);
  const layers = [new Dense(g, 18, 128, 'd1', 'bench'), new Dense(g, 128, 128, 'd2', 'bench'), new Dense(g, 128, 2, 'd3', 'bench')];
  const x0 = g.normal([256, 2]);
  const freqs = tf.exp(tf.mul(tf.range(0, 8), -Math.log(1000) / 8));
  const vars = layers.flatMap((l) => l.variables);
  return {
    step: () => {
      // the data side outside the gradient tape, as TimeMLP.prepareBatch does for ll.fit
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

async function main() {
  await ready();
  await tf.setBackend('wasm');
  enableNativeKernels();
  await compare([
    { name: 'vae', steps, make: () => vaeStep(new FusedAdam(1e-3)) },
    { name: 'denoiser', steps, make: () => denoiserStep(new FusedAdam(1e-3)) },
  ], arg('rounds', 7), (n) => loadAddon().setThreads(n), nativeStatus()?.detail ?? 'native kernels off');
  loadAddon().setThreads(1);
  if (process.argv.includes('--stock')) {
    console.log('For scale, tfjs with its stock kernels and tf.train.adam (one thread, one round of the same steps, not interleaved):');
    for (const backend of ['wasm', 'cpu']) {
      await tf.setBackend(backend);
      disableNativeKernels();
      for (const [name, make] of [['vae', vaeStep], ['denoiser', denoiserStep]] as const) {
        const s = make(tf.train.adam(1e-3));
        const n = backend === 'cpu' && name === 'vae' ? Math.max(3, Math.floor(steps / 10)) : steps;
        timeSteps(s.step, 3);
        console.log(`  ${name.padEnd(9)} tfjs ${backend} (stock kernels): ${median([timeSteps(s.step, n)]).toFixed(2)} ms`);
        s.dispose();
      }
    }
    enableNativeKernels();
  }
}

// bench/backends.ts imports the two steps
if (require.main === module) main().catch((e) => { console.error(e); process.exit(1); });
