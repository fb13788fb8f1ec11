// The notebook tools around the runner: which notebooks `npm run notebooks` runs (the tracked lecture
// notebooks, never a scratch notebook made with "New"), and the slide metadata that splits a lecture
// into slides (tools/slide_metadata.py: headings start slides, idempotent, a lecturer's choice kept).
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { root, runPython } from '../support/jupyter';

const tools = path.join(root, 'tools');

/** Runs Python with tools/ importable and returns stdout (throws with stderr on failure). */
function python(code: string, cwd = root): string {
  const r = spawnSync('/usr/bin/python3', ['-c', code], { cwd, encoding: 'utf8', env: { ...process.env, PYTHONPATH: tools } });
  if (r.status !== 0) throw new Error(`python failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}

function notebook(cells: { cell_type: 'markdown' | 'code'; source: string; metadata?: object }[]): string {
  return JSON.stringify({
    cells: cells.map((c, i) => ({ id: `c${i}`, metadata: {}, ...c, ...(c.cell_type === 'code' ? { execution_count: null, outputs: [] } : {}) })),
    metadata: { kernelspec: { display_name: 'Latent Lab (TypeScript)', language: 'typescript', name: 'latent-lab' } },
    nbformat: 4, nbformat_minor: 5,
  });
}

describe('notebook tools: which notebooks run, and slide metadata', function () {
  this.timeout(120_000);
  let tmp: string;
  before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-lab-tools-')); });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('the default list is exactly the notebooks/*.ipynb that git tracks', () => {
    const listed = JSON.parse(python('import json, run_notebooks; print(json.dumps([p.name for p in run_notebooks.lecture_notebooks()]))'));
    const tracked = spawnSync('git', ['ls-files', '--', 'notebooks/*.ipynb'], { cwd: root, encoding: 'utf8' }).stdout
      .split('\n').filter((f) => f && !f.slice('notebooks/'.length).includes('/')).map((f) => path.basename(f)).sort();
    expect(tracked.length).to.be.greaterThan(5);
    expect(listed).to.deep.equal(tracked);
  });

  it('a folder runs its tracked notebooks, not an untracked scratch notebook (which would fail)', () => {
    const repo = path.join(tmp, 'course');
    fs.mkdirSync(repo);
    fs.writeFileSync(path.join(repo, '01-lecture.ipynb'), notebook([{ cell_type: 'code', source: '1 + 1' }]));
    const git = (...args: string[]) => spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd: repo, encoding: 'utf8' });
    git('init', '-q');
    git('add', '01-lecture.ipynb');
    expect(git('commit', '-qm', 'lecture').status).to.equal(0);
    fs.writeFileSync(path.join(repo, 'Untitled.ipynb'), notebook([{ cell_type: 'code', source: 'throw new Error("scratch")' }]));
    const out = path.join(tmp, 'out');
    const r = runPython('tools/run_notebooks.py', [repo, '--out', out, '--timeout', '60']);
    expect(r.status, r.output).to.equal(0);
    expect(r.output).to.contain('01-lecture.ipynb').and.not.contain('Untitled');
    // derivations.html: the ledger beside the pages, for their ledger links
    expect(fs.readdirSync(out).sort()).to.deep.equal(['01-lecture.html', '01-lecture.ipynb', 'assets', 'derivations.html']);

    // npm run slides makes the deck from that executed copy, without running the notebook again
    const slides = runPython('tools/build_slides.py', [repo, '--out', out]);
    expect(slides.status, slides.output).to.equal(0);
    expect(slides.output).to.contain('01-lecture.slides.html').and.contain('from the executed copy');
    const deck = fs.readFileSync(path.join(out, '01-lecture.slides.html'), 'utf8');
    expect(deck).to.contain('assets/reveal.js/dist/reveal.js').and.contain('Reveal.initialize');
  });

  it('a folder outside git runs all its notebooks', () => {
    const loose = path.join(tmp, 'loose');
    fs.mkdirSync(loose);
    fs.writeFileSync(path.join(loose, 'a.ipynb'), notebook([{ cell_type: 'code', source: '2' }]));
    fs.writeFileSync(path.join(loose, 'b.ipynb'), notebook([{ cell_type: 'code', source: '3' }]));
    const listed = JSON.parse(python(`import json, run_notebooks; print(json.dumps([p.name for p in run_notebooks.notebook_paths([${JSON.stringify(loose)}])]))`));
    expect(listed).to.deep.equal(['a.ipynb', 'b.ipynb']);
  });

  it('slide metadata: headings and the markdown after code start slides; a set slide type is kept; a second run changes nothing', () => {
    const file = path.join(tmp, 'slides.ipynb');
    fs.writeFileSync(file, notebook([
      { cell_type: 'markdown', source: '# Lecture\nintro' },
      { cell_type: 'code', source: 'const a = 1;' },
      { cell_type: 'markdown', source: 'the next idea, after the code' },
      { cell_type: 'markdown', source: 'more of it' },
      { cell_type: 'markdown', source: '### A subsection' },
      { cell_type: 'code', source: 'a', metadata: { slideshow: { slide_type: 'fragment' } } },
      { cell_type: 'markdown', source: 'speaker notes', metadata: { slideshow: { slide_type: 'notes' } } },
    ]));
    const first = runPython('tools/slide_metadata.py', [file]);
    expect(first.status, first.output).to.equal(0);
    const types = JSON.parse(fs.readFileSync(file, 'utf8')).cells.map((c: { metadata: { slideshow?: { slide_type: string } } }) => c.metadata.slideshow?.slide_type);
    expect(types).to.deep.equal(['slide', '-', 'slide', '-', 'slide', 'fragment', 'notes']);
    const before = fs.readFileSync(file, 'utf8');
    const check = runPython('tools/slide_metadata.py', [file, '--check']);
    expect(check.status, check.output).to.equal(0);
    const second = runPython('tools/slide_metadata.py', [file]);
    expect(second.output).to.contain('unchanged');
    expect(fs.readFileSync(file, 'utf8')).to.equal(before);
  });

  it('slide_metadata.py --check fails on a notebook without slide metadata, and names it', () => {
    const file = path.join(tmp, 'bare.ipynb');
    fs.writeFileSync(file, notebook([{ cell_type: 'markdown', source: '# Title' }]));
    const r = runPython('tools/slide_metadata.py', [file, '--check']);
    expect(r.status).to.equal(1);
    expect(r.output).to.contain('bare.ipynb').and.contain('would set 1 cells');
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).cells[0].metadata).to.deep.equal({});
  });
});
