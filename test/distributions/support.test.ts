// Values outside a distribution's support, KL between mismatched distributions, malformed parameters.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { Normal, MultivariateNormal, kl, rng } from '../../src';
import { Bernoulli } from '../../src/distributions/bernoulli';
import { Categorical } from '../../src/distributions/categorical';
import { Uniform } from '../../src/distributions/uniform';
import { Gumbel } from '../../src/distributions/gumbel';
import { Logistic } from '../../src/distributions/logistic';
import { klMonteCarlo } from '../../src/distributions/kl';
import { values } from '../support/tensors';

describe('distributions: out-of-support values have log-probability −∞', () => {
  it('Categorical.logProb of a negative, too large, fractional or infinite category is −∞; in-range ones unchanged', () => {
    const c = new Categorical({ probs: [0.25, 0.75] });
    const x = tf.tensor1d([0, 1, 2, -1, 0.5, Infinity, -Infinity]);
    const lp = values(c.logProb(x));
    expect(lp[0]).to.be.closeTo(Math.log(0.25), 1e-6);
    expect(lp[1]).to.be.closeTo(Math.log(0.75), 1e-6);
    expect(lp.slice(2)).to.deep.equal([-Infinity, -Infinity, -Infinity, -Infinity, -Infinity]);
    x.dispose();
  });

  it('Categorical.logProb broadcasts x against a batch of distributions', () => {
    const c = new Categorical({ probs: [[0.5, 0.5], [0.1, 0.9]] });
    const x = tf.scalar(1);
    const lp = values(c.logProb(x));
    expect(lp[0]).to.be.closeTo(Math.log(0.5), 1e-6);
    expect(lp[1]).to.be.closeTo(Math.log(0.9), 1e-6);
    x.dispose();
  });

  it('Bernoulli.logProb(2), (−1) and (±∞) are −∞; 0, 1 and relaxed values in [0, 1] unchanged', () => {
    const b = new Bernoulli({ probs: 0.3 });
    const x = tf.tensor1d([0, 1, 0.5, 2, -1, Infinity, -Infinity]);
    const lp = values(b.logProb(x));
    expect(lp[0]).to.be.closeTo(Math.log(0.7), 1e-6);
    expect(lp[1]).to.be.closeTo(Math.log(0.3), 1e-6);
    expect(lp[2]).to.be.closeTo(0.5 * Math.log(0.3) + 0.5 * Math.log(0.7), 1e-6);
    expect(lp.slice(3)).to.deep.equal([-Infinity, -Infinity, -Infinity, -Infinity]);
    x.dispose();
  });

  it('logProb at ±∞ is −∞ for the continuous families too (Logistic and Gumbel gave NaN from ∞ − ∞, MVN from ∞ · 0)', () => {
    const x = tf.tensor1d([Infinity, -Infinity]);
    for (const d of [new Logistic(0, 1), new Gumbel(0, 1), new Normal(0, 1)]) {
      expect(values(d.logProb(x)), d.constructor.name).to.deep.equal([-Infinity, -Infinity]);
    }
    const mvn = new MultivariateNormal({ loc: [0, 0], covariance: [[1, 0], [0, 1]] });
    const xy = tf.tensor2d([[Infinity, 0], [0, -Infinity], [0, 0]]);
    const lp = values(mvn.logProb(xy));
    expect(lp.slice(0, 2)).to.deep.equal([-Infinity, -Infinity]);
    expect(lp[2]).to.be.closeTo(-Math.log(2 * Math.PI), 1e-6);
    tf.dispose([x, xy]);
  });

  it('a NaN value is an error naming the method and x', () => {
    const x = tf.tensor1d([0, NaN]);
    expect(() => new Normal(0, 1).logProb(x)).to.throw('Normal.logProb: x must not contain NaN');
    expect(() => new Bernoulli({ probs: 0.5 }).logProb(x)).to.throw('Bernoulli.logProb: x must not contain NaN');
    expect(() => new Categorical({ probs: [0.5, 0.5] }).logProb(x)).to.throw('Categorical.logProb: x must not contain NaN');
    x.dispose();
  });
});

describe('distributions: KL between mismatched distributions', () => {
  it('klMonteCarlo(Normal ‖ Bernoulli) is an error: the supports differ (it returned a negative KL)', () => {
    expect(() => klMonteCarlo(rng(1), new Normal(0, 1), new Bernoulli({ probs: 0.5 }), { samples: 100 })).to.throw('klMonteCarlo: p must be continuous like q (Normal): KL(q‖p) is only defined between distributions of the same kind, got Bernoulli, discrete');
    expect(() => kl(new Bernoulli({ probs: 0.5 }), new Normal(0, 1))).to.throw('kl: p must be discrete like q (Bernoulli)');
  });

  it('klMonteCarlo where q has mass outside p’s support is +∞ with se 0, not NaN', () => {
    const e = klMonteCarlo(rng(2), new Normal(0, 1), new Uniform(0, 1), { samples: 50 });
    expect(e.value).to.equal(Infinity);
    expect(e.se).to.equal(0);
  });

  it('mismatched event shapes are an error naming both shapes (not a raw broadcast error)', () => {
    const q = new Normal([0, 0], [1, 1], { eventDims: 1 });
    const p = new Normal([0, 0, 0], [1, 1, 1], { eventDims: 1 });
    expect(() => kl(q, p)).to.throw("kl: p must have q's event shape [2] (KL needs the same event shape), got event shape [3]");
    expect(() => klMonteCarlo(rng(1), q, p, { samples: 10 })).to.throw("klMonteCarlo: p must have q's event shape [2] (KL needs the same event shape), got event shape [3]");
    const a = new Bernoulli({ logits: [0, 0] }), b = new Bernoulli({ logits: [0, 0, 0] });
    expect(() => kl(a, b)).to.throw("kl: p must have a batch shape that broadcasts with q's [2], got batch shape [3]");
  });
});

describe('distributions: malformed parameters', () => {
  it('an empty probs or logits is an error naming the argument (it was a sum-to-1 error over garbage)', () => {
    expect(() => new Categorical({ probs: [] })).to.throw('Categorical: probs must be non-empty with a last axis of categories, got shape [0]');
    expect(() => new Categorical({ logits: [] })).to.throw('Categorical: logits must be non-empty');
  });
});

describe('distributions: parameter checks through the shared validator', () => {
  it('a Categorical given both probs and logits, or neither, names logits; a bad entry keeps its words and value', () => {
    expect(() => new Categorical({ probs: [0.5, 0.5], logits: [0, 0] } as never)).to.throw('Categorical: logits must be given exactly when probs is not: give exactly one of probs and logits, got');
    expect(() => new Categorical({} as never)).to.throw('Categorical: logits must be given exactly when probs is not: give exactly one of probs and logits, got undefined');
    expect(() => new Categorical({ probs: [0.5, 1.5] })).to.throw('Categorical: probs must be in [0, 1], got 1.5');
  });
});
