// Every lecture notebook executes end to end through the kernel (the README's main job), side by side on
// the machine's cores. Each lecture with exercises runs its instructor version too, in the same kernel after
// the student's cells (run_notebooks.py --instructor): test/notebooks/exercises.test.ts checks those copies
// instead of running every lecture a second time.
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import path from 'path';
import { INSTRUCTOR_RUN, root, runPython } from './support/jupyter';

describe('lecture notebooks', function () {
  this.timeout(20 * 60_000);

  it('all execute without error through the runner', () => {
    // the runner's lecture notebooks: the ones git tracks (a scratch notebook made with "New" is not run)
    const names = spawnSync('git', ['ls-files', '--', 'notebooks/*.ipynb'], { cwd: root, encoding: 'utf8' }).stdout
      .split('\n').filter((f) => /^notebooks\/[^/]+\.ipynb$/.test(f)).map((f) => path.basename(f));
    expect(names).to.include('00-getting-started.ipynb');
    const r = runPython('tools/run_notebooks.py', ['--instructor', INSTRUCTOR_RUN], 20 * 60_000);
    expect(r.status, r.output).to.equal(0);
    for (const name of names) expect(r.output).to.match(new RegExp(`ok\\s+${name.replace('.', '\\.')}`));
  });
});
