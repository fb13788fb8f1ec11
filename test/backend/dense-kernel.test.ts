// The native dense layer against float64, the composite ops and central differences; its backward pass
// computes only the gradients asked for; second derivatives (score matching) match the composite ops.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { rng } from '../../src';
import { Dense, denseLinear, denseRelu } from '../../src/ops/dense';
import { values, expectNoLeak } from '../support/tensors';
import { withoutNative } from '../support/native';

type DenseOp = (x: tf.Tensor2D, W: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

describe('native dense layer', () => {
  for (const [name, op, act] of [['denseLinear', denseLinear, (v: number) => v], ['denseRelu', denseRelu, (v: number) => Math.max(v, 0)]] as [string, DenseOp, (v: number) => number][]) {
    it(`${name}: value matches float64; gradients match the composite ops and central differences`, () => {
      const g = rng(5);
      const x = g.normal([6, 9]) as tf.Tensor2D, W = g.normal([9, 5]) as tf.Tensor2D, b = g.normal([5]) as tf.Tensor1D;
      const weights = g.normal([6, 5]);
      const objective = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(op(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D), weights));
      tf.tidy(() => {
        const y = values(op(x, W, b)), xv = values(x), Wv = values(W), bv = values(b);
        for (let i = 0; i < 6; i++) for (let j = 0; j < 5; j++) {
          let s = bv[j], mag = Math.abs(bv[j]);
          for (let k = 0; k < 9; k++) { s += xv[i * 9 + k] * Wv[k * 5 + j]; mag += Math.abs(xv[i * 9 + k] * Wv[k * 5 + j]); }
          expect(y[i * 5 + j]).to.be.closeTo(act(s), 10 * 2 ** -23 * mag);
        }
        const native = tf.grads(objective)([x, W, b]).map(values);
        const composite = withoutNative(() => tf.grads(objective)([x, W, b]).map(values));
        native.forEach((arr, k) => arr.forEach((v, i) => expect(v, `input ${k}[${i}]`).to.be.closeTo(composite[k][i], 1e-5 * (1 + Math.abs(v)))));
        const f = (arr: number[]) => values(objective(x, tf.tensor2d(arr, [9, 5]), b))[0];
        for (const i of [0, 7, 44]) {
          const h = 1e-2, p = Wv.slice(), m = Wv.slice();
          p[i] += h; m[i] -= h;
          expect(native[1][i]).to.be.closeTo((f(p) - f(m)) / (2 * h), 2e-2);
        }
      });
      tf.dispose([x, W, b, weights]);
    });
  }

  it("computes only the gradients asked for: no ∂x for a first layer's data", async () => {
    const g = rng(6);
    const x = g.normal([128, 784]) as tf.Tensor2D;
    const W = tf.variable(g.normal([784, 300]), true, `dense-lazy/W/${Math.random()}`) as tf.Variable<tf.Rank.R2>;
    const b = tf.variable(g.normal([300]), true, `dense-lazy/b/${Math.random()}`) as tf.Variable<tf.Rank.R1>;
    const profile = await tf.profile(() => { tf.dispose(tf.variableGrads(() => tf.sum(denseRelu(x, W, b)) as tf.Scalar, [W, b]).grads); });
    // forward: the dense kernel; backward: ∂W = xᵀg is the only matrix product
    expect(profile.kernelNames.filter((k) => k === 'BatchMatMul')).to.have.length(1);
    expect(profile.kernelNames).to.include('LatentDense');
    tf.dispose([x, W, b]);
  });

  it('second derivatives (∂/∂W of ∂y/∂x, as in score matching) equal those of the composite ops', () => {
    const g = rng(7);
    const x = g.normal([4, 3]) as tf.Tensor2D, W1 = g.normal([3, 8]) as tf.Tensor2D, b1 = g.normal([8]) as tf.Tensor1D;
    const W2 = g.normal([8, 3]) as tf.Tensor2D, b2 = g.normal([3]) as tf.Tensor1D;
    // Σ (∂ score / ∂x)², score = dense(relu-dense(x)); differentiated w.r.t. W1 and W2
    const objective = (w1: tf.Tensor, w2: tf.Tensor) => {
      const inner = tf.grad((xx: tf.Tensor) => tf.sum(denseLinear(denseRelu(xx as tf.Tensor2D, w1 as tf.Tensor2D, b1), w2 as tf.Tensor2D, b2)))(x);
      return tf.sum(tf.square(inner));
    };
    tf.tidy(() => {
      const native = tf.grads(objective)([W1, W2]).map(values);
      const composite = withoutNative(() => tf.grads(objective)([W1, W2]).map(values));
      native.forEach((arr, k) => arr.forEach((v, i) => expect(v, `W${k + 1}[${i}]`).to.be.closeTo(composite[k][i], 1e-4 * (1 + Math.abs(v)))));
      expect(native[0].some((v) => v !== 0) && native[1].some((v) => v !== 0)).to.equal(true);
    });
    tf.dispose([x, W1, b1, W2, b2]);
  });

  it('names bad shapes and leaks nothing', () => {
    const x = tf.ones([2, 3]) as tf.Tensor2D, W = tf.ones([3, 4]) as tf.Tensor2D, b = tf.ones([4]) as tf.Tensor1D;
    expect(() => denseRelu(x, tf.ones([2, 4]) as tf.Tensor2D, b)).to.throw('denseRelu: W must have shape [3, out], got [2,4]');
    const layer = new Dense(rng(0), 4, 2, 'enc1');
    expect(() => layer.apply(x)).to.throw("Dense.apply ('enc1'): x must have last dimension inputDim = 4, got [2,3]");
    layer.dispose();
    expectNoLeak(() => tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(denseRelu(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D)))([x, W, b]));
    tf.dispose([x, W, b]);
  });
});
