// Each bound written once (issue 28, item 2): the ELBO, IWAE and Rényi bounds, their single-sample forms and the
// log-mean-exp of importance weights live in src/inference/bounds.ts; every model computes its bounds through
// them. Two checks that fail on the code before: (1) a scan of src/ for a bound written by hand outside
// src/inference/ (a log-mean-exp of weights, a Rényi power mean, an ELBO as a mean of log-weights, a
// `− log K` after a logSumExp anywhere but math/log-space.ts, a Gaussian KL to N(0, I) written out beside an ELBO
// — the hierarchical VAE's own per-layer ELBO had one); (2) every VAE of the library — MLP, conditional, flow
// posterior + VampPrior, hierarchical, convolutional — and PPCA give, on the same draws, the numbers of the
// inference functions over their logJoint(x, z) and posterior q(z | x), and the float64 statistic of their own
// log-weights (D12, D26, D27, D31); the hierarchical VAE's ELBO, now ll.infer's elboTerms over z₂ with the KL in
// closed form, is the per-layer formula it had on the same draws (D14, D17).
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import fs from 'fs';
import path from 'path';
import * as ll from '../../src';
import { elbo, iwae, renyiBound, logImportanceWeights, iwaeInChunks, renyiFromLogWeights } from '../../src/inference/bounds';
import { values, expectNoLeak } from '../support/tensors';

const root = path.resolve(__dirname, '..', '..');

