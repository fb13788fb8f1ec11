// The VAE with categorical latents (D12, D23, D25): its KL against the uniform prior in closed form, its hard-sample
// ELBO below the exact log-likelihood (enumerated on a tiny model), the Gumbel-softmax gradient's lower variance
// than the score function's at the same temperature (measured), and training through ll.fit with either estimator.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { rng, loadMnist } from '../../../src';
import { estimateMean } from '../../../src/check/monte-carlo';
import { CategoricalVAE } from '../../../src/models/vae/categorical-vae';
import { fit } from '../../../src/training/fit';

const read = (t: tf.Tensor) => { const v = Array.from(t.dataSync()); t.dispose(); return v; };

describe('models/vae/categorical-vae: discrete latents', () => {
  it('KL(q ‖ Uniform(K)) = Σ q log(K q) matches float64, is 0 for a uniform q and positive otherwise', () => {
    const logits = [[[0.3, -1.2, 2.0], [0, 0, 0]]];
    const logQ = tf.logSoftmax(tf.tensor3d(logits));
    const kl = read(CategoricalVAE.klToUniform(logQ))[0];
    const ref = logits[0].reduce((s, row) => {
      const m = Math.max(...row), z = row.reduce((a, v) => a + Math.exp(v - m), 0);
      return s + row.reduce((a, v) => { const q = Math.exp(v - m) / z; return a + q * Math.log(3 * q); }, 0);
    }, 0);
    expect(kl).to.be.closeTo(ref, 1e-5);
    expect(kl).to.be.greaterThan(0.3);
    expect(read(CategoricalVAE.klToUniform(tf.logSoftmax(tf.zeros([1, 2, 3]))))[0]).to.be.closeTo(0, 1e-6);
    logQ.dispose();
  });

  it('D12: the hard-sample ELBO estimates the enumerated ELBO (within 4 SE), which is below the enumerated log p(x)', () => {
    const m = new CategoricalVAE(rng(3), { inputDim: 4, latents: 2, categories: 3, hiddenDim: 8 });
    tf.tidy(() => { m.enc2.W.assign(tf.mul(m.enc2.W, 4)); m.dec2.W.assign(tf.mul(m.dec2.W, 4)); });
    const x = tf.tensor2d([[1, 0, 1, 1]]);
    // every configuration z = (z_1, z_2) ∈ {0,1,2}²: log p(x | z), q(z | x)
    const configs = [0, 1, 2].flatMap((a) => [0, 1, 2].map((b) => [a, b]));
    const [logLik, logQ] = tf.tidy(() => {
      const z = tf.oneHot(tf.tensor2d(configs, [9, 2], 'int32'), 3).toFloat().reshape([9, 1, 2, 3]);
      return [m.decodeLogits(z), m.logQ(x)];
    });
    const ll9 = tf.tidy(() => tf.sum(tf.sub(tf.mul(x, logLik), tf.softplus(logLik)), -1).reshape([9]));
    const lik = read(ll9), lq = (logQ.arraySync() as number[][][])[0];
    logLik.dispose(); logQ.dispose();
    const logPx = Math.log(configs.reduce((s, [a, b], i) => s + Math.exp(lik[i]) / 9, 0));
    const exactElbo = configs.reduce((s, [a, b], i) => { const lqz = lq[0][a] + lq[1][b]; return s + Math.exp(lqz) * (lik[i] + Math.log(1 / 9) - lqz); }, 0);
    expect(exactElbo).to.be.below(logPx);
    const draws = read(m.elbo(rng(4), tf.tile(x, [4000, 1]) as tf.Tensor2D, { samples: 1 }));
    const e = estimateMean(draws);
    expect(Math.abs(e.value - exactElbo)).to.be.at.most(4 * e.se);
    x.dispose(); m.dispose();
  });

  it('D25: at the same temperature the Gumbel-softmax gradient of the encoder has a lower variance than the score function\'s', () => {
    const m = new CategoricalVAE(rng(5), { inputDim: 784, latents: 10, categories: 5, hiddenDim: 64, temperature: { start: 0.5, min: 0.5, rate: 0 } });
    const x = tf.tidy(() => tf.cast(tf.greater(loadMnist('test').take(32).toTensor(), 0.5), 'float32') as tf.Tensor2D);
    const batch = { x, indices: [...Array(32).keys()] };
    const gradients = (estimator: 'gumbel-softmax' | 'score-function', seed: number) => {
      const g = rng(seed);
      const { grads, value } = tf.variableGrads(() => m.trainingLoss(g, batch, { estimator }).loss, [m.enc2.b]);
      const v = read(grads[m.enc2.b.name]);
      value.dispose();
      return v;
    };
    const R = 60;
    const varianceOf = (estimator: 'gumbel-softmax' | 'score-function') => {
      const rows = Array.from({ length: R }, (_, r) => gradients(estimator, 100 + r));
      return rows[0].reduce((s, _, j) => {
        const col = rows.map((r) => r[j]), mean = col.reduce((a, b) => a + b, 0) / R;
        return s + col.reduce((a, b) => a + (b - mean) ** 2, 0) / (R - 1);
      }, 0);
    };
    const gs = varianceOf('gumbel-softmax'), sf = varianceOf('score-function');
    // a sum of 50 sample variances from R = 60 draws: relative SE below √(2/59) each; a factor 2 is far outside it
    expect(gs).to.be.below(sf / 2);
    x.dispose(); m.dispose();
  });

  for (const estimator of ['gumbel-softmax', 'score-function'] as const) {
    it(`trains on digits through ll.fit with the ${estimator} estimator: the test bound rises, same seed same losses, no tensor growth`, async () => {
      const data = loadMnist('train').take(500);
      const xTest = tf.tidy(() => tf.cast(tf.greater(loadMnist('test').take(100).toTensor(), 0.5), 'float32') as tf.Tensor2D);
      const run = async () => {
        const m = new CategoricalVAE(rng(1), { inputDim: 784, latents: 10, categories: 5, hiddenDim: 64, temperature: { start: 1, min: 0.5, rate: 0.02 } });
        const before = estimateMean(read(m.elbo(rng(9), xTest, { samples: 4 })));
        const r = await fit(m, data, { epochs: 4, seed: 2, batchSize: 50, progress: false, objective: { estimator } });
        const after = estimateMean(read(m.elbo(rng(9), xTest, { samples: 4 })));
        const temperature = m.temperature;
        m.dispose();
        return { before, after, losses: r.epochs.map((e) => e.loss), temperature };
      };
      const n0 = tf.memory().numTensors;
      const a = await run();
      expect(tf.memory().numTensors, 'tensors leaked').to.equal(n0);
      expect(a.after.value - a.before.value).to.be.greaterThan(4 * Math.hypot(a.before.se, a.after.se));
      if (estimator === 'gumbel-softmax') expect(a.temperature).to.equal(0.5);   // 40 steps at rate 0.02: e^−0.8 ≈ 0.45 → the floor
      expect((await run()).losses).to.deep.equal(a.losses);
      xTest.dispose();
    });
  }

  it('bad configurations and objectives are errors naming the argument', () => {
    expect(() => new CategoricalVAE(rng(0), { inputDim: 4, categories: 1 })).to.throw('CategoricalVAE: categories must be an integer ≥ 2, got 1');
    expect(() => new CategoricalVAE(rng(0), { inputDim: 4, temperature: { start: 0, min: 0.5, rate: 0 } })).to.throw(/CategoricalVAE: temperature.start must be positive and finite, got 0/);
    const m = new CategoricalVAE(rng(0), { inputDim: 4, latents: 2, categories: 3, hiddenDim: 4 });
    const x = tf.zeros([2, 4]) as tf.Tensor2D;
    expect(() => m.trainingLoss(rng(0), { x, indices: [0, 1] }, { estimator: 'reinforce' } as never)).to.throw(/objective.estimator/);
    expect(() => m.elbo(rng(0), tf.zeros([2, 5]))).to.throw(/x must have shape \[batch, 4\]/);
    x.dispose(); m.dispose();
  });
});
