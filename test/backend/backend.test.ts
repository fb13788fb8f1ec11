import { expect } from 'chai';
import { spawnSync } from 'child_process';
import { ready, backendInfo, tf } from '../../src';

function choiceIn(env: Record<string, string>): { status: number | null; out: string } {
  const code = `require('${require.resolve('../../src/backend/backend')}').ready().then(() => { const i = require('${require.resolve('../../src/backend/backend')}').backendInfo(); console.log('CHOICE', i.choice, tf()); }).catch(e => { console.log('ERR', e.message); process.exit(3); });
    function tf() { return require('@tensorflow/tfjs-core').getBackend(); }`;
  const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', code], { encoding: 'utf8', env: { ...process.env, LATENT_QUIET: '', ...env } });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('backend selection', () => {
  it('chooses wasm when tfjs-node-gpu is not there, never tfjs-node unasked (built or not), and says why', async () => {
    await ready();
    const info = backendInfo()!;
    expect(info.choice).to.equal('wasm');
    expect(tf.getBackend()).to.equal('wasm');
    expect(info.reason).to.equal("node-gpu unavailable: Cannot find module '@tensorflow/tfjs-node-gpu'");
    expect(await ready(), 'ready() resolves to nothing, so a cell shows no object').to.equal(undefined);
  });

  it('is forced by LATENT_BACKEND and prints its choice once', () => {
    const r = choiceIn({ LATENT_BACKEND: 'cpu' });
    expect(r.out).to.contain('CHOICE cpu cpu');
    expect(r.out.match(/Latent Lab ready: TensorFlow\.js on plain JavaScript \(forced by LATENT_BACKEND\)/g)).to.have.length(1);
    expect(r.out).to.not.contain('install our node');
  });

  it('rejects an unknown LATENT_BACKEND by name', () => {
    const r = choiceIn({ LATENT_BACKEND: 'gpu' });
    expect(r.status).to.equal(3);
    expect(r.out).to.contain("LATENT_BACKEND must be one of node-gpu, node, wasm, cpu; got 'gpu'");
  });

  it('fails clearly when a forced tfjs-node-gpu is not built, saying how to build it', () => {
    const r = choiceIn({ LATENT_BACKEND: 'node-gpu' });
    expect(r.status).to.equal(3);
    expect(r.out).to.contain("ERR no TensorFlow.js backend could start: node-gpu unavailable: Cannot find module '@tensorflow/tfjs-node-gpu' (not built: bash scripts/setup.sh --tfjs-node-gpu builds it against the machine's TensorFlow; environment.md)");
  });
});
