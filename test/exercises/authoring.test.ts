// tools/authoring.py (issue 34): the authoring checks `npm run assignments` runs before students see an
// assignment. Each check rejects a crafted broken source and accepts the fixed one.
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { root, runPython } from '../support/jupyter';

interface Cell { cell_type: string; source: string; metadata: Record<string, unknown>; outputs?: unknown[]; execution_count?: null }
const code = (source: string, grade?: [string, number]): Cell =>
  ({ cell_type: 'code', source, metadata: grade ? { latent_lab: { grade: grade[0], points: grade[1] } } : {}, outputs: [], execution_count: null });
const md = (source: string): Cell => ({ cell_type: 'markdown', source, metadata: {} });
const notebook = (cells: Cell[], banned?: string[]) => ({
  nbformat: 4, nbformat_minor: 5, cells,
  metadata: { kernelspec: { display_name: 'Latent Lab (TypeScript)', language: 'typescript', name: 'latent-lab' }, ...(banned ? { latent_lab: { library_answers: banned } } : {}) },
});
const IMPORT = code('import * as ll from "latent-lab";\nawait ll.ready();');
const SOLUTION = code('function klStd(m: number, s: number): number {\n  // BEGIN SOLUTION\n  return 0.5 * (m * m + s * s - 1) - Math.log(s);\n  // END SOLUTION\n}');

