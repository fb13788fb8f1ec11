// Homework: the student and instructor versions come from one source (hidden tests only in the
// instructor's); one grading run of a small class (--jobs 2) holds, for every assignment, the instructor
// and the student versions, and for assignment 1 an honest classmate and a cheat suite: each cheat earns
// nothing, honest work in the same notebook keeps its points, and grading finishes.
import { expect } from 'chai';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { root, runPython } from '../support/jupyter';

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-assign-'));
const sourceOf = (cell: { source: string | string[] }) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source);
interface Cell { cell_type: string; source: string | string[]; metadata: Record<string, any>; outputs?: unknown[]; execution_count?: null }
interface Nb { cells: Cell[]; metadata: Record<string, any> }
const read = (p: string): Nb => JSON.parse(fs.readFileSync(p, 'utf8'));
const A1 = 'a1-exact-inference-and-importance-sampling.ipynb';
const SOURCES = path.join(root, 'notebooks', 'exercises');
const assignments = fs.readdirSync(SOURCES).filter((f) => f.endsWith('.ipynb')).sort();

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

const gradeId = (c: Cell): string | undefined => c.metadata?.latent_lab?.grade;
const clone = (nb: Nb): Nb => JSON.parse(JSON.stringify(nb));
const code = (source: string): Cell => ({ cell_type: 'code', source, metadata: {}, outputs: [], execution_count: null });
/** Replaces text in the cell that contains `find` (which must be there). */
function edit(nb: Nb, find: string, replace: string): Nb {
  const cell = nb.cells.find((c) => sourceOf(c).includes(find));
  if (!cell) throw new Error(`no cell contains ${find}`);
  cell.source = sourceOf(cell).replace(find, replace);
  return nb;
}
/** Inserts cells after the notebook's import cell. */
function afterImport(nb: Nb, ...cells: Cell[]): Nb {
  const k = nb.cells.findIndex((c) => sourceOf(c).includes('await ll.ready()'));
  nb.cells.splice(k + 1, 0, ...cells);
  return nb;
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
    const r = runPython('tools/assignments.py', ['generate', '--out', out]);
    expect(r.status, r.output).to.equal(0);
    fs.mkdirSync(subs, { recursive: true });
    for (const f of assignments) {
      fs.copyFileSync(path.join(out, 'instructor', f), path.join(subs, `instructor-${f}`));
      fs.copyFileSync(path.join(out, 'student', f), path.join(subs, `student-${f}`));
    }
    const inst = read(path.join(out, 'instructor', A1));
    const stud = read(path.join(out, 'student', A1));
    const save = (name: string, nb: Nb) => fs.writeFileSync(path.join(subs, `${name}.ipynb`), JSON.stringify(nb));
    save('victim', inst); // an honest classmate: full marks, whatever the others try
    victimText = victimBefore();

    // Graded cells edited (body `1`), deleted, moved, re-pointed (100 points) and a new one worth 1000.
    const cells = clone(stud);
    const g11 = cells.cells.find((c) => gradeId(c) === 'ex1.1')!;
    g11.source = '1';
    cells.cells = cells.cells.filter((c) => gradeId(c) !== 'ex1.2');
    const k13 = cells.cells.findIndex((c) => gradeId(c) === 'ex1.3');
    const [g13] = cells.cells.splice(k13, 1);
    g13.metadata.latent_lab.points = 100;
    cells.cells.splice(2, 0, g13);
    cells.cells.push({ ...code('1'), metadata: { latent_lab: { grade: 'ex9', points: 1000 } } });
    save('cheat-cells', cells);

    // Patched checker and globals, wrong answers.
    const globals = afterImport(clone(stud), code([
      '(ll as any).check = () => console.log("✓ all good");',
      'Math.abs = () => 0; Math.max = () => 0; Number.isFinite = () => true;',
      '(Array.prototype as any).findIndex = () => -1; (Array.prototype as any).toJSON = function () { return [1.75]; };',
      'console.log = () => {}; process.exit = (() => {}) as any;',
    ].join('\n')));
    edit(globals, 'throw new Error("not implemented yet: write your solution here");', 'return [0.2, 0.6, 0.2];');
    edit(globals, 'throw new Error("not implemented yet: write your solution here");', 'return 1.75;');
    edit(globals, 'throw new Error("not implemented yet: write your solution here");', 'return 4;');
    save('cheat-globals', globals);

    // process.exit in an unrelated cell and in a solution, and a memory blow-up: the kernel survives or is restarted.
    const exit = afterImport(clone(inst), code('process.exit(0);'), code('const hog: number[][] = []; while (true) hog.push(new Array(1e6).fill(1.5));'));
    edit(exit, 'const logJoint = weights.map(', 'process.exit(0);\n  const logJoint = weights.map(');
    save('cheat-exit', exit);

    // A print flood and a loop in a timer (unrelated cells), a plain average for 1.2, an infinite loop in 1.3.
    const loops = afterImport(clone(inst), code('for (let i = 0; i < 20000; i++) console.log("debug line", i);'),
      code('setTimeout(() => { while (true) {} }, 0);'), code('console.log("the cell after the timer");'));
    edit(loops, 'return w.reduce((s, wi, i) => s + wi * values[i], 0) / total;', 'return values.reduce((a, b) => a + b, 0) / values.length;');
    edit(loops, 'return w.reduce((a, b) => a + b, 0) ** 2 / w.reduce((a, b) => a + b * b, 0);', 'while (true) {}');
    save('cheat-loops', loops);

    // The library's reference returned as the answer (1.1, 1.3); the sandbox: the source notebook read
    // (1.2), the instructor folder and a classmate's submission written (unrelated cell).
    const lib = clone(inst);
    edit(lib, 'const logJoint = weights.map(', 'return ll.models.mixturePosterior64({ weights, means, sds }, x);\n  const logJoint = weights.map(');
    edit(lib, 'const m = Math.max(...logWeights);\n  const w = logWeights.map((l) => Math.exp(l - m));\n  return w.reduce((a, b) => a + b, 0) ** 2',
      'return ll.infer.weightDiagnostics(logWeights).ess;\n  const m = Math.max(...logWeights);\n  const w = logWeights.map((l) => Math.exp(l - m));\n  return w.reduce((a, b) => a + b, 0) ** 2');
    edit(lib, 'const total = w.reduce((a, b) => a + b, 0);',
      `const stolen = fs.readFileSync(${JSON.stringify(path.join(SOURCES, A1))}, "utf8");\n  const total = w.reduce((a, b) => a + b, 0);`);
    afterImport(lib, code([
      'import fs from "fs";',
      'for (const [file, text] of [[' + JSON.stringify(path.join(subs, 'victim.ipynb')) + ', "{}"], [' + JSON.stringify(path.join(root, 'build', 'pwned-by-homework.txt')) + ', "x"]]) {',
      '  try { fs.writeFileSync(file, text); console.log("wrote", file); } catch (e) { console.log("denied", (e as Error).message); }',
      '}',
    ].join('\n')));
    save('cheat-library-and-files', lib);

    fs.writeFileSync(path.join(subs, 'garbage-a1.ipynb'), 'this is not a notebook');
    fs.writeFileSync(path.join(subs, 'empty-a1.ipynb'), '');
    fs.writeFileSync(path.join(subs, 'notes.txt'), 'my homework is in my other notebook');

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
    expect(row('cheat-library-and-files', 'ex1.2').feedback).to.match(/ERR_ACCESS_DENIED|Access to this API has been restricted/);
    expect(victimBefore()).to.equal(victimText);
    expect(fs.existsSync(path.join(root, 'build', 'pwned-by-homework.txt'))).to.equal(false);
    expect(total('victim')).to.equal(5);
  });

  it('no library export answers an exercise: each one named like a solution is listed and hidden while grading', () => {
    const index = fs.readFileSync(path.join(root, 'src', 'index.ts'), 'utf8');
    const exported = new Set([...index.matchAll(/export\s*\{([^}]*)\}/g)].flatMap((m) => m[1].split(',').map((s) => s.trim().split(/\s+as\s+/).pop()!).filter(Boolean)));
    for (const f of assignments) {
      const src = read(path.join(SOURCES, f));
      const answers: string[] = src.metadata.latent_lab?.library_answers ?? [];
      answers.forEach((a) => expect(exported.has(a), `${f}: library_answers names ${a}, which src/index.ts does not export`).to.equal(true));
      for (const c of src.cells) {
        const m = sourceOf(c).match(/function (\w+)\([^]*BEGIN SOLUTION/);
        if (!m) continue;
        const stem = m[1].toLowerCase();
        for (const e of exported) {
          if (e.toLowerCase().startsWith(stem) || stem.startsWith(e.toLowerCase()) && e.length >= stem.length - 3) {
            expect(answers, `${f}: ll.${e} looks like the answer to ${m[1]}`).to.include(e);
          }
        }
      }
    }
    expect(row('cheat-library-and-files', 'ex1.3').points).to.equal(0);
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
    expect(report).to.contain('Total: **2 / 5**').and.contain('| ex1.2 | 0 / 2 |');
    expect(fs.readFileSync(path.join(grades, 'grades.md'), 'utf8')).to.contain('| student | total | max | flags |');
    expect(seconds).to.be.lessThan(280);
  });
});
