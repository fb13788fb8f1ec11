// All native kernels together, on both backends they serve: the lectures' VAE loss and its gradients
// equal those of the composed tfjs ops; and how OpenBLAS's core type is chosen.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import fs from 'fs';
import { VAE, rng } from '../../src';
import { chooseCoreType } from '../../src/backend/addon';
import { values } from '../support/tensors';
import { withoutNative } from '../support/native';

describe('native kernels together', function () {
  this.timeout(120_000);

  for (const backend of ['wasm', 'cpu']) {
    it(`on ${backend}: the VAE's ELBO loss and every gradient equal the composite ops'`, async () => {
      const before = tf.getBackend();
      await tf.setBackend(backend);
      try {
        const model = new VAE(rng(3), { inputDim: 60, latentDim: 4, hiddenDim: 20 });
        const x = tf.tidy(() => tf.cast(tf.less(rng(2).uniform([8, 60]), 0.3), 'float32'));
        const run = () => tf.tidy(() => {
          const { value, grads } = tf.variableGrads(() => model.loss(rng(5), x, { type: 'elbo' }), model.variables);
          return { loss: values(value)[0], grads: model.variables.map((v) => values(grads[v.name])) };
        });
        const native = run();
        const composite = withoutNative(run);
        expect(native.loss).to.be.closeTo(composite.loss, 1e-5 * Math.abs(composite.loss));
        native.grads.forEach((g, k) => g.forEach((v, i) => expect(v, `${model.variables[k].name}[${i}]`).to.be.closeTo(composite.grads[k][i], 1e-4 * (1 + Math.abs(v)))));
        tf.dispose(x);
        model.dispose();
      } finally {
        await tf.setBackend(before);
      }
    });
  }

  it('survive tf.engine().reset(): the stock kernels they fall back to are bound to the new wasm instance', () => {
    // tfjs-core's own test suite resets the engine between suites (npm run ops:conformance); the stock wasm
    // kernels bind their wasm functions in setupFunc, which must run again on the new instance, or the fallback
    // paths (a sum over the last axis, an int32 sum, a 3×3 average pool) abort the wasm module.
    const backend = require.resolve('../../src/backend/backend');
    const code = `const b = require('${backend}'); const tf = require('@tensorflow/tfjs-core');
      b.ready().then(async () => {
        const run = () => [tf.sum(tf.tensor2d([[1, 2], [3, 4]]), 1), tf.sum(tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32'), 0), tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])),
          tf.avgPool(tf.ones([1, 3, 3, 1]), 3, 1, 'valid'), tf.sum(tf.ones([4, 3]), 0)].map((t) => Array.from(t.dataSync()));
        const before = run();
        tf.engine().reset();
        await tf.setBackend('wasm');
        console.log('SAME', JSON.stringify(before) === JSON.stringify(run()), JSON.stringify(before), tf.getBackend(), b.backendInfo().native.enabled);
      }).catch((e) => console.log('ERR', e.message));`;
    const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', code], { encoding: 'utf8', env: { ...process.env, LATENT_BACKEND: 'wasm', LATENT_QUIET: '1' } });
    expect(r.stdout, r.stdout + r.stderr).to.contain('SAME true [[3,7],[4,6],[11],[1],[4,4,4]] wasm true');
  });

  it("chooses OpenBLAS's core type from /proc/cpuinfo over the environment's, unless LATENT_BLAS_CORETYPE says otherwise", () => {
    const expected = chooseCoreType(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    const detail = (env: Record<string, string>) => {
      const code = `const n = require('${require.resolve('../../src/backend/native-kernels')}'); console.log('DETAIL', n.enableNativeKernels().detail);`;
      const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', code], { encoding: 'utf8', env: { ...process.env, ...env } });
      return r.stdout.split('DETAIL ')[1] ?? r.stderr;
    };
    const env = { OPENBLAS_CORETYPE: 'Prescott', LATENT_BLAS_CORETYPE: '' };
    if (expected) expect(detail(env)).to.contain(`OpenBLAS ${expected} (chosen from /proc/cpuinfo over OPENBLAS_CORETYPE=Prescott`);
    expect(detail({ ...env, LATENT_BLAS_CORETYPE: 'env' })).to.contain('OpenBLAS Prescott (OPENBLAS_CORETYPE from the environment)');
    expect(detail({ ...env, LATENT_BLAS_CORETYPE: 'Haswell' })).to.contain('OpenBLAS Haswell (LATENT_BLAS_CORETYPE)');
  });
});
