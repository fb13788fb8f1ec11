// scripts/test.sh starts the lecture notebooks in their own process group beside mocha. The guarantee: when
// the suite stops early — Ctrl-C in the terminal (SIGINT to the foreground group) or a CI timeout's SIGTERM to
// the script alone — the notebook run (and every kernel under it) stops too, and nothing is left running.
// The script runs here in a copy of the repository's layout whose tsc, mocha and notebook runner are stand-ins
// that record their process ids and wait, so the test needs seconds, not the suite's minutes.
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';

const ROOT = path.resolve(__dirname, '../..');

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

async function until(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A copy of the layout test.sh expects: the real script, a tsc that succeeds, a mocha and a notebook runner that wait. */
function fakeRepository(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-test-sh-'));
  fs.mkdirSync(path.join(dir, 'scripts'));
  fs.mkdirSync(path.join(dir, 'tools'));
  fs.mkdirSync(path.join(dir, 'node_modules/.bin'), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'scripts/test.sh'), path.join(dir, 'scripts/test.sh'));
  const exe = (rel: string, text: string) => fs.writeFileSync(path.join(dir, rel), text, { mode: 0o755 });
  exe('node_modules/.bin/tsc', '#!/usr/bin/env bash\nexit 0\n');
  exe('node_modules/.bin/mocha', '#!/usr/bin/env bash\necho $$ > mocha.pid\nsleep 600\n');
  // the runner starts a child of its own, as the real one starts kernels
  exe('tools/run_notebooks.py', [
    'import os, subprocess, time',
    'kernel = subprocess.Popen(["sleep", "600"])',
    'open("runner.pid", "w").write(f"{os.getpid()} {kernel.pid}")',
    'time.sleep(600)',
  ].join('\n'));
  return dir;
}

describe('scripts/test.sh: an interrupted suite stops its background notebook run', function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  const started: ChildProcess[] = [];
  after(() => {
    for (const c of started) { try { process.kill(-c.pid!, 'SIGKILL'); } catch { /* already gone */ } }
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  async function start(): Promise<{ dir: string; suite: ChildProcess; runner: number; kernel: number; mocha: number }> {
    const dir = fakeRepository();
    dirs.push(dir);
    // detached: its own process group, as a terminal gives the foreground job
    const suite = spawn('bash', [path.join(dir, 'scripts/test.sh')], { cwd: dir, detached: true, stdio: 'ignore' });
    started.push(suite);
    const runnerFile = path.join(dir, 'runner.pid'), mochaFile = path.join(dir, 'mocha.pid');
    await until('the notebook runner and mocha to start', () => fs.existsSync(runnerFile) && fs.existsSync(mochaFile)
      && fs.readFileSync(runnerFile, 'utf8').includes(' ') && fs.readFileSync(mochaFile, 'utf8').trim() !== '');
    const [runner, kernel] = fs.readFileSync(runnerFile, 'utf8').trim().split(' ').map(Number);
    const mocha = Number(fs.readFileSync(mochaFile, 'utf8').trim());
    expect(alive(runner) && alive(kernel) && alive(mocha), 'all three running before the interrupt').to.equal(true);
    expect(fs.existsSync(path.join(dir, 'build/notebook-run.started')), 'the run is announced to the notebook test').to.equal(true);
    return { dir, suite, runner, kernel, mocha };
  }

  const exited = (c: ChildProcess) => new Promise<void>((resolve) => (c.exitCode !== null || c.signalCode !== null) ? resolve() : c.once('exit', () => resolve()));

  it('Ctrl-C (SIGINT to the foreground group) stops mocha, the runner and its kernels', async () => {
    const { suite, runner, kernel, mocha } = await start();
    process.kill(-suite.pid!, 'SIGINT');
    await exited(suite);
    await until('the notebook runner and its kernel to stop', () => !alive(runner) && !alive(kernel));
    expect(alive(mocha), 'mocha').to.equal(false);
  });

  it("a CI timeout's SIGTERM to the script alone stops the runner and its kernels", async () => {
    const { suite, runner, kernel, mocha } = await start();
    process.kill(suite.pid!, 'SIGTERM');
    await exited(suite);
    await until('the notebook runner and its kernel to stop', () => !alive(runner) && !alive(kernel));
    process.kill(mocha, 'SIGKILL'); // the stand-in mocha is the script's child, not the notebooks': a real CI kills the job's group
  });
});
