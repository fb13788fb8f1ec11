// The progress display: a terminal bar outside a kernel; in the kernel a text/plain status line and a
// PNG curve, updated in place — no HTML, so an untrusted notebook shows the same thing as the run.
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import { sparkline, progress, textSparkline } from '../../src/display/progress';
import type { DisplayOptions, MimeBundle } from '../../src/display/kernel-hook';

describe('display: progress outside a kernel', () => {
  it('draws a terminal progress bar with the metrics, and a sparkline SVG', () => {
    const code = `const { progress } = require('${require.resolve('../../src/display/progress')}');
      const p = progress({ total: 3, title: 'fit' }); for (let i = 1; i <= 3; i++) p.update(i, { loss: 1 / i }); p.done();`;
    const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', code], { encoding: 'utf8', env: { ...process.env, LATENT_QUIET: '' } });
    expect(r.stderr).to.contain('fit [').and.contain('3/3').and.contain('loss 0.3333');
    expect(sparkline([3, 2, 1])).to.match(/<polyline[^>]*points="[^"]+"/);
    expect(() => progress({ total: 0 })).to.throw('progress: total must be a positive integer');
    expect(() => progress({ total: 3, epochs: 1.5 })).to.throw('progress: epochs must be a positive integer');
  });

  it('draws a text sparkline from the values, block by block', () => {
    expect(textSparkline([5, 4, 3, 2, 1], 5)).to.equal('█▆▅▃▁');
    expect(textSparkline([1, 1, 1])).to.equal('▁▁▁');
    expect(textSparkline([])).to.equal('');
    // 100 values into 4 blocks: each block is the mean of its quarter
    const s = textSparkline(Array.from({ length: 100 }, (_, i) => 100 - i), 4);
    expect(s).to.have.length(4);
    expect(s[0]).to.equal('█');
    expect(s[3]).to.equal('▁');
  });
});

describe('display: progress in the kernel', () => {
  const shown: { bundle: MimeBundle; options?: DisplayOptions }[] = [];
  const g = globalThis as { __latentLabKernel__?: unknown };
  beforeEach(() => {
    shown.length = 0;
    g.__latentLabKernel__ = { display: (bundle: MimeBundle, options?: DisplayOptions) => shown.push({ bundle, options }), clearOutput() {}, track() {} };
  });
  afterEach(() => { delete g.__latentLabKernel__; });

  it('shows a text/plain status line and a PNG curve, no HTML, and ends with "epoch 20/20" and "done in"', () => {
    const p = progress({ total: 40, title: 'training the VAE', epochs: 20, throttleMs: 0 });
    for (let step = 1; step <= 40; step++) p.update(step, { epoch: Math.ceil(step / 2), loss: 500 / step + 100 });
    p.done();
    // every bundle is text/plain, or a PNG with its text/plain: nothing a sanitizer could strip
    for (const { bundle } of shown) {
      expect(Object.keys(bundle).sort(), JSON.stringify(Object.keys(bundle))).to.satisfy((k: string[]) =>
        JSON.stringify(k) === '["text/plain"]' || JSON.stringify(k) === '["image/png","text/plain"]');
    }
    const ids = new Set(shown.map((s) => s.options?.displayId));
    expect(ids.size, 'two outputs, each updated in place').to.equal(2);
    expect(shown.slice(2).every((s) => s.options?.update === true)).to.equal(true);
    const lines = shown.filter((s) => !('image/png' in s.bundle)).map((s) => s.bundle['text/plain'] as string);
    const mid = lines[14];
    expect(mid, mid).to.match(/^training the VAE {2}━+─+ +\d+% {2}\d+\/40 · \d+\.\d s · epoch 7\/20 · loss 135\.7 {2}[▁-█]+$/);
    const last = lines[lines.length - 1];
    expect(last, last).to.match(/^training the VAE {2}━{12} 100% {2}40\/40 · done in \d+\.\d s · epoch 20\/20 · loss 112\.5 {2}█[▁-█]*▁$/);
    expect(last).to.not.match(/\d\.0000|20\.000/);
    const png = shown.filter((s) => 'image/png' in s.bundle).pop()!.bundle;
    const bytes = Buffer.from(png['image/png'] as string, 'base64');
    expect(bytes.subarray(1, 4).toString()).to.equal('PNG');
    expect(bytes.readUInt32BE(16), 'PNG width').to.equal(320);
    expect(png['text/plain']).to.equal('loss curve: 40 values, last 112.5');
  });

  it('throttles updates but always sends the last step', () => {
    const p = progress({ total: 1000, title: 'fit', throttleMs: 60_000 });
    for (let step = 1; step <= 1000; step++) p.update(step, { loss: 1 / step });
    const lines = shown.filter((s) => !('image/png' in s.bundle)).map((s) => s.bundle['text/plain'] as string);
    expect(lines.length, 'the first display and the last step').to.equal(2);
    expect(lines[1]).to.contain('1000/1000').and.contain('loss 0.001');
  });
});
