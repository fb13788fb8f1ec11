import { expect } from 'chai';
import { rng, estimateMean, checkMonteCarlo } from '../../src';
import { values } from '../support/tensors';

describe('random/rng', () => {
  it('gives the same numbers for the same seed, different ones for another seed', () => {
    expect(Array.from(rng(7).normalArray(5))).to.deep.equal(Array.from(rng(7).normalArray(5)));
    expect(values(rng(7).uniform([3]))).to.deep.equal(values(rng(7).uniform([3])));
    expect(rng(7).nextUint32()).to.not.equal(rng(8).nextUint32());
  });

  it('fillUniform draws exactly what nextUniform would, and leaves the generator where nextUniform would', () => {
    const a = rng(11), b = rng(11);
    const filled = a.fillUniform(new Float64Array(1000));
    const one = Array.from({ length: 1000 }, () => b.nextUniform());
    expect(Array.from(filled)).to.deep.equal(one);
    expect(a.nextUint32()).to.equal(b.nextUint32());
    expect(Array.from(rng(3).fillUniform(new Float32Array(10)))).to.deep.equal(Array.from({ length: 10 }, ((r) => () => Math.fround(r.nextUniform()))(rng(3))));
  });

  it('split() gives a reproducible stream different from the parent', () => {
    const a = rng(1), b = rng(1);
    const ca = a.split(), cb = b.split();
    expect(ca.nextUint32()).to.equal(cb.nextUint32());
    expect(a.nextUint32()).to.not.equal(ca.nextUint32());
  });

  it('uniforms lie in the open interval (0, 1) with mean 1/2 within SE', () => {
    const u = rng(3).uniformArray(20000);
    expect(Math.min(...u)).to.be.greaterThan(0);
    expect(Math.max(...u)).to.be.lessThan(1);
    expect(checkMonteCarlo('uniform mean', u, 0.5).pass).to.equal(true);
  });

  it('normals have mean 0 and variance 1 within SE; gamma has mean = shape', () => {
    const g = rng(4);
    const z = g.normalArray(20000);
    expect(checkMonteCarlo('normal mean', z, 0).pass).to.equal(true);
    expect(checkMonteCarlo('normal variance', Array.from(z, (v) => v * v), 1).pass).to.equal(true);
    for (const shape of [0.5, 2.5]) {
      const xs = Array.from({ length: 20000 }, () => g.nextGamma(shape));
      expect(checkMonteCarlo(`gamma(${shape}) mean`, xs, shape).pass).to.equal(true);
    }
  });

  it('permutation is a permutation, and a bad argument is named', () => {
    expect(rng(5).permutation(10).slice().sort((a, b) => a - b)).to.deep.equal([...Array(10).keys()]);
    expect(() => rng(-1)).to.throw('seed must be a non-negative integer');
    expect(() => rng(1.5)).to.throw('seed');
    expect(() => rng(1).normal([2, -1])).to.throw('shape must be an array of non-negative integers');
    expect(() => rng(1).uniform([2], 1, 1)).to.throw('Rng.uniform: high must exceed low (1), got 1');
    expect(estimateMean([1, 3]).value).to.equal(2);
  });
});
