// The bad-input table: one row per (function, argument, bad value). A row expects either an Error whose
// message names the function (or Class.method) and the argument, or a value, checked by the row, with no
// NaN anywhere in it. The runner (runner.ts) also checks that no tensor outlives the call, whether it
// returned or threw, and the test (../bad-inputs.test.ts) that no row runs past its time limit.
//
// Covered: the student-facing exports of src/index.ts — distributions and their methods, KL, numerics,
// inference, estimators, the derivation checks, the tractable models, the VAE and its evaluation and
// training, flows and diffusion's constructors, the data helpers, the charts that take computed numbers
// (lineChart, scatterPlot, histogram, barChart, explorableFigure) and the widgets. Left out on purpose:
// display itself, image grids and PNG/SVG saving, the backend and native plumbing (ready, enableNativeKernels,
// chooseCoreType, latentThreads, batchLayout, FusedAdam's internals) and file loaders beyond one IDX row:
// they take no student-computed numbers.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { Normal, MultivariateNormal, kl, PPCA, checkClose, checkMonteCarlo, estimateMean, integrate1d, check, VAE, fit, rng, lineChart, scatterPlot, histogram, barChart, widgets, interact } from '../../src';
import { Laplace } from '../../src/distributions/laplace';
import { Cauchy } from '../../src/distributions/cauchy';
import { StudentT } from '../../src/distributions/student-t';
import { Logistic } from '../../src/distributions/logistic';
import { Gumbel } from '../../src/distributions/gumbel';
import { Uniform } from '../../src/distributions/uniform';
import { Bernoulli } from '../../src/distributions/bernoulli';
import { Categorical } from '../../src/distributions/categorical';
import { MixtureOfGaussians } from '../../src/distributions/mixture';
import { klMonteCarlo } from '../../src/distributions/kl';
import { logSumExp, logMeanExp, logSumExp64, logMeanExp64 } from '../../src/math/log-space';
import { logGamma, digamma } from '../../src/math/special';
import { cholesky, meanAndCovariance } from '../../src/math/linalg64';
import { importanceSampling, logMarginalIS, weightDiagnostics } from '../../src/inference/importance-sampling';
import { elbo, iwae, renyiBound } from '../../src/inference/bounds';
import { scoreFunctionGradient, reparameterizationGradient } from '../../src/inference/gradient-estimators';
import { gumbelMax, gumbelSoftmax } from '../../src/inference/gumbel-softmax';
import { caviGaussian } from '../../src/inference/cavi';
import { sviGaussianMean, robbinsMonro } from '../../src/inference/svi';
import { fitBestGaussian, whitenedNoise } from '../../src/inference/best-gaussian';
import { mmdUnbiased } from '../../src/inference/mmd';
import { mixtureEM } from '../../src/models/mixtures/mixture-of-gaussians';
import { gaussLegendre } from '../../src/check/quadrature';
import { finiteDifferenceGradient } from '../../src/check/finite-differences';
import { oneHotLabels } from '../../src/models/vae/vae';
import { importanceSampledLogLikelihood, datasetElbo, klPerDimension } from '../../src/models/vae/evaluation';
import { ImageDataset } from '../../src/data/image-dataset';
import { parseIdx } from '../../src/data/idx';
import { dynamicBinarize, staticBinarize, thresholdBinarize } from '../../src/data/binarize';
import { minibatches, batchesPerEpoch } from '../../src/data/minibatches';
import { twoMoons, swissRoll, gaussianRing } from '../../src/data/toy-2d';
import { DiffusionSchedule } from '../../src/models/diffusion/schedule';
import { ElementwiseAffine } from '../../src/models/flows/layers';
import { FlowDistribution } from '../../src/models/flows/flow-distribution';
import { frechetDistance } from '../../src/evaluation/frechet-distance';
import { logMixture, dequantizedLogDensity1d } from '../../src/evaluation/dequantization';
import { explorableFigure } from '../../src/plot/explorable-figure';
import { VectorQuantizer, straightThrough, codeUsage } from '../../src/models/vae/vector-quantizer';
import { CodePrior } from '../../src/models/autoregressive/code-prior';
import { VQVAE } from '../../src/models/vae/vq-vae';
import { ConvVAE } from '../../src/models/vae/conv-vae';
import { input, own } from './runner';

export interface Row {
  /** the function or Class.method the error must name */
  fn: string;
  /** the argument(s) the error must name */
  args: string[];
  /** the bad input, in words */
  input: string;
  call: () => unknown;
  /** 'error', or a check of the returned value (throws if wrong) */
  expect: 'error' | ((result: any) => void);
}

const err = (fn: string, arg: string | string[], what: string, call: () => unknown): Row =>
  ({ fn, args: Array.isArray(arg) ? arg : [arg], input: what, call, expect: 'error' });
const val = (fn: string, what: string, call: () => unknown, check: (result: any) => void): Row =>
  ({ fn, args: [], input: what, call, expect: check });

