// Homework: the student and instructor versions come from one source; the instructor version passes its
// checks, the student version fails with feedback; grading three submissions gives the expected scores.
import { expect } from 'chai';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { root, runPython } from '../support/jupyter';

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-assign-'));
const sourceOf = (cell: { source: string | string[] }) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source);
interface Nb { cells: { cell_type: string; source: string | string[]; metadata: Record<string, unknown> }[] }
const read = (p: string): Nb => JSON.parse(fs.readFileSync(p, 'utf8'));
const A1 = 'a1-exact-inference-and-importance-sampling.ipynb';

/** Rows of a CSV file written by Python's csv module (quoted fields may hold commas, quotes and newlines). */
function readCsv(file: string): { student: string; exercise: string; points: number; feedback: string }[] {
  const text = fs.readFileSync(file, 'utf8');
  const rows: string[][] = [];
  let row: string[] = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += ch;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  const [head, ...body] = rows;
  return body.map((r) => {
    const o = Object.fromEntries(head.map((c, i) => [c, r[i]]));
    return { student: o.student, exercise: o.exercise, points: Number(o.points), feedback: o.feedback };
  });
}

describe('homework: assignments and grading', function () {
  this.timeout(600_000);

  before(() => {
    const r = runPython('kernel/assignments.py', ['generate', '--out', out]);
    expect(r.status, r.output).to.equal(0);
  });

  it('one source per assignment (one per lecture group) gives a student and an instructor version', () => {
    const sources = fs.readdirSync(path.join(root, 'notebooks', 'exercises')).filter((f) => f.endsWith('.ipynb'));
    expect(sources).to.have.length(4);
    for (const f of sources) {
      const student = read(path.join(out, 'student', f)).cells.map(sourceOf).join('\n');
      const instructor = read(path.join(out, 'instructor', f)).cells.map(sourceOf).join('\n');
      expect(student).to.not.contain('SOLUTION');
      expect(student).to.contain('not implemented yet');
      expect(instructor).to.not.contain('SOLUTION');
      expect(instructor).to.not.contain('not implemented yet');
    }
    const a1 = read(path.join(out, 'student', A1)).cells.map(sourceOf).join('\n');
    expect(a1).to.not.contain('Math.exp(l - lse)'); // the answer is gone from the student version
  });

  it('the instructor version passes every check; the student version fails each with feedback', () => {
    const rInst = runPython('kernel/assignments.py', ['grade', path.join(out, 'instructor'), '--out', path.join(out, 'g-inst'), '--timeout', '60']);
    expect(rInst.status, rInst.output).to.equal(0);
    const inst = readCsv(path.join(out, 'g-inst', 'grades.csv'));
    expect(inst.length).to.equal(11);
    inst.forEach((r) => expect(r.points, `${r.student} ${r.exercise}: ${r.feedback}`).to.be.greaterThan(0));
    expect(inst.every((r) => r.feedback.includes('✓'))).to.equal(true);
    const rStud = runPython('kernel/assignments.py', ['grade', path.join(out, 'student'), '--out', path.join(out, 'g-stud'), '--timeout', '60']);
    expect(rStud.status, rStud.output).to.equal(0);
    const stud = readCsv(path.join(out, 'g-stud', 'grades.csv'));
    stud.forEach((r) => { expect(r.points).to.equal(0); expect(r.feedback).to.contain('not implemented yet'); });
    expect(fs.readFileSync(path.join(out, 'g-stud', 'grades.md'), 'utf8')).to.contain('| student | total | max |');
  });

  it('grades a perfect, a partial and a broken submission (a throw and an infinite loop) as expected', () => {
    const subs = path.join(out, 'submissions');
    fs.mkdirSync(subs, { recursive: true });
    const base = read(path.join(out, 'instructor', A1));
    const edit = (name: string, change: (src: string) => string) => {
      const nb = JSON.parse(JSON.stringify(base)) as Nb;
      nb.cells.forEach((c) => { c.source = change(sourceOf(c)); });
      fs.writeFileSync(path.join(subs, `${name}.ipynb`), JSON.stringify(nb));
    };
    edit('perfect', (s) => s);
    // partial: a plain average instead of the self-normalized one
    edit('partial', (s) => s.replace('return w.reduce((s, wi, i) => s + wi * values[i], 0) / total;', 'return values.reduce((a, b) => a + b, 0) / values.length;'));
    // broken: exercise 1.1 throws, exercise 1.3 never finishes
    edit('broken', (s) => s
      .replace('const m = Math.max(...logJoint);', 'const m = (undefined as unknown as { x: number }).x;')
      .replace('return w.reduce((a, b) => a + b, 0) ** 2 / w.reduce((a, b) => a + b * b, 0);', 'while (true) {}'));
    const t0 = Date.now();
    const r = runPython('kernel/assignments.py', ['grade', subs, '--out', path.join(out, 'g-sample'), '--timeout', '10']);
    expect(r.status, r.output).to.equal(0);
    const rows = readCsv(path.join(out, 'g-sample', 'grades.csv'));
    const total = (s: string) => rows.filter((x) => x.student === s).reduce((a, b) => a + b.points, 0);
    expect([total('perfect'), total('partial'), total('broken')]).to.deep.equal([5, 3, 2]);
    const partial = rows.find((x) => x.student === 'partial' && x.exercise === 'ex1.2')!;
    expect(partial.feedback).to.contain('✗ self-normalized estimate for log w = [0, log 3], f = [1, 2]: expected 1.75').and.contain('got 1.5');
    expect(rows.find((x) => x.student === 'broken' && x.exercise === 'ex1.1')!.feedback).to.contain('TypeError');
    expect(rows.find((x) => x.student === 'broken' && x.exercise === 'ex1.3')!.feedback).to.match(/stopped after 10 s|Interrupted/);
    expect(Date.now() - t0).to.be.lessThan(180_000);
  });
});
