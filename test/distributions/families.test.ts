// Every distribution family: float32 logProb against a float64 reference formula, normalization by
// quadrature, sample moments within SE, entropy against Monte Carlo, reproducible seeded samples.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { Distribution, Normal, checkMonteCarlo, checkClose, rng } from '../../src';
import { Laplace } from '../../src/distributions/laplace';
import { Cauchy } from '../../src/distributions/cauchy';
import { StudentT } from '../../src/distributions/student-t';
import { Logistic } from '../../src/distributions/logistic';
import { Gumbel } from '../../src/distributions/gumbel';
import { Uniform } from '../../src/distributions/uniform';
import { logGamma } from '../../src/math/special';
import { quadratureRule } from '../../src/check/quadrature';
import { values, expectNoLeak } from '../support/tensors';

const LOG_2PI = Math.log(2 * Math.PI);
const loc = 0.5, scale = 1.5;
const u = (x: number) => (x - loc) / scale;

interface Family {
  name: string;
  make: () => Distribution;
  ref: (x: number) => number;
  support: [number, number];
  moments: boolean;
}

const families: Family[] = [
  { name: 'Normal', make: () => new Normal(loc, scale), ref: (x) => -0.5 * u(x) ** 2 - Math.log(scale) - 0.5 * LOG_2PI, support: [-Infinity, Infinity], moments: true },
  { name: 'Laplace', make: () => new Laplace(loc, scale), ref: (x) => -Math.abs(u(x)) - Math.log(2 * scale), support: [-Infinity, Infinity], moments: true },
  { name: 'Cauchy', make: () => new Cauchy(loc, scale), ref: (x) => -Math.log(Math.PI * scale * (1 + u(x) ** 2)), support: [-Infinity, Infinity], moments: false },
  {
    name: 'StudentT(ν=10)', make: () => new StudentT(10, loc, scale),
    ref: (x) => logGamma(5.5) - logGamma(5) - 0.5 * Math.log(10 * Math.PI) - Math.log(scale) - 5.5 * Math.log1p(u(x) ** 2 / 10),
    support: [-Infinity, Infinity], moments: true,
  },
  { name: 'Logistic', make: () => new Logistic(loc, scale), ref: (x) => -u(x) - 2 * Math.log1p(Math.exp(-u(x))) - Math.log(scale), support: [-Infinity, Infinity], moments: true },
  { name: 'Gumbel', make: () => new Gumbel(loc, scale), ref: (x) => -(u(x) + Math.exp(-u(x))) - Math.log(scale), support: [-Infinity, Infinity], moments: true },
  { name: 'Uniform', make: () => new Uniform(-1, 2), ref: () => -Math.log(3), support: [-1, 2], moments: true },
];

