// The sweep's valid calls: one small declaration per public callable (or per method name across classes,
// `*.sample`), and one instance per class whose methods are swept. The sweep replaces the arguments of these
// calls one at a time; the calls themselves must run, return no NaN and leave no tensor behind.
import * as tf from '@tensorflow/tfjs-core';
import * as ll from '../../src';
import type { Callable } from './sweep-api';
import type { Outcome } from './sweep-probe';
import * as modelExamples from './examples/models';
import * as libraryExamples from './examples/library';

const r = () => ll.rng(1);
const t1 = (n = 3) => tf.tensor1d(Array.from({ length: n }, (_, i) => 0.25 * (i + 1)));
const normal = () => new ll.Normal(0, 1);
const vae = () => new ll.VAE(ll.rng(1), { inputDim: 4, latentDim: 2, hiddenDim: 3 });
const x2 = () => tf.tensor2d([[0, 1, 1, 0], [1, 0, 0, 1]]);
/** A bound's args for a 2-D latent and a batch of 2 (logJoint: a standard normal prior and nothing else). */
const boundArgs = () => ({
  x: x2(), proposal: new ll.Normal(tf.zeros([2, 2]), tf.ones([2, 2]), { eventDims: 1 }), samples: 3,
  logJoint: (_x: tf.Tensor, z: tf.Tensor) => tf.tidy(() => tf.mul(tf.sum(tf.square(z), -1), -0.5)),
});
const gaussScore = (x: tf.Tensor2D, sigma: number) => tf.tidy(() => tf.div(tf.neg(x), 1 + sigma * sigma)) as tf.Tensor2D;
const ppca = () => new ll.PPCA([[1, 0.5], [0.3, -1], [0.8, 0.2]], [0.5, -1, 0], 0.3);
const gaussModel = () => ({ data: [0.5, 1.5, -0.2, 0.8], priorSd: 1, noiseSd: 0.5 });
const mix1d = () => ({ weights: [0.3, 0.7], means: [-1, 2], sds: [0.5, 1] });
/** log p(x, z) of a standard normal prior alone: z [S, B, M] → [S, B]. */
const stdNormalLogJoint = (_x: tf.Tensor, z: tf.Tensor) => tf.tidy(() => tf.mul(tf.sum(tf.square(z), -1), -0.5));
/** One Gaussian per row of x2(): mean and log-std [2, 2]. */
const gaussians = () => ({ mean: tf.tensor2d([[0, 0.5], [0.1, -0.2]]), logStd: tf.tensor2d([[0, -0.5], [0.2, 0]]) });
const mvn = () => new ll.MultivariateNormal({ loc: [0, 1], covariance: [[1, 0.3], [0.3, 2]] });
/** z [1] → x [2] = A z + b + noise. */
const linearGaussian = () => ({ priorMean: [0], priorCovariance: [[1]], A: [[1], [0.5]], b: [0, 0], noiseCovariance: [[0.5, 0], [0, 0.5]] });
/** Two chains of 6 draws of one quantity. */
const chains = () => [[0.1, -0.3, 0.5, 0.2, -0.1, 0.4], [0.3, 0.1, -0.2, 0.6, 0.0, -0.4]];
/** log N(x; 0, I) up to a constant, row by row: [n, d] → [n]. */
const stdNormalRows = (x: tf.Tensor) => tf.tidy(() => tf.mul(-0.5, tf.sum(tf.square(x), 1)));

