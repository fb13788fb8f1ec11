/**
 * Numeric checks behind rows of lecture 001 (Tomczak, "Latent Variable Models") that no notebook cell
 * computes; the audit tables cite them by title (test "…").
 */
import { expect } from 'chai';
import { rng } from '../../src/random/rng';

/** y = W x + b for W of shape [out][in]; throws like nn.Linear when the input width is wrong. */
const linear = (W: number[][], b: number[]) => (x: number[]) => {
  if (x.length !== W[0].length) throw new Error(`Linear expects ${W[0].length} inputs, got ${x.length}`);
  return W.map((row, i) => row.reduce((s, w, j) => s + w * x[j], b[i]));
};

describe('lecture 001, rows without a notebook cell', () => {
  it('001:927 dec2 takes the hidden layer, not x', () => {
    // The sketch's decoder: dec1 = Linear(M, 300), dec2 = Linear(300, D); D = 784 for MNIST, M = 2.
    const g = rng(10);
    const D = 784, M = 2, H = 300;
    const dec1 = linear(Array.from({ length: H }, () => Array.from({ length: M }, () => 0.1 * g.nextNormal())), new Array(H).fill(0));
    const dec2 = linear(Array.from({ length: D }, () => Array.from({ length: H }, () => 0.1 * g.nextNormal())), new Array(D).fill(0));
    const x = Array.from({ length: D }, () => g.nextUniform());
    const z = [g.nextNormal(), g.nextNormal()];
    const hidden = dec1(z).map((v) => Math.max(0, v));
    expect(dec2(hidden)).to.have.length(D);                                      // the right line
    expect(() => dec2(x)).to.throw('Linear expects 300 inputs, got 784');        // the printed `self.dec2(x)`
  });
});