describe('distributions: the families', () => {
  for (const fam of families) {
    describe(fam.name, () => {
      it('logProb (float32) matches the float64 reference formula', () => {
        const xs = fam.name === 'Uniform' ? [-0.9, 0, 1.9] : [-3, -0.2, 0.5, 2.7, 6];
        const got = tf.tidy(() => values(fam.make().logProb(tf.tensor1d(xs))));
        xs.forEach((x, i) => expect(got[i], `x = ${x}`).to.be.closeTo(fam.ref(x), 1e-5 * (1 + Math.abs(fam.ref(x)))));
      });

      it('its density integrates to 1 (quadrature)', () => {
        const { points, weights } = quadratureRule(fam.support[0], fam.support[1], { panels: 200, order: 16 });
        const inside = points.map((p, i) => [p, weights[i]]).filter(([p]) => Number.isFinite(p) && Math.abs(p) < 1e15);
        const lp = tf.tidy(() => values(fam.make().logProb(tf.tensor1d(inside.map(([p]) => p)))));
        const total = inside.reduce((s, [, w], i) => s + w * Math.exp(lp[i]), 0);
        expect(total).to.be.closeTo(1, fam.name === 'Cauchy' ? 1e-3 : 1e-4);
      });

      it('entropy equals −E[log p(x)] by Monte Carlo within 4 SE', () => {
        const [h, lp] = tf.tidy(() => {
          const d = fam.make();
          return [values(d.entropy())[0], values(tf.neg(d.logProb(d.sample(rng(1), 20000))))];
        });
        // a uniform density is constant on its support: every −log p(x) equals the entropy exactly
        const constant = lp.every((v) => v === lp[0]);
        expect(constant ? checkClose('entropy', lp[0], h, { rtol: 1e-6 }).pass : checkMonteCarlo(`${fam.name} entropy`, lp, h).pass).to.equal(true);
      });

      if (fam.moments) {
        it('sample mean and variance match mean() and variance() within 4 SE', () => {
          const [m, v, xs] = tf.tidy(() => {
            const d = fam.make();
            return [values(d.mean())[0], values(d.variance())[0], values(d.sample(rng(2), 40000))];
          });
          expect(checkMonteCarlo('mean', xs, m).pass, 'mean').to.equal(true);
          expect(checkMonteCarlo('variance', xs.map((x) => (x - m) ** 2), v).pass, 'variance').to.equal(true);
        });
      } else {
        it('has no mean and says so', () => {
          expect(() => fam.make().mean()).to.throw('has no mean');
        });
      }

      it('samples the same numbers for the same seed, and does not leak', () => {
        const a = tf.tidy(() => values(fam.make().sample(rng(9), 5)));
        const b = tf.tidy(() => values(fam.make().sample(rng(9), 5)));
        expect(a).to.deep.equal(b);
        const d = fam.make();
        expectNoLeak(() => { const x = d.sample(rng(3), 4); const lp = d.logProb(x); x.dispose(); return lp; });
      });

      it('rsample carries the gradient: d/d loc of mean(rsample) = 1', () => {
        if (fam.name === 'Uniform') {
          const g = tf.grad((low: tf.Tensor) => tf.mean(new Uniform(low, 2, { validate: false }).rsample(rng(4), 100)))(tf.scalar(-1));
          expect(values(g)[0]).to.be.greaterThan(0);
          return;
        }
        const g = tf.grad((l: tf.Tensor) => {
          const d = fam.make() as Normal;
          const shifted = new (d.constructor as new (...a: unknown[]) => Normal)(...(fam.name.startsWith('StudentT') ? [10, l, scale] : [l, scale]));
          return tf.mean(shifted.rsample(rng(4), 100));
        })(tf.scalar(loc));
        expect(values(g)[0]).to.be.closeTo(1, 1e-5);
      });
    });
  }

  it('eventDims sums the last axes into one event (the diagonal Gaussian)', () => {
    tf.tidy(() => {
      const d = new Normal([[0, 1], [2, 3]], [[1, 2], [1, 0.5]], { eventDims: 1 });
      expect(d.batchShape).to.deep.equal([2]);
      expect(d.eventShape).to.deep.equal([2]);
      const x = tf.tensor2d([[0.1, 0.2], [0.3, 0.4]]);
      const summed = values(tf.sum(new Normal([[0, 1], [2, 3]], [[1, 2], [1, 0.5]]).logProb(x), 1));
      values(d.logProb(x)).forEach((v, i) => expect(v).to.be.closeTo(summed[i], 1e-5));
      expect(d.sample(rng(0), 7).shape).to.deep.equal([7, 2, 2]);
    });
  });

  it('invalid parameters raise errors that name the argument', () => {
    expect(() => new Normal(0, -1)).to.throw('Normal: scale must be positive and finite, got -1');
    expect(() => new Laplace(NaN, 1)).to.throw('Laplace: loc must be finite');
    expect(() => new Normal([0, 0], [1, 1, 1])).to.throw('do not broadcast');
    expect(() => new StudentT(0, 0, 1)).to.throw('StudentT: df must be positive');
    expect(() => new Uniform(2, 1)).to.throw('Uniform: high − low must be positive');
    expect(() => new Normal(0, 1).logProb(tf.tensor1d([1, 2])).dispose()).to.not.throw();
    expect(() => new Normal([0, 0], 1, { eventDims: 1 }).logProb(tf.tensor1d([1, 2, 3]))).to.throw('event shape [2]');
    expect(() => new Normal(0, 1).sample(rng(0), 0)).to.throw('n must be a positive integer');
  });
});