/** One object per class whose methods are swept (a fresh one per probe; freed after it). */
const INSTANCES: Record<string, () => any> = {
  ...modelExamples.INSTANCES,
  ...libraryExamples.INSTANCES,
  Rng: r,
  Normal: normal,
  Laplace: () => new ll.dist.Laplace(0, 1),
  Cauchy: () => new ll.dist.Cauchy(0, 1),
  StudentT: () => new ll.dist.StudentT(3, 0, 1),
  Logistic: () => new ll.dist.Logistic(0, 1),
  Gumbel: () => new ll.dist.Gumbel(0, 1),
  Uniform: () => new ll.dist.Uniform(0, 2),
  Bernoulli: () => new ll.dist.Bernoulli({ probs: [0.3, 0.6] }),
  Categorical: () => new ll.dist.Categorical({ probs: [0.2, 0.3, 0.5] }),
  MultivariateNormal: mvn,
  MixtureOfGaussians: () => new ll.dist.MixtureOfGaussians({ weights: [0.4, 0.6], means: [-1, 1], scales: [0.5, 1] }),
  VAE: () => vae(),
  PPCA: () => ppca(),
  DiffusionSchedule: () => ll.models.DiffusionSchedule.linear(5),
  LogitTransform: () => new ll.models.LogitTransform(0.05),
};

/** A value in the support of d (for logProb). */
const inSupport = (d: any) => [d.sample(ll.rng(2), 2)];

