// D23, D24, D25: score-function and reparameterization gradients against exact gradients; Gumbel tricks.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { Normal, checkMonteCarlo, integrate1d, rng } from '../../src';
import { Laplace } from '../../src/distributions/laplace';
import { Cauchy } from '../../src/distributions/cauchy';
import { StudentT } from '../../src/distributions/student-t';
import { Logistic } from '../../src/distributions/logistic';
import { LocationScale } from '../../src/distributions/location-scale';
import { scoreFunctionGradient, reparameterizationGradient } from '../../src/inference/gradient-estimators';
import { gumbelMax, gumbelSoftmax } from '../../src/inference/gumbel-softmax';
import { logGamma } from '../../src/math/special';
import { values } from '../support/tensors';

// q = N(μ, σ²) with λ = (μ, log σ); f(z) = (z − 2)²; E_q f = (μ − 2)² + σ²
const m0 = 0.5, logS0 = Math.log(0.8);
const exactGrad = [2 * (m0 - 2), 2 * 0.8 ** 2];
const normalFamily = ([loc, logScale]: tf.Tensor[]) => new Normal(loc, tf.exp(logScale), { validate: false });
const f = (z: tf.Tensor) => tf.square(tf.sub(z, 2));

function run(kind: 'score' | 'score+baseline' | 'reparam', seed: number, samples = 20000) {
  const params = [tf.scalar(m0), tf.scalar(logS0)];
  const args = { params, family: normalFamily, f, samples };
  const out = kind === 'reparam' ? reparameterizationGradient(rng(seed), args) : scoreFunctionGradient(rng(seed), { ...args, baseline: kind === 'score' ? 'none' : 'mean' });
  tf.dispose(params);
  return out;
}

describe('inference/gradient-estimators', () => {
  it('D23: the score-function gradient is unbiased, with and without a baseline; the baseline lowers the variance', () => {
    const plain = run('score', 50), base = run('score+baseline', 51);
    for (const [name, est] of [['no baseline', plain], ['baseline', base]] as const) {
      exactGrad.forEach((g, i) => expect(checkMonteCarlo(`${name} ∂${i}`, { value: est.value[i][0], se: est.se[i][0] }, g, { id: 'D23' }).pass, `${name} ${i}`).to.equal(true));
    }
    expect(base.variance[0][0]).to.be.lessThan(plain.variance[0][0]);
    expect(base.variance[1][0]).to.be.lessThan(plain.variance[1][0]);
  });

  it('D24: the reparameterization gradient is unbiased and has lower variance than the score function', () => {
    const rep = run('reparam', 52), score = run('score+baseline', 53);
    exactGrad.forEach((g, i) => expect(checkMonteCarlo(`reparam ∂${i}`, { value: rep.value[i][0], se: rep.se[i][0] }, g, { id: 'D24' }).pass).to.equal(true));
    expect(rep.variance[0][0]).to.be.lessThan(score.variance[0][0]);
    expect(rep.variance[1][0]).to.be.lessThan(score.variance[1][0]);
  });

  // D24 for the other location-scale families: f(z) = sin z, exact gradient by quadrature over the
  // standard density: ∂/∂μ E f = E[cos(μ + σu)], ∂/∂log σ E f = E[cos(μ + σu) σu].
  const families: [string, (loc: tf.Tensor, scale: tf.Tensor) => LocationScale, (u: number) => number][] = [
    ['Laplace', (l, s) => new Laplace(l, s, { validate: false }), (u) => 0.5 * Math.exp(-Math.abs(u))],
    ['Cauchy', (l, s) => new Cauchy(l, s, { validate: false }), (u) => 1 / (Math.PI * (1 + u * u))],
    ['StudentT(5)', (l, s) => new StudentT(5, l, s, { validate: false }), (u) => Math.exp(logGamma(3) - logGamma(2.5) - 0.5 * Math.log(5 * Math.PI) - 3 * Math.log1p(u * u / 5))],
    ['Logistic', (l, s) => new Logistic(l, s, { validate: false }), (u) => Math.exp(-Math.abs(u)) / (1 + Math.exp(-Math.abs(u))) ** 2],
  ];
  for (const [name, make, density] of families) {
    it(`D24: reparameterization through ${name} as a location-scale family matches the exact gradient`, () => {
      const mu = 0.3, sigma = 0.7;
      const exact = [
        integrate1d((u) => Math.cos(mu + sigma * u) * density(u), -Infinity, Infinity, { panels: 512 }),
        integrate1d((u) => Math.cos(mu + sigma * u) * sigma * u * density(u), -Infinity, Infinity, { panels: 512 }),
      ];
      const params = [tf.scalar(mu), tf.scalar(Math.log(sigma))];
      const est = reparameterizationGradient(rng(54), { params, family: ([l, ls]) => make(l, tf.exp(ls)), f: (z) => tf.sin(z), samples: 20000 });
      tf.dispose(params);
      exact.forEach((g, i) => expect(checkMonteCarlo(`${name} ∂${i}`, { value: est.value[i][0], se: est.se[i][0] }, g, { id: 'D24' }).pass, `${name} ∂${i}: ${est.value[i][0]} vs ${g}`).to.equal(true));
    });
  }

  it('D25: Gumbel-max frequencies match π within SE; Gumbel-softmax on the same noise has the same argmax and tends to one-hot as τ → 0', () => {
    const probs = [0.2, 0.5, 0.3];
    const logits = tf.log(tf.tensor1d(probs));
    const idx = values(gumbelMax(rng(55), logits, { samples: 20000 }));
    probs.forEach((p, k) => expect(checkMonteCarlo(`P(${k})`, idx.map((v) => (v === k ? 1 : 0)), p, { id: 'D25' }).pass).to.equal(true));
    const hard = values(gumbelMax(rng(56), logits, { samples: 500 }));
    const soft = tf.tidy(() => values(tf.argMax(gumbelSoftmax(rng(56), logits, { temperature: 0.5, samples: 500 }), -1)));
    expect(soft).to.deep.equal(hard);
    const maxMass = (tau: number) => tf.tidy(() => values(tf.mean(tf.max(gumbelSoftmax(rng(57), logits, { temperature: tau, samples: 2000 }), -1)))[0]);
    expect(maxMass(0.01)).to.be.greaterThan(0.99);
    expect(maxMass(0.01)).to.be.greaterThan(maxMass(1));
    expect(maxMass(1)).to.be.greaterThan(maxMass(10));
    expect(() => gumbelSoftmax(rng(0), logits, { temperature: 0, samples: 1 })).to.throw('temperature must be positive');
    logits.dispose();
  });

  it('checks its arguments and does not leak', () => {
    const before = tf.memory().numTensors;
    run('reparam', 58, 100);
    run('score+baseline', 59, 100);
    expect(tf.memory().numTensors).to.equal(before);
    expect(() => run('reparam', 0, 1)).to.throw('samples must be an integer ≥ 2');
  });
});
