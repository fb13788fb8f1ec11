// The OpenBLAS kernels against a float64 reference on awkward shapes, on wasm and cpu; gradients;
// the fused kernel; and the fallback when the addon is missing or disabled.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import { rng } from '../../src';
import { batchLayout } from '../../src/backend/blas';
import { chooseCoreType } from '../../src/backend/addon';
import { nativeStatus, disableNativeKernels, enableNativeKernels } from '../../src/backend/native-kernels';

function reference(a: tf.Tensor, b: tf.Tensor, ta: boolean, tb: boolean): { shape: number[]; values: Float64Array } {
  const L = batchLayout(a.shape, b.shape, ta, tb);
  const av = a.dataSync(), bv = b.dataSync();
  const out = new Float64Array(L.offA.length * L.M * L.N);
  for (let i = 0; i < L.offA.length; i++) {
    for (let m = 0; m < L.M; m++) for (let n = 0; n < L.N; n++) {
      let s = 0;
      for (let k = 0; k < L.K; k++) {
        const x = av[L.offA[i] + (ta ? k * L.M + m : m * L.K + k)];
        const y = bv[L.offB[i] + (tb ? n * L.K + k : k * L.N + n)];
        s += x * y;
      }
      out[(i * L.M + m) * L.N + n] = s;
    }
  }
  return { shape: L.outShape, values: out };
}

const cases: [number[], number[], boolean, boolean][] = [
  [[3, 4], [4, 5], false, false], [[4, 3], [4, 5], true, false], [[3, 4], [5, 4], false, true], [[4, 3], [5, 4], true, true],
  [[2, 3, 4], [4, 5], false, false], [[1, 3, 4], [2, 4, 5], false, false], [[2, 1, 3, 4], [3, 4, 5], false, false],
  [[2, 4, 3], [2, 5, 4], true, true], [[1, 7], [7, 9], false, false], [[9, 1], [1, 6], false, false], [[0, 4], [4, 5], false, false],
  [[3, 0], [0, 5], false, false], [[128, 784], [784, 300], false, false], [[128, 300], [128, 784], true, false],
];

async function onBackend(name: string, fn: () => void) {
  const before = tf.getBackend();
  await tf.setBackend(name);
  try { fn(); } finally { await tf.setBackend(before); }
}

describe('native BLAS kernels', function () {
  this.timeout(60_000);

  it('are on by default here (setup builds the addon)', () => {
    expect(nativeStatus()?.enabled, nativeStatus()?.detail).to.equal(true);
  });

  for (const backend of ['wasm', 'cpu']) {
    it(`BatchMatMul on ${backend} matches a float64 reference: transposes, batch broadcast, 1×N, N×1, empty`, async () => {
      const g = rng(1);
      await onBackend(backend, () => {
        for (const [as, bs, ta, tb] of cases) {
          tf.tidy(() => {
            const a = g.normal(as), b = g.normal(bs);
            const got = tf.matMul(a, b, ta, tb);
            const ref = reference(a, b, ta, tb);
            expect(got.shape, `[${as}]·[${bs}] ${ta} ${tb}`).to.deep.equal(ref.shape);
            const v = got.dataSync();
            const K = ta ? as[as.length - 2] : as[as.length - 1];
            ref.values.forEach((r, i) => expect(v[i], `[${as}]·[${bs}] ${ta} ${tb} @${i}`).to.be.closeTo(r, 1e-5 * (1 + Math.sqrt(K)) * (1 + Math.abs(r))));
          });
        }
      });
    });
  }

  it('gradients through matMul equal those of the stock kernels', () => {
    const g = rng(2);
    const a = g.normal([5, 7]), b = g.normal([7, 3]);
    const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, y)));
    const native = tf.grads(f)([a, b]).map((t) => Array.from(t.dataSync()));
    disableNativeKernels();
    const stock = tf.grads(f)([a, b]).map((t) => Array.from(t.dataSync()));
    expect(enableNativeKernels().enabled).to.equal(true);
    native.forEach((n, i) => n.forEach((v, j) => expect(v).to.be.closeTo(stock[i][j], 1e-4 * (1 + Math.abs(stock[i][j])))));
    tf.dispose([a, b]);
  });

  it('_FusedMatMul (bias + relu) matches matMul, add and relu', () => {
    const g = rng(3);
    tf.tidy(() => {
      const a = g.normal([6, 8]), b = g.normal([8, 4]), bias = g.normal([4]);
      const fused = tf.fused.matMul({ a, b, bias, activation: 'relu' }).dataSync();
      const plain = tf.relu(tf.add(tf.matMul(a, b), bias)).dataSync();
      plain.forEach((v, i) => expect(fused[i]).to.be.closeTo(v, 1e-5));
    });
  });

  it('chooses OPENBLAS_CORETYPE from the CPU flags', () => {
    expect(chooseCoreType('flags\t\t: fpu avx2 fma avx512f avx512bw avx512vl avx512dq avx512cd')).to.equal('SkylakeX');
    expect(chooseCoreType('flags\t\t: fpu avx2 fma avx512f')).to.equal('Haswell');
    expect(chooseCoreType('flags\t\t: fpu sse2')).to.equal(undefined);
  });

  it('lets OpenMP\'s threads sleep at barriers (OMP_WAIT_POLICY=passive) unless the environment chose a policy', () => {
    const code = `require('${require.resolve('../../src/backend/addon')}').loadAddon(); console.log('POLICY', process.env.OMP_WAIT_POLICY)`;
    const run = (policy?: string) => {
      const env: NodeJS.ProcessEnv = { ...process.env };
      delete env.OMP_WAIT_POLICY;
      if (policy) env.OMP_WAIT_POLICY = policy;
      return spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', code], { encoding: 'utf8', env }).stdout;
    };
    expect(run()).to.contain('POLICY passive');
    expect(run('active')).to.contain('POLICY active');
  });

  for (const [why, env] of [['the addon is missing', { LATENT_NATIVE_ADDON: '/nonexistent/latent_blas.node' }], ['LATENT_NATIVE=0', { LATENT_NATIVE: '0' }]] as const) {
    it(`falls back to the stock kernels and composite ops when ${why}, says so once, and still computes and trains`, () => {
      const code = `const ll = require('${require.resolve('../../src')}');
        ll.ready().then(async () => {
          const i = ll.backendInfo();
          const y = ll.tf.matMul(ll.tf.tensor2d([[1, 2]]), ll.tf.tensor2d([[3], [4]]));
          const vae = new ll.VAE(ll.rng(0), { inputDim: 6, latentDim: 2, hiddenDim: 5 }), x = ll.tf.tensor2d([[1, 0, 1, 1, 0, 0]]);
          const opt = require('${require.resolve('../../src/backend/fused-adam')}').adam(0.05), losses = [];
          for (let s = 0; s < 20; s++) losses.push((await opt.minimize(() => vae.loss(ll.rng(s), x, { type: 'elbo' }), true, vae.variables).data())[0]);
          console.log('NATIVE', i.native.enabled, 'Y', (await y.data())[0], 'OPT', opt.constructor.name, 'TRAINS', losses[19] < losses[0] && losses.every(Number.isFinite));
        });`;
      const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', code], { encoding: 'utf8', env: { ...process.env, LATENT_QUIET: '', ...env } });
      expect(r.stdout, r.stderr).to.contain('NATIVE false Y 11 OPT AdamOptimizer TRAINS true');
      expect((r.stdout.match(/native kernels off/g) ?? []).length).to.equal(1);
    });
  }
});
