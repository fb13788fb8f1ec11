// The fused pieces against their unfused versions and finite differences.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { bernoulliLogLikelihood, denseRelu, reparameterizeWithKL, FusedAdam, softplus, rng } from '../../src';
import { values } from '../support/tensors';

describe('fused operations', () => {
  it('bernoulliLogLikelihood: value and gradient equal the unfused form and central differences', () => {
    const g = rng(1);
    const x = tf.tidy(() => tf.cast(tf.less(g.uniform([3, 5]), 0.5), 'float32'));
    const logits = g.normal([2, 3, 5]);
    const unfused = (l: tf.Tensor) => tf.sum(tf.sub(tf.mul(x, l), softplus(l)), -1);
    expect(tf.tidy(() => values(bernoulliLogLikelihood(x, logits)))).to.deep.equal(tf.tidy(() => values(unfused(logits))));
    const weights = tf.tensor2d([[0.3, -1.2, 2], [0.5, 0.1, -0.7]]);
    const fusedGrad = tf.tidy(() => values(tf.grad((l: tf.Tensor) => tf.sum(tf.mul(bernoulliLogLikelihood(x, l), weights)))(logits)));
    const plainGrad = tf.tidy(() => values(tf.grad((l: tf.Tensor) => tf.sum(tf.mul(unfused(l), weights)))(logits)));
    fusedGrad.forEach((v, i) => expect(v).to.be.closeTo(plainGrad[i], 1e-6));
    const lv = Array.from(logits.dataSync());
    const f = (arr: number[]) => tf.tidy(() => values(tf.sum(tf.mul(bernoulliLogLikelihood(x, tf.tensor(arr, logits.shape)), weights)))[0]);
    for (const i of [0, 7, 29]) {
      const h = 1e-2, p = lv.slice(), m = lv.slice();
      p[i] += h; m[i] -= h;
      expect(fusedGrad[i]).to.be.closeTo((f(p) - f(m)) / (2 * h), 1e-3);
    }
    tf.dispose([x, logits, weights]);
  });

  it('denseRelu: value and gradients equal relu(xW + b) composed, and central differences', () => {
    const g = rng(5);
    const x = g.normal([4, 3]) as tf.Tensor2D, W = g.normal([3, 5]) as tf.Tensor2D, b = g.normal([5]) as tf.Tensor1D;
    const weights = g.normal([4, 5]);
    const fused = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(denseRelu(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D), weights));
    const plain = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(tf.relu(tf.add(tf.matMul(xx as tf.Tensor2D, ww as tf.Tensor2D), bb)), weights));
    tf.tidy(() => {
      values(denseRelu(x, W, b)).forEach((v, i) => expect(v).to.be.closeTo(values(tf.relu(tf.add(tf.matMul(x, W), b)))[i], 1e-5));
      const gf = tf.grads(fused)([x, W, b]).map(values), gp = tf.grads(plain)([x, W, b]).map(values);
      gf.forEach((arr, k) => arr.forEach((v, i) => expect(v, `input ${k}[${i}]`).to.be.closeTo(gp[k][i], 1e-4)));
      const wv = Array.from(W.dataSync());
      const f = (arr: number[]) => values(fused(x, tf.tensor2d(arr, [3, 5]), b))[0];
      for (const i of [0, 7, 14]) {
        const h = 1e-2, p = wv.slice(), m = wv.slice();
        p[i] += h; m[i] -= h;
        expect(gf[1][i]).to.be.closeTo((f(p) - f(m)) / (2 * h), 2e-2);
      }
    });
    tf.dispose([x, W, b, weights]);
  });

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

  it('FusedAdam takes the same steps as tf.train.adam, and its state round-trips', async () => {
    const make = () => [tf.variable(tf.tensor1d([1, -2, 3]), true, `fa/${Math.random()}`), tf.variable(tf.tensor2d([[0.5, 0.1]]), true, `fb/${Math.random()}`)];
    const loss = (vs: tf.Variable[]) => () => tf.tidy(() => tf.add(tf.sum(tf.square(tf.sub(vs[0], 0.3))), tf.sum(tf.pow(vs[1], 4))) as tf.Scalar);
    const a = make(), b = make();
    const ref = tf.train.adam(0.05), fused = new FusedAdam(0.05);
    for (let i = 0; i < 25; i++) {
      ref.minimize(loss(a), false, a);
      fused.minimize(loss(b), false, b);
    }
    a.forEach((v, i) => values(v).forEach((x, j) => expect(values(b[i])[j]).to.be.closeTo(x, 1e-5)));
    const state = await fused.getWeights();
    // a restored optimizer continues exactly like the original, on other variables in the same order
    const copy = new FusedAdam(0.05);
    await copy.setWeights(state);
    const c = b.map((v, i) => tf.variable(v.clone(), true, `fc${i}/${Math.random()}`));
    fused.minimize(loss(b), false, b);
    copy.minimize(loss(c), false, c);
    b.forEach((v, i) => expect(values(c[i])).to.deep.equal(values(v)));
    tf.dispose([...a, ...b, ...c, ...state.map((w) => w.tensor)]);
    expect(() => new FusedAdam(-1)).to.throw('learningRate must be positive');
  });
});
