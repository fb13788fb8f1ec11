// scripts/setup.sh without root (or without apt) names exactly what is missing and how to get it,
// and stops before touching anything. Fake `id` and `dpkg-query` on PATH play a non-root user on a
// machine where the Debian packages are absent.
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { root } from '../support/jupyter';

function fakeBin(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-fakebin-'));
  for (const [name, body] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  }
  return dir;
}

describe('setup script', () => {
  it('as a non-root user with packages missing: lists them and the apt-get command, and exits 1', () => {
    const bin = fakeBin({ id: 'echo 1000', 'dpkg-query': 'exit 1' });
    const r = spawnSync('bash', [path.join(root, 'scripts', 'setup.sh')], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.contain('these Debian packages are missing: jupyter-client jupyter-nbconvert python3-nbclient jupyter-notebook python3-jupyter-kernel-test chromium dataset-fashion-mnist libopenblas-dev');
    expect(r.stderr).to.contain('run as root:  apt-get update && apt-get install -y --no-install-recommends jupyter-client');
  });

  it('rejects an unknown option by name', () => {
    const r = spawnSync('bash', [path.join(root, 'scripts', 'setup.sh'), '--gpu'], { encoding: 'utf8' });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.contain("setup: unknown option '--gpu'");
  });
});
