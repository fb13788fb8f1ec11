// Every lecture notebook executes end to end through the kernel (the README's main job).
import { expect } from 'chai';
import fs from 'fs';
import path from 'path';
import { root, runPython } from './support/jupyter';

describe('lecture notebooks', function () {
  this.timeout(20 * 60_000);

  it('all execute without error through the runner', () => {
    const names = fs.readdirSync(path.join(root, 'notebooks')).filter((f) => f.endsWith('.ipynb'));
    expect(names).to.include('00-getting-started.ipynb');
    const r = runPython('tools/run_notebooks.py', [], 20 * 60_000);
    expect(r.status, r.output).to.equal(0);
    for (const name of names) expect(r.output).to.match(new RegExp(`ok\\s+${name.replace('.', '\\.')}`));
  });
});
