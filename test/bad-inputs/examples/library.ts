// The sweep's valid calls for the library outside ll.models (plots, widgets, verify, data, evaluation, inference, math, native): merged into
// sweep-examples.ts's tables. Same shapes: INSTANCES by class name, EXAMPLES by error name or '*.method',
// NOT_SWEPT and ALLOWED with their reasons.
import fs from 'fs';
import os from 'os';
import path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import * as ll from '../../../src';
import type { Outcome } from '../sweep-probe';

const r = () => ll.rng(1);
/** A scratch folder for the figures and checkpoints the valid calls save (never the working directory). */
export const scratchFolder = (pid: number) => path.join(os.tmpdir(), `latent-lab-sweep-${pid}`);
const scratch = (file: string) => {
  const dir = scratchFolder(process.pid);
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, file);
};
/** A tiny IDX file (ubyte, the given shape and bytes) in the scratch folder. */
const idxBuffer = (shape: number[], bytes: number[]) => Buffer.concat([Buffer.from([0, 0, 0x08, shape.length]), ...shape.map((d) => { const b = Buffer.alloc(4); b.writeUInt32BE(d); return b; }), Buffer.from(bytes)]);
const idxFile = (name: string, shape: number[], bytes: number[]) => { const f = scratch(name); fs.writeFileSync(f, idxBuffer(shape, bytes)); return f; };
/** A tiny image data set: two 2×2 images, labels 0 and 1. */
const tinyImages = () => new ll.data.ImageDataset(Float32Array.from([0, 0.5, 1, 0.2, 0.3, 0.6, 0.9, 0.1]), Int32Array.from([0, 1]), [2, 2], 'tiny');
/** A tiny classifier: 8×8 images, 3 classes, 2 channels, 4 features. */
const classifier = () => new ll.evaluation.ImageClassifier(ll.rng(1), { size: 8, classes: 3, channels: [2, 2], hidden: 4 });
/** Two 8×8 images (rows of 64 pixels in [0, 1]). */
const pixels8 = () => tf.tidy(() => tf.div(tf.add(tf.range(0, 128).reshape([2, 64]), 0.5), 128)) as tf.Tensor2D;
/** Eight 8×8 images of the three classes, as a data set. */
const images8 = () => new ll.data.ImageDataset(Float32Array.from({ length: 8 * 64 }, (_, i) => (i % 7) / 7), Int32Array.from([0, 1, 2, 0, 1, 2, 0, 1]), [8, 8], 'eight');
const chart = () => ll.lineChart({ series: { a: [1, 2, 3] } });
/** A template literal's strings, as md`…` receives them. */
const template = (parts: string[]) => Object.assign([...parts], { raw: [...parts] }) as unknown as TemplateStringsArray;
const derivationOf = () => ll.derivation('x = x', { setup: (g: ll.Rng) => ({ a: g.nextNormal() }), draws: 2, rng: ll.rng(1) })
  .line('a', ({ a }: { a: number }) => a)
  .line('= a', ({ a }: { a: number }) => a);
const normals = () => ({ q: new ll.MultivariateNormal({ loc: [0, 1], covariance: [[1, 0.3], [0.3, 2]] }), p: new ll.MultivariateNormal({ loc: [1, 0], covariance: [[2, 0], [0, 1]] }) });
/** p(x, z) = N(z; 0, 1) N(x = 1; z, 1) per row of z [n, d]. */
const logJointOfLatents = (z: tf.Tensor2D) => tf.tidy(() => tf.sum(tf.add(tf.mul(-0.5, tf.square(z)), tf.mul(-0.5, tf.square(tf.sub(1, z)))), 1));
/** log p(x, z) of a standard normal prior alone: z [S, B, M] → [S, B]. */
const stdNormalLogJoint = (_x: tf.Tensor, z: tf.Tensor) => tf.tidy(() => tf.mul(tf.sum(tf.square(z), -1), -0.5));
const x2 = () => tf.tensor2d([[0, 1, 1, 0], [1, 0, 0, 1]]);
const vae = () => new ll.VAE(ll.rng(1), { inputDim: 4, latentDim: 2, hiddenDim: 3 });

