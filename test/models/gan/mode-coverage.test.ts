// Mode counting on samples whose assignment is known by construction.
import { expect } from 'chai';
import { rng } from '../../../src';
import { modeCoverage, ringCenters } from '../../../src/models/gan/mode-coverage';
import { gaussianRing } from '../../../src/data/toy-2d';

describe('models/gan/mode-coverage: modes covered and samples per mode', () => {
  it('counts a known sample: 3 of 4 modes, one below its share, far points not counted', () => {
    const c = ringCenters(4, 2);
    expect(c[1][0]).to.be.closeTo(0, 1e-12);
    expect(c[1][1]).to.be.closeTo(2, 1e-12);
    const near = (k: number, m: number) => Array.from({ length: m }, (_, i) => [c[k][0] + 0.01 * i, c[k][1] - 0.005 * i]);
    // 40 samples: 15 at mode 0, 15 at mode 1, 2 at mode 2 (below ¼ · 40/4 = 2.5), 8 at the origin (no mode)
    const samples = [...near(0, 15), ...near(1, 15), ...near(2, 2), ...Array.from({ length: 8 }, () => [0, 0])];
    const cov = modeCoverage(samples, c, { radius: 0.3 });
    expect(cov.counts).to.deep.equal([15, 15, 2, 0]);
    expect(cov.covered).to.equal(2);
    expect(cov.highQuality).to.equal(32 / 40);
    expect(cov.shares[2]).to.be.closeTo(2 / 32, 1e-12);
    expect(modeCoverage(samples, c, { radius: 0.3, minShare: 0.1 }).covered).to.equal(3);
  });

  it('the data itself covers all 8 ring modes with about n/8 each (binomial SE), 99.7% within 3 sd', () => {
    const n = 8000, sd = 0.05;
    const cov = modeCoverage(gaussianRing(rng(0), n, { components: 8, radius: 2, sd }), ringCenters(8, 2), { radius: 3 * sd });
    expect(cov.covered).to.equal(8);
    // within 3 sd of the centre in 2-D: 1 − exp(−9/2)
    const pIn = 1 - Math.exp(-4.5);
    expect(Math.abs(cov.highQuality - pIn)).to.be.at.most(4 * Math.sqrt(pIn * (1 - pIn) / n));
    const share = (n * pIn) / 8, se = Math.sqrt(n * (1 / 8) * (7 / 8));
    cov.counts.forEach((k) => expect(Math.abs(k - share)).to.be.at.most(4 * se));
  });

  it('refuses points and centres of different widths, and a missing radius', () => {
    expect(() => modeCoverage([[0, 0]], [[0, 0, 0]], { radius: 1 })).to.throw(/modeCoverage/);
    expect(() => modeCoverage([[0, 0]], [[0, 0]], {} as never)).to.throw(/modeCoverage.*radius/);
  });
});
