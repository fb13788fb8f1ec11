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
import { A1, A3, A5, SOURCES, assignments, read, sourceOf, writeClass } from './fixtures';

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

/** The entries a careless or hostile class puts in the folder besides notebooks: every regular file gets a
 * row (a dot-file, a 250-byte name holding an honest notebook, a name that is not UTF-8, two names that
 * differ by ".ipynb"); a folder named like a notebook and a symlink to a classmate's notebook are rejected. */
const LONG = `long-${'x'.repeat(250 - 'long-'.length - '-a1.ipynb'.length)}-a1.ipynb`;
function writeOddEntries(subs: string): void {
  fs.copyFileSync(path.join(subs, 'victim.ipynb'), path.join(subs, LONG));
  fs.writeFileSync(path.join(subs, '.dot-a1.ipynb'), '');
  fs.writeFileSync(Buffer.concat([Buffer.from(subs + '/bad-'), Buffer.from([0xff, 0xfe]), Buffer.from('-a1.ipynb')]), 'not JSON');
  fs.writeFileSync(path.join(subs, 'twin-a1.ipynb'), 'not JSON');
  fs.writeFileSync(path.join(subs, 'twin-a1'), 'not JSON either');
  fs.mkdirSync(path.join(subs, 'folder-a1.ipynb'));
  fs.symlinkSync(path.join(subs, 'victim.ipynb'), path.join(subs, 'link-a1.ipynb'));
}

