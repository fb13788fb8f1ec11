// Every lecture notebook executes end to end through the kernel (the README's main job), side by side on
// the machine's cores. Each lecture with exercises runs its instructor version too, in the same kernel after
// the student's cells (run_notebooks.py --instructor): test/notebooks/exercises.test.ts checks those copies
// instead of running every lecture a second time. Under `npm test` the run starts beside mocha (scripts/test.sh)
// and this test waits for it.
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import { INSTRUCTOR_RUN, root, runPython } from './support/jupyter';

/** The lecture-notebook run scripts/test.sh started beside mocha (LATENT_NOTEBOOK_RUN: its .log, .status and
 * .started files), once it has finished; undefined when mocha was started another way. */
async function backgroundRun(): Promise<{ status: number; output: string } | undefined> {
  const run = process.env.LATENT_NOTEBOOK_RUN;
  if (!run) return undefined;
  expect(fs.existsSync(`${run}.started`), `LATENT_NOTEBOOK_RUN=${run}: no run was started there`).to.equal(true);
  while (!fs.existsSync(`${run}.status`)) await new Promise((r) => setTimeout(r, 2000));
  return { status: Number(fs.readFileSync(`${run}.status`, 'utf8').trim()), output: fs.readFileSync(`${run}.log`, 'utf8') };
}

describe('lecture notebooks', function () {
  this.timeout(45 * 60_000);

  it('all execute without error through the runner', async () => {
    // the runner's lecture notebooks: the ones git tracks (a scratch notebook made with "New" is not run)
    const names = spawnSync('git', ['ls-files', '--', 'notebooks/*.ipynb'], { cwd: root, encoding: 'utf8' }).stdout
      .split('\n').filter((f) => /^notebooks\/[^/]+\.ipynb$/.test(f)).map((f) => path.basename(f));
    expect(names).to.include('00-getting-started.ipynb');
    const r = (await backgroundRun()) ?? runPython('tools/run_notebooks.py', ['--instructor', INSTRUCTOR_RUN], 20 * 60_000);
    expect(r.status, r.output).to.equal(0);
    for (const name of names) expect(r.output).to.match(new RegExp(`ok\\s+${name.replace('.', '\\.')}`));
  });
});
