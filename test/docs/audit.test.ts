import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import {
  AUDIT_MD, STATUSES, TEXTS, auditMarkdown, auditRows, counts, formulaLines, isFormulaLine, parseLines, readmeWithCounts,
} from '../../scripts/audit';

/** Texts whose every formula line an audit row covers (see docs/audit.md for the others' gaps). */
const COMPLETE = ['000', '001', '002', '003', '004'];

const ROOT = path.resolve(__dirname, '..', '..');
const auditTests = fs.readdirSync(__dirname).filter((f) => /^audit-.*\.test\.ts$/.test(f))
  .map((f) => fs.readFileSync(path.join(__dirname, f), 'utf8')).join('\n');

describe('the printed-formula audit (scripts/audit.ts, docs/audit.md)', () => {
  const rows = auditRows();
  const manifest = formulaLines();

  it('parses line specs and rejects malformed ones', () => {
    expect(parseLines('170')).to.deep.equal([170]);
    expect(parseLines('192, 196–197')).to.deep.equal([192, 196, 197]);
    expect(parseLines('slide 3')).to.equal(null);
    expect(parseLines('9-7')).to.equal(null);
  });

  it('counts a line as a formula line by its math, not its words', () => {
    expect(isFormulaLine('$$\\bar{f} = E f(x)$$')).to.equal(true);
    expect(isFormulaLine('- Choose p(z) = N(0,I)')).to.equal(true);
    expect(isFormulaLine('abla_{\\lambda} \\log q')).to.equal(true);
    expect(isFormulaLine('- Easy to sample from it')).to.equal(false);
  });

  it('has a manifest of formula lines for each of the five texts', () => {
    for (const t of TEXTS) expect(manifest[t]?.formulaLines.length ?? 0, `text ${t}`).to.be.greaterThan(0);
  });

  it('names, in every row, a lecture text, lines inside it, the printed form and a valid status', () => {
    const bad = rows.filter((r) => !(TEXTS as readonly string[]).includes(r.text)
      || parseLines(r.lineSpec) === null
      || r.lines.some((l) => l < 1 || l > (manifest[r.text]?.lineCount ?? 0))
      || !r.printed || !(STATUSES as readonly string[]).includes(r.status) || !r.check);
    expect(bad.map((r) => `${r.notebook}: ${r.text} ${r.lineSpec} ${r.status}`)).to.deep.equal([]);
  });

  it('points every ✓ and ✗ at a check, and every cited audit test exists', () => {
    const cited = rows.flatMap((r) => [...r.check.matchAll(/test "([^"]+)"/g)].map((m) => ({ r, title: m[1] })));
    const missing = cited.filter(({ title }) => !auditTests.includes(`it('${title}'`) && !auditTests.includes(`it("${title}"`));
    expect(missing.map(({ r, title }) => `${r.notebook} ${r.text}:${r.lineSpec} cites "${title}"`)).to.deep.equal([]);
    const unchecked = rows.filter((r) => (r.status === '✓' || r.status === '✗')
      && !/test "|§|section|cell|notebook|derivation|checks?\b/i.test(r.check));
    expect(unchecked.map((r) => `${r.notebook} ${r.text}:${r.lineSpec}`)).to.deep.equal([]);
  });

  it('covers every formula line of the complete texts', () => {
    for (const c of counts(rows, manifest).filter((k) => COMPLETE.includes(k.text))) {
      expect(c.uncovered, `lecture ${c.text}: formula lines without a row`).to.deep.equal([]);
    }
  });

  it('has docs/audit.md and the README counts up to date with the notebooks (npm run audit)', () => {
    expect(fs.readFileSync(AUDIT_MD, 'utf8') === auditMarkdown(rows, manifest), 'run `npm run audit`').to.equal(true);
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readmeWithCounts(readme, rows, manifest) === readme, 'run `npm run audit`').to.equal(true);
  });
});