describe('homework: assignments and grading', function () {
  this.timeout(1_900_000);
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
    writeOddEntries(subs);
    victimText = victimBefore();

    const t0 = Date.now();
    const g = runPython('tools/assignments.py', ['grade', subs, '--out', grades, '--jobs', '2', '--timeout', '12', '--memory-mb', '512'], 1_800_000);
    seconds = (Date.now() - t0) / 1000;
    expect(g.status, g.output).to.equal(0);
    rows = readCsv(path.join(grades, 'grades.csv'));
    console.log(`      graded ${fs.readdirSync(subs).length} submissions in ${seconds.toFixed(0)} s`);
  });

  it('one source per assignment gives a student version (no solutions, no hidden tests) and an instructor version', () => {
    expect(assignments).to.have.length(5);
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
    expect(rows.filter((r) => r.student.startsWith('instructor-')).reduce((a, b) => a + b.points, 0)).to.equal(52); // a1 8, a2 9, a3 13, a4 12, a5 10
  });

  it('graded cells come from the source: edited, deleted, moved, re-pointed or added cells earn nothing and are flagged', () => {
    const r = rows.filter((x) => x.student === 'cheat-cells');
    expect(r.map((x) => [x.exercise, x.points, x.max])).to.deep.equal([['ex1.1', 0, 2], ['ex1.2', 0, 2], ['ex1.3', 0, 1], ['ex1.4', 0, 3]]);
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
    expect(total('cheat-library-and-files')).to.equal(3); // ex1.4 is the instructor's honest work (3 points); 1.1–1.3 earn nothing
    expect(row('cheat-library-and-files', 'ex1.1').feedback).to.contain('not available while grading');
    expect(row('cheat-library-and-files', 'ex1.3').feedback).to.contain('not available while grading');
    expect(row('cheat-library-and-files', 'ex1.2').feedback).to.match(/ERR_ACCESS_DENIED|Access to this API has been restricted/);
    expect(victimBefore()).to.equal(victimText);
    expect(fs.existsSync(path.join(root, 'build', 'pwned-by-homework.txt'))).to.equal(false);
    expect(total('victim')).to.equal(8);
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

  it('later cells rewritten through the kernel\'s executor, through vm and on the way to its I/O worker: nothing gained (the student\'s world never holds an expected value)', () => {
    expect(total('cheat-rewrite')).to.equal(0);
    // The rewrites took effect: 1.1 (vm.Script) and 1.3 (the executor) called the library's answer, which is hidden.
    expect(row('cheat-rewrite', 'ex1.1').feedback).to.contain('mixturePosterior64').and.contain('not available while grading');
    expect(row('cheat-rewrite', 'ex1.3').feedback).to.contain('weightDiagnostics').and.contain('not available while grading');
    // 1.2's record was forged on its way out: the visible values it could know pass, the hidden tests do not.
    const forged = row('cheat-rewrite', 'ex1.2');
    expect(forged.feedback).to.contain('✓ self-normalized estimate for log w = [0, log 3], f = [1, 2]: expected 1.75, got 1.75');
    expect(forged.feedback).to.match(/✗ hidden test \d: failed/);
    expect(forged.points).to.equal(0);
  });

  it('a lazy answer object echoing what the graded cell computes, a record forged with a nonce read from the stack, a lone surrogate in an error: nothing gained, every row written', () => {
    expect(total('cheat-echo')).to.equal(0);
    expect(row('cheat-echo', 'ex1.1').feedback).to.contain('got 0.333333'); // nothing to echo: its own 1/3
    expect(row('cheat-echo', 'ex1.2').feedback).to.contain('no result came back');
    expect(row('cheat-echo', 'ex1.3').feedback).to.contain('lone \\ud800 surrogate in an error message');
    expect(fs.readFileSync(path.join(grades, 'feedback', 'cheat-echo.md'), 'utf8')).to.contain('lone \\\\ud800 surrogate');
  });

  it('out of the box: a worker without Node\'s permission model and a native addon see no source, no classmate, no project, no grader process, no network; honest work in the same notebook keeps its points', () => {
    const f = row('cheat-escape', 'ex1.1').feedback;
    const m = f.match(/REPORT (\{.*\})/);
    expect(m, f).to.not.equal(null);
    const report = JSON.parse(m![1]);
    const w = report.worker;
    expect(w.perm, 'the worker runs outside Node\'s permission model').to.equal('undefined');
    for (const k of ['source', 'climb', 'victim', 'outside']) expect(w[k], `${k}: ${f}`).to.match(/^E:(ENOENT|EACCES|EROFS)$/);
    expect(w.uid).to.not.equal(0);
    expect(w.procs.join(' | ')).to.not.match(/python|assignments\.py|mocha/);
    expect(w.procs.length).to.be.at.most(3); // the box's init and the kernel
    // The box's private /tmp holds its scratch folder, plus the first component of a bound path when the checkout
    // itself lives under /tmp (a CI clone); nothing else of the host's /tmp.
    const boundUnderTmp = root.startsWith('/tmp/') ? [root.split('/')[2]] : [];
    expect(w.tmp.filter((x: string) => !boundUnderTmp.includes(x)), JSON.stringify(w.tmp)).to.have.length(1);
    expect(w.tmp.join(' ')).to.not.match(/latent-assign-|ll-bench|ci-run/);
    expect(w.siblings.filter((x: string) => x.startsWith('ll-grade-'))).to.have.length(1); // its own folder only
    expect(w.siblings.join(' ')).to.not.match(/copies|ref-|res-/);
    expect(w.ifaces).to.deep.equal(['lo']);
    expect(report.addon).to.match(/^addon ran: uid=\d+ source=no victim=no outside=no procs=[1-3]$/);
    expect(report.addon).to.not.contain('uid=0 ');
    expect(row('cheat-escape', 'ex1.1').points).to.equal(0);
    expect([row('cheat-escape', 'ex1.2').points, row('cheat-escape', 'ex1.3').points]).to.deep.equal([2, 1]);
    expect(victimBefore()).to.equal(victimText);
    for (const p of ['pwned-by-worker.txt', 'pwned-by-addon.txt']) expect(fs.existsSync(path.join(root, 'build', p)), p).to.equal(false);
  });

  it('odd entries: a dot-file, a 250-byte name, a name that is not UTF-8 and two names differing by .ipynb each get their rows; a folder and a symlink are rejected with a row', () => {
    const rowsOf = (s: string) => rows.filter((r) => r.student === s);
    expect(rowsOf(LONG.replace(/\.ipynb$/, '')).map((r) => r.points)).to.deep.equal([2, 2, 1, 3]); // honest work, graded
    expect(rowsOf('.dot-a1')).to.have.length(4);
    expect(rowsOf('bad-\\xff\\xfe-a1')).to.have.length(4);
    expect(rowsOf('twin-a1.ipynb')).to.have.length(4);
    expect(rowsOf('twin-a1')).to.have.length(4);
    expect(rowsOf('folder-a1').map((r) => r.feedback)).to.deep.equal(Array(4).fill('✗ a folder, not a notebook file'));
    expect(rowsOf('link-a1').every((r) => r.points === 0 && r.feedback.includes('symbolic link'))).to.equal(true);
    const reports = fs.readdirSync(path.join(grades, 'feedback'));
    expect(reports).to.have.length(new Set(rows.map((r) => r.student)).size);
    reports.forEach((r) => expect(Buffer.byteLength(r)).to.be.at.most(124));
  });

  it('a grading run stopped by SIGTERM while a kernel runs in its box leaves no temporary folder and no process', () => {
    const r = runPython('test/exercises/grade_stop.py', [], 400_000);
    expect(r.status, r.output).to.equal(0);
    const got = JSON.parse(r.output.trim().split('\n').pop()!);
    expect(got.scratch_seen && got.kernel_folder_seen, r.output).to.equal(true);
    expect(got.returncode, r.output).to.not.equal(0);
    expect(got.scratch_left, r.output).to.equal(false);
    expect(got.processes_left, r.output).to.equal(0);
  });

  it("the instructor's report names every hidden test with its input, expected and got values; the student's report shows none of them", () => {
    const inst = fs.readFileSync(path.join(grades, 'instructor', 'cheat-loops.md'), 'utf8');
    const stud = fs.readFileSync(path.join(grades, 'feedback', 'cheat-loops.md'), 'utf8');
    expect(inst).to.match(/gradingSeed of this run: \d+/);
    // a1 1.2's hidden tests: the plain average (the cheat's wrong normalization) against the weighted one
    expect(inst).to.contain('✗ hidden test 1: self-normalized estimate for log w = \\[1, 2, −500\\], f = \\[3, −1, 100\\]: expected 0.0757');
    expect(inst).to.contain('got 34');
    expect(inst).to.contain('hidden test 2: self-normalized estimate for log w = \\[700, 700\\], f = \\[2, 4\\]: expected 3');
    expect(stud).to.contain('✗ hidden test 1: failed').and.not.contain('−500').and.not.contain('got 34').and.not.contain('gradingSeed');
    // hidden inputs drawn from the seed are named with their drawn values (a4 4.5: the dimension and mask of each layer)
    const a4 = fs.readFileSync(path.join(grades, 'instructor', 'instructor-a4-flows-and-diffusion.md'), 'utf8');
    expect(a4).to.match(/✓ hidden test \d+: log\\\|det ∂y\/∂x\\\| for d = \d, m = \\\[[01, ]+\\\]/);
    expect(fs.readFileSync(path.join(grades, 'feedback', 'instructor-a4-flows-and-diffusion.md'), 'utf8')).to.not.contain('trial 1').and.not.contain('drawn from gradingSeed');
  });

  it('assignment 5 (MCMC): the library\'s leapfrog and R̂ as answers earn nothing, honest work beside them keeps its points', () => {
    const r = (e: string) => row('cheat-a5-library', e);
    expect([r('ex5.1').points, r('ex5.2').points, r('ex5.3').points, r('ex5.4').points]).to.deep.equal([2, 0, 0, 2]);
    expect(r('ex5.2').feedback).to.contain('leapfrog64').and.contain('not available while grading');
    expect(r('ex5.3').feedback).to.contain('rHat').and.contain('not available while grading');
    expect(read(path.join(out, 'student', A5)).cells.map(sourceOf).join('\n')).to.not.contain('rHat(chains'); // a hidden test
  });

  it('assignment 3 (the VAE on MNIST): the grader trains with the student\'s loss and scores test images given from the reference run, so blank training digits earn nothing for 3.5', () => {
    const r = (e: string) => row('cheat-a3-blank-mnist', e);
    expect(['ex3.1', 'ex3.2', 'ex3.3', 'ex3.4', 'ex3.5'].map((e) => r(e).points)).to.deep.equal([2, 2, 3, 3, 0]);
    expect(r('ex3.5').feedback).to.contain('✓ loss = −mean ELBO').and.match(/✗ hidden test \d: failed/);
    const inst = fs.readFileSync(path.join(grades, 'instructor', 'cheat-a3-blank-mnist.md'), 'utf8');
    expect(inst).to.match(/✗ hidden test \d: trained with your loss/);
    // the skip-grading cell (a minute of training) is not run while grading; the graded cell trains its own copy
    const a3 = read(path.join(SOURCES, A3));
    expect(a3.cells.filter((c) => (c.metadata?.tags ?? []).includes('skip-grading'))).to.have.length(1);
    expect(row(`instructor-${A3.replace('.ipynb', '')}`, 'ex3.5').points).to.equal(3);
  });

  it('the feedback format, scoring rules, submission names and the removal of expected values (unit tests, no kernel)', () => {
    const r = runPython('test/exercises/feedback_format.py', [], 60_000);
    expect(r.status, r.output).to.equal(0);
    expect(r.output.trim().split('\n').pop()).to.equal('ok');
  });

  it('every submission has a row for every exercise, even unreadable and non-notebook files; a report per student', () => {
    for (const s of ['garbage-a1', 'empty-a1']) {
      expect(rows.filter((r) => r.student === s).map((r) => r.exercise)).to.deep.equal(['ex1.1', 'ex1.2', 'ex1.3', 'ex1.4']);
      rows.filter((r) => r.student === s).forEach((r) => { expect(r.points).to.equal(0); expect(r.feedback).to.contain('not a readable notebook'); });
    }
    const notes = rows.filter((r) => r.student === 'notes.txt');
    expect(notes).to.have.length(1);
    expect(notes[0].feedback).to.contain('could not tell which assignment');
    const students = new Set(rows.map((r) => r.student));
    expect(students.size).to.equal(fs.readdirSync(subs).length);
    const report = fs.readFileSync(path.join(grades, 'feedback', 'cheat-loops.md'), 'utf8');
    expect(report).to.contain('Total: **5 / 8**').and.contain('## ex1.2: 0 / 2').and.contain('Scoring: all-or-nothing');
    expect(fs.readFileSync(path.join(grades, 'grades.md'), 'utf8')).to.contain('| student | total | max | flags |');
    // Timing is measured by npm run bench:grade, not asserted here (a loaded CI machine).
  });
});
