// The addon's start-up settings: one thread count for every native kernel (LATENT_THREADS, default the
// cores the process may use), refused by name when it is not a thread count.
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import os from 'os';
import { latentThreads } from '../../src/backend/addon';

/** ready() in a fresh process with this environment: the native status's threads and OpenBLAS's own count. */
function threadsIn(env: Record<string, string | undefined>, prefix: string[] = []): { status: number | null; out: string } {
  const backend = require.resolve('../../src/backend/backend'), addon = require.resolve('../../src/backend/addon');
  const code = `require('${backend}').ready().then(() => { const n = require('${backend}').backendInfo().native;
    console.log('THREADS', n.threads, require('${addon}').loadAddon().info().threads, JSON.stringify(n.detail)); })
    .catch(e => { console.log('ERR', e.message); process.exit(3); });`;
  const full: NodeJS.ProcessEnv = { ...process.env, LATENT_QUIET: '1', ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete full[k];
  const r = spawnSync(prefix[0] ?? process.execPath, [...prefix.slice(1), ...(prefix.length ? [process.execPath] : []), '--require', 'tsx/cjs', '-e', code], { encoding: 'utf8', env: full });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('native threads (LATENT_THREADS)', () => {
  it('default to the cores this process may use, for OpenBLAS and the rest alike', () => {
    const r = threadsIn({ LATENT_THREADS: undefined });
    const n = os.availableParallelism();
    expect(r.out).to.contain(`THREADS ${n} ${n} `);
    expect(r.out).to.contain(`${n} thread${n > 1 ? 's' : ''} (the cores this process may use; LATENT_THREADS sets it)`);
    expect(latentThreads({})).to.equal(n);
  });

  it('follow the process\'s CPU affinity (taskset), as a pinned CI job or container would set it', () => {
    const r = threadsIn({ LATENT_THREADS: undefined }, ['taskset', '-c', '0']);
    expect(r.out).to.contain('THREADS 1 1 ');
  });

  it('are LATENT_THREADS when it is set', () => {
    for (const n of [1, 2, 3]) {
      const r = threadsIn({ LATENT_THREADS: String(n) });
      expect(r.out).to.contain(`THREADS ${n} ${n} `);
      expect(r.out).to.contain(`${n} thread${n > 1 ? 's' : ''} (LATENT_THREADS)`);
    }
    expect(latentThreads({ LATENT_THREADS: ' 4 ' })).to.equal(4);
  });

  for (const bad of ['two', '0', '-1', '1.5', '1e3', '2000', '0x2']) {
    it(`refuse LATENT_THREADS='${bad}' by name, in ready() too`, () => {
      expect(() => latentThreads({ LATENT_THREADS: bad })).to.throw(`LATENT_THREADS must be a whole number of threads from 1 to 1024 (unset: the ${os.availableParallelism()} cores this process may use), got '${bad}'`);
      const r = threadsIn({ LATENT_THREADS: bad });
      expect(r.status).to.equal(3);
      expect(r.out).to.contain(`ERR LATENT_THREADS must be a whole number of threads from 1 to 1024`);
    });
  }
});