/** One object per class whose methods are swept (a fresh one per probe; freed after it). */
export const INSTANCES: Record<string, () => any> = {
  ImageDataset: tinyImages,
  ImageClassifier: classifier,
  Dense: () => new ll.ops.Dense(ll.rng(1), 3, 2, 'sweep/dense'),
  DualAveraging: () => new ll.infer.DualAveraging(0.1, 0.8),
  Markdown: () => new ll.Markdown('**x**'),
  CheckTable: () => ll.checkTable(ll.checkClose('1 + 1 = 2', 1 + 1, 2)),
  Derivation: derivationOf,
  DerivationResult: () => derivationOf().check(),
  ExerciseCheckError: () => new ll.verify.ExerciseCheckError('✗ x: expected 1, got 2'),
  Progress: () => ll.plot.progress({ total: 3, title: 'sweep', curve: 'loss' }),
  VegaLiteFigure: chart,
  ExplorableFigure: () => ll.plot.explorableFigure({ name: 't', values: [0, 1] }, (t) => ll.lineChart({ series: { a: [t, t + 1] } })),
  ImageFigure: () => ll.plot.imageGrid([[0, 0.5, 1, 0.2], [0.3, 0.6, 0.9, 0.1]], { columns: 2 }),
  PlotlyFigure: () => ll.plot.zoomableLines({ series: { a: [1, 2, 3] } }),
  Button: () => ll.widgets.button({ description: 'go' }),
  Dropdown: () => ll.widgets.dropdown({ options: ['a', 'b'] }),
  Box: () => ll.widgets.hbox([ll.widgets.button({ description: 'go' })]),
  Control: () => ll.widgets.intSlider({ value: 3, min: 0, max: 10 }),
  WidgetModel: () => new ll.widgets.WidgetModel('IntSliderModel', 'IntSliderView', { value: 1 }),
  MixtureOfGaussians: () => new ll.dist.MixtureOfGaussians({ weights: [0.4, 0.6], means: [-1, 1], scales: [0.5, 1] }),
};

