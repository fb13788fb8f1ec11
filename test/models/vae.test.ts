// D29–D34 on the lectures' VAE, training, checkpoints and evaluation.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import fs from 'fs';
import os from 'os';
import path from 'path';
import {
  VAE, reparameterizeWithKL, loadMnist, trainVAE, loadVAE, readCheckpoint, writeCheckpoint, CHECKPOINT_FILE, importanceSampledLogLikelihood, klPerDimension,
  activeUnits, datasetElbo, mmdUnbiased, oneHotLabels, staticBinarize, checkMonteCarlo, estimateMean, rng, ImageDataset,
  PPCA, reconstructionGrid, priorSampleGrid, interpolationGrid, traversalGrid, latentScatter,
} from '../../src';
import { values } from '../support/tensors';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-vae-'));
let train: ImageDataset, test: ImageDataset;
let testX: tf.Tensor2D;

describe('models/vae', function () {
  this.timeout(120_000);

  before(() => {
    train = loadMnist('train');
    test = loadMnist('test').take(500);
    testX = tf.tensor2d(staticBinarize(test.images, 99), [test.count, 784]);
  });
  after(() => testX.dispose());

  it('D29: the lectures’ architecture and its parameter count', () => {
    const m = new VAE({ inputDim: 784, latentDim: 16 });
    expect([m.enc1.W.shape, m.enc2.W.shape, m.dec1.W.shape, m.dec2.W.shape]).to.deep.equal([[784, 300], [300, 32], [16, 300], [300, 784]]);
    expect(m.parameterCount()).to.equal((784 * 300 + 300) + (300 * 32 + 32) + (16 * 300 + 300) + (300 * 784 + 784));
    const g = new VAE({ inputDim: 784, latentDim: 16, likelihood: 'gaussian' });
    expect(g.parameterCount()).to.equal(m.parameterCount() + 1);
    const c = new VAE({ inputDim: 784, latentDim: 2, conditionDim: 10, hiddenDim: 50 });
    expect(c.enc1.W.shape).to.deep.equal([794, 50]);
    expect(c.dec1.W.shape).to.deep.equal([12, 50]);
    expect(() => new VAE({ inputDim: 784, latentDim: 0 })).to.throw('latentDim must be a positive integer');
    expect(() => m.elbo(tf.zeros([2, 10]), { rng: rng(0) })).to.throw('x must have shape [batch, 784]');
    [m, g, c].forEach((v) => v.dispose());
  });

  it('D29: gradients of the loss match central differences (float32 tolerances)', () => {
    const m = new VAE({ inputDim: 6, latentDim: 2, hiddenDim: 5, seed: 3 });
    const x = tf.tensor2d([[1, 0, 1, 1, 0, 0], [0, 1, 0, 1, 1, 0]]);
    const loss = () => tf.tidy(() => values(m.loss(x, { type: 'elbo' }, rng(7)))[0]);
    const grads = tf.tidy(() => tf.variableGrads(() => m.loss(x, { type: 'elbo' }, rng(7)), m.variables).grads);
    const g = rng(8);
    for (const v of [m.enc1.W, m.enc2.b, m.dec1.W, m.dec2.W]) {
      const analytic = values(grads[v.name]);
      for (let trial = 0; trial < 3; trial++) {
        const i = g.int(v.size);
        const base = v.dataSync().slice();
        const h = 1e-2;
        const at = (delta: number) => { const w = base.slice(); w[i] += delta; v.assign(tf.tensor(w, v.shape)); return loss(); };
        const fd = (at(h) - at(-h)) / (2 * h);
        v.assign(tf.tensor(base, v.shape));
        expect(analytic[i], `${v.name}[${i}]`).to.be.closeTo(fd, 2e-3 + 2e-2 * Math.abs(fd));
      }
    }
    tf.dispose(grads);
    x.dispose();
    m.dispose();
  });

  it('D30: the single-sample ELBO with Monte Carlo KL has the analytic-KL mean, and (for this untrained encoder) a larger variance', () => {
    const m = new VAE({ inputDim: 784, latentDim: 8, seed: 4 });
    const x = tf.slice(testX, [0, 0], [1, -1]);
    const g = rng(9);
    const analytic = Array.from({ length: 1500 }, () => tf.tidy(() => values(m.elbo(x, { rng: g, kl: 'analytic' }))[0]));
    const mc = Array.from({ length: 1500 }, () => tf.tidy(() => values(m.elbo(x, { rng: g, kl: 'monte-carlo' }))[0]));
    expect(checkMonteCarlo('E[MC-KL ELBO] = E[analytic ELBO]', mc, analytic, { id: 'D30' }).pass).to.equal(true);
    const sd = (v: number[]) => estimateMean(v).se;
    expect(sd(mc)).to.be.greaterThan(sd(analytic));
    x.dispose();
    m.dispose();
  });

  it('D33: β weighs the KL exactly; the conditional ELBO is E_q log p(x|c,z) − KL(q(z|x,c) ‖ N(0, I))', () => {
    const m = new VAE({ inputDim: 784, latentDim: 4, seed: 5, conditionDim: 10 });
    const x = tf.slice(testX, [0, 0], [3, -1]);
    const c = oneHotLabels(test.labels.slice(0, 3));
    const [e1, e3, kl] = tf.tidy(() => {
      const e1 = values(m.elbo(x, { rng: rng(1), beta: 1, condition: c }));
      const e3 = values(m.elbo(x, { rng: rng(1), beta: 3, condition: c }));
      const { mean, logStd } = m.encode(x, c);
      const kl = values(tf.sum(tf.sub(tf.mul(tf.sub(tf.add(tf.square(mean), tf.exp(tf.mul(logStd, 2))), 1), 0.5), logStd), 1));
      return [e1, e3, kl];
    });
    e1.forEach((v, i) => expect(v - e3[i]).to.be.closeTo(2 * kl[i], 1e-3 * (1 + Math.abs(kl[i]))));
    expect(() => m.elbo(x, { rng: rng(0) })).to.throw('needs a condition c of shape [batch, 10]');
    tf.dispose([x, c]);
    m.dispose();
  });

  it('D34: the unbiased MMD² has mean 0 for one distribution and a positive mean for two', () => {
    const g = rng(10);
    const same = Array.from({ length: 400 }, () => tf.tidy(() => values(mmdUnbiased(g.normal([40, 2]) as tf.Tensor2D, g.normal([40, 2]) as tf.Tensor2D))[0]));
    expect(checkMonteCarlo('E MMD² = 0', same, 0, { id: 'D34' }).pass).to.equal(true);
    const diff = Array.from({ length: 100 }, () => tf.tidy(() => values(mmdUnbiased(g.normal([40, 2]) as tf.Tensor2D, tf.add(g.normal([40, 2]), 1) as tf.Tensor2D))[0]));
    const e = estimateMean(diff);
    expect(e.value).to.be.greaterThan(4 * e.se);
  });

  describe('training', () => {
    let trained: VAE;
    let before: number;

    it('a short run (under 60 s) clearly improves the test ELBO, and no tensor leaks per step', async () => {
      trained = new VAE({ inputDim: 784, latentDim: 20, seed: 6 });
      const e0 = datasetElbo(trained, testX, { rng: rng(11) });
      before = e0.value;
      const n0 = tf.memory().numTensors;
      await trainVAE(trained, train, { epochs: 1, seed: 12, maxStepsPerEpoch: 1, progress: false });
      const n1 = tf.memory().numTensors;
      await trainVAE(trained, train, { epochs: 1, seed: 13, maxStepsPerEpoch: 5, progress: false });
      expect(tf.memory().numTensors, 'tensors after 5 steps vs after 1').to.equal(n1);
      expect(n1).to.equal(n0);
      const t0 = Date.now();
      const { history } = await trainVAE(trained, train, { epochs: 3, seed: 14, maxStepsPerEpoch: 60, progress: false });
      expect(Date.now() - t0).to.be.lessThan(60_000);
      const e1 = datasetElbo(trained, testX, { rng: rng(11) });
      expect(e1.value - e0.value).to.be.greaterThan(4 * Math.hypot(e0.se, e1.se));
      expect(history.map((h) => h.epoch)).to.deep.equal([1, 2, 3]);
    });

    it('D31: the importance-sampled log-likelihood rises with K and stays above the ELBO', () => {
      const x = tf.slice(testX, [0, 0], [100, -1]) as tf.Tensor2D;
      const elboPer = tf.tidy(() => values(trained.elbo(x, { rng: rng(15), samples: 1 })));
      const ll1 = importanceSampledLogLikelihood(trained, x, { rng: rng(16), samples: 1 });
      const ll10 = importanceSampledLogLikelihood(trained, x, { rng: rng(17), samples: 10 });
      const ll100 = importanceSampledLogLikelihood(trained, x, { rng: rng(18), samples: 100 });
      const paired = (a: ArrayLike<number>, b: ArrayLike<number>) => estimateMean(Array.from(a, (v, i) => v - b[i]));
      const d1 = paired(ll10.perPoint, ll1.perPoint), d2 = paired(ll100.perPoint, ll10.perPoint), d3 = paired(ll100.perPoint, elboPer);
      expect(d1.value, 'K=10 over K=1').to.be.greaterThan(4 * d1.se);
      expect(d2.value, 'K=100 over K=10').to.be.greaterThan(4 * d2.se);
      expect(d3.value, 'K=100 over the ELBO').to.be.greaterThan(4 * d3.se);
      expect(ll100.se).to.be.greaterThan(0);
      x.dispose();
    });

    it('views: reconstructions, prior samples, interpolations, traversals and the latent scatter', async () => {
      const x = tf.slice(testX, [0, 0], [20, -1]) as tf.Tensor2D;
      expect(reconstructionGrid(trained, x).count).to.equal(40);
      expect(priorSampleGrid(trained, 16, rng(19)).count).to.equal(16);
      expect(interpolationGrid(trained, tf.slice(x, [0, 0], [1, -1]), tf.slice(x, [1, 0], [1, -1]), 8).count).to.equal(8);
      expect(traversalGrid(trained, [0, 1], 7).count).to.equal(14);
      const svg = await latentScatter(trained, x, test.labels.slice(0, 20)).svg();
      expect((svg.match(/aria-roledescription="circle"/g) ?? []).length).to.equal(20);
      x.dispose();
    });
  });

  it('D32: a VAE with more latent dimensions than the data needs leaves the extra ones inactive, with KL ≈ 0', async () => {
    // data from PPCA with 2 true latent dimensions (D = 20); the VAE gets 6
    const g = rng(30);
    const W = Array.from({ length: 20 }, () => [g.nextNormal(), g.nextNormal()]);
    const { x } = new PPCA(W, new Array(20).fill(0), 0.01).sample(rng(31), 2000);
    const data = new ImageDataset(Float32Array.from(x.flat()), new Int32Array(2000), [1, 20], 'ppca-2d');
    const m = new VAE({ inputDim: 20, latentDim: 6, hiddenDim: 50, likelihood: 'gaussian', seed: 32 });
    await trainVAE(m, data, { epochs: 200, seed: 33, batchSize: 100, learningRate: 3e-3, progress: false });
    const xt = tf.tensor2d(x.slice(0, 500));
    const au = activeUnits(m, xt);
    const kl = klPerDimension(m, xt);
    expect(au.count, `active units, KL per dimension ${Array.from(kl).map((v) => v.toFixed(3))}`).to.equal(2);
    au.active.forEach((a, j) => expect(kl[j], `KL of z${j + 1}`).to.be[a ? 'greaterThan' : 'lessThan'](a ? 0.5 : 0.01));
    xt.dispose();
    m.dispose();
  });

  describe('checkpoints', () => {
    it('a round trip gives identical outputs', async () => {
      const dir = path.join(tmp, 'roundtrip');
      const m = new VAE({ inputDim: 784, latentDim: 4, seed: 20 });
      await trainVAE(m, train, { epochs: 1, seed: 21, maxStepsPerEpoch: 3, progress: false, checkpointDir: dir });
      const { model: back, meta } = loadVAE(dir);
      expect(meta.epoch).to.equal(1);
      const x = tf.slice(testX, [0, 0], [5, -1]);
      expect(tf.tidy(() => values(back.elbo(x, { rng: rng(1) })))).to.deep.equal(tf.tidy(() => values(m.elbo(x, { rng: rng(1) }))));
      tf.dispose(x);
      back.dispose(); m.dispose();
    });

    it('resuming from a checkpoint continues exactly as an uninterrupted run', async () => {
      const straight = new VAE({ inputDim: 784, latentDim: 4, seed: 22 });
      await trainVAE(straight, train, { epochs: 2, seed: 23, maxStepsPerEpoch: 4, progress: false });
      const dir = path.join(tmp, 'resume');
      const first = new VAE({ inputDim: 784, latentDim: 4, seed: 22 });
      await trainVAE(first, train, { epochs: 1, seed: 23, maxStepsPerEpoch: 4, progress: false, checkpointDir: dir });
      const resumed = new VAE({ inputDim: 784, latentDim: 4, seed: 22 });
      const r = await trainVAE(resumed, train, { epochs: 2, seed: 23, maxStepsPerEpoch: 4, progress: false, checkpointDir: dir, resume: true });
      expect(r.startEpoch).to.equal(1);
      expect(r.history).to.have.length(2);
      resumed.variables.forEach((v, i) => expect(values(v), v.name).to.deep.equal(values(straight.variables[i])));
      [straight, first, resumed].forEach((m) => m.dispose());
    });

    it('a crash during a save leaves the last good checkpoint readable; corrupt files are named', () => {
      const dir = path.join(tmp, 'crash');
      const t = tf.tensor1d([1, 2, 3]);
      writeCheckpoint(dir, { meta: { epoch: 1 }, tensors: [{ name: 'w', tensor: t }] });
      expect(() => writeCheckpoint(dir, { meta: { epoch: 2 }, tensors: [{ name: 'w', tensor: t }] }, { beforeRename: () => { throw new Error('simulated crash'); } })).to.throw('simulated crash');
      const back = readCheckpoint(dir);
      expect(back.meta.epoch).to.equal(1);
      expect(values(back.tensors.get('w')!)).to.deep.equal([1, 2, 3]);
      back.tensors.forEach((x) => x.dispose());
      const file = path.join(dir, CHECKPOINT_FILE);
      fs.writeFileSync(path.join(tmp, 'cut.llck'), fs.readFileSync(file).subarray(0, fs.statSync(file).size - 4));
      expect(() => readCheckpoint(path.join(tmp, 'cut.llck'))).to.throw('is truncated');
      fs.writeFileSync(path.join(tmp, 'junk.llck'), 'not a checkpoint');
      expect(() => readCheckpoint(path.join(tmp, 'junk.llck'))).to.throw('is not a Latent Lab checkpoint');
      t.dispose();
    });
  });
});

