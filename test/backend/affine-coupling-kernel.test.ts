// RealNVP's coupling transform as one native kernel each way (affineCoupling, ops/affine-coupling.ts) against
// float64 references of y, log|det| and the gradients of x, r and a, at 1 and 2 threads on a batch large
// enough for the threaded path, with and without a checkerboard's free mask; bit-identical across thread
// counts and repeated runs; the same values as the composed tfjs ops; no leaks.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { rng } from '../../src/random/rng';
import { latentThreads, loadAddon } from '../../src/backend/addon';
import { affineCoupling } from '../../src/ops/affine-coupling';
import { checkerboardMask } from '../../src/models/flows/image-coupling';
import { expectNoLeak, values } from '../support/tensors';
import { withoutNative } from '../support/native';
import { hasNativeKernel } from '../../src/backend/native-kernels';
import { AFFINE_COUPLING } from '../../src/backend/affine-coupling-kernel';

/** |got − want| ≤ rtol · max(1, |want|) + slack[i] (slack: a bound on float32's error that is not relative to the value). */
const closeAll = (got: ArrayLike<number>, want: ArrayLike<number>, rtol: number, what: string, slack?: number[]) => {
  expect(got.length, `${what} length`).to.equal(want.length);
  for (let i = 0; i < want.length; i++) {
    const tol = rtol * Math.max(1, Math.abs(want[i])) + (slack?.[i] ?? 0);
    if (!(Math.abs(got[i] - want[i]) <= tol)) expect(got[i], `${what}[${i}]`).to.be.closeTo(want[i], tol);
  }
};

const [B, H, W, C] = [128, 14, 14, 2];   // 50,176 entries: the threaded path

/** y, logDet and the gradients of Σ y ⊙ gy + Σ logDet ⊙ gl with respect to x, r and a, in float64. */
function reference(x: number[], r: number[], a: number[], f: number[] | undefined, gy: number[], gl: number[]) {
  const P = H * W, n = B * P * C;
  const y = new Array(n), logDet = new Array(B).fill(0), dx = new Array(n), dr = new Array(2 * n), da = new Array(C).fill(0);
  // ∂r_s = ∂s f a (1 − tanh² r_s): float32's tanh is off by an ulp or two, and 1 − tanh² then by 2 tanh · that,
  // relative to ∂s f a rather than to the (small) result
  const drSlack = new Array(2 * n).fill(0);
  for (let b = 0; b < B; b++) for (let p = 0; p < P; p++) for (let c = 0; c < C; c++) {
    const i = (b * P + p) * C + c, rs = r[(b * P + p) * 2 * C + c], rt = r[(b * P + p) * 2 * C + C + c], fc = f ? f[p * C + c] : 1;
    const th = Math.tanh(rs), s = a[c] * th * fc, e = Math.exp(s);
    y[i] = x[i] * e + rt * fc;
    logDet[b] += s;
    const ds = gy[i] * x[i] * e + gl[b];
    dx[i] = gy[i] * e;
    dr[(b * P + p) * 2 * C + c] = ds * fc * a[c] * (1 - th * th);
    drSlack[(b * P + p) * 2 * C + c] = 8 * 2 ** -24 * Math.abs(ds * fc * a[c]);
    dr[(b * P + p) * 2 * C + C + c] = gy[i] * fc;
    da[c] += ds * fc * th;
  }
  return { want: [y, logDet, dx, dr, da], drSlack };
}

describe('native affine coupling kernel', function () {
  this.timeout(120_000);

  for (const backend of ['wasm', 'cpu']) {
    for (const masked of [true, false]) {
      it(`on ${backend}, ${masked ? 'with a checkerboard\'s free mask' : 'every entry free (channel mask)'}: y, log|det| and the gradients equal float64 at 1 and 2 threads, and the composed ops`, async () => {
        const before = tf.getBackend();
        await tf.setBackend(backend);
        try {
          expect(hasNativeKernel(AFFINE_COUPLING), 'the native kernel is what is tested').to.equal(true);
          const g = rng(51);
          const x = g.normal([B, H, W, C]) as tf.Tensor4D, r = tf.tidy(() => tf.mul(g.normal([B, H, W, 2 * C]), 1.5)) as tf.Tensor4D;
          const a = tf.tensor1d([0.7, -1.3]), gy = g.normal([B, H, W, C]), gl = g.normal([B]);
          const free = masked ? tf.tidy(() => tf.sub(1, checkerboardMask(H, W, C, 0))) as tf.Tensor4D : undefined;
          const run = () => tf.tidy(() => {
            const { y, logDet } = affineCoupling(x, r, a, free);
            const grads = tf.grads((xx: tf.Tensor, rr: tf.Tensor, aa: tf.Tensor) => {
              const o = affineCoupling(xx as tf.Tensor4D, rr as tf.Tensor4D, aa as tf.Tensor1D, free);
              return tf.add(tf.sum(tf.mul(o.y, gy)), tf.sum(tf.mul(o.logDet, gl)));
            })([x, r, a]);
            return [y, logDet, ...grads].map(values);
          });
          const runs: number[][][] = [];
          try {
            for (const n of [1, 2, 1, 2]) { loadAddon().setThreads(n); runs.push(run()); }
          } finally {
            loadAddon().setThreads(latentThreads());
          }
          for (const other of runs.slice(1)) other.forEach((out, k) => expect(out.every((v, i) => Object.is(v, runs[0][k][i])), `output ${k} bit-identical at 1 and 2 threads, run after run`).to.equal(true));
          const { want, drSlack } = reference(values(x), values(r), values(a), free && values(free), values(gy), values(gl));
          const names = ['y', 'logDet', 'dx', 'dr', 'da'];
          // float32 arithmetic on O(1) values; the sums (logDet: 392 terms, da: 50,176) carry their accumulation's error
          const tol = [2e-6, 2e-5, 2e-6, 2e-6, 1e-5];
          runs[0].forEach((got, k) => closeAll(got, want[k], tol[k], names[k], k === 3 ? drSlack : undefined));
          const composed = withoutNative(run);
          runs[0].forEach((got, k) => closeAll(got, composed[k], tol[k] * 10, `${names[k]} vs the composed ops`, k === 3 ? drSlack.map((d) => 2 * d) : undefined));
          expectNoLeak(() => tf.grad((rr: tf.Tensor) => affineCoupling(x, rr as tf.Tensor4D, a, free).logDet)(r));
          tf.dispose([x, r, a, gy, gl, ...(free ? [free] : [])]);
        } finally {
          await tf.setBackend(before);
        }
      });
    }
  }

  it('refuses mismatched shapes by name', () => {
    const x = tf.zeros([2, 4, 4, 2]) as tf.Tensor4D, r = tf.zeros([2, 4, 4, 3]) as tf.Tensor4D, a = tf.zeros([2]) as tf.Tensor1D;
    expect(() => affineCoupling(x, r, a)).to.throw(/affineCoupling: r must have shape \[2, 4, 4, 4\]/);
    tf.dispose([x, r, a]);
  });
});
