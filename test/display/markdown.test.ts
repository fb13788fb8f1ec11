import { expect } from 'chai';
import { md, Markdown } from '../../src/display/markdown';

describe('md (markdown with computed values)', () => {
  it('puts numbers, strings and estimates into the text and shows text/markdown with a plain fallback', () => {
    const share = { value: 0.6543, se: 0.0297 };
    const m = md`The share is ${share}; **${12}** of ${'ten'} at $p = ${0.123456}$.`;
    expect(m).to.be.instanceOf(Markdown);
    const bundle = m.toMimeBundle();
    expect(bundle['text/markdown']).to.equal('The share is 0.65 ± 0.03; **12** of ten at $p = 0.123$.');
    expect(bundle['text/plain']).to.equal('The share is 0.65 ± 0.03; 12 of ten at p = 0.123.');
  });

  it('keeps LaTeX backslashes (the raw text) and removes shared indentation', () => {
    const m = md`
      $\bar\alpha_t = ${0.5}$ and \%
        indented`;
    expect(m.text).to.equal('$\\bar\\alpha_t = 0.5$ and \\%\n  indented');
  });

  it('undoes the template\'s own escapes of backticks and ${', () => {
    expect(md`use \`sample\` with \${x}`.text).to.equal('use `sample` with ${x}');
  });

  it('formats small and large numbers readably, estimates to the first digit of their SE', () => {
    expect(md`${1.5e-5} ${2.5e7} ${2.5e7 + 0.5} ${-3.14159}`.text).to.equal('1.50e-5 25000000 2.50e+7 -3.14');
    expect(md`${{ value: -97.312, se: 0.41 }}`.text).to.equal('-97.3 ± 0.4');
    expect(md`${{ value: 5, se: 0 }}`.text).to.equal('5.00 ± 0.00');
  });

  it('refuses a value a sentence cannot state, naming md and the value', () => {
    expect(() => md`a ${NaN}`).to.throw(/md: values\[0\] \(value 1 in the text\) must be .*, got NaN/);
    expect(() => md`a ${1} b ${Infinity}`).to.throw(/md: values\[1\] \(value 2 in the text\) must be .*, got Infinity/);
    expect(() => md`a ${undefined as unknown as number}`).to.throw(/md: values\[0\] \(value 1 in the text\) must be .*, got undefined/);
    expect(() => md`a ${{ value: 1, se: NaN }}`).to.throw(/md: values\[0\] \(value 1 in the text\) must be .*, got an estimate 1 ± NaN/);
  });
});
