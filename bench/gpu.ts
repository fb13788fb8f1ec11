// bench:gpu — the course models' training steps on an NVIDIA GPU through tfjs-node-gpu, against the default
// backend (wasm + native kernels) and PyTorch 2.x on the CPU, in bench:backends' table (ratios to PyTorch per
// round; GPU against CPU is the ratio of the two columns). The day a GPU is available, this is the one command:
//   bash scripts/setup.sh --tfjs-node-gpu && npm run build && npm run bench:gpu      (environment.md, "The GPU path")
// Without a GPU it says so and exits 0; with a GPU but without the build it says how to build and exits 1.
import fs from 'fs';
import { spawnSync } from 'child_process';
import { resolveTfjsNode } from '../src/backend/tfjs-node';
import { runBackends } from './backends';

/** The GPUs the NVIDIA driver reports, or why there are none. */
function gpus(): { names: string[] } | { none: string } {
  if (!fs.existsSync('/dev/nvidiactl') && !fs.existsSync('/dev/nvidia0')) return { none: 'no NVIDIA device (/dev/nvidia0 and /dev/nvidiactl absent)' };
  const r = spawnSync('nvidia-smi', ['-L'], { encoding: 'utf8' });
  if (r.status !== 0) return { none: `nvidia-smi -L failed (${r.error?.message ?? r.stderr.trim()}): the NVIDIA driver is not working` };
  return { names: r.stdout.trim().split('\n') };
}

function main(): void {
  const found = gpus();
  if ('none' in found) {
    console.log(`bench:gpu: this machine has no GPU to measure: ${found.none}. Nothing to run.`);
    return;
  }
  console.log(`bench:gpu: ${found.names.join('; ')}`);
  try {
    resolveTfjsNode('@tensorflow/tfjs-node-gpu');
  } catch {
    console.error('bench:gpu: tfjs-node-gpu is not built: bash scripts/setup.sh --tfjs-node-gpu (it needs the tensorflow 2.21 wheel through pip and CUDA 12 / cuDNN 9 libraries; environment.md)');
    process.exit(1);
  }
  runBackends(['wasm', 'node-gpu'], require.resolve('./backends'));
}

main();
