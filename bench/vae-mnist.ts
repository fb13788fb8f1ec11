// bench/vae-mnist: trains the lectures' VAE (784-300-2M / M-300-784, Bernoulli, Adam 1e-3, batch 128)
// on the embedded MNIST for a fixed number of epochs; reports ms per step, seconds per epoch and the
// test log-likelihood by importance sampling (K = 5000). When Debian's PyTorch imports, the same
// model, batch, optimizer and data run through it in the same command and both are printed side by side.
//   node dist/bench/vae-mnist.js [--epochs 3] [--latent 16] [--k 5000] [--test-points 500]
import { spawnSync } from 'child_process';
import path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { ready, backendInfo, loadMnist, VAE, fit, rng } from '../src';
import { importanceSampledLogLikelihood } from '../src/models/vae/evaluation';
import { staticBinarize } from '../src/data/binarize';
import { latentThreads } from '../src/backend/addon';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`vae-mnist: --${name} needs a positive number, got '${process.argv[i + 1]}'`);
  return v;
}

interface Row { impl: string; ms_per_step: number; seconds_per_epoch: number; test_ll: number; test_ll_se: number }

async function latentLab(epochs: number, latent: number, K: number, points: number): Promise<Row> {
  await ready();
  const train = loadMnist('train'), test = loadMnist('test').take(points);
  const model = new VAE(rng(0), { inputDim: 784, latentDim: latent });
  const run = await fit(model, train, { epochs, seed: 0, batchSize: 128, learningRate: 1e-3, progress: false });
  const seconds = run.seconds, steps = run.steps;
  const x = tf.tensor2d(staticBinarize(rng(99), test.images), [test.count, 784]);
  const ll = importanceSampledLogLikelihood(rng(1), model, x, { samples: K, batchSize: 10, chunk: 1000 });
  x.dispose();
  model.dispose();
  return { impl: `latent-lab (${backendInfo()!.choice})`, ms_per_step: (1000 * seconds) / steps, seconds_per_epoch: seconds / epochs, test_ll: ll.value, test_ll_se: ll.se };
}

function pytorch(epochs: number, latent: number, K: number, points: number): Row | string {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return 'PyTorch is not importable by /usr/bin/python3 (apt-get install python3-torch libopenblas0-pthread): no comparison';
  const script = path.join(__dirname, '..', '..', 'bench', 'vae_mnist_torch.py');
  // the same OpenBLAS core type (set by Latent Lab's addon in this process) and thread count as Latent Lab
  const threads = String(latentThreads());
  const r = spawnSync('/usr/bin/python3', [script, '--epochs', String(epochs), '--latent', String(latent), '--k', String(K), '--test-points', String(points), '--threads', threads],
    { encoding: 'utf8', env: { ...process.env, LATENT_THREADS: threads, OMP_NUM_THREADS: threads, OPENBLAS_NUM_THREADS: threads } });
  if (r.status !== 0) return `PyTorch run failed: ${r.stderr.slice(-500)}`;
  const row = JSON.parse(r.stdout.trim().split('\n').pop()!);
  return { ...row, impl: `pytorch ${row.torch}` };
}

async function main() {
  const epochs = arg('epochs', 3), latent = arg('latent', 16), K = arg('k', 5000), points = arg('test-points', 500);
  console.log(`The lectures' VAE on the embedded MNIST: ${epochs} epochs, M = ${latent}, batch 128, Adam 1e-3; test log-likelihood with K = ${K} on ${points} test digits`);
  const ours = await latentLab(epochs, latent, K, points);
  const theirs = pytorch(epochs, latent, K, points);
  const rows: Row[] = typeof theirs === 'string' ? [ours] : [ours, theirs];
  const fmt = (r: Row) => `${r.impl.padEnd(28)} ${r.ms_per_step.toFixed(2).padStart(10)} ${r.seconds_per_epoch.toFixed(2).padStart(10)} ${`${r.test_ll.toFixed(2)} ± ${r.test_ll_se.toFixed(2)}`.padStart(18)}`;
  console.log(`${'implementation'.padEnd(28)} ${'ms/step'.padStart(10)} ${'s/epoch'.padStart(10)} ${'test log p(x)'.padStart(18)}`);
  rows.forEach((r) => console.log(fmt(r)));
  if (typeof theirs === 'string') console.log(theirs);
  else console.log(`ratio (latent-lab / pytorch): ${(ours.ms_per_step / theirs.ms_per_step).toFixed(2)}× the time per step`);
}

main().catch((e) => { console.error(e); process.exit(1); });
