// The GAN objectives against their closed forms: the logistic losses as softplus of logits, the non-saturating
// gradient's ratio D/(1 − D) to the minimax one (D62), WGAN-GP's penalty on critics whose input gradient is known.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { rng } from '../../../src';
import { criticLoss, discriminatorLoss, generatorLoss, gradientPenalty } from '../../../src/models/gan/gan-losses';

const sigmoid = (a: number) => 1 / (1 + Math.exp(-a));
const read = (t: tf.Tensor) => { const v = t.dataSync()[0]; t.dispose(); return v; };

describe('models/gan/gan-losses: the GAN objectives, each once', () => {
  it('the discriminator loss is −mean log D(x) − mean log(1 − D(x̃)), finite where D rounds to 0 or 1', () => {
    const real = [2, -1, 0.5], fake = [-3, 1];
    const exact = -real.reduce((s, a) => s + Math.log(sigmoid(a)), 0) / 3 - fake.reduce((s, a) => s + Math.log(1 - sigmoid(a)), 0) / 2;
    expect(read(discriminatorLoss(tf.tensor1d(real), tf.tensor1d(fake)))).to.be.closeTo(exact, 1e-5);
    // logits of ±200: σ rounds to 1 and 0 in float32, the softplus form does not
    const far = read(discriminatorLoss(tf.tensor1d([-200]), tf.tensor1d([200])));
    expect(far).to.be.closeTo(400, 1e-3);
  });

  it('the generator losses: minimax E log(1 − D), non-saturating −E log D, Wasserstein −E f', () => {
    const a = [-2, 0.3, 4];
    const mean = (f: (x: number) => number) => a.reduce((s, x) => s + f(x), 0) / a.length;
    expect(read(generatorLoss(tf.tensor1d(a), 'minimax'))).to.be.closeTo(mean((x) => Math.log(1 - sigmoid(x))), 1e-5);
    expect(read(generatorLoss(tf.tensor1d(a), 'non-saturating'))).to.be.closeTo(mean((x) => -Math.log(sigmoid(x))), 1e-5);
    expect(read(generatorLoss(tf.tensor1d(a), 'wgan-gp'))).to.be.closeTo(-mean((x) => x), 1e-6);
    expect(() => generatorLoss(tf.tensor1d(a), 'hinge' as never)).to.throw(/generatorLoss.*loss/);
  });

  it('D62: per sample, the minimax gradient in the logit is D/(1 − D) times the non-saturating one (same sign)', () => {
    const a = tf.tensor1d([-6, -2, 0, 1.5]);
    const gMinimax = tf.grad((x: tf.Tensor) => generatorLoss(x as tf.Tensor1D, 'minimax'))(a).arraySync() as number[];
    const gNS = tf.grad((x: tf.Tensor) => generatorLoss(x as tf.Tensor1D, 'non-saturating'))(a).arraySync() as number[];
    (a.arraySync() as number[]).forEach((x, i) => {
      const D = sigmoid(x);
      expect(gMinimax[i]).to.be.closeTo(-D / 4, 1e-6);           // ∂/∂a of (1/n) log(1 − σ(a)) = −σ(a)/n
      expect(gNS[i]).to.be.closeTo(-(1 - D) / 4, 1e-6);           // ∂/∂a of −(1/n) log σ(a) = −(1 − σ(a))/n
      expect(gMinimax[i] / gNS[i]).to.be.closeTo(D / (1 - D), 1e-4 * (1 + D / (1 - D)));
    });
    a.dispose();
  });

  it('WGAN-GP: a linear critic f(x) = w·x has penalty (‖w‖ − 1)²; f(x) = ½‖x‖² has mean (‖x̂‖ − 1)² at x̂ = u x + (1 − u) x̃', () => {
    const g = rng(0);
    const real = g.normal([50, 3]) as tf.Tensor2D, fake = g.normal([50, 3]) as tf.Tensor2D, u = g.uniform([50, 1]) as tf.Tensor2D;
    const w = tf.tensor2d([[2], [-1], [0.5]]);
    const linear = (x: tf.Tensor2D) => tf.reshape(tf.matMul(x, w), [-1]) as tf.Tensor1D;
    expect(read(gradientPenalty(linear, real, fake, u))).to.be.closeTo((Math.sqrt(4 + 1 + 0.25) - 1) ** 2, 1e-4);
    const quadratic = (x: tf.Tensor2D) => tf.mul(tf.sum(tf.square(x), 1), 0.5) as tf.Tensor1D;
    const R = real.arraySync(), F = fake.arraySync(), U = u.arraySync();
    const exact = R.reduce((s, r, i) => s + (Math.hypot(...r.map((v, j) => U[i][0] * v + (1 - U[i][0]) * F[i][j])) - 1) ** 2, 0) / 50;
    expect(read(gradientPenalty(quadratic, real, fake, u))).to.be.closeTo(exact, 1e-4);
    // the penalty is differentiable in the critic's weights: d/dw (‖w‖ − 1)² = 2(‖w‖ − 1) w/‖w‖
    const wv = tf.variable(tf.tensor2d([[2], [-1], [0.5]]));
    const { grads } = tf.variableGrads(() => gradientPenalty((x) => tf.reshape(tf.matMul(x, wv), [-1]) as tf.Tensor1D, real, fake, u), [wv]);
    const n = Math.sqrt(5.25);
    (grads[wv.name].arraySync() as number[][]).forEach((gi, j) => expect(gi[0]).to.be.closeTo(2 * (n - 1) * [2, -1, 0.5][j] / n, 1e-4));
    tf.dispose([real, fake, u, w, wv, grads[wv.name]]);
  });

  it('the critic loss is E f(x̃) − E f(x) + λ P', () => {
    expect(read(criticLoss(tf.tensor1d([1, 3]), tf.tensor1d([-1]), tf.scalar(0.5), 10))).to.be.closeTo(-1 - 2 + 5, 1e-6);
    expect(() => criticLoss(tf.tensor1d([1]), tf.tensor1d([1]), tf.scalar(0), -1)).to.throw(/criticLoss.*weight/);
  });
});
