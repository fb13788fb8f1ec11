import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import fs from 'fs';
import os from 'os';
import path from 'path';
import zlib from 'zlib';
import { loadMnist, checkMonteCarlo, rng } from '../../src';
import { parseIdx, readIdx, loadIdxImages } from '../../src/data/idx';
import { minibatches, stepBatches, batchesPerEpoch } from '../../src/data/minibatches';
import { dynamicBinarize, dynamicBinarizePixels, staticBinarize, thresholdBinarize } from '../../src/data/binarize';
import { twoMoons, swissRoll, gaussianRing } from '../../src/data/toy-2d';
import { MNIST_TRAIN_FRACTION } from '../../src/data/mnist';
import { values } from '../support/tensors';
import { ImageDataset } from '../../src/data/image-dataset';

const FASHION = '/usr/share/datasets/fashion-mnist';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-idx-'));

function idx(type: number, shape: number[], data: number[]): Buffer {
  const head = Buffer.alloc(4 + 4 * shape.length);
  head[2] = type; head[3] = shape.length;
  shape.forEach((s, i) => head.writeUInt32BE(s, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(data)]);
}

describe('data', () => {
  it('embedded MNIST: 10,000 real digits, a fixed 80/20 split per class, pixels in [0, 1]', () => {
    const train = loadMnist('train'), test = loadMnist('test'), all = loadMnist('all');
    expect(all.count).to.equal(10000);
    expect(train.count + test.count).to.equal(10000);
    expect(train.count / all.count).to.be.closeTo(MNIST_TRAIN_FRACTION, 0.01);
    expect(train.imageShape).to.deep.equal([28, 28]);
    expect(Math.min(...train.images.subarray(0, 7840))).to.equal(0);
    expect(Math.max(...train.images.subarray(0, 7840))).to.be.at.most(1);
    const counts = new Array(10).fill(0);
    train.labels.forEach((l) => counts[l]++);
    expect(counts.every((c) => c > 600)).to.equal(true);
    // the split is the same on every load
    expect(Array.from(loadMnist('test').images.subarray(0, 784))).to.deep.equal(Array.from(test.images.subarray(0, 784)));
    expect(() => loadMnist('valid' as never)).to.throw("split must be 'train', 'test' or 'all'");
  });

  it("reads Debian's Fashion-MNIST IDX files (gzip)", function () {
    if (!fs.existsSync(path.join(FASHION, 't10k-images-idx3-ubyte.gz'))) throw new Error(`${FASHION} is missing: run bash scripts/setup.sh (it installs dataset-fashion-mnist)`);
    const d = loadIdxImages(path.join(FASHION, 't10k-images-idx3-ubyte.gz'), path.join(FASHION, 't10k-labels-idx1-ubyte.gz'), 'fashion-test');
    expect(d.count).to.equal(10000);
    expect(d.imageShape).to.deep.equal([28, 28]);
    expect(new Set(d.labels).size).to.equal(10);
    expect(Math.max(...d.images.subarray(0, 784 * 10))).to.be.at.most(1);
  });

  it('IDX: raw and gzip give the same array; truncated files, wrong magic numbers and wrong shapes are clear errors', () => {
    const raw = idx(0x08, [2, 2, 2], [0, 255, 1, 2, 3, 4, 5, 6]);
    expect(Array.from(parseIdx(raw).data)).to.deep.equal(Array.from(parseIdx(zlib.gzipSync(raw)).data));
    expect(parseIdx(raw).shape).to.deep.equal([2, 2, 2]);
    expect(() => parseIdx(raw.subarray(0, raw.length - 1), 'cut.idx')).to.throw('cut.idx: truncated: shape [2,2,2] needs 24 bytes, the file has 23');
    expect(() => parseIdx(Buffer.from([1, 2, 3, 4, 5]), 'bad.idx')).to.throw('bad.idx: wrong magic number');
    expect(() => parseIdx(zlib.gzipSync(raw).subarray(0, 15), 'cut.gz')).to.throw('cut.gz: gzip data is corrupt or truncated');
    fs.writeFileSync(path.join(tmp, 'img'), idx(0x08, [3, 2, 2], new Array(12).fill(7)));
    fs.writeFileSync(path.join(tmp, 'lab'), idx(0x08, [2], [1, 2]));
    fs.writeFileSync(path.join(tmp, 'flat'), idx(0x08, [3, 4], new Array(12).fill(7)));
    expect(() => loadIdxImages(path.join(tmp, 'img'), path.join(tmp, 'lab'))).to.throw('has 3 images but');
    expect(() => loadIdxImages(path.join(tmp, 'flat'), path.join(tmp, 'lab'))).to.throw('flat: holds an array of shape [3,4], not images [n, h, w]');
    expect(() => readIdx(path.join(tmp, 'none'))).to.throw('readIdx: file must name a file that exists, got');
  });

  it('binarization: dynamic draws have mean p within SE; static is fixed by its seed; threshold is exact', () => {
    const x = tf.fill([20000], 0.3);
    const b = values(dynamicBinarize(rng(1), x));
    expect(checkMonteCarlo('P(1)', b, 0.3).pass).to.equal(true);
    expect(Array.from(staticBinarize(rng(3), Float32Array.from([0.5, 0.5, 0.5, 0.9])))).to.deep.equal(Array.from(staticBinarize(rng(3), Float32Array.from([0.5, 0.5, 0.5, 0.9]))));
    expect(values(thresholdBinarize(tf.tensor1d([0.2, 0.7])))).to.deep.equal([0, 1]);
    // the in-place draw on pixels uses the generator exactly as the tensor version: the same bits
    const p = Float32Array.from({ length: 5000 }, (_, i) => (i % 97) / 96);
    const onTensor = tf.tidy(() => values(dynamicBinarize(rng(8), tf.tensor1d(p))));
    expect(Array.from(dynamicBinarizePixels(rng(8), p.slice()))).to.deep.equal(onTensor);
    x.dispose();
  });

  it('minibatches: a seeded permutation cut into batches covering every index once', () => {
    const batches = [...minibatches(rng(5), 10, 4)];
    expect(batches.map((b) => b.length)).to.deep.equal([4, 4, 2]);
    expect(batches.flat().sort((a, b) => a - b)).to.deep.equal([...Array(10).keys()]);
    expect([...minibatches(rng(5), 10, 4)]).to.deep.equal(batches);
    expect([...minibatches(rng(5), 10, 4, { dropLast: true })]).to.have.length(2);
    expect(batchesPerEpoch(10, 4)).to.equal(3);
    expect(() => [...minibatches(rng(0), 10, 0)]).to.throw('batchSize must be a positive integer');
    // refused when called, before any batch is asked for (a generator's body would wait for next())
    expect(() => minibatches(rng(0), 10, 0)).to.throw('minibatches: batchSize must be a positive integer');
    expect(() => stepBatches(rng(0), 3, 4, 5, { dropLast: true })).to.throw('stepBatches: batchSize must be at most n (3) with dropLast, or an epoch gives no batch, got 4');
    expect(() => stepBatches(rng(0), 3, 4, 5)).to.not.throw();
  });

  it('stepBatches: exactly `steps` batches, the epochs minibatches would give in a row, no permutation drawn after the last', () => {
    // the loop it replaces: epochs of minibatches, stopped after `steps` batches
    const loop = (g: ReturnType<typeof rng>, steps: number, dropLast: boolean) => {
      const out: number[][] = [];
      while (out.length < steps) for (const idx of minibatches(g, 10, 4, { dropLast })) { if (out.length >= steps) break; out.push(idx); }
      return out;
    };
    for (const [steps, dropLast] of [[7, false], [6, false], [5, true], [4, true], [1, false]] as [number, boolean][]) {
      const a = rng(9), b = rng(9);
      expect([...stepBatches(a, 10, 4, steps, { dropLast })], `${steps} steps`).to.deep.equal(loop(b, steps, dropLast));
      expect(a.nextUniform(), 'the generator is left where the loop leaves it').to.equal(b.nextUniform());
    }
    expect([...stepBatches(rng(0), 10, 4, 0)]).to.deep.equal([]);
    expect(() => [...stepBatches(rng(0), 3, 4, 2, { dropLast: true })]).to.throw('gives no batch');
    expect(() => [...stepBatches(rng(0), 10, 4, 1.5)]).to.throw('steps must be a non-negative integer');
  });

  it('toy 2-D sets are seeded and have the expected geometry', () => {
    const moons = twoMoons(rng(1), 1000, { noise: 0 });
    expect(moons).to.deep.equal(twoMoons(rng(1), 1000, { noise: 0 }));
    moons.forEach(([x, y], i) => expect(Math.hypot(x - (i % 2 ? 1 : 0), y - (i % 2 ? 0.5 : 0))).to.be.closeTo(1, 1e-9));
    const ring = gaussianRing(rng(2), 500, { components: 4, radius: 2, sd: 0 });
    ring.forEach(([x, y]) => expect(Math.hypot(x, y)).to.be.closeTo(2, 1e-9));
    const roll = swissRoll(rng(3), 500, { noise: 0 });
    roll.forEach(([x, y]) => { const t = 5 * Math.hypot(x, y); expect(t).to.be.within(1.5 * Math.PI - 1e-9, 4.5 * Math.PI + 1e-9); });
  });
});

describe('data/image-dataset: bad inputs named', () => {
  it('pixels that do not make one image per label are an error naming images', () => {
    expect(() => new ImageDataset(new Float32Array(7), new Int32Array(2), [2, 2], 'tiny')).to.throw('ImageDataset tiny: images must hold one 2×2 image per label (2 × 4 = 8 pixels), got 7 pixels');
  });
});