/** Valid calls: by the name errors use ('kl', 'Normal', 'Normal.sample') or by method name for every swept class ('*.sample'). */
export const EXAMPLES: Record<string, (self?: any) => unknown[]> = {
  // issue 30 (flows): the trace of a Jacobian and sliced score matching
  hutchinsonTrace64: () => [r(), [[2, 1], [0, 3]], { probes: 4, distribution: 'rademacher' }],
  hutchinsonVariance64: () => [[[2, 1], [0, 3]], 'gaussian'],
  hutchinsonProbes: () => [r(), [3, 2], 'rademacher'],
  jacobianTrace: () => [(x: tf.Tensor2D) => tf.neg(x), tf.tensor2d([[0, 1], [1, 0]]), tf.tensor2d([[1, -1], [-1, 1]])],
  slicedScoreMatchingTerms: () => [(x: tf.Tensor2D) => tf.neg(x), tf.tensor2d([[0, 1], [1, 0]]), tf.tensor2d([[1, -1], [-1, 1]])],
  // the toolkit of every cell: outside a kernel, display prints the text form and the rest do nothing
  display: () => [{ 'text/plain': 'x' }, { displayId: 'sweep' }],
  displayHTML: () => ['<b>x</b>'],
  updateDisplay: () => ['sweep', { 'text/plain': 'x' }],
  clearOutput: () => [true],
  inKernel: () => [],
  ready: () => [],
  backendInfo: () => [],
  throwIfInterrupted: () => [],
  md: () => [template(['a = ', '']), 3],
  Markdown: () => ['**x**'],
  values: () => [tf.tensor1d([1, 2])],
  value: () => [tf.scalar(2)],
  rows: () => [tf.tensor2d([[1, 2], [3, 4]])],
  // checks
  check: () => ['1 + 1', 2, 2, { rtol: 1e-6 }],
  checkClose: () => ['1 + 1 = 2', 2, 2, { rtol: 1e-6, atol: 1e-9 }],
  checkAtMost: () => ['1 ≤ 2', 1, 2, { atol: 0 }],
  checkMonteCarlo: () => ['mean = 0.5', { value: 0.5, se: 0.1, n: 10 }, 0.5, { zMax: 4 }],
  checkTable: () => [ll.checkClose('1 + 1 = 2', 2, 2)],
  CheckTable: () => [[ll.checkClose('1 + 1 = 2', 2, 2)]],
  'Derivation.line': () => ['= a', ({ a }: { a: number }) => a],
  Derivation: () => ['x = x', { setup: (g: ll.Rng) => ({ a: g.nextNormal() }), draws: 2 }],
  'DerivationResult.show': () => [{ draws: 'all' }],
  'DerivationResult.toLatex': () => [{}],
  'Derivation.toLatex': () => [{}],
  parseRelation: () => ['= a + b'],
  latexToText: () => ['\\tfrac12 \\mu^2'],
  ExerciseCheckError: () => ['✗ x: expected 1, got 2'],
  // widgets
  intSlider: () => [{ value: 3, min: 0, max: 10, step: 1 }],
  floatSlider: () => [{ value: 0.5, min: 0, max: 1, step: 0.1 }],
  logSlider: () => [{ value: 1, minExponent: -2, maxExponent: 1, base: 10 }],
  checkbox: () => [{ value: true, description: 'x' }],
  text: () => [{ value: 'x', placeholder: 'y' }],
  dropdown: () => [{ options: ['a', 'b'], value: 'b' }],
  button: () => [{ description: 'go' }],
  hbox: () => [[ll.widgets.button({ description: 'go' })]],
  vbox: () => [[ll.widgets.button({ description: 'go' })]],
  output: () => [],
  interact: () => [({ k }: { k: number }) => `k = ${k}`, { k: ll.widgets.intSlider({ value: 3, min: 0, max: 10 }) }],
  'Button.onClick': () => [() => undefined],
  'Dropdown.onChange': () => [() => undefined],
  'Control.onChange': () => [() => undefined],
  'WidgetModel.get': () => ['value'],
  'WidgetModel.set': () => [{ value: 2 }],
  'WidgetModel.onStateChange': () => [() => undefined],
  'WidgetModel.onCustom': () => [() => undefined],
  WidgetModel: () => ['IntSliderModel', 'IntSliderView', { value: 1 }],
  Dropdown: () => [['a', 'b'], 'a', 'pick'],
  Button: () => ['go'],
  Box: () => ['HBox', [ll.widgets.button({ description: 'go' })]],
  Control: () => ['IntSliderModel', 'IntSliderView', 'SliderStyleModel', { value: 1 }, 'IntSlider'],
  // progress and figures
  progress: () => [{ total: 3, title: 'sweep', curve: 'loss' }],
  Progress: () => [{ total: 3, title: 'sweep', curve: 'loss' }],
  'Progress.update': () => [1, { loss: 0.5 }],
  sparkline: () => [[1, 3, 2], 60, 20],
  textSparkline: () => [[1, 3, 2], 3],
  explorableFigure: () => [{ name: 't', values: [0, 1] }, (t: number) => ll.lineChart({ series: { a: [t, t + 1] } })],
  ExplorableFigure: () => [{ mark: 'line', data: { values: [{ x: 1, y: 2 }] } }],
  '*.png': () => [{ zoom: 1 }],
  'ImageFigure.png': () => [],
  '*.save': () => [scratch('figure.html')],
  'ImageFigure.save': () => [scratch('figure.png')],
  'ImageFigure.gridPNG': () => [],
  ImageFigure: () => [Float32Array.from([0, 0.5, 1, 0.2, 0.3, 0.6, 0.9, 0.1]), 2, [2, 2], { columns: 2 }],
  closePlotlyRenderer: () => [],
  // data
  ImageDataset: () => [Float32Array.from([0, 0.5, 1, 0.2, 0.3, 0.6, 0.9, 0.1]), Int32Array.from([0, 1]), [2, 2], 'tiny'],
  'ImageDataset.batch': () => [[1, 0]],
  'ImageDataset.batchPixels': () => [[1, 0]],
  'ImageDataset.batchLabels': () => [[1, 0]],
  'ImageDataset.take': () => [1],
  loadMnist: () => ['test'],
  loadFashionMnist: () => ['test'],
  checkpointPath: () => ['classifier-mnist'],
  parseIdx: () => [idxBuffer([3], [1, 2, 3]), 'tiny'],
  readIdx: () => [idxFile('v.idx', [3], [1, 2, 3])],
  loadIdxImages: () => [idxFile('images.idx', [2, 1, 2], [0, 255, 128, 64]), idxFile('labels.idx', [2], [1, 0]), 'tiny'],
  dynamicBinarizePixels: () => [r(), Float32Array.from([0.2, 0.9, 0.5])],
  minibatches: () => [r(), 10, 3, { dropLast: false }],
  stepBatches: () => [r(), 10, 3, 4, { dropLast: false }],
  // evaluation
  ImageClassifier: () => [r(), { size: 8, classes: 3, channels: [2, 2], hidden: 4 }],
  'ImageClassifier.features': () => [pixels8(), { beforeRelu: true }],
  'ImageClassifier.logits': () => [pixels8()],
  'ImageClassifier.probabilities': () => [pixels8()],
  'ImageClassifier.loss': () => [pixels8(), [0, 2]],
  'ImageClassifier.uniformCrossEntropy': () => [pixels8()],
  'ImageClassifier.prepareBatch': () => [r(), { x: pixels8(), indices: [0, 1], labels: Int32Array.from([0, 1]), dataset: images8() }, { outlierWeight: 0.5 }],
  'ImageClassifier.trainingLoss': () => [r(), { x: pixels8(), labels: Int32Array.from([0, 2]) }, { outlierWeight: 0 }],
  'ImageClassifier.predict': () => [pixels8()],
  'ImageClassifier.featureRows': () => [pixels8(), { beforeRelu: false }],
  'ImageClassifier.accuracy': () => [images8()],
  'ImageClassifier.save': () => [scratch('classifier'), { note: 'sweep' }],
  'ImageClassifier.load': () => [ll.data.checkpointPath('classifier-mnist')],
  confidentShare: () => [classifier(), pixels8(), 0.5],
  classHistogram: () => [classifier(), pixels8()],
  classifierFrechetDistance: () => [classifier(), pixels8(), tf.tidy(() => tf.sub(1, pixels8()))],
  sqrtmPSD: () => [[[4, 1], [1, 3]]],
  importanceLogLikelihood: () => [r(), (g: ll.Rng, x: tf.Tensor2D, k: number) => tf.tidy(() => tf.mul(g.normal([k, x.shape[0]]), 0.1)), x2(), { samples: 4, chunk: 2 }],
  // an evaluator written by hand (a model's would hold its tensors in a closure the sweep cannot free)
  evaluateLikelihoods: () => [r(), [{ name: 'flat', kind: 'exact', logLikelihood: (_g: ll.Rng, x: tf.Tensor2D) => new Float64Array(x.shape[0]).fill(-2) }], x2(), { batchSize: 2 }],
  vaeLikelihood: () => [vae(), { samples: 3, name: 'vae' }],
  // the other evaluators only keep their model for later: a stand-in with the method each one calls
  madeLikelihood: () => [{ logProb: (x: tf.Tensor) => tf.sum(x, 1) }, 'made'],
  richVAELikelihood: () => [{ logWeights: () => tf.zeros([2, 2]) }, { samples: 3, name: 'rich' }],
  hierarchicalVAELikelihood: () => [{ logWeights: () => tf.zeros([2, 2]) }, { samples: 3, name: 'two layers' }],
  convVAELikelihood: () => [{ logWeights: () => tf.zeros([2, 2]) }, { samples: 3, chunk: 2, name: 'conv' }],
  dequantizedFlowLikelihood: () => [{ logProb: (x: tf.Tensor) => tf.sum(x, 1) }, { samples: 2, name: 'flow' }],
  diffusionLikelihood: () => [(x: tf.Tensor2D) => tf.clone(x), ll.models.DiffusionSchedule.linear(5), { samples: 1, name: 'diffusion' }],
  // ops and math
  Dense: () => [r(), 3, 2, 'sweep/dense'],
  'Dense.apply': () => [tf.tensor2d([[1, 0, -1]])],
  'Dense.applyRelu': () => [tf.tensor2d([[1, 0, -1]])],
  denseLinear: () => [tf.tensor2d([[1, 0, -1]]), tf.tensor2d([[1, 0], [0, 1], [1, 1]]), tf.tensor1d([0.5, -0.5])],
  denseRelu: () => [tf.tensor2d([[1, 0, -1]]), tf.tensor2d([[1, 0], [0, 1], [1, 1]]), tf.tensor1d([0.5, -0.5])],
  cholesky: () => [[[4, 2], [2, 3]]],
  inv: () => [[[2, 0], [1, 4]]],
  logDetSPD: () => [[[2, 0.5], [0.5, 3]]],
  symmetricEigen: () => [[[2, 0.5], [0.5, 3]]],
  meanAndCovariance: () => [[[0, 0], [2, 2], [1, 3]]],
  stopGradient: () => [tf.tensor1d([1, 2])],
  nativeStatus: () => [],
  // distributions' leftovers
  klBernoulliBernoulli: () => [new ll.dist.Bernoulli({ probs: [0.3, 0.6] }), new ll.dist.Bernoulli({ probs: [0.5, 0.5] })],
  klCategoricalCategorical: () => [new ll.dist.Categorical({ probs: [0.2, 0.3, 0.5] }), new ll.dist.Categorical({ probs: [0.4, 0.4, 0.2] })],
  klMvnMvn: () => { const { q, p } = normals(); return [q, p]; },
  'MixtureOfGaussians.componentLogJoint': () => [tf.tensor1d([0.5, -1])],
  'MixtureOfGaussians.posterior': () => [tf.tensor1d([0.5, -1])],
  'MixtureOfGaussians.sampleWithComponents': () => [r(), 3],
  'DualAveraging.update': () => [0.6],
  // inference
  elboGradient: () => [r(), { logJoint: logJointOfLatents, q: { means: [0], variances: [1] }, estimator: 'reparameterization', samples: 8 }],
  blackBoxVI: () => [r(), { logJoint: logJointOfLatents, init: { means: [0], variances: [1] }, estimator: 'score-function', baseline: 'mean', samples: 4, steps: 3, learningRate: 0.05, evalSamples: 10 }],
  elboTerms: () => [r(), { x: x2(), logLikelihood: stdNormalLogJoint, prior: new ll.Normal(tf.zeros([2]), tf.ones([2]), { eventDims: 1 }), proposal: new ll.Normal(tf.zeros([2, 2]), tf.ones([2, 2]), { eventDims: 1 }), samples: 3, kl: 'analytic' }],
  gaussianEncoderElboTerms: () => [r(), { x: x2(), meanLogStd: tf.tensor2d([[0, 0.5, 0, -0.5], [0.1, -0.2, 0.2, 0]]), logLikelihood: stdNormalLogJoint }],
  iwaeInChunks: () => [r(), (g: ll.Rng, n: number) => tf.tidy(() => tf.mul(g.normal([n, 2]), 0.1)), { samples: 4, chunk: 2 }],
  fitLocalGaussians: () => [r(), stdNormalLogJoint, x2(), { init: { mean: tf.zeros([2, 2]), logStd: tf.zeros([2, 2]) }, steps: 2, samples: 1, learningRate: 0.05 }],
  amortizationGap: () => [r(), vae(), x2(), { steps: 2, samples: 1, elboSamples: 3, logLikelihoodSamples: 3, init: 'encoder' }],
  registerKL: () => [class SweepQ {}, class SweepP {}, () => tf.scalar(0)],
  fit: () => [vae(), x2(), { steps: 2, seed: 1, batchSize: 2, progress: false }],
  pixelCNNLikelihood: () => [{ inputGradient: () => undefined, logProb: (x: tf.Tensor) => tf.sum(x, 1) }, 'pixelcnn'],
  'Rng.setState': () => [ll.rng(2).getState()],
  laplaceApproximation: () => [(x: tf.Tensor1D) => tf.tidy(() => tf.mul(-0.5, tf.sum(tf.square(x)))) as tf.Scalar, [0.5, -0.5], { maxSteps: 10 }],
};