/** Shared objects, made once before the rows run (so they are not counted as a row's tensors). */
let shared: { vae: VAE; x: tf.Tensor2D; images: ImageDataset } | undefined;
export function fixtures() {
  shared ??= {
    vae: new VAE(rng(1), { inputDim: 4, latentDim: 2, hiddenDim: 3 }),
    x: tf.tensor2d([[0, 1, 1, 0], [1, 0, 0, 1]]),
    images: new ImageDataset(Float32Array.from({ length: 32 }, (_, i) => (i % 3) / 2), new Int32Array(8), [2, 2], 'tiny'),
  };
  return shared;
}
const fx = () => fixtures();

const stdNormal = (z: tf.Tensor) => tf.tidy(() => tf.sub(tf.mul(tf.square(z), -0.5), 0.5 * Math.log(2 * Math.PI)));
const values = (t: tf.Tensor) => Array.from(t.dataSync());
const normalQ = () => own(new Normal(input([0, 0]), input([1, 1]), { eventDims: 1 }));
const boundArgs = (samples: number) => ({
  x: fx().x, proposal: own(new Normal(input([[0, 0], [0, 0]]), input([[1, 1], [1, 1]]), { eventDims: 1 })), samples,
  logJoint: (x: tf.Tensor, z: tf.Tensor) => tf.tidy(() => tf.sum(tf.mul(tf.square(z), -0.5), -1)),
});
const gradArgs = (samples: number) => ({
  params: [input([0.5])], samples,
  family: (p: tf.Tensor[]) => new Normal(p[0], 1, { eventDims: 1, validate: false }),
  f: (z: tf.Tensor) => tf.sum(z, -1),
});

