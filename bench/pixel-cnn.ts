// The PixelCNN the image benchmarks train (the same network as pixelcnn_step in bench/torch_steps.py): the
// library's PixelCNN of the pixelcnn-mnist recipe on 28×28 binary images — a 7×7 type-A masked convolution
// 1 → 32, 5 residual 3×3 type-B masked convolutions 32 → 32 after a ReLU, then ReLU, 1×1 32 → 32, ReLU,
// 1×1 32 → 1 (Bernoulli logits) — −mean log p(x), batch 128, Adam.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../src/random/rng';
import { PixelCNN } from '../src/models/autoregressive/pixel-cnn';

/** One maximum-likelihood training step of the PixelCNN on a fixed batch of binary images. */
export function pixelCnnStep(rng: Rng, optimizer: tf.Optimizer, batch = 128): { step: () => void; dispose: () => void } {
  const model = new PixelCNN(new Rng(0), { channels: 32, layers: 5, firstKernel: 7, kernel: 3 });
  const x = tf.tidy(() => tf.cast(tf.less(rng.uniform([batch, 784]), 0.2), 'float32')) as tf.Tensor2D;
  const vars = model.variables;
  return {
    step: () => { const c = optimizer.minimize(() => model.trainingLoss(rng, { x, indices: [] }), true, vars)!; c.dataSync(); c.dispose(); },
    dispose: () => { x.dispose(); model.dispose(); optimizer.dispose(); },
  };
}
