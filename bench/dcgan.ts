// The DCGAN the image benchmarks train (the same networks as dcgan_step in bench/torch_steps.py): the dcgan-mnist
// recipe's generator (dense 32 → 7×7×32, ReLU, two nearest ×2 upsamplings each followed by a 3×3 convolution and ReLU,
// 3×3 convolution → sigmoid pixels) and discriminator (3×3 convolutions 1 → 16 → 32 with leaky ReLU and 2×2 average
// pooling, dense → logit); one simultaneous step of both players (discriminator loss + non-saturating generator
// loss), batch 64, Adam.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../src/random/rng';
import { DCGAN } from '../src/models/gan/dcgan';

/** One training step of both DCGAN players on a fixed batch of grey images (fresh z each step). */
export function dcganStep(rng: Rng, optimizer: tf.Optimizer, batch = 64): { step: () => void; dispose: () => void } {
  const model = new DCGAN(new Rng(0), { latent: 32, channels: [16, 32] });
  const x = rng.uniform([batch, 784]);
  const vars = model.variables;
  return {
    step: () => {
      const b = model.prepareBatch(rng, { x, indices: [] });
      const c = optimizer.minimize(() => model.trainingLoss(rng, b, { type: 'non-saturating' }).loss, true, vars)!;
      c.dataSync(); c.dispose(); b.z.dispose();
    },
    dispose: () => { x.dispose(); model.dispose(); optimizer.dispose(); },
  };
}
