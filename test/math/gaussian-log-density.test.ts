// The float64 Gaussian log-densities: each against an independent route (the density formula, the sum
// of univariate terms, PPCA's marginal through its own code), and bad arguments named.
import { expect } from 'chai';
import { PPCA, rng } from '../../src';
import { logGaussian, logGaussianDiagonal, logGaussianIsotropic, logGaussianMultivariate } from '../../src/math/gaussian-log-density';

describe('math/gaussian-log-density', () => {
  it('univariate: log of the density formula', () => {
    for (const [x, m, s] of [[0, 0, 1], [1.3, -0.4, 0.7], [-5, 2, 3]]) {
      expect(logGaussian(x, m, s)).to.be.closeTo(Math.log(Math.exp(-0.5 * ((x - m) / s) ** 2) / (s * Math.sqrt(2 * Math.PI))), 1e-12);
    }
    // far in the tail it stays finite where the density underflows
    expect(logGaussian(100, 0, 1)).to.be.closeTo(-5000 - 0.5 * Math.log(2 * Math.PI), 1e-9);
  });

  it('diagonal and isotropic: sums of univariate terms; multivariate agrees with them and with PPCA', () => {
    const x = [0.3, -1.2, 2], m = [0, 0.5, 1], s = [0.5, 1, 2];
    expect(logGaussianDiagonal(x, m, s)).to.be.closeTo(x.reduce((t, v, i) => t + logGaussian(v, m[i], s[i]), 0), 1e-12);
    expect(logGaussianIsotropic(x, m, 0.8)).to.be.closeTo(logGaussianDiagonal(x, m, [0.8, 0.8, 0.8]), 1e-12);
    expect(logGaussianMultivariate(x, m, [[0.25, 0, 0], [0, 1, 0], [0, 0, 4]])).to.be.closeTo(logGaussianDiagonal(x, m, s), 1e-12);
    const g = rng(4);
    const model = new PPCA([[1, 0.5], [0.3, -1], [0.8, 0.2]], [0.5, -1, 0], 0.3);
    const y = model.sample(g, 1).x[0];
    expect(logGaussianMultivariate(y, model.mu, model.marginalCovariance())).to.be.closeTo(model.logMarginalDirect(y), 1e-10);
  });

  it('names the function and argument of a bad input', () => {
    expect(() => logGaussian(0, 0, 0)).to.throw('logGaussian: sd must be positive, got 0');
    expect(() => logGaussian(NaN, 0, 1)).to.throw('logGaussian: x must be a finite number');
    expect(() => logGaussianDiagonal([1, 2], [0], [1, 1])).to.throw('logGaussianDiagonal: mean must have shape [2], got [1]');
    expect(() => logGaussianDiagonal([1, 2], [0, 0], [1, -1])).to.throw('logGaussianDiagonal: sd must be positive, got -1 at [1]');
    expect(() => logGaussianIsotropic([1], [0], -1)).to.throw('logGaussianIsotropic: sd must be positive');
    expect(() => logGaussianMultivariate([1, 2], [0, 0], [[1, 2], [2, 1]])).to.throw('logGaussianMultivariate: covariance');
    expect(() => logGaussianMultivariate([1, 2, 3], [0, 0, 0], [[1, 0], [0, 1]])).to.throw('logGaussianMultivariate: covariance must be 3×3, got 2×2');
  });
});
