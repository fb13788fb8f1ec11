// Deliverable 7 of issue 15: the library against what students write. Every row of bad-inputs/cases.ts
// (NaN, ±∞, empty arrays, wrong ranks, mismatched shapes, zero and negative counts) must give the right
// answer or an Error naming the function and the argument; never NaN, never a silent wrong value, never
// a leaked tensor, and never a hang: the rows run in a worker thread that is stopped, and restarted at
// the next row, when a row takes longer than ROW_LIMIT_MS.
import { expect } from 'chai';
import path from 'path';
import { Worker } from 'worker_threads';
import { rows } from './bad-inputs/cases';
import type { Verdict } from './bad-inputs/runner';

const ROW_LIMIT_MS = 5000;
/** Starting a worker loads tfjs and the backend: allowed on top of a row's limit. */
const STARTUP_MS = 20000;

function runAll(): Promise<(Verdict | undefined)[]> {
  const verdicts: (Verdict | undefined)[] = new Array(rows.length);
  return new Promise((resolve, reject) => {
    const start = (from: number) => {
      if (from >= rows.length) { resolve(verdicts); return; }
      const worker = new Worker(path.join(__dirname, 'bad-inputs', 'worker.ts'), {
        workerData: { from }, execArgv: ['--require', 'tsx/cjs'], env: { ...process.env, LATENT_QUIET: '1' },
      });
      let current = from - 1, timer: NodeJS.Timeout | undefined, finished = false;
      const arm = (ms: number) => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          // the row never returned: record it and go on with a fresh worker at the next row
          finished = true;
          verdicts[current] = { ok: false, detail: `still running after ${ms} ms (an endless loop?)` };
          void worker.terminate().then(() => start(current + 1));
        }, ms);
      };
      arm(STARTUP_MS);
      worker.on('message', (m: { type: string; index?: number; verdict?: Verdict; message?: string }) => {
        if (m.type === 'start') { current = m.index!; arm(ROW_LIMIT_MS); }
        else if (m.type === 'done') verdicts[m.index!] = m.verdict;
        else if (m.type === 'finished') { finished = true; clearTimeout(timer); void worker.terminate().then(() => resolve(verdicts)); }
        else if (m.type === 'crash') { finished = true; clearTimeout(timer); void worker.terminate(); reject(new Error(`bad-inputs worker crashed: ${m.message}`)); }
      });
      worker.on('error', (e) => { if (!finished) { finished = true; clearTimeout(timer); reject(e); } });
    };
    start(0);
  });
}

describe('bad inputs: every student-facing function gives the right answer or a named error', function () {
  this.timeout(120_000);
  let verdicts: (Verdict | undefined)[] = [];
  before(async () => { verdicts = await runAll(); });

  rows.forEach((row, i) => {
    const outcome = row.expect === 'error' ? `an error naming ${[row.fn, ...row.args].join(', ')}` : 'the right value';
    it(`${row.fn} with ${row.args.length ? `${row.args.join('/')} ` : ''}${row.input} → ${outcome}`, () => {
      const v = verdicts[i];
      expect(v, 'the row did not run').to.not.equal(undefined);
      expect(v!.ok, v!.detail).to.equal(true);
    });
  });
});
