// scripts/tfjs-node.sh (setup.sh --tfjs-node) when it cannot build: an unreachable wheel is said and is exit 3
// (setup then warns and goes on), a wrong variant is refused by name. Run on a copy of the script in a
// scratch project, so the project's own build/tfjs-node is never touched.
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { root } from '../support/jupyter';

describe('tfjs-node build script', function () {
  this.timeout(120_000);
  let scratch: string;

  before(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-tfjs-node-'));
    fs.mkdirSync(path.join(scratch, 'scripts'));
    fs.copyFileSync(path.join(root, 'scripts', 'tfjs-node.sh'), path.join(scratch, 'scripts', 'tfjs-node.sh'));
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(scratch, 'node_modules'));
  });
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync('bash', [path.join(scratch, 'scripts', 'tfjs-node.sh'), ...args], { cwd: scratch, encoding: 'utf8', env: { ...process.env, ...env } });

  it('says the wheel is not reachable and exits 3 (setup.sh warns on that and goes on), building nothing', () => {
    // pip with no configuration and an index nobody listens on: fails at once (--retries 0)
    const r = run([], { PIP_CONFIG_FILE: '/dev/null', PIP_INDEX_URL: 'http://127.0.0.1:9/simple', PIP_EXTRA_INDEX_URL: '', PIP_FIND_LINKS: '' });
    expect(r.status, r.stdout + r.stderr).to.equal(3);
    expect(r.stderr).to.contain('tfjs-node: the tensorflow-cpu 2.21.0 wheel is not reachable through pip (see build/tfjs-node/build-node.log); @tensorflow/tfjs-node not built');
    expect(fs.existsSync(path.join(scratch, 'build', 'tfjs-node', 'npm', 'node_modules'))).to.equal(false);
  });

  it('refuses a variant other than node and node-gpu by name', () => {
    const r = run(['gpu']);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.contain("tfjs-node: variant must be node or node-gpu, got 'gpu'");
  });
});
