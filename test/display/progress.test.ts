// Outside a kernel the progress display is a terminal bar (cli-progress) on stderr.
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import { sparkline, progress } from '../../src/display/progress';

describe('display: progress outside a kernel', () => {
  it('draws a terminal progress bar with the metrics, and a sparkline SVG for the kernel', () => {
    const code = `const { progress } = require('${require.resolve('../../src/display/progress')}');
      const p = progress({ total: 3, title: 'fit' }); for (let i = 1; i <= 3; i++) p.update(i, { loss: 1 / i }); p.done();`;
    const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', code], { encoding: 'utf8', env: { ...process.env, LATENT_QUIET: '' } });
    expect(r.stderr).to.contain('fit [').and.contain('3/3').and.contain('loss 0.33333');
    expect(sparkline([3, 2, 1])).to.match(/<polyline[^>]*points="[^"]+"/);
    expect(() => progress({ total: 0 })).to.throw('progress: total must be a positive integer');
  });
});
