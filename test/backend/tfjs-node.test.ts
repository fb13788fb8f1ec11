// tfjs-node as a backend (LATENT_BACKEND=node): built by `bash scripts/setup.sh --tfjs-node` (CI passes it)
// against the TensorFlow wheel. When it is not built the tests say why and are skipped; when it is, it must
// report itself, agree with the default backend (wasm + native kernels) within float32 tolerance on ops,
// distributions and training steps, and pass the library's backend-dependent tests.
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import { resolveTfjsNode } from '../../src/backend/tfjs-node';

const ROOT = path.resolve(__dirname, '../..');
const TF_VERSION = '2.21.0';

/** Where the build is, or why it is not there (printed by the skipped tests). */
function built(): { dir: string } | { why: string } {
  try {
    const main = resolveTfjsNode('@tensorflow/tfjs-node');
    return { dir: path.dirname(path.dirname(main)) };
  } catch (e) {
    return { why: `tfjs-node is not built (${String((e as Error).message).split('\n')[0]}); bash scripts/setup.sh --tfjs-node builds it against the machine's TensorFlow wheel` };
  }
}

function run(args: string[], env: Record<string, string>, timeout = 600_000) {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout, env: { ...process.env, ...env } });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('tfjs-node (LATENT_BACKEND=node)', function () {
  this.timeout(600_000);
  const found = built();

  beforeEach(function () {
    if ('why' in found) {
      console.log(`    skipped: ${found.why}`);
      this.skip();
    }
  });

  it("is the build of our tfjs's version against TensorFlow 2.21, and ready() reports it with no native kernels", () => {
    const { dir } = found as { dir: string };
    const ours = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/@tensorflow/tfjs/package.json'), 'utf8')).version;
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version).to.equal(ours);
    expect(fs.readFileSync(path.join(dir, '.latent-lab-build'), 'utf8')).to.contain(`on tensorflow-cpu==${TF_VERSION}`);
    expect(fs.existsSync(path.join(dir, 'node_modules/@tensorflow/tfjs-core')), 'a second tfjs-core would be a second engine').to.equal(false);
    const code = `const b = require('./src/backend/backend'); b.ready().then(() => console.log('INFO ' + JSON.stringify(b.backendInfo())))`;
    const r = run(['--require', 'tsx/cjs', '-e', code], { LATENT_BACKEND: 'node', LATENT_QUIET: '' }, 60_000);
    expect(r.status, r.out).to.equal(0);
    expect(r.out).to.contain(`Latent Lab ready: TensorFlow.js on native TensorFlow (tfjs-node) ${TF_VERSION} (forced by LATENT_BACKEND).`);
    const info = JSON.parse(r.out.split('\n').find((l) => l.startsWith('INFO '))!.slice('INFO '.length));
    expect(info).to.deep.equal({ choice: 'node', tfName: 'tensorflow', reason: 'forced by LATENT_BACKEND', tensorflow: TF_VERSION });
  });

  it('agrees with the default backend: ops (integer round and isNaN included), the native kernels\' ops, distributions, a VAE\'s gradients, three conv VAE steps', () => {
    const r = run(['--require', 'tsx/cjs', 'test/backend/tfjs-node-compare.ts'], { LATENT_BACKEND: '' });
    const line = r.out.split('\n').find((l) => l.startsWith('RESULT '));
    expect(line, r.out.slice(-3000)).to.be.a('string');
    const { base, results } = JSON.parse(line!.slice('RESULT '.length)) as { base: string; results: Record<string, { maxAbs: number; scale: number; entries: number }> };
    expect(base).to.match(/^wasm \(OpenBLAS/);   // the native kernels are what is compared
    expect(Object.keys(results)).to.have.length(12);
    for (const [name, { maxAbs, scale, entries }] of Object.entries(results)) {
      expect(entries, `${name}: tensors leaked`).to.be.above(0);
      // float32: different summation orders (OpenBLAS/oneDNN against Eigen/oneDNN inside TensorFlow) differ by
      // a few ulps of the largest magnitude per accumulated term; 1e-5 of it is ~100 ulps. Three Adam steps
      // amplify that in the conv VAE's weights, whose largest entries are ~1, so 1e-4 there.
      const tolerance = (name.startsWith('conv VAE') ? 1e-4 : 1e-5) * Math.max(scale, 1);
      expect(maxAbs, `${name}: largest difference ${maxAbs} over ${entries} entries of magnitude up to ${scale}`).to.be.at.most(tolerance);
    }
  });

  it("passes the library's backend-dependent tests on it: ops, distributions, every model's training step", () => {
    const files = ['test/ops/*.test.ts', 'test/distributions/*.test.ts', 'test/training/fit.test.ts'];
    const started = Date.now();
    const r = run(['node_modules/.bin/mocha', '--no-config', '-r', 'tsx/cjs', '-r', 'test/support/setup.ts', '--extension', 'ts', '--timeout', '600000', '--reporter', 'dot', ...files], { LATENT_BACKEND: 'node' });
    console.log(`    ${r.out.match(/(\d+) passing/)?.[0] ?? 'no'} tests on tfjs-node in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    expect(r.status, r.out.slice(-6000)).to.equal(0);
    expect(Number(r.out.match(/(\d+) passing/)?.[1])).to.be.above(50);
  });
});
