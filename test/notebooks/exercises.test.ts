// Every lecture exercise checks itself, and the instructor version holds a worked solution for each
// (issue 27, item 4). The lecture notebooks are the student version: an exercise cell marks the student's
// part with // BEGIN SOLUTION … // END SOLUTION and checks the answer beside it; the worked solutions are in
// notebooks/solutions/lecture-exercises.json, and `npm run lectures:instructor` writes the instructor
// notebooks with them (add --run to execute them and require every exercise's ✓ — a full lecture run,
// too long for the suite). Here: the validation, the generation, and one instructor exercise executed
// alone where it needs no earlier cell.
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';

const root = path.resolve(__dirname, '..', '..');

interface Cell { cell_type: string; source: string | string[]; metadata?: { latent_lab?: { exercise?: string; instructor?: boolean } } }
const text = (s: string | string[]) => (Array.isArray(s) ? s.join('') : s);
const cellsOf = (file: string): Cell[] => JSON.parse(fs.readFileSync(file, 'utf8')).cells;
const exercises = (cells: Cell[]) => cells.filter((c) => c.cell_type === 'code' && c.metadata?.latent_lab?.exercise);

function run(args: string[]) {
  const r = spawnSync('/usr/bin/python3', [path.join(root, 'tools', 'lecture_instructor.py'), ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

describe('lecture exercises: checked, with an instructor version', () => {
  const lectures = fs.readdirSync(path.join(root, 'notebooks')).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).sort();
  const solutions: Record<string, Record<string, string>> = JSON.parse(
    fs.readFileSync(path.join(root, 'notebooks', 'solutions', 'lecture-exercises.json'), 'utf8'));
  let out: string;

  before(() => { out = fs.mkdtempSync(path.join(os.tmpdir(), 'lectures-instructor-')); });
  after(() => fs.rmSync(out, { recursive: true, force: true }));

  it('every exercise cell has its markers, a check and a worked solution (lecture_instructor.py check)', () => {
    const r = run(['check']);
    expect(r.status, r.output).to.equal(0);
  });

  // issue 27 covers the lecture notebooks 01–13 (00 has no exercises); a later notebook joins by adding its cells
  const covered = lectures.filter((n) => n >= '01' && n < '14');

  it('every lecture notebook 01–13 has a checked exercise and one that derives a line with ll.derivation', () => {
    expect(covered.length).to.equal(13);
    for (const name of covered) {
      const cells = cellsOf(path.join(root, 'notebooks', name));
      const ex = exercises(cells);
      expect(ex.length, `${name}: exercise cells`).to.be.at.least(1);
      const derive = ex.filter((c) => /ll\.derivation\(/.test(text(c.source)) && /\.assert\(\)/.test(text(c.source)));
      expect(derive.length, `${name}: a derivation exercise checked with ll.derivation(...).assert()`).to.be.at.least(1);
      for (const c of ex) {
        expect(text(c.source), `${name}: the student's part is marked`).to.match(/\/\/ BEGIN SOLUTION[\s\S]*\/\/ END SOLUTION/);
        expect(solutions[name]?.[c.metadata!.latent_lab!.exercise!], `${name}: a worked solution`).to.be.a('string');
      }
    }
  });

  it('the instructor version replaces each marked part by its solution and changes nothing else', () => {
    const r = run(['generate', '--out', out]);
    expect(r.status, r.output).to.equal(0);
    for (const name of Object.keys(solutions)) {
      const lecture = cellsOf(path.join(root, 'notebooks', name)), instructor = cellsOf(path.join(out, name));
      expect(instructor.length, name).to.equal(lecture.length);
      instructor.forEach((c, i) => {
        const id = c.metadata?.latent_lab?.exercise;
        if (!id) return expect(text(c.source), `${name} cell ${i}`).to.equal(text(lecture[i].source));
        expect(text(c.source)).to.not.include('BEGIN SOLUTION');
        expect(text(c.source)).to.include(solutions[name][id].split('\n')[0]);
        expect(c.metadata?.latent_lab?.instructor).to.equal(true);
      });
    }
  });

  it('the instructor solutions of the derivation exercises pass their checks (executed through the kernel)', function () {
    this.timeout(10 * 60_000);
    // each derivation exercise needs nothing but ll: one notebook runs them all, each in its own block
    const cells = [{ id: 'setup', cell_type: 'code', metadata: {}, outputs: [], execution_count: null,
      source: 'import * as ll from "latent-lab";\nawait ll.ready();' }];
    const names: string[] = [];
    for (const name of covered) {
      const derive = exercises(cellsOf(path.join(out, name))).filter((c) => c.metadata?.latent_lab?.exercise === 'derive');
      for (const c of derive) {
        names.push(name);
        cells.push({ id: `ex${cells.length}`, cell_type: 'code', metadata: {}, outputs: [], execution_count: null, source: `{\n${text(c.source)}\n}` });
      }
    }
    const nbFile = path.join(out, 'derivation-exercises.ipynb');
    fs.writeFileSync(nbFile, JSON.stringify({ cells, metadata: { kernelspec: { name: 'latent-lab', display_name: 'Latent Lab (TypeScript)', language: 'typescript' } }, nbformat: 4, nbformat_minor: 5 }));
    const r = spawnSync('/usr/bin/python3', [path.join(root, 'tools', 'run_notebooks.py'), nbFile, '--out', path.join(out, 'executed')],
      { cwd: root, encoding: 'utf8', timeout: 9 * 60_000, env: { ...process.env, JUPYTER_PATH: path.join(root, '.jupyter') } });
    expect(r.status, `${r.stdout}${r.stderr}`).to.equal(0);
    const executed = JSON.parse(fs.readFileSync(path.join(out, 'executed', 'derivation-exercises.ipynb'), 'utf8')).cells as
      { outputs: { text?: string | string[]; data?: Record<string, string | string[]> }[] }[];
    executed.slice(1).forEach((c, i) => {
      const shown = c.outputs.map((o) => text(o.text ?? '') + Object.values(o.data ?? {}).map(text).join('')).join('');
      expect(shown, `${names[i]}: the derivation exercise's worked solution`).to.include('✓');
      expect(shown, names[i]).to.not.match(/✗|not attempted|then run this cell/);
    });
  });

  it('an exercise cell without its worked solution is named', () => {
    const broken = JSON.parse(fs.readFileSync(path.join(root, 'notebooks', 'solutions', 'lecture-exercises.json'), 'utf8'));
    const [first] = Object.keys(broken);
    const py = `import sys; sys.path.insert(0, 'tools'); import lecture_instructor as li, nbformat, json
sol = json.load(open('notebooks/solutions/lecture-exercises.json')); sol['${first}'].pop('ex1', None)
print('\\n'.join(li.problems('${first}', nbformat.read('notebooks/${first}', as_version=4), sol)))`;
    const r = spawnSync('/usr/bin/python3', ['-c', py], { cwd: root, encoding: 'utf8' });
    expect(r.stdout, r.stderr).to.match(new RegExp(`${first.replace('.', '\\.')}, cell \\d+ \\(ex1\\): no worked solution`));
  });
});
