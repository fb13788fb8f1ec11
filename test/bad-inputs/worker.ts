// The bad-input rows run here, in a worker thread, so a row that never returns (an endless loop on a
// count of 0) can be stopped: the main thread terminates the worker and starts a new one at the next row.
import { parentPort, workerData } from 'worker_threads';
import { ready } from '../../src';
import { fixtures, rows } from './cases';
import { runRow } from './runner';

(async () => {
  await ready();
  fixtures();
  for (let i = workerData.from as number; i < rows.length; i++) {
    parentPort!.postMessage({ type: 'start', index: i });
    const verdict = await runRow(rows[i]);
    parentPort!.postMessage({ type: 'done', index: i, verdict });
  }
  parentPort!.postMessage({ type: 'finished' });
})().catch((e) => parentPort!.postMessage({ type: 'crash', message: String((e as Error)?.stack ?? e) }));
