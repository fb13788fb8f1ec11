// ll.verify.replicate: n replicates of a random line, each with its own generator, mean and SE per entry.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { rng } from '../../src';
import { replicate } from '../../src/check/replicate';
import { expectNoLeak } from '../support/tensors';

describe('check/replicate', () => {
  it('returns the mean and SE of n replicates, the same for the same generator, and reads tensors without a leak', () => {
    const f = replicate(400, (_: null, g) => [g.nextNormal(), 2 + g.nextNormal()]);
    const a = f(null, rng(1)), b = f(null, rng(1));
    expect(a).to.deep.equal(b);
    expect(a.replicates).to.have.length(400);
    const m = a.replicates.reduce((t, r) => t + r[1], 0) / 400;
    expect(a.value[1]).to.be.closeTo(m, 1e-12);
    // the SE is sd/√n: about 1/20 for unit-variance replicates
    expect(a.se[0]).to.be.within(0.04, 0.06);
    expect(Math.abs(a.value[1] - 2)).to.be.lessThan(4 * a.se[1]);
    const t = replicate(5, (_: null, g) => tf.scalar(g.nextUniform()));
    expectNoLeak(() => t(null, rng(2)), () => undefined);
    expect(() => replicate(1, () => 0)).to.throw('replicate: n must be an integer ≥ 2');
    expect(() => replicate(3, (_: null, g) => (g.nextUniform() < 2 ? 'x' : 0))(null, rng(0))).to.throw("replicate: f must return a number, a vector or a tensor, got 'x' (replicate 1)");
  });
});
