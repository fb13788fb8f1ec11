// The learning-rate schedule: linear warm-up, then constant or cosine decay, at its defining points.
import { expect } from 'chai';
import { learningRateAt } from '../../src/training/learning-rate';

describe('training/learning-rate', () => {
  it('warms up linearly to the peak over W steps, then stays there (constant)', () => {
    const s = { peak: 2e-3, steps: 100, warmupSteps: 10 };
    expect(learningRateAt(s, 1)).to.be.closeTo(2e-4, 1e-15);
    expect(learningRateAt(s, 5)).to.be.closeTo(1e-3, 1e-15);
    expect(learningRateAt(s, 10)).to.equal(2e-3);
    expect(learningRateAt(s, 100)).to.equal(2e-3);
    expect(learningRateAt({ peak: 1e-3, steps: 5 }, 1)).to.equal(1e-3);
  });

  it('cosine: the peak at step 1, half of it halfway, ≈ 0 at the last step, falling throughout', () => {
    const s = { peak: 1e-3, steps: 1000, decay: 'cosine' as const };
    expect(learningRateAt(s, 1)).to.equal(1e-3);
    expect(learningRateAt(s, 501)).to.be.closeTo(5e-4, 1e-15);
    expect(learningRateAt(s, 1000)).to.be.closeTo(1e-3 * 0.5 * (1 + Math.cos(Math.PI * 999 / 1000)), 1e-18);
    expect(learningRateAt(s, 1000)).to.be.below(1e-8);
    const rates = Array.from({ length: 1000 }, (_, i) => learningRateAt(s, i + 1));
    rates.slice(1).forEach((r, i) => expect(r).to.be.below(rates[i]));
    // warm-up and decay multiply
    const both = { ...s, warmupSteps: 100 };
    expect(learningRateAt(both, 50)).to.be.closeTo(0.5 * learningRateAt(s, 50), 1e-15);
  });

  it('names bad arguments', () => {
    expect(() => learningRateAt({ peak: 0, steps: 10 }, 1)).to.throw(/learningRateAt: schedule.peak must be positive/);
    expect(() => learningRateAt({ peak: 1e-3, steps: 0 }, 1)).to.throw(/schedule.steps must be a positive integer/);
    expect(() => learningRateAt({ peak: 1e-3, steps: 10, warmupSteps: -1 }, 1)).to.throw(/schedule.warmupSteps must be a non-negative integer/);
    expect(() => learningRateAt({ peak: 1e-3, steps: 10, decay: 'linear' as 'cosine' }, 1)).to.throw(/schedule.decay must be 'constant' or 'cosine'/);
    expect(() => learningRateAt({ peak: 1e-3, steps: 10 }, 0)).to.throw(/learningRateAt: k must be a positive integer/);
  });
});
