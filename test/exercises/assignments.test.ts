// Homework: the student and instructor versions come from one source (hidden tests only in the
// instructor's); one grading run of a small class (--jobs 2) holds, for every assignment, the instructor
// and the student versions, and for assignment 1 an honest classmate and a cheat suite: each cheat earns
// nothing, honest work in the same notebook keeps its points, and grading finishes.
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { root, runPython } from '../support/jupyter';
import { A1, SOURCES, assignments, read, sourceOf, writeClass } from './fixtures';

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-assign-'));

interface Row { student: string; assignment: string; exercise: string; points: number; max: number; feedback: string; flags: string }
/** Rows of a CSV file written by Python's csv module (quoted fields may hold commas, quotes and newlines). */
function readCsv(file: string): Row[] {
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
    return { student: o.student, assignment: o.assignment, exercise: o.exercise, points: Number(o.points), max: Number(o.max), feedback: o.feedback, flags: o.flags };
  });
}

/** Every name the compiled library exports: top level and inside its namespaces (ll.models.x as "models.x"). */
function exportedNames(): string[] {
  const script = `const ll = require(${JSON.stringify(path.join(root, 'dist', 'src', 'index.js'))});
const names = [];
for (const [k, v] of Object.entries(ll)) {
  names.push(k);
  if (k !== 'tf' && v && typeof v === 'object' && [null, Object.prototype].includes(Object.getPrototypeOf(v))) for (const j of Object.keys(v)) names.push(k + '.' + j);
}
console.log(JSON.stringify(names));`;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8', env: { ...process.env, LATENT_NATIVE: '0' } });
  expect(r.status, r.stderr).to.equal(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

describe('homework: assignments and grading', function () {
  this.timeout(600_000);
  const subs = path.join(out, 'class');
  const grades = path.join(out, 'grades');
  let rows: Row[] = [];
  let seconds = 0;
  const row = (student: string, exercise: string) => {
    const r = rows.find((x) => x.student === student && x.exercise === exercise);
    if (!r) throw new Error(`no row for ${student} ${exercise}`);
    return r;
  };
  const total = (student: string) => rows.filter((x) => x.student === student).reduce((a, b) => a + b.points, 0);
  const victimBefore = () => fs.readFileSync(path.join(subs, 'victim.ipynb'), 'utf8');
  let victimText = '';

  before(() => {
    writeClass(out, subs);
    victimText = victimBefore();

    const t0 = Date.now();
    const g = runPython('tools/assignments.py', ['grade', subs, '--out', grades, '--jobs', '2', '--timeout', '12', '--memory-mb', '512']);
    seconds = (Date.now() - t0) / 1000;
    expect(g.status, g.output).to.equal(0);
    rows = readCsv(path.join(grades, 'grades.csv'));
    console.log(`      graded ${fs.readdirSync(subs).length} submissions in ${seconds.toFixed(0)} s`);
  });

  it('one source per assignment gives a student version (no solutions, no hidden tests) and an instructor version', () => {
    expect(assignments).to.have.length(4);
    for (const f of assignments) {
      const student = read(path.join(out, 'student', f)).cells.map(sourceOf).join('\n');
      const instructor = read(path.join(out, 'instructor', f)).cells.map(sourceOf).join('\n');
      expect(student).to.not.contain('SOLUTION');
      expect(student).to.contain('not implemented yet');
      expect(student).to.not.contain('HIDDEN TESTS');
      expect(instructor).to.contain('BEGIN HIDDEN TESTS');
      expect(instructor).to.not.contain('not implemented yet');
    }
    const a1 = read(path.join(out, 'student', A1)).cells.map(sourceOf).join('\n');
    expect(a1).to.not.contain('Math.exp(l - lse)');
    expect(a1).to.not.contain('mix2'); // a hidden test's input
  });

  it('the instructor versions score full marks, visible and hidden checks; the student versions score 0', () => {
    for (const f of assignments) {
      const name = f.replace('.ipynb', '');
      const inst = rows.filter((r) => r.student === `instructor-${name}`);
      const stud = rows.filter((r) => r.student === `student-${name}`);
      expect(inst.length).to.be.greaterThan(1);
      inst.forEach((r) => {
        expect(r.points, `${r.student} ${r.exercise}: ${r.feedback}`).to.equal(r.max);
        expect(r.feedback).to.contain('✓').and.contain('hidden test 1: passed');
      });
      expect(stud.map((r) => r.exercise)).to.deep.equal(inst.map((r) => r.exercise));
      stud.forEach((r) => { expect(r.points).to.equal(0); expect(r.feedback).to.contain('not implemented yet'); });
    }
    expect(rows.filter((r) => r.student.startsWith('instructor-')).reduce((a, b) => a + b.points, 0)).to.equal(21);
  });

  it('graded cells come from the source: edited, deleted, moved, re-pointed or added cells earn nothing and are flagged', () => {
    const r = rows.filter((x) => x.student === 'cheat-cells');
    expect(r.map((x) => [x.exercise, x.points, x.max])).to.deep.equal([['ex1.1', 0, 2], ['ex1.2', 0, 2], ['ex1.3', 0, 1]]);
    const flags = r[0].flags;
    expect(flags).to.contain("'ex1.1' was changed").and.contain("'ex1.2' was deleted").and.contain('moved')
      .and.contain("'ex1.3' has changed points").and.contain("'ex9' is not in the assignment");
    expect(row('victim', 'ex1.1').flags).to.equal('');
  });

  it('a patched checker, patched globals (Math, Array.prototype, JSON, console.log) and process.exit do not make wrong answers pass', () => {
    expect(total('cheat-globals')).to.equal(0);
    expect(row('cheat-globals', 'ex1.2').feedback).to.contain('✗');
  });

  it('process.exit (a solution and an unrelated cell) and a memory blow-up: the cheat earns nothing, honest work keeps its points', () => {
    expect(row('cheat-exit', 'ex1.1').points).to.equal(0);
    expect([row('cheat-exit', 'ex1.2').points, row('cheat-exit', 'ex1.3').points]).to.deep.equal([2, 1]);
  });

  it('a print flood, a loop in a timer, an infinite loop in a solution and a wrong answer: honest work keeps its points, the loop scores 0', () => {
    expect(row('cheat-loops', 'ex1.1').points).to.equal(2);
    const partial = row('cheat-loops', 'ex1.2');
    expect(partial.points).to.equal(0);
    expect(partial.feedback).to.contain('✗ self-normalized estimate for log w = [0, log 3], f = [1, 2]: expected 1.75').and.contain('got 1.5');
    expect(partial.feedback).to.match(/✗ hidden test \d: failed/);
    expect(partial.feedback).to.not.contain('log w = [1, 2, -500]'); // hidden tests: pass/fail only
    expect(row('cheat-loops', 'ex1.3').points).to.equal(0);
    expect(row('cheat-loops', 'ex1.3').feedback).to.match(/stopped after 12 s|Interrupted/);
  });

  it('the library reference as the answer, reading the source, writing a classmate\'s submission or the project: nothing gained', () => {
    expect(total('cheat-library-and-files')).to.equal(0);
    expect(row('cheat-library-and-files', 'ex1.1').feedback).to.contain('not available while grading');
    expect(row('cheat-library-and-files', 'ex1.3').feedback).to.contain('not available while grading');
    expect(row('cheat-library-and-files', 'ex1.2').feedback).to.match(/ERR_ACCESS_DENIED|Access to this API has been restricted/);
    expect(victimBefore()).to.equal(victimText);
    expect(fs.existsSync(path.join(root, 'build', 'pwned-by-homework.txt'))).to.equal(false);
    expect(total('victim')).to.equal(5);
  });

  it('no library export answers an exercise: each one named like a solution is listed and hidden while grading', () => {
    // The compiled library's names, at the top level and in its namespaces (ll.models.mixturePosterior64 is
    // "models.mixturePosterior64"). A plain name in library_answers is hidden wherever it appears; a dotted one exactly there.
    const paths = exportedNames();
    const leaf = (p: string) => p.slice(p.lastIndexOf('.') + 1);
    expect(paths).to.include('models.mixturePosterior64'); // the listing reaches into the namespaces
    for (const f of assignments) {
      const src = read(path.join(SOURCES, f));
      const answers: string[] = src.metadata.latent_lab?.library_answers ?? [];
      answers.forEach((a) => expect(a.includes('.') ? paths.includes(a) : paths.some((p) => leaf(p) === a),
        `${f}: library_answers names ${a}, which the library does not export`).to.equal(true));
      const hidden = (p: string) => answers.includes(p) || answers.includes(leaf(p));
      for (const c of src.cells) {
        const m = sourceOf(c).match(/function (\w+)\([^]*BEGIN SOLUTION/);
        if (!m) continue;
        const stem = m[1].toLowerCase();
        for (const p of paths) {
          const e = leaf(p).toLowerCase();
          if (e.startsWith(stem) || stem.startsWith(e) && e.length >= stem.length - 3) {
            expect(hidden(p), `${f}: ll.${p} looks like the answer to ${m[1]}, and library_answers does not list it`).to.equal(true);
          }
        }
      }
    }
    expect(row('cheat-library-and-files', 'ex1.3').points).to.equal(0);
  });

  it("requiring the answer's own module (by package path, by file, through node_modules/latent-lab) or reading the source through that symlink earns nothing; honest work keeps its points", () => {
    expect(row('cheat-deep-import', 'ex1.1').points).to.equal(0);
    expect(row('cheat-deep-import', 'ex1.1').feedback).to.contain('no deep import worked');
    expect(row('cheat-deep-import', 'ex1.2').points).to.equal(0);
    expect(row('cheat-deep-import', 'ex1.2').feedback).to.match(/ERR_ACCESS_DENIED|Access to this API has been restricted/);
    expect(row('cheat-deep-import', 'ex1.3').points).to.equal(1);
  });

  it('an interrupt in a grading kernel (permission model, no inspector) stops a cell\'s synchronous loop; a loop after an await is left to the watchdog', () => {
    const r = runPython('test/exercises/sandbox_interrupt.py', [], 400_000);
    expect(r.status, r.output).to.equal(0);
    const got = JSON.parse(r.output.trim().split('\n').pop()!);
    expect(got.sync.ename, r.output).to.equal('Interrupted');
    expect(got.sync.seconds).to.be.lessThan(5);
    expect(got.sync.next_cell).to.equal('ok');
    expect(got.after_await.seconds).to.equal(null); // documented: README, Homework
  });

  it('every submission has a row for every exercise, even unreadable and non-notebook files; a report per student', () => {
    for (const s of ['garbage-a1', 'empty-a1']) {
      expect(rows.filter((r) => r.student === s).map((r) => r.exercise)).to.deep.equal(['ex1.1', 'ex1.2', 'ex1.3']);
      rows.filter((r) => r.student === s).forEach((r) => { expect(r.points).to.equal(0); expect(r.feedback).to.contain('not a readable notebook'); });
    }
    const notes = rows.filter((r) => r.student === 'notes.txt');
    expect(notes).to.have.length(1);
    expect(notes[0].feedback).to.contain('could not tell which assignment');
    const students = new Set(rows.map((r) => r.student));
    expect(students.size).to.equal(fs.readdirSync(subs).length);
    const report = fs.readFileSync(path.join(grades, 'feedback', 'cheat-loops.md'), 'utf8');
    expect(report).to.contain('Total: **2 / 5**').and.contain('## ex1.2: 0 / 2').and.contain('Scoring: all-or-nothing');
    expect(fs.readFileSync(path.join(grades, 'grades.md'), 'utf8')).to.contain('| student | total | max | flags |');
    expect(seconds).to.be.lessThan(540); // 2 shared cores: 139-165 s when idle, 369 s at a load of 14-18
  });
});
