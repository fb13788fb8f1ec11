// A derivation's plain-text form reads its LaTeX as Unicode.
import { expect } from 'chai';
import { latexToText } from '../../src/check/latex-text';

describe('check/latex-text', () => {
  it('reads the commands derivation lines use', () => {
    expect(latexToText('\\tfrac12(\\mu^2 + \\sigma^2 - 1) - \\log\\sigma')).to.equal('½(μ² + σ² − 1) − log σ');
    expect(latexToText('\\mathbb E_{q}[\\log p(x,z)] \\le \\log p(x)')).to.equal('𝔼_q[log p(x,z)] ≤ log p(x)');
    expect(latexToText('\\frac{a+b}{2} \\ge \\sqrt{ab}')).to.equal('(a+b)/2 ≥ √(ab)');
    expect(latexToText('\\mathcal N(z; M^{-1}W^\\top x, \\sigma^2 I)')).to.equal('𝒩(z; M⁻¹Wᵀ x, σ² I)');
    expect(latexToText('p(z \\mid x) \\propto p(x \\mid z) + \\text{const}')).to.equal('p(z | x) ∝ p(x | z) + const');
    expect(latexToText('x_{t-1} = \\left( x_t \\right)')).to.equal('xₜ₋₁ = (xₜ)');
    expect(latexToText('x^{(i)}')).to.equal('x^(i)');
    // an unknown command is kept as written
    expect(latexToText('\\weird{x}')).to.equal('\\weirdx');
  });
});
