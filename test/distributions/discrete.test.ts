import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { checkMonteCarlo, rng } from '../../src';
import { Bernoulli } from '../../src/distributions/bernoulli';
import { Categorical } from '../../src/distributions/categorical';
import { values } from '../support/tensors';

describe('distributions: Bernoulli and Categorical', () => {
  it('Bernoulli logProb matches log p and log(1−p) in float64, from logits or probs', () => {
    tf.tidy(() => {
      const p = 0.3;
      const fromProbs = new Bernoulli({ probs: [p, p] });
      const fromLogits = new Bernoulli({ logits: [Math.log(p / (1 - p)), Math.log(p / (1 - p))] });
      for (const d of [fromProbs, fromLogits]) {
        const lp = values(d.logProb(tf.tensor1d([1, 0])));
        expect(lp[0]).to.be.closeTo(Math.log(p), 1e-6);
        expect(lp[1]).to.be.closeTo(Math.log(1 - p), 1e-6);
      }
    });
  });

  it('Bernoulli is stable at logits ±1e4 and exact at probs 0 and 1', () => {
    tf.tidy(() => {
      const lp = values(new Bernoulli({ logits: [1e4, -1e4, 1e4, -1e4] }).logProb(tf.tensor1d([1, 1, 0, 0])));
      expect(lp).to.deep.equal([0, -1e4, -1e4, 0]);
      const edge = values(new Bernoulli({ probs: [0, 0, 1, 1] }).logProb(tf.tensor1d([0, 1, 0, 1])));
      expect(edge).to.deep.equal([0, -Infinity, -Infinity, 0]);
      expect(values(new Bernoulli({ probs: [0, 1] }).entropy()).map(Math.abs)).to.deep.equal([0, 0]);
    });
  });

  it('Bernoulli samples have frequency p within 4 SE; rsample refuses', () => {
    const xs = tf.tidy(() => values(new Bernoulli({ probs: 0.3 }).sample(rng(1), 20000)));
    expect(checkMonteCarlo('frequency', xs, 0.3).pass).to.equal(true);
    expect(() => new Bernoulli({ probs: 0.3 }).rsample()).to.throw('no reparameterized samples');
  });

  it('Bernoulli entropy and moments match float64', () => {
    tf.tidy(() => {
      const d = new Bernoulli({ probs: 0.2 });
      expect(values(d.entropy())[0]).to.be.closeTo(-(0.2 * Math.log(0.2) + 0.8 * Math.log(0.8)), 1e-6);
      expect(values(d.variance())[0]).to.be.closeTo(0.16, 1e-6);
    });
  });

  it('Categorical: log-probabilities, Gumbel-max sample frequencies within 4 SE (D25), entropy, moments', () => {
    const probs = [0.1, 0.6, 0.3];
    tf.tidy(() => {
      const d = new Categorical({ probs });
      values(d.logProb(tf.tensor1d([0, 1, 2]))).forEach((v, k) => expect(v).to.be.closeTo(Math.log(probs[k]), 1e-6));
      const xs = values(d.sample(rng(2), 20000));
      probs.forEach((p, k) => expect(checkMonteCarlo(`P(${k})`, xs.map((x) => (x === k ? 1 : 0)), p, { id: 'D25' }).pass).to.equal(true));
      expect(values(d.entropy())[0]).to.be.closeTo(-probs.reduce((s, p) => s + p * Math.log(p), 0), 1e-6);
      expect(values(d.mean())[0]).to.be.closeTo(1.2, 1e-6);
      expect(values(d.variance())[0]).to.be.closeTo(0.6 + 1.2 - 1.44, 1e-6);
    });
  });

  it('Categorical with a zero-probability category gives exactly −∞ there, not NaN', () => {
    tf.tidy(() => {
      const d = new Categorical({ probs: [0, 0.5, 0.5] });
      expect(values(d.logProb(tf.tensor1d([0, 1])))).to.deep.equal([-Infinity, Math.fround(Math.log(0.5))]);
      expect(values(d.entropy())[0]).to.be.closeTo(Math.LN2, 1e-6);
    });
  });

  it('invalid parameters are named', () => {
    expect(() => new Bernoulli({ probs: 1.5 })).to.throw('Bernoulli: probs must be in [0, 1], got 1.5');
    expect(() => new Bernoulli({} as never)).to.throw('exactly one of logits and probs');
    expect(() => new Categorical({ probs: [0.5, 0.6] })).to.throw('Categorical: probs must sum to 1');
    expect(() => new Categorical({ logits: 3 })).to.throw('last axis of categories');
  });
});
