// D52: the leapfrog integrator — volume-preserving (Jacobian determinant 1, by finite differences),
// reversible (flip the momentum and come back), energy error O(ε²); float64 and tensor versions agree.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { leapfrog, leapfrog64 } from '../../../src/inference/mcmc/leapfrog';
import { expectNoLeak } from '../../support/tensors';

// a non-Gaussian target, so that the checks are not special to linear dynamics: log p = −q₁⁴/4 − (q₂ − q₁²)²/2 … a banana
const logP = (q: number[]) => -0.25 * q[0] ** 4 - 0.5 * (q[1] - 0.5 * q[0] ** 2) ** 2;
const grad = (q: number[]) => { const r = q[1] - 0.5 * q[0] ** 2; return [-(q[0] ** 3) + r * q[0], -r]; };
const logPTensor = (x: tf.Tensor2D) => tf.tidy(() => {
  const [a, b] = tf.unstack(x, 1);
  return tf.sub(tf.mul(-0.25, tf.pow(a, 4)), tf.mul(0.5, tf.square(tf.sub(b, tf.mul(0.5, tf.square(a))))));
});
const energy = (q: number[], p: number[]) => -logP(q) + 0.5 * (p[0] ** 2 + p[1] ** 2);
const q0 = [0.8, -0.3], p0 = [0.5, 1.1];

describe('inference/mcmc: the leapfrog integrator', () => {
  it('D52: is reversible — from (q′, −p′) it returns to (q, −p)', () => {
    const out = leapfrog64(grad, q0, p0, 0.05, 40);
    const back = leapfrog64(grad, out.q, out.p.map((v) => -v), 0.05, 40);
    back.q.forEach((v, j) => expect(v).to.be.closeTo(q0[j], 1e-12));
    back.p.forEach((v, j) => expect(-v).to.be.closeTo(p0[j], 1e-12));
  });

  it('D52: preserves volume — the Jacobian determinant of (q, p) ↦ (q′, p′) is 1 (central differences)', () => {
    const h = 1e-6;
    const state = [...q0, ...p0];
    const map = (s: number[]) => { const o = leapfrog64(grad, s.slice(0, 2), s.slice(2), 0.1, 15); return [...o.q, ...o.p]; };
    const J = state.map((_, k) => {
      const up = state.slice(), dn = state.slice();
      up[k] += h; dn[k] -= h;
      const a = map(up), b = map(dn);
      return a.map((v, i) => (v - b[i]) / (2 * h));   // column k
    });
    // determinant of the 4 × 4 matrix by elimination
    const m = J.map((r) => r.slice());
    let det = 1;
    for (let c = 0; c < 4; c++) {
      let piv = c;
      for (let r = c + 1; r < 4; r++) if (Math.abs(m[r][c]) > Math.abs(m[piv][c])) piv = r;
      if (piv !== c) { [m[piv], m[c]] = [m[c], m[piv]]; det = -det; }
      det *= m[c][c];
      for (let r = c + 1; r < 4; r++) { const f = m[r][c] / m[c][c]; for (let k = c; k < 4; k++) m[r][k] -= f * m[c][k]; }
    }
    expect(det).to.be.closeTo(1, 1e-6);
  });

  it('D52: conserves the energy to O(ε²) — over a fixed time, halving ε quarters the error', () => {
    const T = 2;
    const err = (eps: number) => { const o = leapfrog64(grad, q0, p0, eps, Math.round(T / eps)); return Math.abs(energy(o.q, o.p) - energy(q0, p0)); };
    const e1 = err(0.02), e2 = err(0.01), e3 = err(0.005);
    expect(e1 / e2).to.be.within(3.6, 4.4);
    expect(e2 / e3).to.be.within(3.8, 4.2);
  });

  it('the tensor version (tfjs gradients) agrees with the float64 reference, and frees its tensors', () => {
    const ref = leapfrog64(grad, q0, p0, 0.05, 20);
    const out = leapfrog(logPTensor, tf.tensor2d([q0]), tf.tensor2d([p0]), 0.05, 20);
    Array.from(out.q.dataSync()).forEach((v, j) => expect(v).to.be.closeTo(ref.q[j], 1e-4));
    Array.from(out.p.dataSync()).forEach((v, j) => expect(v).to.be.closeTo(ref.p[j], 1e-4));
    tf.dispose([out.q, out.p]);
    const q = tf.tensor2d([q0]), p = tf.tensor2d([p0]);
    expectNoLeak(() => leapfrog(logPTensor, q, p, 0.05, 5), (o) => tf.dispose([o.q, o.p]));
    tf.dispose([q, p]);
  });

  it('rejects bad input by name', () => {
    expect(() => leapfrog64(grad, q0, p0, 0, 5)).to.throw(/leapfrog64: stepSize/);
    expect(() => leapfrog64(grad, q0, [1], 0.1, 5)).to.throw(/leapfrog64: p must have shape \[2\], got \[1\]/);
    expect(() => leapfrog64(grad, q0, p0, 0.1, -1)).to.throw(/leapfrog64: steps/);
  });
});
