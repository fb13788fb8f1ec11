// The native Bernoulli log-likelihood (D29) against a float64 reference, the composite ops and central
// differences; its exp/log polynomials over the whole range of logits.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { rng } from '../../src';
import { bernoulliLogLikelihood } from '../../src/ops/bernoulli-log-likelihood';
import { values, expectNoLeak } from '../support/tensors';
import { withoutNative } from '../support/native';

const softplus64 = (l: number) => Math.max(l, 0) + Math.log1p(Math.exp(-Math.abs(l)));
const sigmoid64 = (l: number) => (l >= 0 ? 1 / (1 + Math.exp(-l)) : Math.exp(l) / (1 + Math.exp(l)));
const ULP = 2 ** -23;

describe('native Bernoulli log-likelihood (D29)', () => {
  it('softplus and σ from its polynomials are within 4 float32 ulp of float64, from −100 to 100', () => {
    // one pixel per row with x = 0: the value is −softplus(ℓ) and the gradient −σ(ℓ)
    // the references take the float32 inputs the kernel sees (at ℓ = −87, rounding ℓ alone moves e^ℓ by 5e−6)
    const grid = Array.from({ length: 4001 }, (_, i) => Math.fround(-100 + i * 0.05));
    const logits = tf.tensor2d(grid, [grid.length, 1]);
    const x = tf.zeros([grid.length, 1]);
    const value = values(bernoulliLogLikelihood(x, logits));
    const grad = values(tf.grad((l: tf.Tensor) => tf.sum(bernoulliLogLikelihood(x, l)))(logits));
    grid.forEach((l, i) => {
      // below the smallest normal float (1.2e−38) results are flushed to 0
      expect(-value[i], `softplus(${l})`).to.be.closeTo(softplus64(l), 4 * ULP * softplus64(l) + 1.2e-38);
      expect(-grad[i], `σ(${l})`).to.be.closeTo(sigmoid64(l), 4 * ULP * sigmoid64(l) + 1.2e-38);
    });
    tf.dispose([logits, x]);
  });

  it('value and gradient match float64 and the composite ops, on [samples, B, D] logits; extreme logits stay finite', () => {
    const g = rng(1);
    const x = tf.tidy(() => tf.cast(tf.less(g.uniform([3, 50]), 0.5), 'float32'));
    const logits = tf.tidy(() => tf.mul(g.normal([2, 3, 50]), 4));
    const weights = tf.tensor2d([[0.3, -1.2, 2], [0.5, 0.1, -0.7]]);
    const objective = (l: tf.Tensor) => tf.sum(tf.mul(bernoulliLogLikelihood(x, l), weights));
    const native = { value: values(bernoulliLogLikelihood(x, logits)), grad: values(tf.grad(objective)(logits)) };
    const composite = withoutNative(() => ({ value: values(bernoulliLogLikelihood(x, logits)), grad: values(tf.grad(objective)(logits)) }));
    const xv = values(x), lv = values(logits), wv = values(weights);
    for (let r = 0; r < 6; r++) {
      let s = 0, scale = 0;
      for (let d = 0; d < 50; d++) {
        const l = lv[r * 50 + d], xi = xv[(r % 3) * 50 + d];
        s += xi * l - softplus64(l);
        scale += Math.abs(xi * l) + softplus64(l);
        const dl = wv[r] * (xi - sigmoid64(l));
        expect(native.grad[r * 50 + d]).to.be.closeTo(dl, 4 * ULP * (1 + Math.abs(dl)));
        expect(composite.grad[r * 50 + d]).to.be.closeTo(dl, 4 * ULP * (1 + Math.abs(dl)));
      }
      // float32 sums of 50 terms: a few ulp of the sum of magnitudes
      expect(native.value[r], `row ${r}`).to.be.closeTo(s, 8 * ULP * scale);
      expect(composite.value[r], `row ${r}`).to.be.closeTo(s, 8 * ULP * scale);
    }
    const lvArr = Array.from(lv);
    const f = (arr: number[]) => tf.tidy(() => values(objective(tf.tensor(arr, logits.shape)))[0]);
    for (const i of [0, 77, 299]) {
      const h = 1e-2, p = lvArr.slice(), m = lvArr.slice();
      p[i] += h; m[i] -= h;
      expect(native.grad[i]).to.be.closeTo((f(p) - f(m)) / (2 * h), 1e-3);
    }
    const extreme = tf.tensor2d([[1e4, -1e4, 0, -100]]);
    const xe = tf.tensor2d([[1, 0, 1, 1]]);
    const ve = values(bernoulliLogLikelihood(xe, extreme))[0];
    expect(ve).to.be.closeTo(-Math.log(2) - 100, 1e-4);
    expect(values(tf.grad((l: tf.Tensor) => tf.sum(bernoulliLogLikelihood(xe, l)))(extreme))).to.deep.equal([0, 0, 0.5, 1]);
    tf.dispose([x, logits, weights, extreme, xe]);
  });

  it('second derivatives (w.r.t. logits, data and a weight on the value) equal those of the composite ops', () => {
    const g = rng(9);
    const x = tf.tidy(() => tf.cast(tf.less(g.uniform([3, 7]), 0.5), 'float32'));
    const logits = tf.tidy(() => tf.mul(g.normal([2, 3, 7]), 2));
    const weights = g.normal([2, 3]);
    // Σ (∂/∂ℓ Σ w·log p)², differentiated again w.r.t. ℓ, x and w
    const objective = (l: tf.Tensor, xx: tf.Tensor, w: tf.Tensor) =>
      tf.sum(tf.square(tf.grad((m: tf.Tensor) => tf.sum(tf.mul(bernoulliLogLikelihood(xx, m), w)))(l)));
    const native = tf.tidy(() => tf.grads(objective)([logits, x, weights]).map(values));
    const composite = withoutNative(() => tf.tidy(() => tf.grads(objective)([logits, x, weights]).map(values)));
    native.forEach((arr, k) => arr.forEach((v, i) => expect(v, `input ${k}[${i}]`).to.be.closeTo(composite[k][i], 1e-5 * (1 + Math.abs(v)))));
    expect(native.every((arr) => arr.some((v) => v !== 0))).to.equal(true);
    tf.dispose([x, logits, weights]);
  });

  it("gives the data's gradient too, names bad shapes, and leaks nothing", () => {
    const x = tf.tensor2d([[1, 0], [0, 1]]), l = tf.tensor3d([[[1, 2], [3, 4]], [[-1, 0], [2, -2]]]);
    const dx = values(tf.grad((xx: tf.Tensor) => tf.sum(bernoulliLogLikelihood(xx, l)))(x));
    expect(dx).to.deep.equal([0, 2, 5, 2]);
    expect(() => bernoulliLogLikelihood(x, tf.zeros([2, 3]))).to.throw('bernoulliLogLikelihood: logits must have shape [..., 2, 2], got [2,3]');
    // empty batches and empty images
    expect(bernoulliLogLikelihood(tf.zeros([0, 4]), tf.zeros([3, 0, 4])).shape).to.deep.equal([3, 0]);
    expect(values(bernoulliLogLikelihood(tf.zeros([2, 0]), tf.zeros([2, 0])))).to.deep.equal([0, 0]);
    expectNoLeak(() => tf.grad((ll: tf.Tensor) => tf.sum(bernoulliLogLikelihood(x, ll)))(l));
    tf.dispose([x, l]);
  });
});
