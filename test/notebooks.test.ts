// Every lecture notebook executes end to end through the kernel (the README's main job).
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import path from 'path';
import { root, runPython } from './support/jupyter';

describe('lecture notebooks', function () {
  this.timeout(20 * 60_000);

  it('all execute without error through the runner', () => {
    // the runner's lecture notebooks: the ones git tracks (a scratch notebook made with "New" is not run)
    const names = spawnSync('git', ['ls-files', '--', 'notebooks/*.ipynb'], { cwd: root, encoding: 'utf8' }).stdout
      .split('\n').filter((f) => /^notebooks\/[^/]+\.ipynb$/.test(f)).map((f) => path.basename(f));
    expect(names).to.include('00-getting-started.ipynb');
    const r = runPython('tools/run_notebooks.py', [], 20 * 60_000);
    expect(r.status, r.output).to.equal(0);
    for (const name of names) expect(r.output).to.match(new RegExp(`ok\\s+${name.replace('.', '\\.')}`));
  });
});
