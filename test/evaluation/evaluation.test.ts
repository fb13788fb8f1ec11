// D46–D49.
import { expect } from 'chai';
import { checkClose, checkAtMost, rng } from '../../src';
import { frechetDistance } from '../../src/evaluation/frechet-distance';
import { discreteLogProb1d, dequantizedLogDensity1d, logMixture } from '../../src/evaluation/dequantization';

const logN = (y: number, m: number, s: number) => -0.5 * Math.log(2 * Math.PI * s * s) - ((y - m) ** 2) / (2 * s * s);

describe('evaluation', () => {
  it('D46: the dequantized log-density never exceeds the discrete log-likelihood', () => {
    const g = rng(1);
    for (const x of [0, 2, 5, 9]) {
      const f = (y: number) => logN(y, 4.3, 2);
      const disc = discreteLogProb1d(f, x);
      const deq = dequantizedLogDensity1d(g, f, x, { samples: 20000 });
      expect(checkAtMost(`x=${x}`, deq, disc, { id: 'D46' }).pass).to.equal(true);
    }
    expect(() => discreteLogProb1d((y) => y, 0.5)).to.throw('x must be an integer');
  });

  it('D47: the Fréchet distance matches closed forms (1-D: (μ₁−μ₂)² + (s₁−s₂)²; commuting covariances) and is 0 for equal Gaussians', () => {
    expect(checkClose('1-D', frechetDistance([1], [[4]], [3], [[9]]), 4 + 1, { id: 'D47', rtol: 1e-12 }).pass).to.equal(true);
    const d = frechetDistance([0, 1], [[4, 0], [0, 1]], [1, 1], [[1, 0], [0, 9]]);
    expect(checkClose('diagonal', d, 1 + (2 - 1) ** 2 + (1 - 3) ** 2, { id: 'D47', rtol: 1e-10 }).pass).to.equal(true);
    const S = [[2, 0.5], [0.5, 1]];
    expect(frechetDistance([1, 2], S, [1, 2], S)).to.be.closeTo(0, 1e-10);
    expect(frechetDistance([0, 0], [[2, 0.9], [0.9, 1]], [0, 0], [[1, -0.3], [-0.3, 3]])).to.be.greaterThan(0);
  });

  it('D48: maximum likelihood and KL(p_data ‖ p_θ) differ by the data entropy, a constant in θ', () => {
    const pData = [0.5, 0.3, 0.2];
    const H = -pData.reduce((s, p) => s + p * Math.log(p), 0);
    for (const q of [[0.4, 0.4, 0.2], [0.2, 0.3, 0.5], [0.6, 0.2, 0.2]]) {
      const expectedLL = pData.reduce((s, p, i) => s + p * Math.log(q[i]), 0);
      const klv = pData.reduce((s, p, i) => s + p * Math.log(p / q[i]), 0);
      expect(checkClose('−E log q − KL', -expectedLL - klv, H, { id: 'D48', rtol: 1e-12 }).pass).to.equal(true);
    }
  });

  it('D49: mixing in a broken sampler with weight 0.999 lowers the log-likelihood by at most log 1000', () => {
    for (const [lp, lq] of [[-3, -50], [-10, -1], [-2, -Infinity]]) {
      const mixed = logMixture(lp, lq, 0.001);
      expect(checkAtMost('log p − log 1000 ≤ log mixture', lp - Math.log(1000), mixed, { id: 'D49', atol: 1e-12 }).pass).to.equal(true);
    }
  });
});