/** Valid calls: by the name errors use ('kl', 'Normal', 'Normal.sample') or by method name for every swept class ('*.sample'). */
const EXAMPLES: Record<string, (self?: any) => unknown[]> = {
  ...modelExamples.EXAMPLES,
  ...libraryExamples.EXAMPLES,
  // distributions
  Normal: () => [0, 1],
  Laplace: () => [0, 1],
  Cauchy: () => [0, 1],
  Logistic: () => [0, 1],
  Gumbel: () => [0, 1],
  StudentT: () => [3, 0, 1],
  Uniform: () => [0, 1],
  Bernoulli: () => [{ probs: [0.3, 0.6] }],
  Categorical: () => [{ probs: [0.2, 0.8] }],
  MultivariateNormal: () => [{ loc: [0, 1], covariance: [[1, 0.3], [0.3, 2]] }],
  MixtureOfGaussians: () => [{ weights: [0.4, 0.6], means: [-1, 1], scales: [0.5, 1] }],
  '*.sample': () => [r(), 3],
  '*.rsample': () => [r(), 3],
  '*.logProb': inSupport,
  '*.prob': inSupport,
  '*.cdf': inSupport,
  kl: () => [normal(), new ll.Normal(1, 2)],
  klMonteCarlo: () => [r(), normal(), new ll.Normal(1, 2), { samples: 50 }],
  hasClosedFormKL: () => [normal(), new ll.Normal(1, 2)],
  // the generator
  rng: () => [3],
  'Rng.nextGamma': () => [2.5],
  'Rng.uniformArray': () => [4],
  'Rng.normalArray': () => [4],
  'Rng.normal': () => [[2, 3]],
  'Rng.uniform': () => [[2, 3], 0, 1],
  'Rng.gumbel': () => [[2, 3]],
  'Rng.int': () => [5],
  'Rng.permutation': () => [5],
  Rng: () => [3],
  'Rng.fillUniform': () => [new Float64Array(4)],
  'Rng.tensor': () => [[2, 2], (g: ll.Rng) => g.nextUniform()],
  // bounds
  elbo: () => [r(), boundArgs()],
  iwae: () => [r(), boundArgs()],
  logImportanceWeights: () => [r(), boundArgs()],
  renyiBound: () => [r(), { ...boundArgs(), alpha: 0.5 }],
  elboAnalyticKL: () => { const { logJoint, ...rest } = boundArgs(); return [r(), { ...rest, logLikelihood: logJoint, prior: new ll.Normal(tf.zeros([2]), tf.ones([2]), { eventDims: 1 }) }]; },
  // the VAE
  VAE: () => [r(), { inputDim: 4, latentDim: 2, hiddenDim: 3 }],
  'VAE.encoderOutput': () => [x2()],
  'VAE.encode': () => [x2()],
  'VAE.posterior': () => [x2()],
  'VAE.decode': () => [tf.zeros([2, 2])],
  'VAE.decodeMean': () => [tf.zeros([2, 2])],
  'VAE.logLikelihood': () => [x2(), tf.zeros([3, 2, 2])],
  'VAE.logJoint': () => [x2(), tf.zeros([3, 2, 2])],
  'VAE.elbo': () => [r(), x2(), { samples: 2, kl: 'analytic', beta: 1 }],
  'VAE.iwae': () => [r(), x2(), { samples: 2 }],
  'VAE.loss': () => [r(), x2(), { type: 'iwae', samples: 2 }],
  'VAE.sample': () => [r(), 3],
  'VAE.reconstruct': () => [x2()],
  reconstructionGrid: () => [vae(), x2(), { columns: 2 }],
  // numerics
  logSumExp: () => [t1(), 0, false],
  logMeanExp: () => [t1(), 0, false],
  softplus: () => [t1()],
  logSigmoid: () => [t1()],
  logSumExp64: () => [[0.5, 1, 2]],
  logMeanExp64: () => [[0.5, 1, 2]],
  softplus64: () => [0.5],
  logGamma: () => [2.5],
  digamma: () => [2.5],
  // the 1-D mixture functions
  mixtureLogJoint64: () => [mix1d(), 0.5],
  mixtureLogMarginal64: () => [mix1d(), 0.5],
  mixturePosterior64: () => [mix1d(), 0.5],
  mixtureToTheta: () => [mix1d()],
  mixtureFisherScore64: () => [mix1d(), 0.5],
  mixtureMeanLogLikelihood64: () => [mix1d(), [0.5, 1, -1]],
  mixtureEM: () => [[0.5, 1, -1, 2, 2.5, -0.5], mix1d(), { iterations: 3 }],
  // score models
  scoreField: () => [gaussScore, 0.5, { size: 4 }],
  langevinSample: () => [r(), gaussScore, 4, { dim: 2, sigmas: [1, 0.5], steps: 3 }],
  // inference
  importanceSampling: () => [r(), { logTarget: (z: tf.Tensor) => tf.tidy(() => tf.mul(tf.square(z), -0.5)), f: (z: tf.Tensor) => tf.clone(z), proposal: new ll.Normal(0, 2), samples: 20 }],
  logMarginalIS: () => [r(), { x: tf.tensor2d([[0, 1]]), proposal: new ll.Normal(tf.zeros([2]), tf.ones([2]), { eventDims: 1 }), logJoint: (_x: tf.Tensor, z: tf.Tensor) => tf.tidy(() => tf.mul(tf.sum(tf.square(z), -1), -0.5)), samples: 20 }],
  weightDiagnostics: () => [[0, -1, -0.5, 0.2]],
  scoreFunctionGradient: () => [r(), { params: [tf.tensor1d([0.5])], family: (p: tf.Tensor[]) => new ll.Normal(p[0], 1, { eventDims: 1, validate: false }), f: (z: tf.Tensor) => tf.sum(z, -1), samples: 10, baseline: 'mean' }],
  reparameterizationGradient: () => [r(), { params: [tf.tensor1d([0.5])], family: (p: tf.Tensor[]) => new ll.Normal(p[0], 1, { eventDims: 1, validate: false }), f: (z: tf.Tensor) => tf.sum(z, -1), samples: 10 }],
  gumbelMax: () => [r(), tf.tensor1d([0, 1, -1]), { samples: 5 }],
  gumbelSoftmax: () => [r(), tf.tensor1d([0, 1, -1]), { temperature: 0.5, samples: 5 }],
  whitenedNoise: () => [r(), 6, 2],
  fitBestGaussian: () => [r(), { logTarget: (z: tf.Tensor) => tf.mul(tf.sum(tf.square(z), -1), -0.5), dim: 2, steps: 3, samples: 8, learningRate: 0.05, fixedNoise: true }],
  kernelMatrix: () => [tf.tensor2d([[0, 1], [1, 0]]), tf.tensor2d([[0, 0], [1, 1], [2, 2]]), 'rbf', 1],
  mmdUnbiased: () => [tf.tensor2d([[0, 1], [1, 0], [1, 1]]), tf.tensor2d([[0, 0], [1, 1], [2, 2]]), { kernel: 'imq', scale: 1 }],
  hyvarinenTerms: () => [(x: tf.Tensor2D) => tf.neg(x), tf.tensor2d([[0, 1], [1, 0], [1, 1]])],
  caviGaussian: () => [[1, -1], [[2, 0.5], [0.5, 1]], { sweeps: 5 }],
  meanFieldElbo: () => [{ means: [0.5, -0.5], variances: [0.5, 1] }, [1, -1], [[2, 0.5], [0.5, 1]]],
  fullElbo: () => [gaussModel(), { mean: 0.5, variance: 0.3 }],
  minibatchElbo: () => [gaussModel(), { mean: 0.5, variance: 0.3 }, [0, 2]],
  exactPosterior: () => [gaussModel()],
  robbinsMonro: () => [3, { tau0: 1, kappa: 0.7 }],
  sviGaussianMean: () => [r(), gaussModel(), { batchSize: 2, steps: 5, tau0: 1, kappa: 0.7 }],
  // PPCA
  PPCA: () => [[[1, 0.5], [0.3, -1], [0.8, 0.2]], [0.5, -1, 0], 0.3],
  'PPCA.logMarginal': () => [[1, 0, 0.5]],
  'PPCA.logMarginalDirect': () => [[1, 0, 0.5]],
  'PPCA.logLikelihood': () => [[[1, 0, 0.5], [0, 1, -1]]],
  'PPCA.posterior': () => [[1, 0, 0.5]],
  'PPCA.logJoint64': () => [[1, 0, 0.5], [0.2, -0.3]],
  'PPCA.posteriorDistribution': () => [[1, 0, 0.5]],
  'PPCA.sample': () => [r(), 4],
  'PPCA.fitML': () => [[[1, 0, 0.5], [0, 1, -1], [2, 0.5, 0], [-1, 0, 1]], 1],
  'PPCA.fitEM': () => [r(), [[1, 0, 0.5], [0, 1, -1], [2, 0.5, 0], [-1, 0, 1]], 1, { iterations: 3 }],
  // data and ops
  twoMoons: () => [r(), 10, { noise: 0.1 }],
  swissRoll: () => [r(), 10, { noise: 0.1 }],
  gaussianRing: () => [r(), 10, { components: 4, radius: 2, sd: 0.1 }],
  dynamicBinarize: () => [r(), tf.tensor2d([[0.2, 0.9], [0.5, 0.1]])],
  thresholdBinarize: () => [tf.tensor2d([[0.2, 0.9], [0.5, 0.1]]), 0.5],
  staticBinarize: () => [r(), Float32Array.from([0.2, 0.9, 0.5])],
  bernoulliLogLikelihood: () => [x2(), tf.zeros([2, 4])],
  klStandardNormal: () => [tf.tensor2d([[0.5, -0.5]]), tf.tensor2d([[0.1, -0.2]])],
  reparameterizeWithKL: () => [tf.tensor2d([[0.5, -0.5, 0.1, -0.2]]), tf.tensor2d([[0.3, -1]])],
  // evaluation, diffusion and image helpers (checked by their own code)
  discreteLogProb1d: () => [(y: number) => -0.5 * y * y, 3],
  dequantizedLogDensity1d: () => [r(), (y: number) => -0.5 * y * y, 3, { samples: 10 }],
  logMixture: () => [-1, -2, 0.1],
  bitsPerDim: () => [-500, 784],
  logNormalCdf: () => [0.5],
  featureFrechetDistance: () => [[[0, 1], [1, 0], [1, 1]], [[0, 0], [1, 1], [2, 1]]],
  frechetDistance: () => [[0, 1], [[1, 0], [0, 1]], [1, 0], [[2, 0.5], [0.5, 1]]],
  noisedMixtureLogDensity: () => [mix1d(), 0.5, 0.3],
  mixturePosteriorMean: () => [mix1d(), 0.5, 0.3],
  mixtureNoisedScore: () => [mix1d(), 0.5, 0.3],
  noiseLevels: () => [1, 0.01, 5],
  spreadIndices: () => [4, 10],
  oneHotLabels: () => [[0, 2, 1], 3],
  rotation2d: () => [0.5],
  sinusoidalEmbedding: () => [tf.tensor1d([1, 5]), 8],
  checkerboardMask: () => [4, 4, 1, 0],
  codeUsage: () => [[0, 1, 1, 3], 4],
  batchesPerEpoch: () => [10, 3, false],
  // diffusion schedules
  DiffusionSchedule: () => [[0.1, 0.2, 0.3]],
  'DiffusionSchedule.linear': () => [10, 1e-4, 0.02],
  'DiffusionSchedule.cosine': () => [10],
  'DiffusionSchedule.logSnrLinear': () => [10],
  'DiffusionSchedule.posterior': () => [2],
  'DiffusionSchedule.qSample': () => [tf.tensor2d([[0.5, -0.5]]), 2, tf.tensor2d([[0.1, 0.2]])],
  'DiffusionSchedule.noised': () => [r(), tf.tensor2d([[0.5, -0.5]]), 2],
  'DiffusionSchedule.klWeight': () => [2],
  // the derivation checks and the per-point estimates (issue 28: through the shared validator)
  estimateMean: () => [[0.5, 1.5, 1]],
  replicate: () => [3, (_s: unknown, g: any) => g.nextUniform()],
  finiteDifferenceGradient: () => [(t: number[]) => t[0] * t[0] + t[1], [1, 2], 1e-5],
  derivation: () => ['x = x', { setup: (g: any) => ({ a: g.nextNormal() }), draws: 2, rng: r(), z: 4, rtol: 1e-9 }],
  gaussianElbo: () => [r(), stdNormalLogJoint, x2(), gaussians(), { samples: 3 }],
  gaussianImportanceLogLikelihood: () => [r(), stdNormalLogJoint, x2(), gaussians(), { samples: 4, chunk: 2 }],
  // quadrature and the loops issue 35 found unbounded
  gaussLegendre: () => [8],
  quadratureRule: () => [0, 1, { order: 8, panels: 2 }],
  integrate1d: () => [(x: number) => x * x, 0, 1, { order: 8, panels: 2 }],
  integrate2d: () => [(x: number, y: number) => x * y, [0, 1], [0, 1], { order: 4, panels: 2 }],
  // figures and the image models' light callables (issue 28 item 4: their checks moved to the shared validator)
  histogram: () => [{ values: [0.1, 0.5, 0.9, 1.2], bins: 4 }],
  density2d: () => [{ logDensity: (pts: number[][]) => pts.map(([x, y]) => -0.5 * (x * x + y * y)), xRange: [-2, 2], yRange: [-2, 2], steps: 5 }],
  imageGrid: () => [[[0, 0.5, 1, 0.2], [0.3, 0.6, 0.9, 0.1], [1, 0, 0, 1]], { columns: 2 }],
  latentTraversal: () => [{ decode: (z: tf.Tensor) => tf.tidy(() => tf.sigmoid(tf.concat([z, z], 1))), latentDim: 2, dims: [0, 1], steps: 3 }],
  VegaLiteFigure: () => [{ mark: 'point', data: { values: [{ x: 1, y: 2 }] }, encoding: { x: { field: 'x', type: 'quantitative' } } }],
  PlotlyFigure: () => [[{ type: 'scatter', x: [0, 1], y: [1, 2] }], { height: 300 }],
  LogitTransform: () => [0.05],
  'LogitTransform.forward': () => [tf.fill([1, 2, 2, 1], 0.5)],
  ddimStep: () => [0.5, 0.6, 0.5],
  icaLogLikelihood: () => [[[0.5, -0.2], [1, 0.3]], [[1, 0.2], [0, 1]], 'logistic'],
  // the callables whose relations became declared kinds (issue 28 item 4): swept too (issue 35)
  coordinate: () => [[[[0, 1], [1, 2], [2, 3], [3, 4]], [[1, 0], [2, 1], [3, 2], [4, 3]]], 1],
  effectiveSampleSize: () => [chains(), { method: 'mean' }],
  rHat: () => [chains(), { method: 'split' }],
  mcmcMean: () => [chains()],
  randomWalkMetropolis: () => [r(), { logDensity: (x: number[]) => -0.5 * x[0] * x[0], init: [[0], [1]], steps: 5, scale: 0.5 }],
  randomWalkMetropolisTensor: () => [r(), { logDensity: stdNormalRows, init: [[0], [1]], steps: 3, scale: 0.5 }],
  hmc64: () => [r(), { logDensity: (x: number[]) => -0.5 * x[0] * x[0], gradLogDensity: (x: number[]) => [-x[0]], init: [[0.5]], steps: 3, warmup: 2, leapfrogSteps: 2, stepSize: 0.2 }],
  hmc: () => [r(), { logDensity: stdNormalRows, init: [[0.5]], steps: 2, warmup: 1, leapfrogSteps: 2, stepSize: 0.2 }],
  independenceMetropolis: () => [r(), { logDensity: (x: number[]) => -0.5 * x[0] * x[0], proposal: { sample: (g: ll.Rng) => [2 * g.nextNormal()], logDensity: (x: number[]) => -x[0] * x[0] / 8 }, init: [[0]], steps: 5 }],
  leapfrog64: () => [(q: number[]) => q.map((v) => -v), [1, 0], [0, 1], 0.1, 3],
  leapfrog: () => [stdNormalRows, tf.tensor2d([[1, 0]]), tf.tensor2d([[0, 1]]), 0.1, 2],
  DualAveraging: () => [0.1, 0.8],
  isingGrid: () => [2, 2, { coupling: 0.3, field: 0.1 }],
  exactMarginals: () => [ll.infer.isingGrid(2, 2, { coupling: 0.3 })],
  loopyBeliefPropagation: () => [ll.infer.isingGrid(2, 2, { coupling: 0.3 }), { iterations: 20, damping: 0.1 }],
  meanFieldMarginals: () => [ll.infer.isingGrid(2, 2, { coupling: 0.3 }), { sweeps: 10 }],
  medianHeuristic: () => [[[0, 0], [1, 0], [0, 2]]],
  ksd64: () => [[[0], [1], [-0.5]], [[0], [-1], [0.5]], { bandwidth: 1 }],
  kernelizedSteinDiscrepancy: () => [tf.tensor2d([[0], [1], [-0.5]]), tf.tensor2d([[0], [-1], [0.5]]), { bandwidth: 1 }],
  svgdDirection: () => [tf.tensor2d([[1, 0], [0, 1]]), tf.tensor2d([[-1, 0], [0, -1]]), 1],
  svgdDirection64: () => [[[1, 0], [0, 1]], [[-1, 0], [0, -1]], 1],
  svgd: () => [{ logDensity: stdNormalRows, particles: [[1, 0], [0, 1]], steps: 2, stepSize: 0.1 }],
  laplaceApproximation64: () => [(x: number[]) => -0.5 * x[0] * x[0], (x: number[]) => [-x[0]], () => [[-1]], [0.5], { maxSteps: 20 }],
  hessian: () => [(x: tf.Tensor) => tf.sum(tf.pow(x, 3)), [1, 2]],
  renyiFromLogWeights: () => [tf.tensor2d([[0, -1], [-0.5, 0.2]]), 0.5],
  logGaussian: () => [0.5, 0, 1],
  logGaussianDiagonal: () => [[0.5, 1], [0, 0], [1, 2]],
  logGaussianIsotropic: () => [[0.5, 1], [0, 0], 1.5],
  logGaussianMultivariate: () => [[0.5, 1], [0, 0], [[1, 0.3], [0.3, 2]]],
  amariDistance: () => [[[0, 2], [-3, 0]], [[1, 0], [0, 1]]],
  learningRateAt: () => [{ peak: 1e-3, steps: 10, warmupSteps: 2, decay: 'cosine' }, 3],
  mixtureFromTheta: () => [[-1, 2, Math.log(0.5), 0, 0.3, 0.7]],
  straightThrough: () => [tf.tensor2d([[0.5, 1]]), tf.tensor2d([[0, 1]])],
  squeeze: () => [tf.zeros([1, 2, 2, 1])],
  unsqueeze: () => [tf.zeros([1, 1, 1, 4])],
  dsmLossTerms: () => [(x: tf.Tensor2D) => tf.neg(x) as tf.Tensor2D, tf.tensor2d([[0, 1], [1, 0]]), tf.tensor2d([[0.1, 0.2], [0.3, 0.1]]), tf.tensor1d([0.5, 1])],
  projectionFigure: () => [{ points: [[0, 0], [1, 1]], reconstructions: [[0.1, 0], [0.9, 1]] }],
  vectorFieldPlot: () => [{ x: [0, 1], y: [0, 1], u: [1, 0], v: [0, 1] }],
  densityPlot: () => [{ densities: { bump: (xs: number[]) => xs.map((x) => Math.exp(-x * x / 2)) }, range: [-2, 2], points: 5 }],
  lineChart: () => [{ series: { a: [1, 2, 3] }, x: [0, 1, 2] }],
  zoomableLines: () => [{ series: { a: [1, 2, 3] } }],
  surface3d: () => [{ z: [[1, 2], [3, 4]], x: [0, 1], y: [0, 1] }],
  checkGradient: () => ['d/dθ θ² = 2θ', (t: number[]) => t[0] * t[0], [2], [1]],
  checkQuadrature: () => ['∫ x dx = 1/2', (x: number) => x, [0, 1], 0.5, { panels: 2, order: 4 }],
  linearGaussianMarginal: () => [linearGaussian()],
  linearGaussianPosterior: () => [linearGaussian(), [0.5, -0.2]],
  scatterPlot: () => [{ x: [0, 1, 2], y: [1, 0, 2] }],
  barChart: () => [{ labels: ['a', 'b'], values: [1, 2] }],
  klNormalNormal: () => [normal(), new ll.Normal(1, 2)],
  finiteDifferenceValue: () => [(t: number[]) => t[0] * t[0] + t[1], [1, 2], { h: 1e-5 }],
};

