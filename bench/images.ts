// bench:images — training steps of the image models side by side with PyTorch (bench/interleaved.ts's
// method: interleaved rounds, both PyTorch versions, one and two threads, median ratio with its spread):
// the DDPM U-Net of bench/unet.ts (batch 128, 28×28), on wasm with the native kernels (oneDNN
// convolutions) and FusedAdam, the library's defaults.
//   node dist/bench/images.js [--rounds 5] [--steps 2]
import { compare } from './interleaved';
import { ready } from '../src/backend';
import { rng } from '../src/random/rng';
import { FusedAdam } from '../src/native/fused-adam';
import { loadAddon } from '../src/native/addon';
import { nativeStatus } from '../src/native/native-kernels';
import { unetStep } from './unet';

const arg = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) || fallback;

async function main() {
  await ready();
  const steps = arg('steps', 2);
  await compare([{ name: 'unet', steps, make: () => unetStep(rng(0), new FusedAdam(1e-3)) }], arg('rounds', 5),
    (n) => loadAddon().setThreads(n), nativeStatus()?.detail ?? 'native kernels off');
}

main().catch((e) => { console.error(e); process.exit(1); });
