import { expect } from 'chai';
import * as fs from 'fs';
import { LEDGER, citations, definedIds, withGeneratedSection } from '../../scripts/ledger';

describe('docs/derivations.md, the ledger in the repository', () => {
  const text = fs.readFileSync(LEDGER, 'utf8');
  const defined = new Set(definedIds(text));

  it('defines each id once, and keeps the 53 of issues 1–29 (ids 1 to 56 but the merged 4, 21 and 28)', () => {
    expect(definedIds(text)).to.have.length(defined.size);
    const merged = [4, 21, 28].map((n) => `D${String(n).padStart(2, '0')}`);
    const kept = Array.from({ length: 56 }, (_, i) => `D${String(i + 1).padStart(2, '0')}`).filter((id) => !merged.includes(id));
    expect(kept.filter((id) => !defined.has(id))).to.deep.equal([]);
  });

  it('defines every id that code, tests and notebooks cite', () => {
    const undefinedIds = [...citations().keys()].filter((id) => !defined.has(id) && id !== 'D00');
    expect(undefinedIds, 'cited but not in docs/derivations.md').to.deep.equal([]);
  });

  it('has every id checked by at least one test', () => {
    const cites = citations();
    const unchecked = [...defined].filter((id) => (cites.get(id)?.tests.length ?? 0) === 0);
    expect(unchecked, 'ids no test cites').to.deep.equal([]);
  });

  it('lists where each id is checked as the code stands (npm run ledger)', () => {
    expect(withGeneratedSection(text) === text, 'run `npm run ledger`').to.equal(true);
  });
});
