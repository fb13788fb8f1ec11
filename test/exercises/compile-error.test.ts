// A student's cell that does not compile is reported as a compile error with its line (issue 34), not as
// "the output was tampered with or lost".
import { expect } from 'chai';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { runPython } from '../support/jupyter';

const A1 = 'a1-exact-inference-and-importance-sampling';

describe('grading: a compile error in a student\'s cell', function () {
  this.timeout(900_000);
  it('is reported with the cell and its line, and the exercise earns nothing', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'compile-error-'));
    try {
      const out = path.join(tmp, 'out'), subs = path.join(tmp, 'subs'), grades = path.join(tmp, 'grades');
      const g = runPython('tools/assignments.py', ['generate', '--out', out]);
      expect(g.status, g.output).to.equal(0);
      const nb = JSON.parse(fs.readFileSync(path.join(out, 'instructor', `${A1}.ipynb`), 'utf8'));
      const src = (c: { source: string | string[] }) => (Array.isArray(c.source) ? c.source.join('') : c.source);
      const cell = nb.cells.find((c: { source: string | string[] }) => src(c).startsWith('function mixturePosterior('));
      expect(cell, 'the solution cell of ex1.1').to.not.equal(undefined);
      // a syntax error on the solution's second line
      cell.source = src(cell).replace(/\n/, '\n  const oops = ;\n');
      fs.mkdirSync(subs);
      fs.writeFileSync(path.join(subs, 'typo.ipynb'), JSON.stringify(nb));
      const r = runPython('tools/assignments.py', ['grade', subs, '--out', grades, '--assignment', A1, '--timeout', '20'], 880_000);
      expect(r.status, r.output).to.equal(0);
      const csv = fs.readFileSync(path.join(grades, 'grades.csv'), 'utf8');
      expect(csv, csv).to.match(/ex1\.1,0\.0,2\.0,"?✗ compile error: your code cell 2 did not compile: line 2: Expression expected/);
      expect(csv).to.not.contain('tampered with or lost');
      // the other exercises do not depend on that cell and still earn their points
      expect(csv).to.match(/ex1\.2,2\.0,2\.0/);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