/** Callables left out of the sweep on purpose, with the reason. */
const PROTECTED = "protected (TypeScript): the family's standard density, called by LocationScale's sample and logProb, which are swept";
const BASE = 'the abstract base of Normal, Laplace, Cauchy, Logistic, Gumbel and StudentT: its constructor and methods are swept through each of them, named after the subclass';
const WIDGET_BASE = 'the abstract base of the widgets: toMimeBundle and close are swept through Button, Dropdown, Box and Control';
const CHROMIUM = 'draws the figure in headless Chromium (plotly.js): starting the browser takes longer than the 8 s probe limit on a loaded machine; test/plot/plotly-figure.test.ts renders it and names a bad scale';
export const NOT_SWEPT: Record<string, string> = {
  'LocationScale': BASE, 'LocationScale.rsample': BASE, 'LocationScale.sample': BASE, 'LocationScale.logProb': BASE,
  'LocationScale.entropy': BASE, 'LocationScale.mean': BASE, 'LocationScale.variance': BASE, 'LocationScale.toMimeBundle': BASE,
  ...Object.fromEntries(['Normal', 'Laplace', 'Cauchy', 'Logistic', 'Gumbel', 'StudentT'].flatMap((d) => [[`${d}.standardSample`, PROTECTED], [`${d}.standardLogProb`, PROTECTED]])),
  'MultivariateNormal.factor': 'private (TypeScript private; JavaScript still lists it): the constructor calls it',
  'ImageClassifier.check': 'private', 'ImageClassifier.rows': 'private', 'WidgetModel.onFrontEnd': 'private: the kernel\'s comm calls it',
  'Derivation.randomLineHint': 'private', 'ImageDataset.pixelsAt': 'private: batch and batchPixels call it', 'Dense.checkX': 'private: apply and applyRelu call it',
  'Widget': WIDGET_BASE, 'Widget.toMimeBundle': WIDGET_BASE, 'Widget.close': WIDGET_BASE,
  'DerivationResult': 'made by Derivation.check from its verdicts, not by hand (its documentation says so); its methods are swept on a checked derivation',
  'PlotlyFigure.png': CHROMIUM, 'PlotlyFigure.toMimeBundle': CHROMIUM,
  input: 'asks the Jupyter front end for a line: outside a kernel it rejects by design ("there is no Jupyter front end to ask"), so no valid call can run in the sweep; a non-string prompt is rejected naming input and prompt',
  enableNativeKernels: 'takes no arguments and switches every kernel of the worker process: a probe of it would change what each later probe runs',
  disableNativeKernels: 'takes no arguments; as enableNativeKernels',
  loadFashionMnist: "reads 60,000 images when called with its default split (15 s on a loaded 2-core machine, past the 8 s probe limit); its one argument has a declared contract (split: 'train' or 'test')",
};

