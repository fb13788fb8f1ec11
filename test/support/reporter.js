// mocha's spec reporter, plus the plain closing line CI reads: "N passed, N failed, N skipped", and where the
// time went (the slowest tests and hooks with their files), so a CI run over its budget says what to speed up.
const Mocha = require('mocha');
const path = require('path');
const { EVENT_RUN_END, EVENT_TEST_END, EVENT_HOOK_END } = Mocha.Runner.constants;

const SLOWEST = 12;

class SpecWithCounts extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const timed = [];
    const started = Date.now();
    const where = (r) => (r.file ? path.relative(process.cwd(), r.file) : 'root hooks (test/support/setup.ts)');
    runner.on(EVENT_TEST_END, (t) => { if (t.duration) timed.push({ kind: 'test', ms: t.duration, file: where(t), title: t.title }); });
    runner.on(EVENT_HOOK_END, (h) => { if (h.duration) timed.push({ kind: 'hook', ms: h.duration, file: where(h), title: h.title }); });
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats;
      const byFile = new Map();
      for (const t of timed) byFile.set(t.file, (byFile.get(t.file) ?? 0) + t.ms);
      const seconds = (ms) => `${(ms / 1000).toFixed(1).padStart(7)} s`;
      process.stdout.write(`\nwhere the ${((Date.now() - started) / 1000).toFixed(0)} s went, by file (tests and hooks):\n`);
      for (const [file, ms] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, SLOWEST)) process.stdout.write(`${seconds(ms)}  ${file}\n`);
      process.stdout.write('slowest tests and hooks:\n');
      for (const t of timed.sort((a, b) => b.ms - a.ms).slice(0, SLOWEST)) {
        process.stdout.write(`${seconds(t.ms)}  ${t.kind} ${t.file}: ${t.title.slice(0, 90)}\n`);
      }
      process.stdout.write(`\n${s.passes} passed, ${s.failures} failed, ${s.pending} skipped\n`);
    });
  }
}
module.exports = SpecWithCounts;