// The fused reparameterized sample + analytic KL against the unfused form and central differences.
describe('reparameterizeWithKL (D17, D30)', () => {
  it('reparameterizeWithKL: z and the analytic KL, with gradients equal to the unfused form and central differences', () => {
    const g = rng(6);
    const mean = g.normal([3, 4]) as tf.Tensor2D, logStd = tf.mul(g.normal([3, 4]), 0.3) as tf.Tensor2D, eps = g.normal([3, 4]) as tf.Tensor2D;
    const wz = g.normal([3, 4]), wk = g.normal([3]);
    const fused = (m: tf.Tensor, l: tf.Tensor) => {
      const out = reparameterizeWithKL(m as tf.Tensor2D, l as tf.Tensor2D, eps);
      return tf.add(tf.sum(tf.mul(tf.slice(out, [0, 0], [-1, 4]), wz)), tf.sum(tf.mul(tf.squeeze(tf.slice(out, [0, 4], [-1, 1]), [1]), wk)));
    };
    const plain = (m: tf.Tensor, l: tf.Tensor) => {
      const z = tf.add(m, tf.mul(tf.exp(l), eps));
      const klv = tf.sum(tf.sub(tf.mul(tf.sub(tf.add(tf.square(m), tf.exp(tf.mul(l, 2))), 1), 0.5), l), 1);
      return tf.add(tf.sum(tf.mul(z, wz)), tf.sum(tf.mul(klv, wk)));
    };
    tf.tidy(() => {
      expect(values(fused(mean, logStd))[0]).to.be.closeTo(values(plain(mean, logStd))[0], 1e-4);
      const gf = tf.grads(fused)([mean, logStd]).map(values), gp = tf.grads(plain)([mean, logStd]).map(values);
      gf.forEach((arr, k) => arr.forEach((v, i) => expect(v, `input ${k}[${i}]`).to.be.closeTo(gp[k][i], 1e-4)));
      const lv = Array.from(logStd.dataSync());
      const f = (arr: number[]) => values(fused(mean, tf.tensor2d(arr, [3, 4])))[0];
      for (const i of [0, 5, 11]) {
        const h = 1e-2, p = lv.slice(), m = lv.slice();
        p[i] += h; m[i] -= h;
        expect(gf[1][i]).to.be.closeTo((f(p) - f(m)) / (2 * h), 1e-2);
      }
    });
    tf.dispose([mean, logStd, eps, wz, wk]);
  });
});