/** Every .ts file under dir, relative to the project root. */
function sources(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** A bound written by hand, and where it may be written. */
const HAND_WRITTEN: { what: string; pattern: RegExp; allowedIn: (file: string) => boolean }[] = [
  {
    // a subtracted log K, or a logSumExp and a log on one line (tf.sub(logSumExp(…), Math.log(K))); a log K that is
    // added (KL to a uniform categorical: Σ q (log q + log K)) is not an average of weights
    what: 'a log-mean-exp written as logSumExp − log K (math.logMeanExp / logMeanExp64 is the one helper)',
    pattern: /[-−]\s*Math\.log\(\s*(K|k|n|N|S|samples|chunk|count)\s*\)|logSumExp(64)?\(.*Math\.log\(\s*(K|k|n|N|S|samples|chunk|count)\s*\)/,
    allowedIn: (f) => f === path.join('src', 'math', 'log-space.ts'),
  },
  {
    what: 'a log-mean-exp of weights outside inference/ (IWAE, Rényi and log p̂(x) come from inference/bounds.ts)',
    pattern: /\blogMeanExp\(/,
    allowedIn: (f) => f.startsWith(path.join('src', 'math') + path.sep) || f.startsWith(path.join('src', 'inference') + path.sep),
  },
  {
    what: "the Rényi bound's power mean 1/(1 − α) log mean w^{1−α} (renyiFromLogWeights is the one)",
    pattern: /\b1\s*-\s*alpha\b|\(1\s*-\s*a\)/,
    allowedIn: (f) => f === path.join('src', 'inference', 'bounds.ts'),
  },
  {
    what: 'an ELBO as the mean of log-weights outside inference/ (ll.infer.elbo)',
    pattern: /tf\.mean\([^;]*[lL]ogWeights/,
    allowedIn: (f) => f.startsWith(path.join('src', 'inference') + path.sep),
  },
  {
    // the hierarchical VAE had its own ELBO with this KL; the bounds take it from the KL registry (elboTerms)
    what: 'a Gaussian KL to N(0, I), ½(μ² + σ² − 1) − log σ, written by hand outside ops/ and distributions/ (ll.infer.elboTerms with kl: analytic)',
    pattern: /tf\.add\(tf\.square\([^()]*\), tf\.exp\(tf\.mul\([^()]*, 2\)\)\)/,
    allowedIn: (f) => f.startsWith(path.join('src', 'ops') + path.sep) || f.startsWith(path.join('src', 'distributions') + path.sep),
  },
];

/** `file:line: text — what` for every bound written by hand where it may not be. */
function handWrittenBounds(files: { file: string; text: string }[]): string[] {
  const found: string[] = [];
  for (const { file, text } of files) {
    text.split('\n').forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, '');
      if (/^\s*(\*|\/\*\*)/.test(code)) return; // doc comments print the formulas
      for (const rule of HAND_WRITTEN) {
        if (rule.pattern.test(code) && !rule.allowedIn(file)) found.push(`${file}:${i + 1}: ${line.trim()} — ${rule.what}`);
      }
    });
  }
  return found;
}

const read = (t: tf.Tensor) => { const v = Array.from(t.dataSync()); t.dispose(); return v; };
/** float64 statistics of log-weights [K, B] read from a tensor: per point. */
function reference(lw: tf.Tensor): { elbo: number[]; iwae: number[]; renyi: (alpha: number) => number[] } {
  const [K, B] = lw.shape;
  const a = read(lw);
  const col = (b: number) => Array.from({ length: K }, (_, k) => a[k * B + b]);
  const lme = (xs: number[]) => { const m = Math.max(...xs); return m + Math.log(xs.reduce((s, v) => s + Math.exp(v - m), 0) / xs.length); };
  return {
    elbo: Array.from({ length: B }, (_, b) => col(b).reduce((s, v) => s + v, 0) / K),
    iwae: Array.from({ length: B }, (_, b) => lme(col(b))),
    renyi: (alpha) => Array.from({ length: B }, (_, b) => lme(col(b).map((v) => (1 - alpha) * v)) / (1 - alpha)),
  };
}
const close = (got: number[], want: number[], tol: number, what: string) => {
  expect(got.length, what).to.equal(want.length);
  got.forEach((g, i) => expect(g, `${what}[${i}]`).to.be.closeTo(want[i], tol * Math.max(1, Math.abs(want[i]))));
};

describe('inference: each bound written once (issue 28)', () => {
  it('the scan flags the hand-written forms it forbids (the old code had each of them)', () => {
    const old = [
      { file: path.join('src', 'models', 'vae', 'vae.ts'), text: 'return logMeanExp(tf.sub(this.logJoint(x, z), q.logProb(z)), 0);' },
      { file: path.join('src', 'models', 'vae', 'log-weights.ts'), text: '    : tf.div(logMeanExp(tf.mul(logWeights, 1 - alpha), 0), 1 - alpha)));' },
      { file: path.join('src', 'models', 'vae', 'rich-vae.ts'), text: '    return tf.tidy(() => tf.mean(this.logWeights(rng, x, options), 0));' },
      { file: path.join('src', 'evaluation', 'log-likelihood.ts'), text: 'const total = tf.tidy(() => tf.sub(logSumExp(tf.stack(parts), 0), Math.log(K)));' },
      { file: path.join('src', 'inference', 'importance-sampling.ts'), text: '  const value = logSumExp64(logWeights) - Math.log(n);' },
      { file: path.join('src', 'inference', 'bounds.ts'), text: ' * IWAE L_K = log (1/K) Σ_k w_k = logMeanExp(logW, 0) − … (1 - alpha) in a doc comment' },
      { file: path.join('src', 'models', 'vae', 'categorical-vae.ts'), text: 'return tf.tidy(() => tf.sum(tf.mul(tf.exp(logQ), tf.add(logQ, Math.log(K))), [-2, -1]));' },
      { file: path.join('src', 'models', 'vae', 'hierarchical-vae.ts'), text: '      const klPerDim = tf.sub(tf.mul(tf.sub(tf.add(tf.square(q2.mean), tf.exp(tf.mul(q2.logStd, 2))), 1), 0.5), q2.logStd);' },
    ];
    const found = handWrittenBounds(old);
    expect(found.map((f) => f.split(':')[0])).to.deep.equal([old[0].file, old[1].file, old[1].file, old[2].file, old[3].file, old[4].file, old[7].file]);
  });

  it('no bound is written by hand anywhere in src/ outside inference/bounds.ts (and the log-space helpers)', () => {
    const files = sources('src').map((file) => ({ file, text: fs.readFileSync(path.join(root, file), 'utf8') }));
    expect(files.length).to.be.greaterThan(100);
    const found = handWrittenBounds(files);
    expect(found, `${found.length} bounds written by hand:\n  ${found.join('\n  ')}\n`).to.deep.equal([]);
  });

  describe('every model on the same draws: its bounds are the inference functions over its logJoint and posterior', () => {
    const K = 7, seed = 31;
    const binary = (B: number, D: number, s: number) => tf.tidy(() => tf.cast(tf.less(ll.rng(s).uniform([B, D]), 0.4), 'float32')) as tf.Tensor2D;

    it('VAE (MLP, Bernoulli): iwae, the Monte Carlo ELBO, Rényi L_α, logWeights — and the fused single-sample ELBO', () => {
      const vae = new ll.VAE(ll.rng(2), { inputDim: 12, latentDim: 3, hiddenDim: 8 });
      const x = binary(4, 12, 1);
      const args = () => ({ x, logJoint: (a: tf.Tensor, z: tf.Tensor) => vae.logJoint(a, z), proposal: vae.posterior(x), samples: K });
      const ref = reference(vae.logWeights(ll.rng(seed), x, { samples: K }));
      tf.tidy(() => {
        close(values(vae.iwae(ll.rng(seed), x, { samples: K })), values(iwae(ll.rng(seed), args())), 1e-5, 'VAE.iwae vs ll.infer.iwae');
        close(values(vae.iwae(ll.rng(seed), x, { samples: K })), ref.iwae, 1e-4, 'VAE.iwae vs float64 log-mean-exp');
        close(values(vae.elbo(ll.rng(seed), x, { samples: K, kl: 'monte-carlo' })), ref.elbo, 1e-4, 'VAE.elbo (Monte Carlo KL) vs mean log w');
        close(values(vae.renyiBound(ll.rng(seed), x, { alpha: 0.5, samples: K })), ref.renyi(0.5), 1e-4, 'VAE.renyiBound vs float64');
        close(values(vae.renyiBound(ll.rng(seed), x, { alpha: 0.5, samples: K })), values(renyiBound(ll.rng(seed), { ...args(), alpha: 0.5 })), 1e-5, 'VAE.renyiBound vs ll.infer.renyiBound');
        // the fused single-sample ELBO (D30) is log p(x|z) − KL on the draw z = μ + σε that q.rsample makes
        const q = vae.posterior(x);
        const z = q.rsample(ll.rng(seed), 1);
        const byHand = tf.sub(tf.squeeze(vae.logLikelihood(x, z), [0]), ll.kl(q, vae.prior()));
        close(values(vae.elbo(ll.rng(seed), x)), values(byHand), 1e-4, 'VAE.elbo (fused) vs log p(x|z) − KL(q‖p)');
        // the loss of each objective is −mean of its bound
        expect(values(vae.loss(ll.rng(seed), x, { type: 'renyi', alpha: 0.5, samples: K }))[0]).to.be.closeTo(-ref.renyi(0.5).reduce((s, v) => s + v, 0) / 4, 1e-3);
        expect(values(vae.loss(ll.rng(seed), x, { type: 'iwae', samples: K }))[0]).to.be.closeTo(-ref.iwae.reduce((s, v) => s + v, 0) / 4, 1e-3);
      });
      x.dispose();
      vae.dispose();
    });

    it('the conditional VAE: its bounds take the condition through the same functions', () => {
      const vae = new ll.VAE(ll.rng(3), { inputDim: 12, latentDim: 3, hiddenDim: 8, conditionDim: 2 });
      const x = binary(3, 12, 2);
      const c = ll.models.oneHotLabels([0, 1, 1], 2);
      const ref = reference(vae.logWeights(ll.rng(seed), x, { samples: K, condition: c }));
      tf.tidy(() => {
        close(values(vae.iwae(ll.rng(seed), x, { samples: K, condition: c })), ref.iwae, 1e-4, 'conditional VAE.iwae');
        close(values(iwae(ll.rng(seed), { x, logJoint: (a, z) => vae.logJoint(a, z, c), proposal: vae.posterior(x, c), samples: K })), ref.iwae, 1e-4, 'll.infer.iwae over the conditional VAE');
      });
      tf.dispose([x, c]);
      vae.dispose();
    });

    it('RichVAE (planar-flow posterior, VampPrior): elbo and iwae over posterior(x).sampleAndLogProb', () => {
      const m = new ll.models.RichVAE(ll.rng(4), { inputDim: 12, latentDim: 3, hiddenDim: 8, flowLayers: 2, prior: { type: 'vampprior', pseudoInputs: 4 } });
      const x = binary(4, 12, 3);
      const ref = reference(m.logWeights(ll.rng(seed), x, { samples: K }));
      tf.tidy(() => {
        close(values(m.elbo(ll.rng(seed), x, { samples: K })), ref.elbo, 1e-4, 'RichVAE.elbo vs mean log w');
        close(values(m.iwae(ll.rng(seed), x, { samples: K })), ref.iwae, 1e-4, 'RichVAE.iwae vs float64');
        close(values(iwae(ll.rng(seed), { x, logJoint: (a, z) => m.logJoint(a, z), proposal: m.posterior(x), samples: K })), ref.iwae, 1e-4, 'll.infer.iwae over RichVAE');
      });
      x.dispose();
      m.dispose();
    });

    it('HierarchicalVAE: iwae over q(z₁|x) q(z₂|z₁), and logProb of its posterior agrees with the draws', () => {
      const h = new ll.models.HierarchicalVAE(ll.rng(5), { inputDim: 12, latentDims: [3, 2], hiddenDim: 8, topHiddenDim: 5 });
      const x = binary(4, 12, 4);
      const ref = reference(h.logWeights(ll.rng(seed), x, { samples: K }));
      tf.tidy(() => {
        close(values(h.iwae(ll.rng(seed), x, { samples: K })), ref.iwae, 1e-4, 'HierarchicalVAE.iwae vs float64');
        close(values(iwae(ll.rng(seed), { x, logJoint: (a, z) => h.logJoint(a, z), proposal: h.posterior(x), samples: K })), ref.iwae, 1e-4, 'll.infer.iwae over HierarchicalVAE');
        const q = h.posterior(x);
        const { z, logProb } = q.sampleAndLogProb(ll.rng(seed), K);
        close(values(q.logProb(z)), values(logProb), 1e-4, 'log q(z₁, z₂ | x) at its own draws');
      });
      x.dispose();
      h.dispose();
    });

    it('HierarchicalVAE: its ELBO is ll.infer.elboTerms over z₂ (closed-form KL), the per-layer formula on the same draws', () => {
      const h = new ll.models.HierarchicalVAE(ll.rng(5), { inputDim: 12, latentDims: [3, 2], hiddenDim: 8, topHiddenDim: 5 });
      const x = binary(4, 12, 4);
      tf.tidy(() => {
        // the two-layer ELBO written out (D14, D17) on the draws the model makes: z₁ = μ₁ + σ₁ε₁ [K, B, M₁], then z₂ [K, B, M₂]
        const r = ll.rng(seed);
        const gauss = (z: tf.Tensor, m: tf.Tensor, s: tf.Tensor) => tf.sum(tf.sub(tf.mul(tf.square(tf.div(tf.sub(z, m), tf.exp(s))), -0.5), tf.add(s, 0.5 * Math.log(2 * Math.PI))), -1);
        const q1 = h.encode1(x);
        const z1 = tf.add(q1.mean, tf.mul(tf.exp(q1.logStd), r.normal([K, 4, 3])));
        const q2 = h.encode2(z1);
        const z2 = tf.add(q2.mean, tf.mul(tf.exp(q2.logStd), r.normal([K, 4, 2])));
        const p1 = h.prior1(z2);
        const rec = tf.mean(tf.sum(tf.sub(tf.mul(x, h.decode(z1)), tf.softplus(h.decode(z1))), -1), 0);
        const kl1 = tf.mean(tf.sub(gauss(z1, q1.mean, q1.logStd), gauss(z1, p1.mean, p1.logStd)), 0);
        const kl2 = tf.mean(tf.sum(tf.sub(tf.mul(tf.sub(tf.add(tf.square(q2.mean), tf.exp(tf.mul(q2.logStd, 2))), 1), 0.5), q2.logStd), -1), 0);
        const t = h.elboTerms(ll.rng(seed), x, { samples: K });
        close(values(t.reconstruction), values(rec), 1e-4, 'reconstruction');
        close(values(t.kl1), values(kl1), 1e-4, 'kl1');
        close(values(t.kl2), values(kl2), 1e-4, 'kl2 (closed form)');
        close(values(h.elbo(ll.rng(seed), x, { samples: K })), values(tf.sub(tf.sub(rec, kl1), kl2)), 1e-4, 'elbo');
      });
      x.dispose();
      h.dispose();
    });

    it('ConvVAE: logWeights, iwae and the fused single-sample ELBO', () => {
      const conv = new ll.models.ConvVAE(ll.rng(6), { latent: 3, channels: [2, 3] });
      const x = binary(2, 784, 5);
      const ref = reference(conv.logWeights(ll.rng(seed), x, { samples: 3 }));
      tf.tidy(() => {
        close(values(iwae(ll.rng(seed), { x, logJoint: (a, z) => conv.logJoint(a, z), proposal: conv.posterior(x), samples: 3 })), ref.iwae, 1e-4, 'll.infer.iwae over ConvVAE');
        const q = conv.posterior(x);
        const z = q.rsample(ll.rng(seed), 1);
        const prior = new ll.Normal(tf.zeros([3]), tf.ones([3]), { eventDims: 1 });
        const rec = tf.sub(tf.squeeze(conv.logJoint(x, z), [0]), tf.squeeze(prior.logProb(z), [0]));
        close(values(conv.elbo(ll.rng(seed), x)), values(tf.sub(rec, ll.kl(q, prior))), 1e-4, 'ConvVAE.elbo (fused) vs log p(x|z) − KL');
      });
      x.dispose();
      conv.dispose();
    });

    it('PPCA: the chunked IWAE equals the one-pass IWAE on the same draws, and the ELBO/IWAE/Rényi are one statistic', () => {
      const model = new ll.PPCA([[1, 0.5], [0.3, -1], [0.8, 0.2]], [0.5, -1, 0], 0.3);
      const x = tf.tensor2d([[1.2, -0.5, 0.3], [0, 0, 1]]);
      const logJoint = model.logJoint();
      const q = new ll.Normal(tf.tensor2d([[0.8, 0.4], [0, 0]]), tf.tensor2d([[0.6, 0.9], [1, 1]]), { eventDims: 1 });
      tf.tidy(() => {
        const lw = logImportanceWeights(ll.rng(seed), { x, logJoint, proposal: q, samples: 12 });
        const ref = reference(tf.clone(lw));
        close(values(iwae(ll.rng(seed), { x, logJoint, proposal: q, samples: 12 })), ref.iwae, 1e-5, 'iwae');
        close(values(elbo(ll.rng(seed), { x, logJoint, proposal: q, samples: 12 })), ref.elbo, 1e-5, 'elbo');
        close(values(renyiFromLogWeights(lw, 0.3)), ref.renyi(0.3), 1e-5, 'renyiFromLogWeights');
        // 12 draws in chunks of 5, 5, 2 draw the same numbers in the same order as one call of 12 (the normals are
        // consumed in sequence), so the chunked estimate is the same number
        const chunked = iwaeInChunks(ll.rng(seed), (r, n) => logImportanceWeights(r, { x, logJoint, proposal: q, samples: n }), { samples: 12, chunk: 5 });
        close(values(chunked), ref.iwae, 1e-5, 'iwaeInChunks');
      });
      expectNoLeak(() => iwaeInChunks(ll.rng(1), (r, n) => logImportanceWeights(r, { x, logJoint, proposal: q, samples: n }), { samples: 9, chunk: 4 }));
      tf.dispose([x, q.loc, q.scale]);
    });

    it('the models leave no tensor behind in their bounds', () => {
      const vae = new ll.VAE(ll.rng(2), { inputDim: 12, latentDim: 3, hiddenDim: 8 });
      const rich = new ll.models.RichVAE(ll.rng(4), { inputDim: 12, latentDim: 3, hiddenDim: 8, flowLayers: 1 });
      const h = new ll.models.HierarchicalVAE(ll.rng(5), { inputDim: 12, latentDims: [3, 2], hiddenDim: 8, topHiddenDim: 5 });
      const x = binary(3, 12, 6);
      expectNoLeak(() => vae.iwae(ll.rng(1), x, { samples: 3 }));
      expectNoLeak(() => vae.renyiBound(ll.rng(1), x, { alpha: 0.5, samples: 3 }));
      expectNoLeak(() => vae.elbo(ll.rng(1), x));
      expectNoLeak(() => vae.elbo(ll.rng(1), x, { samples: 2, kl: 'monte-carlo', beta: 2 }));
      expectNoLeak(() => rich.iwae(ll.rng(1), x, { samples: 3 }));
      expectNoLeak(() => rich.elbo(ll.rng(1), x, { samples: 3 }));
      expectNoLeak(() => h.iwae(ll.rng(1), x, { samples: 3 }));
      expectNoLeak(() => h.elbo(ll.rng(1), x, { samples: 3 }));
      x.dispose();
      vae.dispose(); rich.dispose(); h.dispose();
    });
  });
});
