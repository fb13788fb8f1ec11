// bench:images — training steps of the image models side by side with PyTorch (bench/interleaved.ts's
// method: interleaved rounds, both PyTorch versions, one and two threads, median ratio with its spread):
// the DDPM U-Net of bench/unet.ts (batch 128, 28×28), the conv VAE of bench/conv-vae.ts, the RealNVP of
// bench/real-nvp.ts, the VQ-VAE of bench/vq-vae.ts, the PixelCNN of bench/pixel-cnn.ts and the DCGAN of bench/dcgan.ts, on wasm with the native kernels (oneDNN
// convolutions) and FusedAdam, the library's defaults; and one DDPM ancestral sampling step of that U-Net
// for 128 images (no gradients), printed also as images/s for 1000-step sampling.
//   node dist/bench/images.js [--rounds 5] [--steps 2] [--only realnvp,conv-vae,vq-vae,pixelcnn,dcgan]   (--only: just those rows)
import { compare, median } from './interleaved';
import { ready } from '../src/backend/backend';
import { rng } from '../src/random/rng';
import { FusedAdam } from '../src/backend/fused-adam';
import { loadAddon } from '../src/backend/addon';
import { nativeStatus } from '../src/backend/native-kernels';
import { unetSampleStep, unetStep } from './unet';
import { convVaeStep } from './conv-vae';
import { realNvpStep } from './real-nvp';
import { vqVaeStep } from './vq-vae';
import { pixelCnnStep } from './pixel-cnn';
import { dcganStep } from './dcgan';

const arg = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) || fallback;

async function main() {
  await ready();
  const steps = arg('steps', 2);
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1].split(',') : undefined;
  const rows = await compare([
    { name: 'unet', steps, make: () => unetStep(rng(0), new FusedAdam(1e-3)) },
    { name: 'unet-sample', steps: 4 * steps, make: () => unetSampleStep(rng(1)) },
    { name: 'conv-vae', steps: 10 * steps, make: () => convVaeStep(rng(2), new FusedAdam(1e-3)) },
    { name: 'realnvp', steps: 2 * steps, make: () => realNvpStep(rng(3), new FusedAdam(1e-3)) },
    { name: 'vq-vae', steps: 10 * steps, make: () => vqVaeStep(rng(4), new FusedAdam(1e-3)) },
    { name: 'pixelcnn', steps: 5 * steps, make: () => pixelCnnStep(rng(5), new FusedAdam(1e-3)) },
    { name: 'dcgan', steps: 5 * steps, make: () => dcganStep(rng(6), new FusedAdam(3e-4)) },
  ].filter((m) => !only || only.includes(m.name)), arg('rounds', 5), (n) => loadAddon().setThreads(n), nativeStatus()?.detail ?? 'native kernels off');
  // DDPM sampling: 1000 ancestral steps per batch of 128 images
  for (const r of rows.filter((row) => row.model === 'unet-sample')) {
    console.log(`DDPM sampling, ${r.threads} thread${r.threads > 1 ? 's' : ''}, ${r.side}: ${(128 / (1000 * median(r.ms) / 1000)).toFixed(2)} images/s (1000 steps of ${median(r.ms).toFixed(0)} ms per batch of 128)`);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
