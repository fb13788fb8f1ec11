// A sweep worker: a child process that runs probes one at a time, as the test sends them, and answers each
// with its verdict. The test kills it when a probe hangs and starts another; its heap is capped by the test.
import { ready } from '../../src';
import { runProbe, type Probe } from './sweep-probe';

(async () => {
  await ready();
  process.on('message', (p: Probe) => {
    void runProbe(p).then(
      (v) => process.send!({ type: 'verdict', verdict: v }),
      (e) => process.send!({ type: 'verdict', verdict: { outcome: 'unnamed', detail: `the probe itself failed: ${String((e as Error)?.stack ?? e).slice(0, 300)}`, ms: 0 } }),
    );
  });
  process.send!({ type: 'ready' });
})();
