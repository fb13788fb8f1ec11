/**
 * Numeric checks behind rows of lecture 000 (Mnih, "Modern Latent Variable Models and Variational
 * Inference") that no notebook cell computes; the audit tables cite them by title (test "…").
 */
import { expect } from 'chai';
import { rng } from '../../src/random/rng';

describe('lecture 000, rows without a notebook cell', () => {
  it('000:117 the chain rule: the product of the conditionals is the joint', () => {
    // A random joint over three binary variables; p(x) against p(x1) p(x2|x1) p(x3|x1,x2) at all 8 points.
    const g = rng(20);
    const w = Array.from({ length: 8 }, () => g.nextUniform() + 0.05);
    const total = w.reduce((a, b) => a + b, 0);
    const joint = (x: number[]) => w[x[0] * 4 + x[1] * 2 + x[2]] / total;
    const all = [0, 1].flatMap((a) => [0, 1].flatMap((b) => [0, 1].map((c) => [a, b, c])));
    /** The marginal of the first k coordinates at x. */
    const marginal = (x: number[], k: number) => all.filter((y) => y.slice(0, k).every((v, i) => v === x[i]))
      .reduce((s, y) => s + joint(y), 0);
    for (const x of all) {
      const product = [1, 2, 3].reduce((s, k) => s * (marginal(x, k) / (k === 1 ? 1 : marginal(x, k - 1))), 1);
      expect(product).to.be.closeTo(joint(x), 1e-15);
    }
  });
});