/** The valid-call builder for a callable, or undefined if it has none (then it is not swept). */
export function exampleFor(c: Callable): ((self?: any) => unknown[]) | undefined {
  if (c.kind === 'method') {
    if (!INSTANCES[c.cls!.name]) return undefined;
    return EXAMPLES[c.name] ?? EXAMPLES[`*.${c.method}`] ?? (c.target.length === 0 ? () => [] : undefined);
  }
  return EXAMPLES[c.name];
}

/** A fresh instance for a method probe. */
export function instanceFor(c: Callable): any {
  return INSTANCES[c.cls!.name]();
}

/** Callables left out of the sweep on purpose, with the reason. */
export const NOT_SWEPT: Record<string, string> = {
  ...modelExamples.NOT_SWEPT,
  ...libraryExamples.NOT_SWEPT,
  'Bernoulli.rsample': 'always throws, naming itself: a discrete distribution has no reparameterized samples',
  'Categorical.rsample': 'always throws, naming itself: a discrete distribution has no reparameterized samples',
  'MixtureOfGaussians.rsample': 'always throws, naming itself: the component choice is discrete',
  'Cauchy.mean': 'always throws: the Cauchy has no mean',
  'Cauchy.variance': 'always throws: the Cauchy has no finite variance',
  'MixtureOfGaussians.entropy': 'always throws: no closed form',
  'MixtureOfGaussians.weightsFor': 'private (TypeScript private; JavaScript still lists it)',
  'PPCA.checkPoint': 'private',
  'VAE.withCondition': 'private', 'VAE.checkX': 'private', 'VAE.checkFinite': 'private', 'VAE.elboOf': 'private', 'VAE.iwaeOf': 'private',
};

