// The inverse-autoregressive-flow step (D35): its Jacobian is lower-triangular with diagonal σ, so its
// log-determinant Σ log σ equals log|det| of the finite-difference Jacobian; as a VAE posterior q(z | x)
// still integrates to 1, and it trains through ll.fit.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { rng, loadMnist } from '../../../src';
import { IAFStep } from '../../../src/models/flows/iaf-step';
import { RichVAE } from '../../../src/models/vae/rich-vae';
import { fit } from '../../../src/training/fit';
import { posteriorNormalization } from '../../support/posterior-normalization';

const read = (t: tf.Tensor) => { const v = Array.from(t.dataSync()); t.dispose(); return v; };

// log|det A| by Gaussian elimination with partial pivoting, in float64
function logAbsDet(A: number[][]): number {
  const a = A.map((r) => r.slice()), n = a.length;
  let s = 0;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    [a[c], a[p]] = [a[p], a[c]];
    s += Math.log(Math.abs(a[c][c]));
    for (let r = c + 1; r < n; r++) { const f = a[r][c] / a[c][c]; for (let k = c; k < n; k++) a[r][k] -= f * a[c][k]; }
  }
  return s;
}

describe('models/flows/iaf-step: inverse autoregressive flow', () => {
  it('D35: the Jacobian is lower-triangular with diagonal σ, and log|det| = Σ log σ matches finite differences', () => {
    const M = 5, C = 3;
    const step = new IAFStep(rng(1), M, C, 12, 'iaf/test');
    // larger weights than at initialization, so μ and σ vary with z
    tf.tidy(() => { step.zToHidden.assign(tf.mul(step.zToHidden, 4)); step.toMean.W.assign(tf.mul(step.toMean.W, 4)); step.toGate.W.assign(tf.mul(step.toGate.W, 4)); });
    const h = tf.tensor2d([[0.3, -1.2, 0.8]]);
    const z0 = [0.4, -0.9, 1.3, 0.2, -0.5];
    const f = (z: number[]) => { const r = step.forward(tf.tensor2d([z]), h); r.logDet.dispose(); return read(r.z); };
    const eps = 1e-2;
    const columns = z0.map((_, j) => {
      const up = z0.slice(), dn = z0.slice(); up[j] += eps; dn[j] -= eps;
      const fu = f(up), fd = f(dn);
      return fu.map((v, i) => (v - fd[i]) / (2 * eps));
    });
    const J = z0.map((_, i) => z0.map((__, j) => columns[j][i]));   // J[i][j] = ∂z'_i/∂z_j
    for (let i = 0; i < M; i++) for (let j = i + 1; j < M; j++) expect(Math.abs(J[i][j]), `∂z'_${i}/∂z_${j}`).to.be.below(1e-4);
    expect(J.some((r, i) => r.slice(0, i).some((v) => Math.abs(v) > 1e-2)), 'some below-diagonal entry is non-zero').to.equal(true);
    const r = step.forward(tf.tensor2d([z0]), h);
    r.z.dispose();
    expect(read(r.logDet)[0]).to.be.closeTo(logAbsDet(J), 2e-3);
    h.dispose(); step.dispose();
  });

  it('an IAF posterior q(z | x) integrates to 1 (change of variables), within 4 SE', () => {
    const m = new RichVAE(rng(5), { inputDim: 6, latentDim: 3, hiddenDim: 8, flowLayers: 2, flow: 'iaf', iafHidden: 10 });
    tf.tidy(() => m.iafSteps.forEach((s) => { s.toMean.W.assign(tf.mul(s.toMean.W, 3)); s.toGate.W.assign(tf.mul(s.toGate.W, 3)); }));
    const x = tf.tensor2d([[1, 0, 1, 1, 0, 0]]);
    const e = posteriorNormalization(m, x, 6);
    expect(Math.abs(e.value - 1)).to.be.at.most(4 * e.se);
    expect(e.se).to.be.below(0.05);
    x.dispose(); m.dispose();
  });

  it('trains on digits through ll.fit: the loss falls, same seed same losses, and nothing leaks', async () => {
    const data = loadMnist('train').take(400);
    const run = async () => {
      const m = new RichVAE(rng(1), { inputDim: 784, latentDim: 8, hiddenDim: 64, flowLayers: 2, flow: 'iaf' });
      const r = await fit(m, data, { epochs: 3, seed: 2, batchSize: 50, progress: false });
      m.dispose();
      return r.epochs.map((e) => e.loss);
    };
    const before = tf.memory().numTensors;
    const losses = await run();
    expect(tf.memory().numTensors, 'tensors leaked').to.equal(before);
    expect(losses[2]).to.be.below(losses[0] - 10);
    expect(await run()).to.deep.equal(losses);
  });

  it('bad configurations are errors naming the argument', () => {
    expect(() => new IAFStep(rng(0), 1, 3, 4, 'x')).to.throw(/IAFStep: latentDim/);
    expect(() => new RichVAE(rng(0), { inputDim: 4, latentDim: 1, flowLayers: 1, flow: 'iaf' })).to.throw(/latentDim/);
    expect(() => new RichVAE(rng(0), { inputDim: 4, latentDim: 2, flow: 'radial' as never })).to.throw(/flow must be 'planar' or 'iaf'/);
    const step = new IAFStep(rng(0), 2, 3, 4, 'y');
    expect(() => tf.tidy(() => step.forward(tf.zeros([4, 3]), tf.zeros([4, 3])))).to.throw(/IAFStep.forward: z must have shape \[K, B, \d+\] or \[B, \d+\]/);
    expect(() => tf.tidy(() => step.forward(tf.zeros([4, 2]), tf.zeros([5, 3])))).to.throw(/h must be \[4, 3\]/);
    step.dispose();
  });
});
