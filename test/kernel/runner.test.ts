import { expect } from 'chai';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { runPython } from '../support/jupyter';

describe('notebook runner', function () {
  this.timeout(120_000);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-runner-'));

  it('fails loudly on a broken notebook, naming the notebook, the cell, its source and the error', () => {
    const r = runPython('tools/run_notebooks.py', ['test/fixtures/broken.ipynb', '--out', out, '--timeout', '60']);
    expect(r.status, r.output).to.equal(1);
    expect(r.output).to.match(/FAILED\s+broken\.ipynb/);
    expect(r.output).to.contain('cell 2 failed');
    expect(r.output).to.contain('| throw new Error("deliberately broken cell")');
    expect(r.output).to.contain('error: Error: deliberately broken cell');
    expect(fs.existsSync(path.join(out, 'broken.html'))).to.equal(true);
  });

  it('stops a cell at the per-cell timeout and reports it', () => {
    const nb = path.join(out, 'slow.ipynb');
    const cell = (src: string) => ({ cell_type: 'code', metadata: {}, outputs: [], execution_count: null, source: src });
    fs.writeFileSync(nb, JSON.stringify({
      nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [cell('await new Promise(r => setTimeout(r, 60000))')],
    }));
    const r = runPython('tools/run_notebooks.py', [nb, '--out', out, '--timeout', '3']);
    expect(r.status, r.output).to.equal(1);
    expect(r.output).to.contain('timed out after 3 s');
  });

  it('rejects a path that is not a notebook', () => {
    const r = runPython('tools/run_notebooks.py', ['no/such/notebook.ipynb']);
    expect(r.status).to.not.equal(0);
    expect(r.output).to.contain("no notebook at 'no/such/notebook.ipynb'");
  });
});
