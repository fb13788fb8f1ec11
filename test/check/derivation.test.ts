// Worked derivations (issue 12): the builder, its verdicts and display, and ledger derivations
// (D06/D07, D12/D14/D15, D17, D41) written as an instructor would write them on the board.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { derivation, estimateMean, rng, Rng, PPCA, Normal, MultivariateNormal, kl, integrate1d } from '../../src';
import { finiteDifferenceValue, parseRelation } from '../../src/check/derivation';
import { replicate } from '../../src/check/replicate';
import { logGaussian, logGaussianDiagonal, logGaussianIsotropic, logGaussianMultivariate } from '../../src/math/gaussian-log-density';
import { klMonteCarlo } from '../../src/distributions/kl';
import { Matrix, inv, logDetSPD } from '../../src/math/linalg64';
import { DiffusionSchedule } from '../../src/models/diffusion/schedule';
import { values, expectNoLeak } from '../support/tensors';

const uniform = (g: Rng, lo: number, hi: number) => lo + (hi - lo) * g.nextUniform();
const normal64 = (x: number, m: number, s: number) => Math.exp(-0.5 * ((x - m) / s) ** 2) / (s * Math.sqrt(2 * Math.PI));

/** (a + b)² expanded, with a wrong step available: a derivation that is all exact arithmetic. */
function square(wrongAt?: number) {
  return derivation('(a + b)²', { setup: (g) => ({ a: g.nextNormal(), b: g.nextNormal() }) })
    .line('(a+b)^2', ({ a, b }) => (a + b) ** 2)
    .line('= (a+b)(a+b)', ({ a, b }) => (a + b) * (a + b))
    .line('= a^2 + 2ab + b^2', ({ a, b }) => a * a + (wrongAt === 3 ? 1 : 2) * a * b + b * b)
    .line('\\ge 2ab + 2ab', ({ a, b }) => 4 * a * b)
    .line('= 4ab', ({ a, b }) => 4 * a * b);
}

/** E[x²] for x ~ N(m, s²) by Monte Carlo, with its standard error. */
function secondMoment(g: Rng, m: number, s: number, n: number) {
  const xs = Array.from({ length: n }, () => (m + s * g.nextNormal()) ** 2);
  return estimateMean(xs);
}