/**
 * Outcomes accepted for a callable, each with its reason (the sweep's allow-list).
 * Keyed by callable name, then outcome.
 */
const HOT_PATH = 'a forward pass used in every training step: NaN propagates (IEEE) rather than costing a sync per call to check; vae.elbo and vae.iwae check x';
const ALLOWED: Record<string, Partial<Record<Outcome, string>>> = {
  ...modelExamples.ALLOWED,
  ...libraryExamples.ALLOWED,
  'VAE.encode': { 'nan-passed': HOT_PATH }, 'VAE.encoderOutput': { 'nan-passed': HOT_PATH }, 'VAE.posterior': { 'nan-passed': HOT_PATH },
  'VAE.decode': { 'nan-passed': HOT_PATH }, 'VAE.decodeMean': { 'nan-passed': HOT_PATH }, 'VAE.logLikelihood': { 'nan-passed': HOT_PATH },
  'VAE.logJoint': { 'nan-passed': HOT_PATH }, 'VAE.reconstruct': { 'nan-passed': HOT_PATH },
  softplus: { 'nan-passed': 'elementwise: softplus(NaN) = NaN is the IEEE answer, and the op sits inside every training step' },
  logSigmoid: { 'nan-passed': 'elementwise, as softplus' },
  kernelMatrix: { 'nan-passed': 'inside the WAE-MMD loss of every training step: a NaN check would sync each step' },
  mmdUnbiased: { 'nan-passed': 'inside the WAE-MMD loss of every training step, as kernelMatrix' },
  bernoulliLogLikelihood: { 'nan-passed': 'a fused op of every VAE training step: NaN propagates rather than costing a sync' },
  klStandardNormal: { 'nan-passed': 'a fused op of every VAE training step, as bernoulliLogLikelihood' },
  reparameterizeWithKL: { 'nan-passed': 'a fused op of every VAE training step, as bernoulliLogLikelihood' },
  'DiffusionSchedule.qSample': { 'nan-passed': 'the forward noising of every diffusion training step: NaN propagates rather than costing a sync' },
  'DiffusionSchedule.noised': { 'nan-passed': 'as qSample' },
  renyiFromLogWeights: { 'nan-passed': "inside the VAE's Rényi loss of every training step: NaN log-weights propagate rather than costing a sync" },
  squeeze: { 'nan-passed': 'a permutation of the entries inside every RealNVP pass: a NaN entry stays a NaN entry (IEEE)' },
  unsqueeze: { 'nan-passed': 'as squeeze' },
  straightThrough: { 'nan-passed': "the VQ-VAE's quantization of every training step: NaN propagates rather than costing a sync" },
  dsmLossTerms: { 'nan-passed': "the score network's loss of every training step, as bernoulliLogLikelihood" },
  VegaLiteFigure: { 'nan-passed': "the spec is the caller's vega-lite object, kept as given (the library's charts check their numbers before building one)" },
};

/** The reason an outcome is accepted for a callable, if it is. */
export function allowance(c: Callable, outcome: Outcome): string | undefined {
  return ALLOWED[c.name]?.[outcome];
}
