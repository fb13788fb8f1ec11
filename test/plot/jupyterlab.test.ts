// JupyterLab 4 in Chromium: the front end `npm start` opens (from .venv/, installed by scripts/setup.sh)
// starts the latent-lab kernel for a notebook, runs its cells from the Run menu and shows their outputs.
// The screenshot is kept in build/screenshots/jupyterlab.png.
import { expect } from 'chai';
import fs from 'fs';
import path from 'path';
import { CHROMIUM } from '../support/chromium';
import { root } from '../support/jupyter';
import { hasJupyterLab, openAndRunNotebook, jupyterLabInChromium } from '../support/jupyterlab';

describe('JupyterLab 4 in Chromium: the latent-lab kernel runs a notebook', function () {
  this.timeout(90_000);
  before(() => {
    expect(hasJupyterLab(), 'JupyterLab is not in .venv/: run bash scripts/setup.sh (its pip log is build/pip-install.log)').to.equal(true);
    expect(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: run bash scripts/setup.sh (it installs Debian's chromium)`).to.equal(true);
  });
  const lab = jupyterLabInChromium();

  it('Run > Run All Cells shows "2" for 1 + 1 and the console.log line', async () => {
    const nb = lab.server.addNotebook(path.join(root, 'test', 'fixtures', 'jupyterlab', 'hello.ipynb'));
    const page = await lab.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const run = await openAndRunNotebook(page, lab.server, nb);
    const screenshot = path.join(root, 'build', 'screenshots', 'jupyterlab.png');
    fs.mkdirSync(path.dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot });

    expect(run.cells.map((c) => c.executionCount), 'prompt numbers').to.deep.equal([1, 2]);
    expect(run.cells[0].outputs, 'outputs of 1 + 1').to.deep.equal(['2']);
    expect(run.cells[1].outputs, 'outputs of console.log').to.deep.equal(['hello from latent-lab']);
    expect(run.cells[1].mimeTypes[0], 'console.log is a stdout stream').to.equal('application/vnd.jupyter.stdout');
    expect(await page.getByText('hello from latent-lab', { exact: true }).isVisible(), 'the line is on screen').to.equal(true);
    expect(fs.statSync(screenshot).size).to.be.greaterThan(10_000);
  });
});
