// D29–D34 on the lectures' VAE, training, checkpoints and evaluation.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { VAE, loadMnist, fit, checkMonteCarlo, estimateMean, rng, PPCA } from '../../../src';
import { reparameterizeWithKL } from '../../../src/ops/reparameterize';
import { klStandardNormal } from '../../../src/ops/kl-standard-normal';
import { loadVAE } from '../../../src/checkpoints/vae';
import { readCheckpoint, writeCheckpoint, CHECKPOINT_FILE } from '../../../src/checkpoints/checkpoint';
import { importanceSampledLogLikelihood, klPerDimension, activeUnits, datasetElbo } from '../../../src/models/vae/evaluation';
import { mmdUnbiased } from '../../../src/inference/mmd';
import { oneHotLabels } from '../../../src/models/vae/vae';
import { staticBinarize } from '../../../src/data/binarize';
import { ImageDataset } from '../../../src/data/image-dataset';
import { reconstructionGrid, priorSampleGrid, interpolationGrid, traversalGrid, latentScatter } from '../../../src/models/vae/views';
import { values } from '../../support/tensors';
import { withoutNative } from '../../support/native';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-vae-'));
let train: ImageDataset, test: ImageDataset;
let testX: tf.Tensor2D;

describe('models/vae/vae', function () {
  this.timeout(120_000);

  before(() => {
    train = loadMnist('train');
    test = loadMnist('test').take(500);
    testX = tf.tensor2d(staticBinarize(rng(99), test.images), [test.count, 784]);
  });
  after(() => testX.dispose());

  it('D29: the lectures’ architecture and its parameter count', () => {
    const m = new VAE(rng(0), { inputDim: 784, latentDim: 16 });
    expect([m.enc1.W.shape, m.enc2.W.shape, m.dec1.W.shape, m.dec2.W.shape]).to.deep.equal([[784, 300], [300, 32], [16, 300], [300, 784]]);
    expect(m.parameterCount()).to.equal((784 * 300 + 300) + (300 * 32 + 32) + (16 * 300 + 300) + (300 * 784 + 784));
    const g = new VAE(rng(0), { inputDim: 784, latentDim: 16, likelihood: 'gaussian' });
    expect(g.parameterCount()).to.equal(m.parameterCount() + 1);
    const c = new VAE(rng(0), { inputDim: 784, latentDim: 2, conditionDim: 10, hiddenDim: 50 });
    expect(c.enc1.W.shape).to.deep.equal([794, 50]);
    expect(c.dec1.W.shape).to.deep.equal([12, 50]);
    expect(() => new VAE(rng(0), { inputDim: 784, latentDim: 0 })).to.throw('latentDim must be a positive integer');
    expect(() => m.elbo(rng(0), tf.zeros([2, 10]))).to.throw('x must have shape [batch, 784]');
    [m, g, c].forEach((v) => v.dispose());
  });

  it('D29: gradients of the loss match central differences (float32 tolerances)', () => {
    const m = new VAE(rng(3), { inputDim: 6, latentDim: 2, hiddenDim: 5 });
    const x = tf.tensor2d([[1, 0, 1, 1, 0, 0], [0, 1, 0, 1, 1, 0]]);
    const loss = () => tf.tidy(() => values(m.loss(rng(7), x, { type: 'elbo' }))[0]);
    const grads = tf.tidy(() => tf.variableGrads(() => m.loss(rng(7), x, { type: 'elbo' }), m.variables).grads);
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
    const m = new VAE(rng(4), { inputDim: 784, latentDim: 8 });
    const x = tf.slice(testX, [0, 0], [1, -1]);
    const g = rng(9);
    const analytic = Array.from({ length: 1500 }, () => tf.tidy(() => values(m.elbo(g, x, { kl: 'analytic' }))[0]));
    const mc = Array.from({ length: 1500 }, () => tf.tidy(() => values(m.elbo(g, x, { kl: 'monte-carlo' }))[0]));
    expect(checkMonteCarlo('E[MC-KL ELBO] = E[analytic ELBO]', mc, analytic, { id: 'D30' }).pass).to.equal(true);
    const sd = (v: number[]) => estimateMean(v).se;
    expect(sd(mc)).to.be.greaterThan(sd(analytic));
    x.dispose();
    m.dispose();
  });

  it('D33: β weighs the KL exactly; the conditional ELBO is E_q log p(x|c,z) − KL(q(z|x,c) ‖ N(0, I))', () => {
    const m = new VAE(rng(5), { inputDim: 784, latentDim: 4, conditionDim: 10 });
    const x = tf.slice(testX, [0, 0], [3, -1]);
    const c = oneHotLabels(test.labels.slice(0, 3));
    const [e1, e3, kl] = tf.tidy(() => {
      const e1 = values(m.elbo(rng(1), x, { beta: 1, condition: c }));
      const e3 = values(m.elbo(rng(1), x, { beta: 3, condition: c }));
      const { mean, logStd } = m.encode(x, c);
      const kl = values(tf.sum(klStandardNormal(mean, logStd), 1));
      return [e1, e3, kl];
    });
    e1.forEach((v, i) => expect(v - e3[i]).to.be.closeTo(2 * kl[i], 1e-3 * (1 + Math.abs(kl[i]))));
    expect(() => m.elbo(rng(0), x)).to.throw('VAE.encode: c must be given: this conditional VAE needs a condition of shape [batch, 10], got undefined');
    const z5 = tf.zeros([3, 5]), c9 = tf.zeros([3, 9]);
    expect(() => m.decode(z5, c)).to.throw('VAE.decode: z must have last dimension latentDim = 4, got');
    expect(() => m.encode(x, c9)).to.throw('VAE.encode: c must have last dimension conditionDim = 10, got');
    const u = new VAE(rng(6), { inputDim: 784, latentDim: 4 });
    expect(() => u.encode(x, c)).to.throw('VAE.encode: c must be left out: this VAE is unconditional, got a float32 tensor of shape [3,10]');
    tf.dispose([z5, c9]);
    u.dispose();
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
      trained = new VAE(rng(6), { inputDim: 784, latentDim: 20 });
      const e0 = datasetElbo(rng(11), trained, testX);
      before = e0.value;
      const n0 = tf.memory().numTensors;
      await fit(trained, train, { steps: 1, seed: 12, progress: false });
      const n1 = tf.memory().numTensors;
      await fit(trained, train, { steps: 5, seed: 13, progress: false });
      expect(tf.memory().numTensors, 'tensors after 5 steps vs after 1').to.equal(n1);
      expect(n1).to.equal(n0);
      const t0 = Date.now();
      const run = await fit(trained, train, { steps: 180, seed: 14, progress: false });
      expect(Date.now() - t0).to.be.lessThan(60_000);
      const e1 = datasetElbo(rng(11), trained, testX);
      expect(e1.value - e0.value).to.be.greaterThan(4 * Math.hypot(e0.se, e1.se));
      // 8000 digits in batches of 128: 63 steps an epoch, so 180 steps finish two of them
      expect(run.epochs.map((h) => h.epoch)).to.deep.equal([1, 2]);
      expect(run.losses).to.have.length(180);
    });

    it('D31: the importance-sampled log-likelihood rises with K and stays above the ELBO', () => {
      const x = tf.slice(testX, [0, 0], [100, -1]) as tf.Tensor2D;
      const elboPer = tf.tidy(() => values(trained.elbo(rng(15), x, { samples: 1 })));
      const ll1 = importanceSampledLogLikelihood(rng(16), trained, x, { samples: 1 });
      const ll10 = importanceSampledLogLikelihood(rng(17), trained, x, { samples: 10 });
      const ll100 = importanceSampledLogLikelihood(rng(18), trained, x, { samples: 100 });
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
      expect(priorSampleGrid(rng(19), trained, { samples: 16 }).count).to.equal(16);
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
    const m = new VAE(rng(32), { inputDim: 20, latentDim: 6, hiddenDim: 50, likelihood: 'gaussian' });
    await fit(m, data, { epochs: 200, seed: 33, batchSize: 100, learningRate: 3e-3, progress: false });
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
      const m = new VAE(rng(20), { inputDim: 784, latentDim: 4 });
      await fit(m, train, { steps: 3, seed: 21, progress: false, checkpoint: { dir } });
      const { model: back, meta } = loadVAE(dir);
      expect(meta.step).to.equal(3);
      const x = tf.slice(testX, [0, 0], [5, -1]);
      expect(tf.tidy(() => values(back.elbo(rng(1), x)))).to.deep.equal(tf.tidy(() => values(m.elbo(rng(1), x))));
      tf.dispose(x);
      back.dispose(); m.dispose();
    });

    it('resuming from a checkpoint continues exactly as an uninterrupted run', async () => {
      const straight = new VAE(rng(22), { inputDim: 784, latentDim: 4 });
      const s = await fit(straight, train, { steps: 8, seed: 23, progress: false });
      const dir = path.join(tmp, 'resume');
      const first = new VAE(rng(22), { inputDim: 784, latentDim: 4 });
      await fit(first, train, { steps: 4, seed: 23, progress: false, checkpoint: { dir, every: 4 } });
      const resumed = new VAE(rng(22), { inputDim: 784, latentDim: 4 });
      const r = await fit(resumed, train, { steps: 8, seed: 23, progress: false, checkpoint: { dir, resume: true } });
      expect(r.startStep).to.equal(4);
      expect(r.losses).to.deep.equal(s.losses);
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

// The reparameterized sample + analytic KL: native kernel against float64, the composite ops and central differences.
describe('reparameterizeWithKL (D17, D30)', () => {
  it('z and the analytic KL match float64; gradients match the composite ops and central differences', () => {
    const g = rng(6);
    const B = 3, M = 4;
    const p = tf.tidy(() => tf.concat([g.normal([B, M]), tf.mul(g.normal([B, M]), 0.3)], 1)) as tf.Tensor2D;
    const eps = g.normal([B, M]) as tf.Tensor2D;
    const wz = g.normal([B, M]), wk = g.normal([B]);
    const objective = (pp: tf.Tensor) => {
      const { z, kl } = reparameterizeWithKL(pp as tf.Tensor2D, eps);
      return tf.add(tf.sum(tf.mul(z, wz)), tf.sum(tf.mul(kl, wk)));
    };
    tf.tidy(() => {
      const { z, kl } = reparameterizeWithKL(p, eps);
      const pv = values(p), ev = values(eps), zv = values(z), kv = values(kl);
      for (let b = 0; b < B; b++) {
        let k = 0;
        for (let j = 0; j < M; j++) {
          const mu = pv[b * 2 * M + j], ls = pv[b * 2 * M + M + j];
          expect(zv[b * M + j]).to.be.closeTo(mu + Math.exp(ls) * ev[b * M + j], 1e-6 * (1 + Math.abs(mu) + Math.exp(ls) * Math.abs(ev[b * M + j])));
          k += 0.5 * (mu * mu + Math.exp(2 * ls) - 1) - ls;
        }
        expect(kv[b]).to.be.closeTo(k, 1e-6 * (1 + Math.abs(k)) * M);
      }
      const native = values(tf.grad(objective)(p));
      const composite = withoutNative(() => values(tf.grad(objective)(p)));
      native.forEach((v, i) => expect(v, `@${i}`).to.be.closeTo(composite[i], 1e-5 * (1 + Math.abs(v))));
      const f = (arr: number[]) => values(objective(tf.tensor2d(arr, [B, 2 * M])))[0];
      for (const i of [0, 5, 13, 23]) {
        const h = 1e-2, pp = pv.slice(), m = pv.slice();
        pp[i] += h; m[i] -= h;
        expect(native[i], `@${i}`).to.be.closeTo((f(pp) - f(m)) / (2 * h), 1e-2);
      }
      // ε's gradient σ·dz, when asked for
      const de = values(tf.grad((e: tf.Tensor) => tf.sum(reparameterizeWithKL(p, e as tf.Tensor2D).z))(eps));
      de.forEach((v, i) => expect(v).to.be.closeTo(Math.exp(pv[Math.floor(i / M) * 2 * M + M + (i % M)]), 1e-6 * (1 + v)));
    });
    // second derivatives: ∂/∂(p, ε) of Σ (∂objective/∂p)², against central differences (not the composite
    // ops: tfjs's Exp gradient treats its saved output as a constant, so their second derivative misses terms)
    const second = (pp: tf.Tensor, e: tf.Tensor) => tf.sum(tf.square(tf.grad((q: tf.Tensor) => {
      const { z, kl } = reparameterizeWithKL(q as tf.Tensor2D, e as tf.Tensor2D);
      return tf.add(tf.sum(tf.mul(z, wz)), tf.sum(tf.mul(kl, wk)));
    })(pp)));
    const native2 = tf.tidy(() => tf.grads(second)([p, eps]).map(values));
    const at = (arrP: number[], arrE: number[]) => tf.tidy(() => values(second(tf.tensor2d(arrP, [B, 2 * M]), tf.tensor2d(arrE, [B, M])))[0]);
    const pv2 = values(p), ev2 = values(eps);
    for (const [k, i] of [[0, 1], [0, 4], [0, 14], [1, 2], [1, 9]]) {
      const h = 1e-2, plus = [pv2.slice(), ev2.slice()], minus = [pv2.slice(), ev2.slice()];
      plus[k][i] += h; minus[k][i] -= h;
      const fd = (at(plus[0], plus[1]) - at(minus[0], minus[1])) / (2 * h);
      expect(native2[k][i], `second ${k}[${i}]`).to.be.closeTo(fd, 2e-2 * (1 + Math.abs(fd)));
    }
    expect(() => reparameterizeWithKL(p, tf.zeros([B, 3]) as tf.Tensor2D)).to.throw('reparameterizeWithKL: eps must have shape [3, 4], got [3,3]');
    tf.dispose([p, eps, wz, wk]);
  });
});
