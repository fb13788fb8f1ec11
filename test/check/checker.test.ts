import { expect } from 'chai';
import { checkClose, checkMonteCarlo, integrate1d, checkTable, rng } from '../../src';
import { checkGradient } from '../../src/check/finite-differences';
import { checkQuadrature, integrate2d, gaussLegendre } from '../../src/check/quadrature';

describe('check (the derivation checker)', () => {
  it('quadrature integrates known integrals on finite and infinite intervals', () => {
    expect(integrate1d(Math.sin, 0, Math.PI)).to.be.closeTo(2, 1e-12);
    expect(integrate1d((x) => Math.exp(-x * x), -Infinity, Infinity)).to.be.closeTo(Math.sqrt(Math.PI), 1e-10);
    expect(integrate2d((x, y) => Math.exp(-x * x - y * y), [-Infinity, Infinity], [-Infinity, Infinity], { panels: 32 })).to.be.closeTo(Math.PI, 1e-8);
    const { weights } = gaussLegendre(5);
    expect(weights.reduce((a, b) => a + b, 0)).to.be.closeTo(2, 1e-14);
    expect(checkQuadrature('∫ 1/(1+x²)', (x) => 1 / (1 + x * x), [-Infinity, Infinity], Math.PI).pass).to.equal(true);
    expect(() => integrate1d(Math.sin, 1, 0)).to.throw('integrate1d: b must be above a = 1 (the limits need a < b), got 0');
    expect(() => integrate1d(Math.sin, NaN, 0)).to.throw('integrate1d: a must be');
    expect(() => integrate1d(() => NaN, 0, 1)).to.throw('integrate1d: f must return a number, not NaN, at every point of the interval, got NaN at x = ');
  });

  it('a Monte Carlo check passes within 4 SE and fails outside', () => {
    const z = rng(11).normalArray(10000);
    const ok = checkMonteCarlo('E z = 0', z, 0, { id: 'T1' });
    expect(ok.pass).to.equal(true);
    expect(ok.se).to.be.closeTo(0.01, 0.001);
    const bad = checkMonteCarlo('E z = 0.1', z, 0.1);
    expect(bad.pass).to.equal(false);
    expect(Math.abs(bad.z!)).to.be.greaterThan(4);
    expect(() => checkMonteCarlo('exact', 1, 1)).to.throw('use checkClose');
  });

  it('finite differences agree with an analytic gradient and catch a wrong one', () => {
    const f = ([a, b]: number[]) => a * a * b + Math.sin(b);
    const grad = ([a, b]: number[]) => [2 * a * b, a * a + Math.cos(b)];
    expect(checkGradient('grad f', f, grad([1.3, -0.4]), [1.3, -0.4]).pass).to.equal(true);
    expect(checkGradient('wrong grad', f, [2.6 * -0.4, 1.69], [1.3, -0.4]).pass).to.equal(false);
  });

  it('a table of results displays as HTML and text and reports failures by name', () => {
    const table = checkTable(checkClose('1 = 1', 1, 1, { id: 'D00' }), checkClose('1 ≈ 2', 1, 2));
    const bundle = table.toMimeBundle();
    expect(bundle['text/html']).to.contain('<table').and.contain('D00');
    expect(bundle['text/plain']).to.match(/^id\s+check/);
    expect(table.allPass).to.equal(false);
    expect(() => table.assertAll()).to.throw('1 ≈ 2');
  });
});

describe('check (homework feedback)', () => {
  it('prints ✓ on success and throws feedback naming the input, expected against got, and the hint', () => {
    const { check } = require('../../src') as typeof import('../../src');
    expect(() => check('sum', 3, 3)).to.not.throw();
    expect(() => check('sum', 4, 3, { input: 'x = [1, 2]', hint: 'add them' })).to.throw('✗ sum for x = [1, 2]: expected 3 ± 3.00e-6, got 4. Hint: add them');
    expect(() => check('vector', [1, 2.5], [1, 2])).to.throw('(entry 1): expected 2');
    expect(() => check('missing', undefined, 1)).to.throw('got undefined (did the function return a value?)');
    expect(() => check('length', [1], [1, 2])).to.throw('expected 2 number(s), got 1');
  });
});