describe('check/derivation (worked derivations)', () => {
  it('a correct multi-line derivation passes at every draw', () => {
    const r = square().check();
    expect(r.pass, r.firstFailure).to.equal(true);
    expect(r.firstFailure).to.equal(undefined);
    expect(r.steps.map((s) => [s.from, s.to, s.relation])).to.deep.equal([[1, 2, '='], [2, 3, '='], [3, 4, '>='], [4, 5, '=']]);
    for (const s of r.steps) {
      expect(s.perDraw).to.have.length(5);
      expect(s.perDraw.every((d) => d.pass && d.error <= d.tolerance)).to.equal(true);
    }
    expect(r.lines[0].value).to.have.length(1);
    expect(square().assert().pass).to.equal(true);
  });

  it('a wrong step fails at exactly that step, and the message names it', () => {
    const r = square(3).check();
    expect(r.pass).to.equal(false);
    // line 3 is wrong: the step into it fails, the steps away from it that do not involve it hold
    expect([r.steps[0].pass, r.steps[1].pass, r.steps[3].pass]).to.deep.equal([true, false, true]);
    expect(r.firstFailure).to.match(/^line 2 → line 3: differs by .* at draw 1/);
    expect(() => square(3).assert()).to.throw(Error, "derivation '(a + b)²': line 2 → line 3: differs by");
    // its size is the omitted ab
    const d = r.steps[1].perDraw[0];
    expect(d.error).to.be.closeTo(Math.abs(d.lhs - d.rhs), 1e-12);
  });

  it('catches an inequality in the wrong direction, and reports one that holds with equality', () => {
    const wrong = derivation('AM–GM, backwards', { setup: (g) => ({ a: uniform(g, 0.5, 2), b: uniform(g, 2.5, 4) }) })
      .line('\\tfrac{a+b}{2}', ({ a, b }) => (a + b) / 2)
      .line('\\le \\sqrt{ab}', ({ a, b }) => Math.sqrt(a * b))
      .check();
    expect(wrong.pass).to.equal(false);
    expect(wrong.firstFailure).to.match(/^line 1 → line 2: ≤ is violated by .* at draw 1/);
    const right = derivation('AM–GM', { setup: (g) => ({ a: uniform(g, 0.5, 2), b: uniform(g, 2.5, 4) }) })
      .line('&\\tfrac{a+b}{2}', ({ a, b }) => (a + b) / 2)
      .line('&\\geq \\sqrt{ab}', ({ a, b }) => Math.sqrt(a * b))
      .check();
    expect(right.pass).to.equal(true);
    expect(right.steps[0].tight).to.equal(false);
    // a ≤ that is an equality at every draw passes, but says so
    const tight = derivation('tight', { setup: (g) => ({ a: g.nextNormal() }) })
      .line('a^2', ({ a }) => a * a)
      .line('\\le |a|^2', ({ a }) => Math.abs(a) ** 2)
      .check();
    expect(tight.pass).to.equal(true);
    expect(tight.steps[0].tight).to.equal(true);
    expect(tight.steps[0].tightDraws).to.deep.equal([1, 2, 3, 4, 5]);
    expect(tight.steps[0].message).to.contain('holds with equality').and.contain('draws 1, 2, 3, 4, 5');
    expect(tight.toString()).to.contain('note: line 1 → line 2: ≤ holds with equality');
    // a strict inequality between exactly equal values does not hold
    const strict = derivation('strict', { setup: (g) => ({ a: g.nextNormal() }) })
      .line('a^2', ({ a }) => a * a).line('< |a|^2', ({ a }) => Math.abs(a) ** 2).check();
    expect(strict.pass).to.equal(false);
    expect(strict.firstFailure).to.contain('< is not strict');
  });

  it('reads the relation from the LaTeX or from options, and refuses a line without one', () => {
    expect(['= x', '  &= x', '\\le x', '\\leq x', '\\leqslant x', '≤ x', '\\ge x', '\\geq x', '≥ x', '< x', '\\lt x', '> x', '\\approx x', '≈ x'].map(parseRelation))
      .to.deep.equal(['=', '=', '<=', '<=', '<=', '<=', '>=', '>=', '>=', '<', '<', '>', '≈', '≈']);
    expect(parseRelation('\\left( x \\right)')).to.equal(undefined);
    expect(parseRelation('\\log x')).to.equal(undefined);
    const d = derivation('explicit', { setup: () => ({}) }).line('1', () => 1);
    expect(() => d.line('\\left(2\\right)', () => 2)).to.throw("line 2 (\\left(2\\right)): start the LaTeX with a relation");
    expect(d.line('\\text{two}', () => 2, { relation: '≤' }).check().steps[0].relation).to.equal('<=');
    expect(() => derivation('x', { setup: () => 0 }).line('1', () => 1, { relation: '=' })).to.throw("derivation 'x', line 1: options.relation must be left out on the first line: the first line has no relation to a previous line, got '='");
    expect(() => derivation('x', { setup: () => 0 }).line('1', () => 1, { printed: { latex: '1', value: () => 1 } })).to.throw("derivation 'x', line 1: options.printed must be left out on the first line: a printed form needs a previous line to be checked against, got");
    expect(() => derivation('x', { setup: () => 0, draws: 0 })).to.throw('draws must be a positive integer');
    expect(() => derivation('x', { setup: () => 0 }).check()).to.throw('add lines');
  });

  it('a Monte Carlo line passes within z·SE and fails when its SE is tiny and its value wrong', () => {
    const setup = (g: Rng) => ({ m: uniform(g, 0.5, 1.5), s: uniform(g, 0.5, 2) });
    const ok = derivation('E x² = m² + s²', { setup })
      .line('\\mathbb E[x^2] \\approx \\tfrac1n \\sum_i x_i^2', ({ m, s }, g) => secondMoment(g, m, s, 4000))
      .line('= m^2 + s^2', ({ m, s }) => m * m + s * s)
      .check();
    expect(ok.pass, ok.firstFailure).to.equal(true);
    for (const d of ok.steps[0].perDraw) {
      expect(d.se).to.be.greaterThan(0);
      expect(d.tolerance).to.be.at.least(4 * d.se);
    }
    // missing m²: wrong by far more than z·SE
    const missing = derivation('E x² = s²?', { setup })
      .line('\\tfrac1n \\sum_i x_i^2', ({ m, s }, g) => secondMoment(g, m, s, 4000))
      .line('= s^2', ({ s }) => s * s)
      .check();
    expect(missing.pass).to.equal(false);
    expect(missing.firstFailure).to.match(/^line 1 → line 2: differs by \S+ ± \S+ at draw 1 \(/);
    // the same estimate, its SE shrunk: the small error it has now exceeds z·SE
    const offset = (g: Rng, m: number, s: number, se: number) => { const e = secondMoment(g, m, s, 4000); return { value: e.value + 2 * e.se, se }; };
    const honest = derivation('honest SE', { setup }).line('\\hat\\mu', ({ m, s }, g) => { const e = secondMoment(g, m, s, 4000); return { value: e.value + 2 * e.se, se: e.se }; }).line('= m^2 + s^2', ({ m, s }) => m * m + s * s).check();
    const tiny = derivation('tiny SE', { setup }).line('\\hat\\mu', ({ m, s }, g) => offset(g, m, s, 1e-6)).line('= m^2 + s^2', ({ m, s }) => m * m + s * s).check();
    expect(honest.pass, honest.firstFailure).to.equal(true);
    expect(tiny.pass).to.equal(false);
  });

  it('a line that throws or returns NaN fails naming the line, without a crash', () => {
    const base = () => derivation('broken', { setup: (g) => ({ a: uniform(g, 1, 2) }) }).line('a', ({ a }) => a).line('= \\sqrt{a^2}', ({ a }) => Math.sqrt(a * a));
    const threw = base().line('= \\mathrm{oops}(a)', () => { throw new Error('no such function'); }).line('= a', ({ a }) => a).check();
    expect(threw.pass).to.equal(false);
    expect(threw.steps.map((s) => s.pass)).to.deep.equal([true, false, false]);
    expect(threw.firstFailure).to.equal('line 2 → line 3: line 3 (= \\mathrm{oops}(a)) threw at draw 1: no such function');
    const nan = base().line('= \\log(-a)', ({ a }) => Math.log(-a)).check();
    expect(nan.firstFailure).to.equal('line 2 → line 3: line 3 (= \\log(-a)) returned NaN at draw 1');
    const vecNaN = derivation('v', { setup: () => 0 }).line('[0, 1]', () => [0, 1]).line('= [0, 0/0]', () => [0, NaN]).check();
    expect(vecNaN.firstFailure).to.contain('returned NaN (entry 1)');
    const undef = derivation('u', { setup: () => 0 }).line('1', () => 1).line('= ?', (() => undefined) as unknown as () => number).check();
    expect(undef.firstFailure).to.contain('line 2 (= ?) threw at draw 1').and.contain('undefined');
    const single = derivation('one line', { setup: () => 0 }).line('\\sqrt{-1}', () => Math.sqrt(-1)).check();
    expect(single.pass).to.equal(false);
    expect(single.firstFailure).to.contain('line 1 (\\sqrt{-1}) returned NaN');
    const setup = derivation('bad setup', { setup: () => { throw new Error('x'); } }).line('1', () => 1).line('= 1', () => 1).check();
    expect(setup.firstFailure).to.equal('setup threw at draw 1: x');
    expect(threw.toMimeBundle()['text/html']).to.contain('no such function');
  });

  it('gives identical numbers for the same generator state and different numbers for another; the generator is not advanced', () => {
    const make = (seed: number) => derivation('seeded', { rng: rng(seed), draws: 4, setup: (g) => ({ m: g.nextNormal(), s: uniform(g, 0.5, 1) }) })
      .line('\\tfrac1n\\sum x_i^2', ({ m, s }, g) => secondMoment(g, m, s, 500))
      .line('\\approx m^2 + s^2', ({ m, s }) => m * m + s * s)
      .check();
    const a = make(7), b = make(7), c = make(8);
    expect(a.steps).to.deep.equal(b.steps);
    expect(a.lines).to.deep.equal(b.lines);
    expect(a.toMimeBundle()).to.deep.equal(b.toMimeBundle());
    expect(c.steps[0].perDraw[0].lhs).to.not.equal(a.steps[0].perDraw[0].lhs);
    // the derivation copies the generator's state: the caller's generator is where it was, and a rerun repeats
    const g = rng(7), before = g.getState();
    const d = derivation('seeded', { rng: g, draws: 2, setup: (h) => ({ m: h.nextNormal() }) }).line('m', ({ m }) => m).line('= m', ({ m }) => m);
    const first = d.check(), second = d.check();
    expect(g.getState()).to.deep.equal(before);
    expect(second.lines).to.deep.equal(first.lines);
    // without a generator: ll.rng(0)'s numbers
    const byDefault = derivation('default', { setup: (h) => ({ m: h.nextNormal() }) }).line('m', ({ m }) => m).line('= m', ({ m }) => m).check();
    const byZero = derivation('default', { rng: rng(0), setup: (h) => ({ m: h.nextNormal() }) }).line('m', ({ m }) => m).line('= m', ({ m }) => m).check();
    expect(byDefault.lines).to.deep.equal(byZero.lines);
    // every draw has its own point
    const lhs = a.steps[0].perDraw.map((d) => d.rhs);
    expect(new Set(lhs).size).to.equal(4);
  });

  it('checks a printed form beside the right one and marks it failing', () => {
    const r = derivation('KL(N(μ,σ²)‖N(0,1))', { setup: (g) => ({ m: g.nextNormal(), s: uniform(g, 0.3, 2) }) })
      .line('\\mathrm{KL}(\\mathcal N(\\mu,\\sigma^2)\\|\\mathcal N(0,1))', ({ m, s }) => integrate1d((x) => { const q = normal64(x, m, s); return q === 0 ? 0 : q * Math.log(q / normal64(x, 0, 1)); }, -Infinity, Infinity), { rtol: 1e-8 })
      .line('= \\tfrac12(\\mu^2 + \\sigma^2 - 1) - \\log\\sigma', ({ m, s }) => 0.5 * (m * m + s * s - 1) - Math.log(s), {
        printed: { source: 'lecture 004 (a made-up misprint)', latex: '= \\tfrac12(\\mu^2 + \\sigma^2 - 1) - \\log\\sigma^2', value: ({ m, s }) => 0.5 * (m * m + s * s - 1) - Math.log(s * s) },
      })
      .check();
    expect(r.pass, r.firstFailure).to.equal(true);
    expect(r.steps[0].pass).to.equal(true);
    expect(r.steps[0].printed!.pass).to.equal(false);
    expect(r.steps[0].printed!.message).to.match(/^line 1 → printed line 2 \(lecture 004 \(a made-up misprint\)\): differs by/);
    const html = r.toMimeBundle()['text/html'];
    // the relation sits in its own (aligned) column; the rest is set in display style
    expect(html).to.contain('<s>$\\displaystyle \\tfrac12(\\mu^2 + \\sigma^2 - 1) - \\log\\sigma^2$</s>');
    // the plain text reads the LaTeX as Unicode
    expect(r.toString()).to.contain('✗  =  printed (lecture 004 (a made-up misprint)): ½(μ² + σ² − 1) − log σ²');
  });

  it('displays as HTML (typeset lines, ✓/✗, numbers at draw 1) and text, escaping HTML', () => {
    const r = derivation('<script>alert(1)</script> & more', { setup: (g) => ({ a: uniform(g, 1, 2) }) })
      .line('a', ({ a }) => ({ value: a, se: 0.001 }))
      .line('< a + 1 & \\text{<b>}', ({ a }) => a + 1)
      .line('> a', ({ a }) => a)
      .line('= a', ({ a }) => a + 1)
      .check();
    const bundle = r.toMimeBundle();
    expect(Object.keys(bundle).sort()).to.deep.equal(['text/html', 'text/plain']);
    const html = bundle['text/html'];
    expect(html).to.not.contain('<script>').and.not.contain('\\text{<b>}');
    expect(html).to.contain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; more');
    expect(html).to.contain('$&lt;$</td><td style="text-align:left;padding:0.3em 0.5em">$\\displaystyle a + 1 &amp; \\text{&lt;b&gt;}$');
    expect(html).to.contain('✓').and.contain('✗').and.contain(' ± 0.001');
    expect(html).to.contain(`${r.lines[0].value![0].toPrecision(6).replace(/0+$/, '')} ± 0.001`);
    const text = bundle['text/plain'];
    expect(text.split('\n')[0]).to.equal('<script>alert(1)</script> & more — ✗ 1 failing at 5 draws (z = 4)');
    expect(text).to.contain('first failure: line 3 → line 4: differs by 1');
    // the builder is displayable too: a cell can end with it
    expect(derivation('d', { setup: () => 1 }).line('1', (s) => s).line('= 1', () => 1).toMimeBundle()['text/plain']).to.contain('✓ all 1 step hold');
  });

  it('compares vectors entry by entry, and finite-difference gradients within their tolerance', () => {
    const f = ([a, b]: number[]) => a * a * b + Math.sin(b);
    const grad = derivation('∇f', { setup: (g) => ({ theta: [g.nextNormal(), g.nextNormal()] }) })
      .line('\\nabla f(\\theta)', ({ theta }) => finiteDifferenceValue(f, theta))
      .line('= (2ab, a^2 + \\cos b)', ({ theta: [a, b] }) => Float64Array.from([2 * a * b, a * a + Math.cos(b)]))
      .check();
    expect(grad.pass, grad.firstFailure).to.equal(true);
    expect(grad.steps[0].perDraw[0].entry).to.be.oneOf([0, 1]);
    const wrong = derivation('∇f wrong', { setup: (g) => ({ theta: [g.nextNormal(), g.nextNormal()] }) })
      .line('\\nabla f(\\theta)', ({ theta }) => finiteDifferenceValue(f, theta))
      .line('= (2ab, a^2 - \\cos b)', ({ theta: [a, b] }) => [2 * a * b, a * a - Math.cos(b)])
      .check();
    expect(wrong.firstFailure).to.match(/differs by .*\(entry 1\)/);
    const sizes = derivation('sizes', { setup: () => 0 }).line('x', () => [1, 2]).line('= y', () => [1, 2, 3]).check();
    expect(sizes.firstFailure).to.equal('line 1 → line 2: line 1 has 2 entries, line 2 has 3');
  });

  it('accepts tensors, reads them with float32 tolerance, and leaks none', () => {
    const make = () => derivation('tensors', { setup: (g) => ({ x: g.normal([3]) }) })
      .line('\\sum_i x_i^2', ({ x }) => tf.sum(tf.square(x)))
      .line('= x^\\top x', ({ x }) => tf.dot(x, x))
      .line('= \\|x\\|^2 (float64)', ({ x }) => values(x).reduce((s, v) => s + v * v, 0))
      .line('\\ge 0', () => tf.scalar(0));
    const r = make().check();
    expect(r.pass, r.firstFailure).to.equal(true);
    expectNoLeak(() => make().check(), () => undefined);
    expectNoLeak(() => make().toMimeBundle(), () => undefined);
    // a tensor created outside the derivation is the caller's and stays alive
    const outside = tf.scalar(2);
    derivation('outside', { setup: () => outside }).line('2', (t) => t).line('= 2', () => 2).assert();
    expect(outside.isDisposed).to.equal(false);
    outside.dispose();
  });

  describe('ledger derivations, worked', () => {
    it('D06/D07 (PPCA): log N(x; μ, C) through the M×M matrix, and as log p(x, z) − log p(z | x) at any z', () => {
      derivation('PPCA log marginal', {
        setup: (g) => {
          const W = Array.from({ length: 4 }, () => [g.nextNormal(), g.nextNormal()]);
          const model = new PPCA(W, Array.from({ length: 4 }, () => g.nextNormal()), uniform(g, 0.1, 1));
          return { model, x: model.sample(g, 1).x[0], z: [g.nextNormal(), g.nextNormal()] };
        },
      })
        .line('\\log \\mathcal N(x; \\mu, WW^\\top + \\sigma^2 I)', ({ model, x }) => model.logMarginalDirect(x))
        .line('= -\\tfrac12\\left[D\\log 2\\pi + (D-M)\\log\\sigma^2 + \\log|M| + \\sigma^{-2}(x-\\mu)^\\top(I - WM^{-1}W^\\top)(x-\\mu)\\right]', ({ model, x }) => model.logMarginal(x))
        .line('= \\log p(x, z) - \\log \\mathcal N(z; M^{-1}W^\\top(x-\\mu), \\sigma^2 M^{-1})', ({ model, x, z }) => {
          const post = model.posterior(x);
          const S = new Matrix(post.covariance);
          const d = Matrix.columnVector(z.map((v, i) => v - post.mean[i]));
          const logPost = -0.5 * (z.length * Math.log(2 * Math.PI) + logDetSPD(S) + d.transpose().mmul(inv(S)).mmul(d).get(0, 0));
          return model.logJoint64(x, z) - logPost;
        })
        .assert();
    });

    it('D12/D14/D15 (PPCA, any Gaussian q): log p(x) ≥ ELBO = log p(x) − KL(q‖p(z|x)) = E_q log p(x|z) − KL(q‖p(z))', () => {
      const W = [[1, 0.5], [0.3, -1], [0.8, 0.2], [-0.4, 0.6]];
      const model = new PPCA(W, [0.5, -1, 0, 2], 0.3);
      const n = 3000;
      const r = derivation('the ELBO three ways', {
        draws: 3,
        setup: (g) => ({ x: model.sample(g, 1).x[0], m: [g.nextNormal(), g.nextNormal()], s: [uniform(g, 0.3, 1.2), uniform(g, 0.3, 1.2)] }),
      })
        .line('\\log p(x)', ({ x }) => model.logMarginal(x))
        .line('\\ge \\mathbb E_{q}[\\log p(x,z) - \\log q(z)]', ({ x, m, s }, g) => {
          const w = Array.from({ length: n }, () => {
            const e = [g.nextNormal(), g.nextNormal()];
            const z = [m[0] + s[0] * e[0], m[1] + s[1] * e[1]];
            const logQ = -0.5 * (e[0] ** 2 + e[1] ** 2) - Math.log(2 * Math.PI) - Math.log(s[0] * s[1]);
            return model.logJoint64(x, z) - logQ;
          });
          return estimateMean(w);
        })
        .line('\\approx \\log p(x) - \\mathrm{KL}(q(z)\\,\\|\\,p(z|x))', ({ x, m, s }) => {
          const q = new MultivariateNormal({ loc: m, covariance: [[s[0] ** 2, 0], [0, s[1] ** 2]] });
          return tf.sub(model.logMarginal(x), kl(q, model.posteriorDistribution(x)));
        })
        .line('\\approx \\mathbb E_q[\\log p(x|z)] - \\mathrm{KL}(q(z)\\,\\|\\,p(z))', ({ x, m, s }, g) => {
          const lik = Array.from({ length: n }, () => {
            const z = [m[0] + s[0] * g.nextNormal(), m[1] + s[1] * g.nextNormal()];
            return model.logJoint64(x, z) + 0.5 * (z[0] ** 2 + z[1] ** 2) + Math.log(2 * Math.PI);
          });
          const e = estimateMean(lik);
          const klPrior = tf.tidy(() => values(kl(new Normal([m], [s], { eventDims: 1 }), new Normal([[0, 0]], [[1, 1]], { eventDims: 1 })))[0]);
          return { value: e.value - klPrior, se: e.se };
        })
        .check();
      expect(r.pass, r.firstFailure).to.equal(true);
      // q is never the posterior here, so the Jensen gap is real: the first step is not tight
      expect(r.steps[0].tight).to.equal(false);
    });

    it('D17: KL(N(μ,σ²)‖N(0,1)) — library, quadrature, closed form and Monte Carlo agree', () => {
      derivation('KL to the standard normal', { setup: (g) => ({ m: g.nextNormal(), s: uniform(g, 0.3, 2) }) })
        .line('\\mathrm{KL}(\\mathcal N(\\mu,\\sigma^2)\\,\\|\\,\\mathcal N(0,1))', ({ m, s }) => kl(new Normal(m, s), new Normal(0, 1)))
        .line('= \\int q(x)\\log\\frac{q(x)}{p(x)}\\,dx', ({ m, s }) => integrate1d((x) => { const q = normal64(x, m, s); return q === 0 ? 0 : q * Math.log(q / normal64(x, 0, 1)); }, -Infinity, Infinity), { rtol: 1e-8 })
        .line('= \\tfrac12(\\mu^2 + \\sigma^2 - 1) - \\log\\sigma', ({ m, s }) => 0.5 * (m * m + s * s - 1) - Math.log(s))
        .line('\\approx \\tfrac1n\\sum_i [\\log q(x_i) - \\log p(x_i)],\\ x_i \\sim q', ({ m, s }, g) => {
          const mc = klMonteCarlo(g, new Normal(m, s), new Normal(0, 1), { samples: 20000 });
          return mc;
        })
        .assert();
    });

    it('D41: a consistency term of the diffusion ELBO is δ_t²/(2σ_t²)‖x̂ − x_0‖²', () => {
      const S = DiffusionSchedule.linear(10, 1e-3, 0.1);
      derivation('diffusion KL term', {
        setup: (g) => ({ t: 2 + g.int(9), x0: [g.nextNormal(), g.nextNormal()], xt: [g.nextNormal(), g.nextNormal()], xhat: [g.nextNormal(), g.nextNormal()] }),
      })
        .line('\\mathrm{KL}(q(x_{t-1}|x_t,x_0)\\,\\|\\,p_\\theta(x_{t-1}|x_t))', ({ t, x0, xt, xhat }) => {
          const { gamma, delta, sigma2 } = S.posterior(t);
          const mean = (x: number[]) => [xt.map((v, i) => gamma * v + delta * x[i])];
          return kl(new Normal(mean(x0), Math.sqrt(sigma2), { eventDims: 1 }), new Normal(mean(xhat), Math.sqrt(sigma2), { eventDims: 1 }));
        }, { rtol: 1e-4 })
        .line('= \\frac{\\|(\\gamma_t x_t + \\delta_t x_0) - (\\gamma_t x_t + \\delta_t \\hat x)\\|^2}{2\\sigma_t^2}', ({ t, x0, xt, xhat }) => {
          const { gamma, delta, sigma2 } = S.posterior(t);
          return xt.reduce((sum, v, i) => sum + ((gamma * v + delta * x0[i]) - (gamma * v + delta * xhat[i])) ** 2, 0) / (2 * sigma2);
        })
        .line('= \\frac{\\delta_t^2}{2\\sigma_t^2}\\|\\hat x - x_0\\|^2', ({ t, x0, xhat }) => S.klWeight(t) * ((xhat[0] - x0[0]) ** 2 + (xhat[1] - x0[1]) ** 2))
        .assert();
    });
  });

  describe('as an instructor writes them (issue 34)', () => {
    // PPCA: W [4, 2], μ [4], σ²; x drawn from the model; z a free point of the latent space
    const ppcaSetup = (g: Rng) => {
      const W = Array.from({ length: 4 }, () => [g.nextNormal(), g.nextNormal()]);
      const model = new PPCA(W, Array.from({ length: 4 }, () => g.nextNormal()), uniform(g, 0.2, 1));
      return { model, x: model.sample(g, 1).x[0], z: [g.nextNormal(), g.nextNormal()] };
    };
    type PPCAState = ReturnType<typeof ppcaSetup>;
    const mean = (model: PPCA, z: number[]) => model.W.mmul(Matrix.columnVector(z)).to1DArray().map((v, i) => v + model.mu[i]);
    const redrawZ = { z: (g: Rng) => [2 * g.nextNormal(), 2 * g.nextNormal()] };
    const logPosterior = ({ model, x, z }: PPCAState) => { const p = model.posterior(x); return logGaussianMultivariate(z, p.mean, p.covariance); };
    const logJoint = ({ model, x, z }: PPCAState) => logGaussianIsotropic(x, mean(model, z), Math.sqrt(model.sigma2)) + logGaussianDiagonal(z, [0, 0], [1, 1]);
    const quadratic = ({ model, x, z }: PPCAState) => -mean(model, z).reduce((s, m, i) => s + (x[i] - m) ** 2, 0) / (2 * model.sigma2) - 0.5 * (z[0] ** 2 + z[1] ** 2);

    it('= … + const: the PPCA posterior from Bayes\' rule without its normalizing constant, and a non-constant error caught', () => {
      const r = derivation('PPCA posterior', { setup: ppcaSetup, constantIn: redrawZ })
        .line('\\log p(z \\mid x)', logPosterior)
        .line('= \\log p(x \\mid z) + \\log p(z) + \\text{const}', logJoint)
        .line('= -\\tfrac{1}{2\\sigma^2}\\|x - Wz - \\mu\\|^2 - \\tfrac12\\|z\\|^2 + \\text{const}', quadratic)
        // lecture 001's printed posterior: N(M⁻¹Wᵀ(x − μ), σ²M⁻¹)
        .line('= -\\tfrac{1}{2\\sigma^2}(z - M^{-1}W^\\top(x-\\mu))^\\top M (z - M^{-1}W^\\top(x-\\mu)) + \\mathrm{const}', ({ model, x, z }) => {
          const M = model.mMatrix();
          const m = inv(M).mmul(model.W.transpose()).mmul(Matrix.columnVector(x.map((v, i) => v - model.mu[i]))).to1DArray();
          const d = Matrix.columnVector(z.map((v, i) => v - m[i]));
          return -d.transpose().mmul(M).mmul(d).get(0, 0) / (2 * model.sigma2);
        })
        .check();
      expect(r.pass, r.firstFailure).to.equal(true);
      expect(r.steps.map((s) => s.relation)).to.deep.equal(['+const', '+const', '+const']);
      // the constant is reported: log p(z|x) − log p(x, z) = −log p(x) at every z
      const { model, x } = ppcaSetup(rng(0).split().split());
      expect(r.steps[0].perDraw[0].lhs).to.be.closeTo(-model.logMarginal(x), 1e-8);
      // forgetting the prior is wrong by −½‖z‖², which is not a constant in z
      const wrong = derivation('PPCA posterior, prior forgotten', { setup: ppcaSetup, constantIn: redrawZ })
        .line('\\log p(z \\mid x)', logPosterior)
        .line('= -\\tfrac{1}{2\\sigma^2}\\|x - Wz - \\mu\\|^2 + \\text{const}', (s) => quadratic(s) + 0.5 * (s.z[0] ** 2 + s.z[1] ** 2))
        .check();
      expect(wrong.pass).to.equal(false);
      expect(wrong.firstFailure).to.match(/^line 1 → line 2: not constant in z: the difference previous − this is \S+ at the draw's z and \S+ at another at draw 1/);
      // without a stated variable the line is refused, naming the fix
      expect(() => derivation('x', { setup: ppcaSetup }).line('a', () => 1).line('= b + \\text{const}', () => 2)).to.throw('needs the variable it is constant in');
      expect(() => derivation('x', { setup: ppcaSetup }).line('a', () => 1).line('= b + \\text{const}', () => 2, { constantIn: { w: (g: Rng) => g.nextNormal() } as never }).check().assert())
        .to.throw("constantIn names 'w', which the state does not have");
      expect(['\\propto x', '∝ x', '= x + \\text{const}', '= x +\\, \\mathrm{const}', '= x + \\text{const.}', '= x + c'].map(parseRelation))
        .to.deep.equal(['∝', '∝', '+const', '+const', '+const', '=']);
    });

    it('∝: densities equal up to a factor; a missing non-constant factor fails; log-densities are pointed to + const', () => {
      // densities underflow far from the data: the redraws stay near z
      const near = { z: (g: Rng, st: PPCAState) => st.z.map((v) => v + 0.3 * g.nextNormal()) };
      const ok = derivation('p(z|x) ∝ p(x|z) p(z)', { setup: ppcaSetup, constantIn: near, variations: 3 })
        .line('p(z \\mid x)', (s) => Math.exp(logPosterior(s)))
        .line('\\propto p(x \\mid z)\\, p(z)', (s) => Math.exp(logJoint(s)))
        .check();
      expect(ok.pass, ok.firstFailure).to.equal(true);
      expect(ok.steps[0].relation).to.equal('∝');
      const wrong = derivation('p(z|x) ∝ p(x|z)?', { setup: ppcaSetup, constantIn: near })
        .line('p(z \\mid x)', (s) => Math.exp(logPosterior(s)))
        .line('\\propto p(x \\mid z)', (s) => Math.exp(logGaussianIsotropic(s.x, mean(s.model, s.z), Math.sqrt(s.model.sigma2))))
        .check();
      expect(wrong.pass).to.equal(false);
      expect(wrong.firstFailure).to.contain('not constant in z: the log ratio');
      const logs = derivation('log p(z|x) ∝ …', { setup: ppcaSetup, constantIn: redrawZ })
        .line('\\log p(z \\mid x)', logPosterior)
        .line('\\propto \\log p(x \\mid z) + \\log p(z)', logJoint)
        .check();
      expect(logs.pass).to.equal(false);
      expect(logs.firstFailure).to.contain('write "= … + \\text{const}"');
    });

    it('compares matrices (number[][], ll.math.Matrix, 2-D tensors) entry by entry and names the failing entry', () => {
      const make = (wrongEntry?: [number, number]) => derivation('posterior covariance', { setup: ppcaSetup })
        .line('\\Sigma_{z \\mid x}', ({ model, x }) => model.posterior(x).covariance)
        .line('= \\sigma^2 M^{-1}', ({ model }) => inv(model.mMatrix()).mul(model.sigma2))
        .line('= (I + W^\\top W / \\sigma^2)^{-1}', ({ model }) => {
          const c = inv(Matrix.eye(2).add(model.W.transpose().mmul(model.W).div(model.sigma2))).to2DArray();
          if (wrongEntry) c[wrongEntry[0]][wrongEntry[1]] += 1e-3;
          return c;
        })
        .line('= \\text{(float32)}', ({ model }) => tf.tidy(() => {
          const W = tf.tensor2d(model.W.to2DArray());
          return tf.linalg.bandPart(tf.eye(2), 0, 0).mul(0).add(tf.tensor2d(inv(Matrix.eye(2).add(new Matrix(W.transpose().matMul(W).arraySync() as number[][]).div(model.sigma2))).to2DArray()));
        }));
      const r = make().check();
      expect(r.pass, r.firstFailure).to.equal(true);
      expect(r.lines[0].shape).to.deep.equal([2, 2]);
      expect(r.toString()).to.match(/\[\[\S+, \S+\], \[\S+, \S+\]\]/);
      const wrong = make([1, 0]).check();
      expect(wrong.pass).to.equal(false);
      expect(wrong.steps[1].perDraw[0].index).to.deep.equal([1, 0]);
      expect(wrong.firstFailure).to.match(/^line 2 → line 3: differs by 0\.001 \(entry \[1\]\[0\]\) at draw 1/);
      const shapes = derivation('shapes', { setup: () => 0 }).line('A', () => [[1, 2], [3, 4]]).line('= B', () => [[1, 2, 3, 4]]).check();
      expect(shapes.firstFailure).to.equal('line 1 → line 2: line 1 is 2×2, line 2 is 1×4');
      const ragged = derivation('ragged', { setup: () => 0 }).line('A', () => [[1, 2], [3]]).check();
      expect(ragged.firstFailure).to.contain('row 1 has 1 entries, row 0 has 2');
    });

    it('a random realization used as an exact line fails with a hint to replicate it; replicated it passes with its SE', () => {
      const setup = (g: Rng) => ({ m: uniform(g, 0.5, 1.5), s: uniform(g, 0.5, 2) });
      const oneDraw = ({ m, s }: { m: number; s: number }, g: Rng) => (m + s * g.nextNormal()) ** 2;
      const exact = derivation('E x² from one draw', { setup })
        .line('\\mathbb E[x^2]', oneDraw)
        .line('= m^2 + s^2', ({ m, s }) => m * m + s * s)
        .check();
      expect(exact.pass).to.equal(false);
      expect(exact.firstFailure).to.contain('line 1 is not exact: with other random numbers it is').and.contain('ll.verify.replicate(n, f) or { replicates: n }');
      // a wrong exact line gets no such hint
      const wrongExact = derivation('wrong', { setup }).line('m^2', ({ m }) => m * m).line('= m^3', ({ m }) => m ** 3).check();
      expect(wrongExact.firstFailure).to.not.contain('replicate');
      const byOption = derivation('E x², replicated', { setup })
        .line('\\mathbb E[x^2]', oneDraw, { replicates: 3000 })
        .line('= m^2 + s^2', ({ m, s }) => m * m + s * s)
        .check();
      expect(byOption.pass, byOption.firstFailure).to.equal(true);
      expect(byOption.lines[0].se![0]).to.be.greaterThan(0);
      const byHelper = derivation('E x², replicated', { setup })
        .line('\\mathbb E[x^2]', replicate(3000, oneDraw))
        .line('= m^2 + s^2', ({ m, s }) => m * m + s * s)
        .check();
      expect(byHelper.steps).to.deep.equal(byOption.steps);
    });

    it('common random numbers catch a reversed L_K ≤ ELBO that independent draws miss at the same seed', () => {
      // z ~ N(0, 1), x | z ~ N(z, 1): the posterior is N(x/2, 1/2); q is close to it, so L_8 − ELBO is small
      const K = 8, SEED = 2;
      const logW = (x: number, z: number, m: number, s: number) => logGaussian(z, 0, 1) + logGaussian(x, z, 1) - logGaussian(z, m, s);
      const make = (commonRandomNumbers: boolean, seed = SEED) => derivation('L_8 ≤ ELBO (reversed)', {
        rng: rng(seed), draws: 2, commonRandomNumbers,
        setup: (g) => { const x = 1.4 * g.nextNormal(); return { x, m: x / 2 + 0.2, s: 0.65 }; },
      })
        .line('\\mathcal L_8 = \\mathbb E\\log\\tfrac18\\sum_k w_k', replicate(200, ({ x, m, s }, g) => {
          const lw = Array.from({ length: K }, () => logW(x, m + s * g.nextNormal(), m, s));
          const top = Math.max(...lw);
          return top + Math.log(lw.reduce((t, v) => t + Math.exp(v - top), 0) / K);
        }))
        .line('\\le \\mathbb E\\,\\tfrac18\\sum_k \\log w_k = \\mathrm{ELBO}', replicate(200, ({ x, m, s }, g) =>
          Array.from({ length: K }, () => logW(x, m + s * g.nextNormal(), m, s)).reduce((t, v) => t + v, 0) / K))
        .check();
      // seeds 0–29: common random numbers catch it at all 30; independent draws miss it at 16 (seed 2 is one)
      const independent = make(false), common = make(true);
      expect(independent.pass, 'independent draws miss the reversed inequality at this seed').to.equal(true);
      expect(common.pass).to.equal(false);
      expect(common.firstFailure).to.match(/≤ is violated by \S+ ± \S+/);
      // the paired SE is what makes the difference: far below the independent one
      expect(common.steps[0].perDraw[0].se).to.be.lessThan(independent.steps[0].perDraw[0].se / 3);
    });

    it('shows the numbers of the failing draw (or every draw on demand), aligned relations, readable text', () => {
      // wrong only where a > 1.5: with a ~ U(1, 2) the first draws may hold
      const r = derivation('fails at some draw', { setup: (g) => ({ a: uniform(g, 1, 2) }), draws: 6 })
        .line('\\min(a, \\tfrac32)', ({ a }) => Math.min(a, 1.5))
        .line('= a', ({ a }) => a)
        .check();
      expect(r.pass).to.equal(false);
      const bad = r.steps[0].perDraw.findIndex((d) => !d.pass) + 1;
      expect(r.shownDraw).to.equal(bad);
      const html = r.toMimeBundle()['text/html'];
      expect(html).to.contain(`<th>at draw ${bad}</th>`).and.contain(String(Number(r.lines[1].draws[bad - 1].value![0].toPrecision(6))));
      const all = r.show({ draws: 'all' }).toMimeBundle();
      for (let k = 1; k <= 6; k++) expect(all['text/html']).to.contain(`<th>at draw ${k}</th>`);
      expect(all['text/plain'].split('\n')[1]).to.contain('at draw 1').and.contain('at draw 6');
      expect(() => r.show({ draws: 7 })).to.throw('draws must be');
      expect(r.toString()).to.contain('min(a, 3/2)').and.not.contain('\\tfrac');
      expect(html).to.contain('$\\displaystyle \\min(a, \\tfrac32)$');
    });

    it('toLatex: an align environment with ✓/✗ marks that MathJax typesets without an error', async () => {
      const r = derivation('AM–GM', { setup: (g) => ({ a: uniform(g, 0.5, 2), b: uniform(g, 2.5, 4) }) })
        .line('\\tfrac{a+b}{2}', ({ a, b }) => (a + b) / 2)
        .line('&\\geq \\sqrt{ab}', ({ a, b }) => Math.sqrt(a * b))
        .line('= \\exp\\tfrac12(\\log a + \\log b)', ({ a, b }) => Math.exp(0.5 * (Math.log(a) + Math.log(b))))
        .line('> \\sqrt{ab} + 1', ({ a, b }) => Math.sqrt(a * b) + 1)
        .check();
      const tex = r.toLatex();
      expect(tex).to.equal([
        '% AM–GM — ✗ 1 failing at 5 draws (z = 4)',
        '\\begin{align}',
        '\\tfrac{a+b}{2} &\\geq \\sqrt{ab} && \\checkmark \\\\',
        '&= \\exp\\tfrac12(\\log a + \\log b) && \\checkmark \\\\',
        '&> \\sqrt{ab} + 1 && \\times',
        '\\end{align}',
      ].join('\n'));
      expect(r.toLatex({ marks: false, environment: 'align*' })).to.contain('\\begin{align*}').and.not.contain('checkmark');
      const mathjax = require('mathjax') as { init(o: object): Promise<{ tex2svg(t: string, o: object): unknown; startup: { adaptor: { outerHTML(n: unknown): string } } }> };
      const MathJax = await mathjax.init({ loader: { load: ['input/tex-full', 'output/svg'] } });
      const typeset = (t: string) => MathJax.startup.adaptor.outerHTML(MathJax.tex2svg(t.split('\n').filter((l) => !l.startsWith('%')).join('\n'), { display: true }));
      expect(typeset(tex)).to.not.contain('merror');
      // the check itself can fail: a broken brace is an error
      expect(typeset(tex.replace('\\sqrt{ab} &&', '\\sqrt{ab &&'))).to.contain('merror');
    });
  });
});
