// The scoring classifier and the sample scores built on it.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { Rng } from '../../src/random/rng';
import { loadMnist } from '../../src/data/mnist';
import { ImageDataset } from '../../src/data/image-dataset';

/** n images spread over a class-ordered data set (its first n would be a few classes only). */
function spread(ds: ImageDataset, n: number): ImageDataset {
  const idx = Array.from({ length: n }, (_, i) => Math.floor((i * ds.count) / n));
  return new ImageDataset(ds.batchPixels(idx), ds.batchLabels(idx), ds.imageShape, `${ds.name}-spread`);
}
import { ImageClassifier, outlierPixels } from '../../src/evaluation/classifier';
import { fit } from '../../src/training/fit';
import { confidentShare, classHistogram, classifierFrechetDistance } from '../../src/evaluation/sample-scores';
import { featureFrechetDistance } from '../../src/evaluation/log-likelihood';
import { meanAndCovariance } from '../../src/math/linalg64';
import { checkpointPath } from '../../src/checkpoints/shipped';

describe('evaluation/classifier', function () {
  this.timeout(300_000);
  let c: ImageClassifier;
  let test: tf.Tensor2D;
  let noise: tf.Tensor2D;

  before(async () => {
    c = new ImageClassifier(new Rng(0));
    await fit(c, spread(loadMnist('train'), 3000), { epochs: 2, seed: 1, batchSize: 64, learningRate: 2e-3, progress: false });
    // the test split is ordered by class: every third image covers all ten
    const ds = loadMnist('test');
    test = ds.batch(Array.from({ length: 600 }, (_, i) => Math.floor((i * ds.count) / 600)));
    noise = new Rng(2).uniform([300, 784]) as tf.Tensor2D;
  });
  after(() => { c.dispose(); tf.dispose([test, noise]); });

  it('learns MNIST: accuracy on held-out digits above 0.8 (chance is 0.1)', () => {
    expect(c.accuracy(loadMnist('test'))).to.be.above(0.8);
  });

  it('the confident share separates digits from noise, with a binomial standard error', () => {
    const real = confidentShare(c, test), fake = confidentShare(c, noise);
    expect(real.n).to.equal(600);
    expect(real.se).to.be.closeTo(Math.sqrt((real.value * (1 - real.value)) / 600), 1e-12);
    expect(real.value - fake.value).to.be.above(4 * Math.hypot(real.se, fake.se));
    // outlier exposure: noise gets no confident class at all
    expect(fake.value).to.be.below(0.05);
    expect(() => confidentShare(c, test, 1)).to.throw(/threshold must be in \(0, 1\)/);
  });

  it('the class histogram counts every image once; held-out digits fill all 10 classes', () => {
    const h = classHistogram(c, test);
    expect(h.reduce((s, v) => s + v, 0)).to.equal(600);
    expect(h.every((v) => v > 0)).to.equal(true);
  });

  it('Fréchet distance in its features: ≈ 0 for a set against itself, smaller between two halves of the digits than between digits and noise', () => {
    const a = tf.gather(test, Array.from({ length: 300 }, (_, i) => 2 * i)) as tf.Tensor2D;
    const b = tf.gather(test, Array.from({ length: 300 }, (_, i) => 2 * i + 1)) as tf.Tensor2D;
    expect(Math.abs(classifierFrechetDistance(c, a, a))).to.be.below(1e-6 * (1 + classifierFrechetDistance(c, a, noise)));
    expect(classifierFrechetDistance(c, a, b)).to.be.below(classifierFrechetDistance(c, a, noise) / 4);
    // sets of different sizes (notebook 13 compares 36 samples with 2,004 test digits)
    const fewer = tf.slice(b, 0, 100) as tf.Tensor2D;
    expect(classifierFrechetDistance(c, a, fewer)).to.be.below(classifierFrechetDistance(c, a, noise) / 4);
    tf.dispose([a, b, fewer]);
  });

  it('features before the ReLU: φ = max(a, 0); rejected sets collapse to φ = 0 (one Fréchet distance for all), a still tells them apart', () => {
    const a = c.features(test, { beforeRelu: true }), phi = c.features(test);
    expect(Array.from(phi.dataSync())).to.deep.equal(Array.from(tf.relu(a).dataSync()));
    tf.dispose([a, phi]);
    // the shipped classifier (npm run pretrain), as notebooks 12 and 13 score with it; two sets it
    // rejects: uniform noise, and noise at half the contrast
    const shipped = ImageClassifier.load(checkpointPath('classifier-mnist'));
    const dim = tf.tidy(() => tf.add(tf.mul(noise, 0.5), 0.25)) as tf.Tensor2D;
    const zeroShare = (rows: number[][]) => rows.filter((r) => r.every((v) => v === 0)).length / rows.length;
    expect(zeroShare(shipped.featureRows(noise))).to.equal(1);
    expect(zeroShare(shipped.featureRows(dim))).to.equal(1);
    expect(zeroShare(shipped.featureRows(test))).to.be.below(0.01);
    const ref = shipped.featureRows(test);
    const fidNoise = featureFrechetDistance(ref, shipped.featureRows(noise)), fidDim = featureFrechetDistance(ref, shipped.featureRows(dim));
    // both equal the distance to a point mass at 0, ‖μ‖² + tr Σ of the reference
    const { mean, cov } = meanAndCovariance(ref);
    expect(fidNoise).to.be.closeTo(mean.reduce((s, v) => s + v * v, 0) + cov.trace(), 1e-6 * fidNoise);
    expect(fidDim).to.be.closeTo(fidNoise, 1e-9 * fidNoise);
    const refA = shipped.featureRows(test, { beforeRelu: true });
    const preNoise = featureFrechetDistance(refA, shipped.featureRows(noise, { beforeRelu: true }));
    const preDim = featureFrechetDistance(refA, shipped.featureRows(dim, { beforeRelu: true }));
    expect(Math.abs(preNoise - preDim)).to.be.above(0.05 * Math.min(preNoise, preDim));
    dim.dispose();
    shipped.dispose();
  });

  it('saves and loads: the same logits; bad inputs are named', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'classifier-'));
    c.save(dir, { note: 'x' });
    const d = ImageClassifier.load(dir);
    const x = tf.slice(test, [0, 0], [5, -1]) as tf.Tensor2D;
    const a = c.logits(x), b = d.logits(x);
    expect(Array.from(a.dataSync())).to.deep.equal(Array.from(b.dataSync()));
    expect(() => c.logits(tf.zeros([2, 100]) as tf.Tensor2D)).to.throw(/pixels must have shape \[B, 784\]/);
    expect(() => new ImageClassifier(new Rng(0), { size: 30 })).to.throw(/size must be divisible by 4/);
    tf.dispose([x, a, b]);
    d.dispose();
    fs.rmSync(dir, { recursive: true });
  });

  it('without outlier exposure the same classifier is confident on noise (why the outliers are there)', async () => {
    const plain = new ImageClassifier(new Rng(0));
    await fit(plain, spread(loadMnist('train'), 3000), { epochs: 2, seed: 1, batchSize: 64, learningRate: 2e-3, progress: false, objective: { outlierWeight: 0 } });
    const without = confidentShare(plain, noise), withOutliers = confidentShare(c, noise);
    // the difference of two binomial shares of 300 noise images, beyond four of its standard errors
    expect(without.value - withOutliers.value).to.be.above(4 * Math.hypot(without.se, withOutliers.se));
    plain.dispose();
  });

  it('outlier images: uniform noise, 4×4-block blobs, and averages of two images of different classes', () => {
    const ds = spread(loadMnist('train'), 200);
    const px = outlierPixels(new Rng(5), ds, 6);
    expect(px.length).to.equal(6 * 784);
    const img = (i: number) => px.subarray(i * 784, (i + 1) * 784);
    // a blob is constant on 4×4 blocks
    const blob = img(1);
    for (let r = 0; r < 28; r++) for (let q = 0; q < 28; q++) expect(blob[r * 28 + q]).to.equal(blob[(r - (r % 4)) * 28 + (q - (q % 4))]);
    // the average of two images: every pixel a mean of two pixel values of the data set, in [0, 1]
    expect(Math.max(...img(2))).to.be.at.most(1);
    expect(new Set(img(0)).size).to.be.above(700);
  });

  it('features and training leave no tensors behind', async () => {
    const before = tf.memory().numTensors;
    c.featureRows(test);
    c.predict(test);
    const d = new ImageClassifier(new Rng(3));
    const after = tf.memory().numTensors;
    await fit(d, spread(loadMnist('train'), 128), { epochs: 1, seed: 4, batchSize: 64, learningRate: 2e-3, progress: false });
    expect(tf.memory().numTensors).to.equal(after);
    d.dispose();
    expect(tf.memory().numTensors).to.equal(before);
  });
});