/** Runs the authoring checks (no kernel) on one notebook; returns [exit status, output]. */
function checkNotebook(nb: object): [number | null, string] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authoring-test-'));
  try {
    const p = path.join(dir, 'x.ipynb');
    fs.writeFileSync(p, JSON.stringify(nb));
    const r = spawnSync('/usr/bin/python3', [path.join(root, 'tools', 'authoring.py'), p], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    return [r.status, `${r.stdout}${r.stderr}`];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('tools/authoring.py (checks before students see an assignment)', () => {
  it('rejects a visible check whose expected value calls a banned function, and accepts it in the hidden tests', () => {
    const visible = notebook([IMPORT, SOLUTION, code('ll.check("KL", klStd(0.5, 2), ll.value(ll.dist.kl(new ll.Normal(0.5, 2), new ll.Normal(0, 1))));', ['ex1', 1])], ['kl']);
    const [status, out] = checkNotebook(visible);
    expect(status, out).to.equal(1);
    expect(out).to.contain('x.ipynb ex1: the visible check "KL" computes its expected value with ll.kl, which this assignment bans');
    const hidden = notebook([IMPORT, SOLUTION, code('ll.check("KL", klStd(0.5, 2), 0.9318528194400547, { hint: "½(m² + s² − 1) − log s" });\n// BEGIN HIDDEN TESTS\nll.check("KL", klStd(1, 1), ll.value(ll.kl(new ll.Normal(1, 1), new ll.Normal(0, 1))));\n// END HIDDEN TESTS', ['ex1', 1])], ['kl']);
    const [ok, okOut] = checkNotebook(hidden);
    expect(ok, okOut).to.equal(0);
    // the expected value computed beforehand from a banned class (a static method) is caught too
    const beforehand = notebook([IMPORT, SOLUTION, code('const S = ll.models.DiffusionSchedule.cosine(20);\nll.check("β", klStd(0, 1), S.betas[3]);', ['ex1', 1])], ['DiffusionSchedule']);
    const [st, stOut] = checkNotebook(beforehand);
    expect(st, stOut).to.equal(1);
    expect(stOut).to.contain('x.ipynb ex1: the visible part of the graded cell calls ll.DiffusionSchedule');
  });

  it('rejects exercise text naming an export the library lacks, and says where it is', () => {
    const [status, out] = checkNotebook(notebook([IMPORT, md('Use `ll.softplus` for stability.'), SOLUTION, code('ll.check("KL", klStd(0, 1), 0);', ['ex1', 1])]));
    expect(status, out).to.equal(1);
    expect(out).to.contain('cell 1 (markdown) names ll.softplus, which the library does not export').and.contain('ll.math.softplus');
    // a type annotation is not a value: ll.tf.Tensor in `x: ll.tf.Tensor` is fine, and so is ll.math.softplus
    const [ok, okOut] = checkNotebook(notebook([IMPORT, md('Use `ll.math.softplus`.'), code('function f(x: ll.tf.Tensor): ll.tf.Tensor { return ll.math.softplus(x); }'), code('ll.check("one", 1, 1, { hint: "one" });', ['ex1', 1])]));
    expect(ok, okOut).to.equal(0);
  });

  it('reads // @grade, // @timeout and // @banned declarations, and rejects ones that contradict the metadata or repeat an id', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authoring-test-'));
    try {
      const p = path.join(dir, 'decl.ipynb');
      const declared = notebook([code('import * as ll from "latent-lab";\n// @banned kl, models.mixturePosterior64   (they answer ex1)'), SOLUTION,
        code('// @grade ex1 3\n// @timeout 90   (a cell that trains)\nll.check("KL", klStd(0, 1), 0, { hint: "the prior itself" });')]);
      fs.writeFileSync(p, JSON.stringify(declared));
      // the generate path writes the declarations into the metadata the grader reads
      const r = spawnSync('/usr/bin/python3', ['-c', `import sys; sys.path.insert(0, "tools"); import authoring; authoring.check_sources([sys.argv[1]])`, p], { cwd: root, encoding: 'utf8', timeout: 120_000 });
      expect(r.status, r.stderr).to.equal(0);
      const written = JSON.parse(fs.readFileSync(p, 'utf8'));
      expect(written.metadata.latent_lab.library_answers).to.deep.equal(['kl', 'models.mixturePosterior64']);
      expect(written.cells[2].metadata.latent_lab).to.deep.equal({ grade: 'ex1', points: 3, timeout: 90 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const contradicts = notebook([IMPORT, SOLUTION, code('// @grade ex1 3\nll.check("KL", klStd(0, 1), 0);', ['ex1', 2])]);
    const [status, out] = checkNotebook(contradicts);
    expect(status, out).to.equal(1);
    expect(out).to.contain("cell 2 declares '@grade ex1 3' but its metadata says grade 'ex1', points 2");
    const twice = notebook([IMPORT, SOLUTION, code('// @grade ex1 1\nll.check("a", 1, 1);'), code('// @grade ex1 1\nll.check("b", 1, 1);')]);
    expect(checkNotebook(twice)[1]).to.contain('grade id ex1 declared twice');
  });

  it('rejects a visible check without a hint (hidden tests need none), and every assignment passes that check', () => {
    const bare = notebook([IMPORT, SOLUTION, code('ll.check("KL", klStd(0.5, 2), 0.9318528194400547, { input: "m = 0.5, s = 2" });\n// BEGIN HIDDEN TESTS\nll.check("KL", klStd(1, 1), 0.5);\n// END HIDDEN TESTS', ['ex1', 1])]);
    const [status, out] = checkNotebook(bare);
    expect(status, out).to.equal(1);
    expect(out).to.contain('x.ipynb ex1: the visible check "KL" has no hint');
    expect(out).to.not.contain('0.5);'); // the hidden test is not named
    const hinted = notebook([IMPORT, SOLUTION, code('ll.check("KL", klStd(0.5, 2), 0.9318528194400547, { input: "m = 0.5, s = 2", hint: "log s, not log s²" });\n// BEGIN HIDDEN TESTS\nll.check("KL", klStd(1, 1), 0.5);\n// END HIDDEN TESTS', ['ex1', 1])]);
    const [ok, okOut] = checkNotebook(hinted);
    expect(ok, okOut).to.equal(0);
    // the course's own sources: every visible check has its hint (a1's wrong-normalization check had none)
    const r = spawnSync('/usr/bin/python3', ['-c', 'import sys, glob, nbformat; sys.path.insert(0, "tools"); import authoring; '
      + 'ps = sorted(glob.glob("notebooks/exercises/*.ipynb")); '
      + 'print("\\n".join(p for f in ps for p in authoring.visible_checks_without_hint(nbformat.read(f, as_version=4), f))); print(len(ps))'],
    { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).to.equal(0);
    const lines = r.stdout.trim().split('\n');
    expect(Number(lines.pop())).to.be.at.least(5);
    expect(lines.filter((l) => l), r.stdout).to.deep.equal([]);
  });

  it('generate --run-solutions grades the instructor version in the grading kernel and fails on a wrong solution', function () {
    this.timeout(600_000);
    const src = fs.mkdtempSync(path.join(os.tmpdir(), 'authoring-src-'));
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'authoring-out-'));
    try {
      // one notebook, one reference run: ex1's solution is right, ex2's is wrong (log σ² for log σ)
      const wrong = code('function klWrong(m: number, s: number): number {\n  // BEGIN SOLUTION\n  return 0.5 * (m * m + s * s - 1) - Math.log(s * s);\n  // END SOLUTION\n}');
      fs.writeFileSync(path.join(src, 'kl.ipynb'), JSON.stringify(notebook([IMPORT, SOLUTION, wrong,
        code('ll.check("KL", klStd(0.5, 2), 0.9318528194400547, { rtol: 1e-9, hint: "h" });', ['ex1', 1]),
        code('ll.check("KL", klWrong(0.5, 2), 0.9318528194400547, { rtol: 1e-9, hint: "h" });', ['ex2', 2])])));
      const r = runPython('tools/assignments.py', ['generate', '--source', src, '--out', out, '--run-solutions'], 580_000);
      expect(r.status, r.output).to.equal(1);
      expect(r.output).to.contain('the instructor versions do not score full marks');
      // the grader's reference run stops at the instructor's own failing check (or, when it runs through, the row scores 0 of 2)
      expect(r.output).to.match(/fails its own check in ex2: ✗ KL: expected 0\.931853|kl ex2: the instructor version scores 0 of 2/);
      expect(r.output).to.not.match(/in ex1|kl ex1/);
    } finally {
      fs.rmSync(src, { recursive: true, force: true });
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