/** Outcomes accepted for a callable, each with its reason. */
const CLASSIFIER_PASS = "the classifier's forward pass, in every step of its training: NaN pixels propagate (IEEE) rather than costing a sync per call; predict and the sample scores check them";
const DENSE_PASS = "the fused layer of every model's forward pass: NaN propagates (IEEE) rather than costing a sync per call";
const A_NAN_ROW = 'a NaN side is reported as a failed row (pass false, its note says which side is NaN): the table is where the student sees it';
const READS_OUT = "reads a tensor's numbers out: a NaN entry comes out as NaN, which is what the student asked to see";
const DERIVATION_NAMES = "messages name the derivation as the student wrote it, by its title and line (\"derivation 'x = x', line 3: latex must be a string\"): the class is made by ll.derivation, never named in a notebook";
export const ALLOWED: Record<string, Partial<Record<Outcome, string>>> = {
  // issue 30 (flows): tensor ops of every ODE step and sliced training step; a NaN passes through as in tf (no sync per step)
  jacobianTrace: { 'nan-passed': 'a tensor op called at every step of the probability-flow ODE and of sliced score matching: NaN passes through as in tf, with no read-back per step' },
  slicedScoreMatchingTerms: { 'nan-passed': "the score network's loss of every sliced training step, as dsmLossTerms" },
  check: { unnamed: "got and expected are the student's answer and the reference: a mismatch is the exercise's feedback (an ExerciseCheckError naming the exercise, what was expected and what came), not an argument error" },
  checkClose: { 'nan-passed': A_NAN_ROW }, checkAtMost: { 'nan-passed': A_NAN_ROW },
  checkTable: { 'nan-passed': 'a row with a NaN side (from checkClose) is shown as given, failed' }, CheckTable: { 'nan-passed': 'as checkTable' },
  value: { 'nan-passed': READS_OUT }, values: { 'nan-passed': READS_OUT }, rows: { 'nan-passed': READS_OUT },
  'ImageClassifier.features': { 'nan-passed': CLASSIFIER_PASS }, 'ImageClassifier.logits': { 'nan-passed': CLASSIFIER_PASS },
  'ImageClassifier.probabilities': { 'nan-passed': CLASSIFIER_PASS }, 'ImageClassifier.loss': { 'nan-passed': CLASSIFIER_PASS },
  'ImageClassifier.uniformCrossEntropy': { 'nan-passed': CLASSIFIER_PASS }, 'ImageClassifier.trainingLoss': { 'nan-passed': CLASSIFIER_PASS },
  'ImageClassifier.prepareBatch': { 'nan-passed': "hands the batch's rows on to trainingLoss unchanged, as " + CLASSIFIER_PASS },
  Derivation: { unnamed: DERIVATION_NAMES }, 'Derivation.line': { unnamed: DERIVATION_NAMES },
  stopGradient: { 'nan-passed': 'an identity in every sample() of every distribution: NaN passes through as NaN (IEEE), a check would sync each draw' },
  denseLinear: { 'nan-passed': DENSE_PASS }, denseRelu: { 'nan-passed': DENSE_PASS }, 'Dense.apply': { 'nan-passed': DENSE_PASS }, 'Dense.applyRelu': { 'nan-passed': DENSE_PASS },
  ExplorableFigure: { 'nan-passed': "the spec is the caller's vega-lite object, kept as given, as VegaLiteFigure's" },
  Control: { 'nan-passed': 'keeps the state it is given: made by intSlider, floatSlider, … , which check the value, its range and its step' },
};