export const rows: Row[] = [
  // Charts of computed numbers, widgets, interact
  err('lineChart', "series['a'][1]", 'NaN', () => lineChart({ series: { a: [1, NaN, 2] } })),
  err('scatterPlot', ['x', 'y'], 'mismatched lengths', () => scatterPlot({ x: [1, 2], y: [1] })),
  err('scatterPlot', 'x[1]', '+∞', () => scatterPlot({ x: [1, Infinity], y: [1, 2] })),
  err('histogram', 'values', 'empty', () => histogram({ values: [] } as never)),
  err('histogram', 'values[1]', 'NaN', () => histogram({ values: [1, NaN] } as never)),
  err('barChart', 'values[1]', 'NaN', () => barChart({ values: [1, NaN] } as never)),
  err('explorableFigure', 'parameter.values', 'empty', () => explorableFigure({ name: 't', values: [] }, () => lineChart({ series: { a: [1] } }))),
  err('explorableFigure', 'parameter.values', 'NaN', () => explorableFigure({ name: 't', values: [NaN] }, () => lineChart({ series: { a: [1] } }))),
  err('intSlider', 'min', 'min above max', () => widgets.intSlider({ min: 5, max: 1 })),
  err('intSlider', 'value', 'not an integer', () => widgets.intSlider({ value: 0.5 })),
  err('floatSlider', 'value', 'NaN', () => widgets.floatSlider({ value: NaN })),
  err('floatSlider', 'step', 'zero', () => widgets.floatSlider({ step: 0 })),
  err('logSlider', 'base', '1', () => widgets.logSlider({ base: 1 })),
  err('dropdown', 'options', 'empty', () => widgets.dropdown({ options: [] })),
  err('interact', 'controls', 'none', () => interact(() => 1, {})),
  // Location-scale families: parameters
  err('Normal', 'loc', 'NaN', () => new Normal(NaN, 1)),
  err('Normal', 'loc', '+∞', () => new Normal(Infinity, 1)),
  err('Normal', 'scale', '−1', () => new Normal(0, -1)),
  err('Normal', 'scale', '0', () => new Normal(0, 0)),
  err('Normal', 'scale', '+∞', () => new Normal(0, Infinity)),
  err('Normal', 'scale', 'NaN', () => new Normal(0, NaN)),
  err('Normal', 'loc', 'an empty array', () => new Normal([], [])),
  err('Normal', ['loc', 'scale'], 'shapes [2] and [3]', () => new Normal([0, 0], [1, 1, 1])),
  err('Normal', 'eventDims', '−1', () => new Normal(0, 1, { eventDims: -1 })),
  err('Laplace', 'scale', '−1', () => new Laplace(0, -1)),
  err('Cauchy', 'scale', '0', () => new Cauchy(0, 0)),
  err('Logistic', 'loc', 'NaN', () => new Logistic(NaN, 1)),
  err('Gumbel', 'scale', 'NaN', () => new Gumbel(0, NaN)),
  err('StudentT', 'df', '0', () => new StudentT(0, 0, 1)),
  err('StudentT', 'df', 'NaN', () => new StudentT(NaN, 0, 1)),
  err('StudentT', 'df', '+∞', () => new StudentT(Infinity, 0, 1)),
  // Location-scale families: methods
  err('Normal.sample', 'n', '0', () => own(new Normal(0, 1)).sample(rng(1), 0)),
  err('Normal.sample', 'n', '−3', () => own(new Normal(0, 1)).sample(rng(1), -3)),
  err('Normal.sample', 'n', '2.5', () => own(new Normal(0, 1)).sample(rng(1), 2.5)),
  err('Normal.rsample', 'n', 'NaN', () => own(new Normal(0, 1)).rsample(rng(1), NaN)),
  err('Normal.logProb', 'x', 'NaN', () => own(new Normal(0, 1)).logProb(input([NaN]))),
  err('Normal.logProb', 'x', 'a wrong event shape [3] for event [2]', () => normalQ().logProb(input([0, 0, 0]))),
  val('Normal.logProb', '±∞ (density 0)', () => own(new Normal(0, 1)).logProb(input([Infinity, -Infinity])), (r) => expect(values(r)).to.deep.equal([-Infinity, -Infinity])),
  val('Normal.logProb', 'an empty tensor (an empty answer)', () => own(new Normal(0, 1)).logProb(input([], [0])), (r) => expect(r.shape).to.deep.equal([0])),
  val('Cauchy.mean', 'a distribution without a mean: an error is right', () => { try { own(new Cauchy(0, 1)).mean(); return 'no error'; } catch (e) { return (e as Error).message; } },
    (m) => expect(m).to.include('Cauchy has no mean')),
  // Uniform
  err('Uniform', 'high', 'high < low', () => new Uniform(1, 0)),
  err('Uniform', 'high', 'high = low', () => new Uniform(1, 1)),
  err('Uniform', 'low', 'NaN', () => new Uniform(NaN, 1)),
  err('Uniform', 'high', '+∞', () => new Uniform(0, Infinity)),
  err('Uniform', ['low', 'high'], 'shapes [2] and [3]', () => new Uniform([0, 0], [1, 1, 1])),
  err('Uniform', 'low', 'an empty array', () => new Uniform([], [])),
  err('Uniform.sample', 'n', '0', () => own(new Uniform(0, 1)).sample(rng(1), 0)),
  val('Uniform.logProb', 'values outside [low, high)', () => own(new Uniform(0, 1)).logProb(input([-1, 2, Infinity])), (r) => expect(values(r)).to.deep.equal([-Infinity, -Infinity, -Infinity])),
  // Bernoulli
  err('Bernoulli', 'probs', '1.5', () => new Bernoulli({ probs: 1.5 })),
  err('Bernoulli', 'probs', '−0.1', () => new Bernoulli({ probs: -0.1 })),
  err('Bernoulli', 'probs', 'NaN', () => new Bernoulli({ probs: [0.5, NaN] })),
  err('Bernoulli', 'probs', 'an empty array', () => new Bernoulli({ probs: [] })),
  err('Bernoulli', 'logits', 'NaN', () => new Bernoulli({ logits: NaN })),
  err('Bernoulli', 'logits', 'both logits and probs', () => new Bernoulli({ logits: 0, probs: 0.5 } as never)),
  val('Bernoulli', 'logits ±∞ (certain outcomes)', () => { const b = new Bernoulli({ logits: [Infinity, -Infinity] }); return { mean: b.mean(), lp: b.logProb(input([1, 0])), b }; },
    (r) => { expect(values(r.mean)).to.deep.equal([1, 0]); expect(values(r.lp)).to.deep.equal([0, 0]); }),
  err('Bernoulli.sample', 'n', '0', () => own(new Bernoulli({ probs: 0.5 })).sample(rng(1), 0)),
  val('Bernoulli.logProb', '2 and −1 (outside the support)', () => own(new Bernoulli({ probs: 0.5 })).logProb(input([2, -1])), (r) => expect(values(r)).to.deep.equal([-Infinity, -Infinity])),
  err('Bernoulli.logProb', 'x', 'NaN', () => own(new Bernoulli({ probs: 0.5 })).logProb(input([NaN]))),
  // Categorical
  err('Categorical', 'probs', 'an empty array', () => new Categorical({ probs: [] })),
  err('Categorical', 'logits', 'an empty array', () => new Categorical({ logits: [] })),
  err('Categorical', 'probs', 'NaN', () => new Categorical({ probs: [0.5, NaN] })),
  err('Categorical', 'probs', 'not summing to 1', () => new Categorical({ probs: [0.2, 0.2] })),
  err('Categorical', 'probs', 'a negative entry', () => new Categorical({ probs: [1.5, -0.5] })),
  err('Categorical', 'logits', 'NaN', () => new Categorical({ logits: [0, NaN] })),
  err('Categorical', 'logits', '+∞', () => new Categorical({ logits: [0, Infinity] })),
  val('Categorical', 'logits with −∞ (a category of probability 0)', () => own(new Categorical({ logits: [0, -Infinity] })).probs(), (r) => expect(values(r)).to.deep.equal([1, 0])),
  err('Categorical.sample', 'n', '−1', () => own(new Categorical({ probs: [0.5, 0.5] })).sample(rng(1), -1)),
  val('Categorical.logProb', 'categories −1, 2, 0.5 (outside the support)', () => own(new Categorical({ probs: [0.5, 0.5] })).logProb(input([-1, 2, 0.5])), (r) => expect(values(r)).to.deep.equal([-Infinity, -Infinity, -Infinity])),
  err('Categorical.logProb', 'x', 'NaN', () => own(new Categorical({ probs: [0.5, 0.5] })).logProb(input([NaN]))),
  // Multivariate normal and mixture
  err('MultivariateNormal', 'covariance', 'not positive definite', () => new MultivariateNormal({ loc: [0, 0], covariance: [[1, 2], [2, 1]] })),
  err('MultivariateNormal', 'covariance', 'NaN', () => new MultivariateNormal({ loc: [0, 0], covariance: [[1, NaN], [NaN, 1]] })),
  err('MultivariateNormal', 'covariance', 'a 3×3 covariance for d = 2', () => new MultivariateNormal({ loc: [0, 0], covariance: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] })),
  err('MultivariateNormal', 'loc', 'NaN', () => new MultivariateNormal({ loc: [0, NaN], covariance: [[1, 0], [0, 1]] })),
  err('MultivariateNormal', 'loc', 'an empty array', () => new MultivariateNormal({ loc: [], covariance: [[1]] })),
  err('MultivariateNormal', 'scaleTril', 'a negative diagonal', () => new MultivariateNormal({ loc: [0], scaleTril: [[-1]] })),
  err('MultivariateNormal.sample', 'n', '0', () => own(new MultivariateNormal({ loc: [0], covariance: [[1]] })).sample(rng(1), 0)),
  err('MultivariateNormal.logProb', 'x', 'a wrong dimension', () => own(new MultivariateNormal({ loc: [0, 0], covariance: [[1, 0], [0, 1]] })).logProb(input([0, 0, 0]))),
  val('MultivariateNormal.logProb', 'an infinite coordinate', () => own(new MultivariateNormal({ loc: [0, 0], covariance: [[1, 0.5], [0.5, 1]] })).logProb(input([[Infinity, 0]])), (r) => expect(values(r)).to.deep.equal([-Infinity])),
  err('MixtureOfGaussians', 'weights', 'an empty array', () => new MixtureOfGaussians({ weights: [], means: [], scales: [] })),
  err('MixtureOfGaussians', 'scales', '−1', () => new MixtureOfGaussians({ weights: [0.5, 0.5], means: [0, 1], scales: [1, -1] })),
  err('MixtureOfGaussians', 'means', 'NaN', () => new MixtureOfGaussians({ weights: [0.5, 0.5], means: [0, NaN], scales: [1, 1] })),
  err('MixtureOfGaussians', 'weights', 'a length differing from the means', () => new MixtureOfGaussians({ weights: [1], means: [0, 1], scales: [1, 1] })),
  err('MixtureOfGaussians.sample', 'n', '0', () => own(new MixtureOfGaussians({ weights: [0.5, 0.5], means: [0, 1], scales: [1, 1] })).sample(rng(1), 0)),
  err('MixtureOfGaussians.logProb', 'x', 'NaN', () => own(new MixtureOfGaussians({ weights: [0.5, 0.5], means: [0, 1], scales: [1, 1] })).logProb(input([NaN]))),
  // KL
  err('kl', ['q', 'p'], 'event shapes [2] and [3]', () => kl(normalQ(), own(new Normal(input([0, 0, 0]), input([1, 1, 1]), { eventDims: 1 })))),
  err('kl', ['q', 'p'], 'batch shapes [2] and [3]', () => kl(own(new Bernoulli({ logits: [0, 0] })), own(new Bernoulli({ logits: [0, 0, 0] })))),
  err('kl', ['q', 'p'], 'a Normal against a Bernoulli', () => kl(own(new Normal(0, 1)), own(new Bernoulli({ probs: 0.5 })))),
  err('kl', 'p', 'a number instead of a distribution (issue 32)', () => kl(own(new Normal(0, 1)), 3 as never)),
  err('kl', 'q', 'undefined', () => kl(undefined as never, own(new Normal(0, 1)))),
  err('klMonteCarlo', 'samples', '0', () => klMonteCarlo(rng(1), own(new Normal(0, 1)), own(new Normal(1, 1)), { samples: 0 })),
  err('klMonteCarlo', 'samples', '1', () => klMonteCarlo(rng(1), own(new Normal(0, 1)), own(new Normal(1, 1)), { samples: 1 })),
  err('klMonteCarlo', 'samples', 'NaN', () => klMonteCarlo(rng(1), own(new Normal(0, 1)), own(new Normal(1, 1)), { samples: NaN })),
  err('klMonteCarlo', ['q', 'p'], 'a Normal against a Bernoulli', () => klMonteCarlo(rng(1), own(new Normal(0, 1)), own(new Bernoulli({ probs: 0.5 })), { samples: 10 })),
  val('klMonteCarlo', 'q with mass outside p (KL = +∞)', () => klMonteCarlo(rng(1), own(new Normal(0, 1)), own(new Uniform(0, 1)), { samples: 20 }), (r) => expect([r.value, r.se]).to.deep.equal([Infinity, 0])),
  // Numerics
  err('logMeanExp', 'x', 'an empty tensor', () => logMeanExp(input([], [0]))),
  err('logMeanExp', 'axis', 'axis 3 of a rank-1 tensor', () => logMeanExp(input([1, 2]), 3)),
  err('logSumExp', 'axis', 'axis −2 of a rank-1 tensor', () => logSumExp(input([1, 2]), -2)),
  val('logSumExp', 'an empty tensor (log 0 = −∞)', () => logSumExp(input([], [0])), (r) => expect(values(r)).to.deep.equal([-Infinity])),
  val('logSumExp', '+∞ and −∞ entries', () => logSumExp(input([[Infinity, 0], [-Infinity, -Infinity]])), (r) => expect(values(r)).to.deep.equal([Infinity, -Infinity])),
  err('logMeanExp64', 'xs', 'an empty array', () => logMeanExp64([])),
  err('logMeanExp64', 'xs', 'NaN', () => logMeanExp64([0, NaN])),
  val('logSumExp64', 'an empty array (log 0 = −∞)', () => logSumExp64([]), (r) => expect(r).to.equal(-Infinity)),
  err('logGamma', 'x', '0', () => logGamma(0)),
  err('logGamma', 'x', 'NaN', () => logGamma(NaN)),
  err('digamma', 'x', '−1', () => digamma(-1)),
  err('cholesky', 'matrix', 'not positive definite', () => cholesky([[1, 2], [2, 1]])),
  err('cholesky', 'matrix', 'NaN', () => cholesky([[NaN]])),
  err('cholesky', 'matrix', 'an empty matrix', () => cholesky([])),
  err('meanAndCovariance', 'X', 'no rows', () => meanAndCovariance([])),
  // Importance sampling and bounds
  err('importanceSampling', 'samples', '0', () => importanceSampling(rng(1), { logTarget: stdNormal, f: (z) => z, proposal: own(new Normal(0, 1)), samples: 0 })),
  err('importanceSampling', 'samples', 'NaN', () => importanceSampling(rng(1), { logTarget: stdNormal, f: (z) => z, proposal: own(new Normal(0, 1)), samples: NaN })),
  err('importanceSampling', 'logWeights', 'a target returning NaN', () => importanceSampling(rng(1), { logTarget: (z) => tf.fill([z.shape[0]], NaN), f: (z) => z, proposal: own(new Normal(0, 1)), samples: 5 })),
  err('importanceSampling', 'f', 'an f returning NaN', () => importanceSampling(rng(1), { logTarget: stdNormal, f: (z) => tf.fill([z.shape[0]], NaN), proposal: own(new Normal(0, 1)), samples: 5 })),
  err('logMarginalIS', 'samples', '−2', () => logMarginalIS(rng(1), { x: input([0]), logJoint: (_x, z) => stdNormal(z), proposal: own(new Normal(0, 1)), samples: -2 })),
  err('logMarginalIS', 'logWeights', 'a target returning +∞', () => logMarginalIS(rng(1), { x: input([0]), logJoint: (_x, z) => tf.fill([z.shape[0], 1], Infinity), proposal: own(new Normal(0, 1)), samples: 5 })),
  err('weightDiagnostics', 'logWeights', 'an empty array', () => weightDiagnostics([])),
  err('weightDiagnostics', 'logWeights', 'NaN', () => weightDiagnostics([0, NaN])),
  err('weightDiagnostics', 'logWeights', '+∞', () => weightDiagnostics([0, Infinity])),
  err('weightDiagnostics', 'logWeights', 'all −∞', () => weightDiagnostics([-Infinity, -Infinity])),
  err('elbo', 'samples', '0', () => elbo(rng(1), boundArgs(0))),
  err('iwae', 'samples', '−1', () => iwae(rng(1), boundArgs(-1))),
  err('renyiBound', 'alpha', 'NaN', () => renyiBound(rng(1), { ...boundArgs(2), alpha: NaN })),
  err('renyiBound', 'samples', '1.5', () => renyiBound(rng(1), { ...boundArgs(1.5), alpha: 0.5 })),
  err('scoreFunctionGradient', 'samples', '0', () => scoreFunctionGradient(rng(2), gradArgs(0))),
  err('scoreFunctionGradient', 'samples', '1', () => scoreFunctionGradient(rng(2), gradArgs(1))),
  err('reparameterizationGradient', 'samples', 'NaN', () => reparameterizationGradient(rng(2), gradArgs(NaN))),
  err('gumbelMax', 'n', '0', () => gumbelMax(rng(1), input([0, 1]), { samples: 0 })),
  err('gumbelMax', 'logits', 'an empty tensor', () => gumbelMax(rng(1), input([], [0]), { samples: 2 })),
  err('gumbelSoftmax', 'temperature', '0', () => gumbelSoftmax(rng(1), input([0, 1]), { temperature: 0, samples: 2 })),
  err('gumbelSoftmax', 'temperature', '−1', () => gumbelSoftmax(rng(1), input([0, 1]), { temperature: -1, samples: 2 })),
  err('gumbelSoftmax', 'logits', 'NaN', () => gumbelSoftmax(rng(1), input([0, NaN]), { temperature: 1, samples: 2 })),
  err('caviGaussian', 'precision', 'a wrong size', () => caviGaussian([0, 0], [[1]])),
  err('caviGaussian', 'mu', 'NaN', () => caviGaussian([0, NaN], [[1, 0], [0, 1]])),
  err('caviGaussian', 'sweeps', '0', () => caviGaussian([0, 0], [[1, 0], [0, 1]], { sweeps: 0 })),
  err('sviGaussianMean', 'batchSize', '0', () => sviGaussianMean(rng(1), { data: [1, 2], priorSd: 1, noiseSd: 1 }, { batchSize: 0, steps: 3 })),
  err('sviGaussianMean', 'steps', '0', () => sviGaussianMean(rng(1), { data: [1, 2], priorSd: 1, noiseSd: 1 }, { batchSize: 1, steps: 0 })),
  err('sviGaussianMean', 'data', 'NaN', () => sviGaussianMean(rng(1), { data: [1, NaN], priorSd: 1, noiseSd: 1 }, { batchSize: 1, steps: 3 })),
  err('robbinsMonro', 't', '−1', () => robbinsMonro(-1)),
  err('robbinsMonro', 'kappa', '2', () => robbinsMonro(1, { kappa: 2 })),
  err('fitBestGaussian', 'samples', '0', () => fitBestGaussian(rng(1), { logTarget: stdNormal, dim: 1, samples: 0 } as never)),
  err('whitenedNoise', 'samples', '0', () => whitenedNoise(rng(1), 0, 2)),
  err('mmdUnbiased', 'x', 'one row', () => mmdUnbiased(input([[0, 0]]) as tf.Tensor2D, input([[0, 0], [1, 1]]) as tf.Tensor2D)),
  err('mmdUnbiased', ['x', 'y'], 'dimensions 2 and 3', () => mmdUnbiased(input([[0, 0], [1, 1]]) as tf.Tensor2D, input([[0, 0, 0], [1, 1, 1]]) as tf.Tensor2D)),
  // Tractable models
  err('mixtureEM', 'xs', 'an empty array', () => mixtureEM([], { weights: [1], means: [0], sds: [1] })),
  err('mixtureEM', 'xs', 'NaN', () => mixtureEM([0, NaN, 1], { weights: [1], means: [0], sds: [1] })),
  err('mixtureEM', 'iterations', '0', () => mixtureEM([0, 1, 2], { weights: [1], means: [0], sds: [1] }, { iterations: 0 })),
  err('mixtureEM', 'sds', '−1', () => mixtureEM([0, 1, 2], { weights: [1], means: [0], sds: [-1] })),
  err('PPCA', 'sigma2', '0', () => new PPCA([[1], [0]], [0, 0], 0)),
  err('PPCA', 'sigma2', 'NaN', () => new PPCA([[1], [0]], [0, 0], NaN)),
  err('PPCA', 'mu', 'a wrong length', () => new PPCA([[1], [0]], [0], 1)),
  err('PPCA', 'W', 'NaN', () => new PPCA([[NaN], [0]], [0, 0], 1)),
  err('PPCA.sample', 'n', '0', () => own(new PPCA([[1], [0]], [0, 0], 1)).sample(rng(1), 0)),
  // Derivation checks
  // the result echoes the NaN it was given as lhs; what it computes (error, verdict) must not be NaN
  val('checkClose', 'NaN lhs: a failing check with an infinite error', () => { const r = checkClose('nan', NaN, 1); return { pass: r.pass, error: r.error, note: r.note }; },
    (r) => { expect(r.pass).to.equal(false); expect(r.error).to.equal(Infinity); expect(r.note).to.equal('lhs is NaN'); }),
  val('checkClose', '+∞ on both sides: equal', () => checkClose('inf', Infinity, Infinity), (r) => expect(r.pass).to.equal(true)),
  err('checkClose', 'rtol', '−1', () => checkClose('x', 1, 1, { rtol: -1 })),
  err('checkMonteCarlo', 'zMax', '0', () => checkMonteCarlo('x', [1, 2, 3], 2, { zMax: 0 })),
  err('estimateMean', 'samples', 'an empty array', () => estimateMean([])),
  err('estimateMean', 'samples', 'NaN', () => estimateMean([1, NaN, 2])),
  err('gaussLegendre', 'n', '0', () => gaussLegendre(0)),
  err('integrate1d', ['a', 'b'], 'NaN bounds', () => integrate1d((x) => x, NaN, 1)),
  err('integrate1d', 'f', 'an f returning NaN', () => integrate1d(() => NaN, 0, 1)),
  err('integrate1d', 'panels', '0', () => integrate1d((x) => x, 0, 1, { panels: 0 })),
  err('finiteDifferenceGradient', 'h', '0', () => finiteDifferenceGradient((t) => t[0], [1], 0)),
  err('finiteDifferenceGradient', 'theta', 'NaN', () => finiteDifferenceGradient((t) => t[0], [NaN])),
  err('finiteDifferenceGradient', 'theta', 'an empty array', () => finiteDifferenceGradient((t) => t[0] ?? 0, [])),
  // an exercise check speaks to the student: it names the exercise ('answer') and what was got (NaN)
  err('answer', 'NaN', 'check of an answer that is NaN', () => check('answer', NaN, 1)),
  // The VAE
  err('VAE', 'inputDim', '0', () => new VAE(rng(0), { inputDim: 0, latentDim: 2 })),
  err('VAE', 'latentDim', 'NaN', () => new VAE(rng(0), { inputDim: 4, latentDim: NaN })),
  err('VAE', 'hiddenDim', '−3', () => new VAE(rng(0), { inputDim: 4, latentDim: 2, hiddenDim: -3 })),
  err('VAE.elbo', 'x', 'a wrong width', () => fx().vae.elbo(rng(1), input([[0, 1, 0]]))),
  err('VAE.elbo', 'x', 'rank 1', () => fx().vae.elbo(rng(1), input([0, 1, 0, 1]))),
  err('VAE.elbo', 'x', 'NaN', () => fx().vae.elbo(rng(1), input([[0, NaN, 0, 1]]))),
  err('VAE.elbo', 'samples', '0', () => fx().vae.elbo(rng(1), fx().x, { samples: 0 })),
  err('VAE.elbo', 'beta', '−1', () => fx().vae.elbo(rng(1), fx().x, { beta: -1 })),
  err('VAE.iwae', 'samples', '0', () => fx().vae.iwae(rng(1), fx().x, { samples: 0 })),
  err('VAE.posterior', 'x', 'a wrong width', () => fx().vae.posterior(input([[0, 1]]))),
  err('VAE.sample', 'n', '0', () => fx().vae.sample(rng(1), 0)),
  err('VAE.decode', 'z', 'a wrong width', () => fx().vae.decode(input([[0, 1, 2]]))),
  err('VAE.loss', 'objective', 'an unknown objective', () => fx().vae.loss(rng(1), fx().x, { type: 'nope' } as never)),
  err('VAE.loss', 'samples', 'IWAE with 0 samples', () => fx().vae.loss(rng(1), fx().x, { type: 'iwae', samples: 0 })),
  err('importanceSampledLogLikelihood', 'batchSize', '0', () => importanceSampledLogLikelihood(rng(1), fx().vae, fx().x, { samples: 2, batchSize: 0 })),
  err('importanceSampledLogLikelihood', 'samples', '0', () => importanceSampledLogLikelihood(rng(1), fx().vae, fx().x, { samples: 0 })),
  err('importanceSampledLogLikelihood', 'chunk', '−1', () => importanceSampledLogLikelihood(rng(1), fx().vae, fx().x, { samples: 2, chunk: -1 })),
  err('importanceSampledLogLikelihood', 'x', 'no rows', () => importanceSampledLogLikelihood(rng(1), fx().vae, input([], [0, 4]), { samples: 2 })),
  val('importanceSampledLogLikelihood', 'a single point of rank 1', () => importanceSampledLogLikelihood(rng(1), fx().vae, input([0, 1, 1, 0]), { samples: 4 }),
    (r) => { expect(r.perPoint).to.have.length(1); expect(r.se).to.equal(Infinity); }),
  err('datasetElbo', 'batchSize', '0', () => datasetElbo(rng(1), fx().vae, fx().x, { batchSize: 0 })),
  err('datasetElbo', 'batchSize', '−5', () => datasetElbo(rng(1), fx().vae, fx().x, { batchSize: -5 })),
  val('datasetElbo', 'a single row', () => datasetElbo(rng(1), fx().vae, input([[0, 1, 1, 0]])), (r) => expect(r.n).to.equal(1)),
  err('klPerDimension', 'x', 'a wrong width', () => klPerDimension(fx().vae, input([[0, 1]]) as tf.Tensor2D)),
  err('fit', 'epochs', '0', () => fit(fx().vae, fx().images, { epochs: 0, seed: 1, progress: false })),
  err('fit', 'batchSize', '0', () => fit(fx().vae, fx().images, { epochs: 1, seed: 1, batchSize: 0, progress: false })),
  err('fit', 'steps', '0', () => fit(fx().vae, fx().images, { steps: 0, seed: 1, progress: false })),
  err('fit', 'learningRate', '−1', () => fit(fx().vae, fx().images, { epochs: 1, seed: 1, learningRate: -1, progress: false, optimizer: 'adam' })),
  err('fit', 'learningRate', 'NaN', () => fit(fx().vae, fx().images, { epochs: 1, seed: 1, learningRate: NaN, progress: false })),
  err('fit', 'seed', 'NaN', () => fit(fx().vae, fx().images, { epochs: 1, seed: NaN, progress: false })),
  err('oneHotLabels', 'labels', 'a label ≥ classes', () => oneHotLabels([0, 12], 10)),
  err('oneHotLabels', 'labels', '−1', () => oneHotLabels([-1], 10)),
  err('oneHotLabels', 'labels', '1.5', () => oneHotLabels([1.5], 10)),
  err('oneHotLabels', 'classes', '0', () => oneHotLabels([0], 0)),
  // Flows, diffusion and evaluation
  err('DiffusionSchedule', 'betas', 'an empty array', () => new DiffusionSchedule([])),
  err('DiffusionSchedule', 'betas', 'NaN', () => new DiffusionSchedule([0.1, NaN])),
  err('DiffusionSchedule.linear', 'T', '0', () => DiffusionSchedule.linear(0)),
  err('ElementwiseAffine', 'dim', '0', () => new ElementwiseAffine(0)),
  err('FlowDistribution', 'dim', '0', () => new FlowDistribution(0, [])),
  err('frechetDistance', ['mu1', 'mu2'], 'dimensions 2 and 1', () => frechetDistance([0, 0], [[1, 0], [0, 1]], [0], [[1]])),
  err('frechetDistance', 'mu1', 'NaN', () => frechetDistance([0, NaN], [[1, 0], [0, 1]], [0, 0], [[1, 0], [0, 1]])),
  err('logMixture', 'eps', '2', () => logMixture(0, 0, 2)),
  err('dequantizedLogDensity1d', 'samples', '0', () => dequantizedLogDensity1d(rng(1), () => 0, 0, { samples: 0 })),
  // The VQ-VAE and its code prior; the conv VAE's importance weights (issue 18)
  err('VectorQuantizer', 'K', '0', () => new VectorQuantizer(rng(1), 0, 2)),
  err('straightThrough', ['ze', 'e'], 'shapes [2] and [3]', () => straightThrough(input([0, 0]), input([0, 0, 0]))),
  err('codeUsage', 'codes', '5 with K = 4', () => codeUsage([0, 5], 4)),
  err('codeUsage', 'K', '0', () => codeUsage([0], 0)),
  err('CodePrior', 'positions', '1', () => new CodePrior(rng(0), { positions: 1, codes: 3 })),
  err('CodePrior.logProb', 'codes', 'shape [1, 4] for 3 positions', () => own(new CodePrior(rng(0), { positions: 3, codes: 3, hiddenDims: [4] })).logProb(input([[0, 0, 0, 0]]) as tf.Tensor2D)),
  err('CodePrior.sample', 'n', '0', () => own(new CodePrior(rng(0), { positions: 3, codes: 3, hiddenDims: [4] })).sample(rng(1), 0)),
  err('VQVAE', 'beta', 'NaN', () => new VQVAE(rng(0), { beta: NaN })),
  err('VQVAE.encode', 'x', 'shape [1, 3]', () => own(new VQVAE(rng(0), { channels: [2, 2] })).encode(input([[0, 0, 0]]) as tf.Tensor2D)),
  err('ConvVAE.logWeights', 'samples', '0', () => own(new ConvVAE(rng(0), { channels: [2, 2], latent: 2 })).logWeights(rng(1), input(new Array(784).fill(0), [1, 784]) as tf.Tensor2D, { samples: 0 })),
  // Data
  err('minibatches', 'batchSize', '0', () => [...minibatches(rng(1), 10, 0)]),
  err('minibatches', 'n', '0', () => [...minibatches(rng(1), 0, 2)]),
  err('batchesPerEpoch', 'batchSize', '0', () => batchesPerEpoch(10, 0)),
  err('batchesPerEpoch', 'n', '−1', () => batchesPerEpoch(-1, 10)),
  err('twoMoons', 'n', '0', () => twoMoons(rng(1), 0)),
  err('twoMoons', 'noise', 'NaN', () => twoMoons(rng(1), 5, { noise: NaN })),
  err('swissRoll', 'noise', '−1', () => swissRoll(rng(1), 5, { noise: -1 })),
  err('gaussianRing', 'components', '0', () => gaussianRing(rng(1), 5, { components: 0 })),
  err('gaussianRing', 'sd', 'NaN', () => gaussianRing(rng(1), 5, { sd: NaN })),
  err('dynamicBinarize', 'x', 'NaN', () => dynamicBinarize(rng(1), input([0.5, NaN]))),
  err('dynamicBinarize', 'x', '2 (not a probability)', () => dynamicBinarize(rng(1), input([0.5, 2]))),
  err('staticBinarize', 'pixels', 'NaN', () => staticBinarize(rng(1), Float32Array.from([0.5, NaN]))),
  err('thresholdBinarize', 'threshold', 'NaN', () => thresholdBinarize(input([0.5]), NaN)),
  err('ImageDataset', 'images', 'a pixel count not matching the labels', () => new ImageDataset(new Float32Array(5), new Int32Array(2), [2, 2], 'bad')),
  err('ImageDataset.take', 'n', '0', () => fx().images.take(0)),
  err('parseIdx', 'IDX data', 'two bytes', () => parseIdx(Buffer.alloc(2))),
  err('rng', 'seed', 'NaN', () => rng(NaN)),
  err('rng', 'seed', '−1', () => rng(-1)),
];
