/**
 * Latent Lab — the public API. Notebooks use only what is exported here, in one import:
 *   import * as ll from "latent-lab";
 */
export { display, displayHTML, updateDisplay, clearOutput, inKernel } from './display/display';
export type { MimeBundle, Displayable } from './display/display';
export { ready, backendInfo, tf } from './backend';
export type { BackendInfo, BackendChoice } from './backend';

// Randomness: every random function takes a generator.
export { Rng, rng } from './random/rng';
export type { RngState } from './random/rng';

// Numerics
export { logSumExp, logMeanExp, softplus, logSigmoid, logSumExp64, logMeanExp64, softplus64 } from './math/log-space';
export { stopGradient } from './math/stop-gradient';
export { values, value, rows } from './math/values';
export { logGamma, digamma } from './math/special';
export { Matrix, cholesky, logDetSPD, inv, symmetricEigen, meanAndCovariance } from './math/linalg64';

// Distributions and KL
export type { Distribution, TensorLike } from './distributions/distribution';
export { LocationScale } from './distributions/location-scale';
export type { LocationScaleOptions } from './distributions/location-scale';
export { Normal, klNormalNormal } from './distributions/normal';
export { Laplace } from './distributions/laplace';
export { Cauchy } from './distributions/cauchy';
export { StudentT } from './distributions/student-t';
export { Logistic } from './distributions/logistic';
export { Gumbel } from './distributions/gumbel';
export { Uniform } from './distributions/uniform';
export { Bernoulli, klBernoulliBernoulli } from './distributions/bernoulli';
export { Categorical, klCategoricalCategorical } from './distributions/categorical';
export { MultivariateNormal, klMvnMvn } from './distributions/mvn';
export { MixtureOfGaussians } from './distributions/mixture';
export { kl, klMonteCarlo, registerKL, hasClosedFormKL } from './distributions/kl';
export type { KLEstimate } from './distributions/kl';

// Inference
export { importanceSampling, logMarginalIS, weightDiagnostics } from './inference/importance-sampling';
export type { ImportanceEstimate, LogMarginalEstimate, WeightDiagnostics } from './inference/importance-sampling';
export { elbo, elboAnalyticKL, iwae, renyiBound, logImportanceWeights } from './inference/bounds';
export type { LogJoint, BoundArgs } from './inference/bounds';
export { scoreFunctionGradient, reparameterizationGradient } from './inference/gradient-estimators';
export type { GradientEstimate, GradientEstimatorArgs } from './inference/gradient-estimators';
export { gumbelMax, gumbelSoftmax } from './inference/gumbel-softmax';
export { caviGaussian, meanFieldElbo } from './inference/cavi';
export type { MeanFieldGaussian } from './inference/cavi';
export { fullElbo, minibatchElbo, exactPosterior, robbinsMonro, sviGaussianMean } from './inference/svi';
export type { GaussianMeanModel, GaussianQ } from './inference/svi';
export { fitBestGaussian, whitenedNoise } from './inference/best-gaussian';
export type { BestGaussianResult } from './inference/best-gaussian';

// Tractable models
export {
  mixtureLogJoint64, mixtureLogMarginal64, mixturePosterior64, mixtureFisherScore64, mixtureEM,
  mixtureToTheta, mixtureFromTheta, mixtureMeanLogLikelihood64,
} from './models/mixture-of-gaussians';
export type { Mixture1D } from './models/mixture-of-gaussians';
export { PPCA } from './models/ppca';
export { linearGaussianMarginal, linearGaussianPosterior } from './models/linear-gaussian';
export type { LinearGaussian } from './models/linear-gaussian';

// The derivation checker
export { checks, CheckTable } from './check/result';
export type { CheckResult, CheckMethod } from './check/result';
export { checkClose, checkAtMost } from './check/exact';
export { checkMonteCarlo, estimateMean } from './check/monte-carlo';
export type { Estimate } from './check/monte-carlo';
export { integrate1d, integrate2d, gaussLegendre, quadratureRule, checkQuadrature } from './check/quadrature';
export { finiteDifferenceGradient, checkGradient } from './check/finite-differences';
export { derivation, Derivation, DerivationResult, finiteDifferenceValue, parseRelation } from './check/derivation';
export type {
  Relation, LineValue, LineEstimate, LineFunction, DerivationOptions, LineOptions, PrintedForm, StepDraw, StepResult, PrintedResult, LineResult,
} from './check/derivation';

// Plots and rich display
export { VegaLiteFigure, VEGA_LITE_MIME } from './plot/vega-lite-figure';
export type { VegaLiteSpec } from './plot/vega-lite-figure';
export { lineChart } from './plot/line-chart';
export { scatterPlot } from './plot/scatter-plot';
export { projectionFigure } from './plot/projection-figure';
export type { ProjectionFigureArgs } from './plot/projection-figure';
export { histogram } from './plot/histogram';
export { densityPlot } from './plot/density-plot';
export { density2d, contourSegments } from './plot/density-2d';
export { barChart } from './plot/bar-chart';
export { explorableFigure, ExplorableFigure } from './plot/explorable-figure';
export type { ExploreParameter } from './plot/explorable-figure';
export { ImageFigure, imageGrid, latentTraversal } from './plot/image-figure';
export type { ImageGridOptions } from './plot/image-figure';
export { PlotlyFigure, PLOTLY_MIME, surface3d, zoomableLines, normalizeLayout } from './plot/plotly-figure';
export { closePlotlyRenderer } from './plot/plotly-png';
export { encodePNG, pngSize } from './plot/png';
export * as widgets from './display/widgets';
export { interact } from './display/interact';
export type { Interaction, ValueControl } from './display/interact';
export { Progress, progress, sparkline } from './display/progress';
export type { ProgressOptions } from './display/progress';
export { tensorBundle, distributionBundle } from './display/rich-values';

import { installTensorDisplay } from './display/rich-values';
installTensorDisplay();

// Data
export { ImageDataset } from './data/image-dataset';
export { loadMnist, MNIST_TRAIN_FRACTION } from './data/mnist';
export { parseIdx, readIdx, loadIdxImages } from './data/idx';
export type { IdxArray } from './data/idx';
export { dynamicBinarize, dynamicBinarizePixels, staticBinarize, thresholdBinarize } from './data/binarize';
export { minibatches, batchesPerEpoch } from './data/minibatches';
export { twoMoons, swissRoll, gaussianRing } from './data/toy-2d';

// The VAE
export { Dense, denseRelu, denseLinear } from './ops/dense';
export { VAE, oneHotLabels } from './models/vae/vae';
export type { VAEConfig, VAEObjective } from './models/vae/vae';
export { mmdUnbiased, kernelMatrix } from './inference/mmd';
export type { MmdKernel } from './inference/mmd';
export { trainVAE, loadVAE } from './models/vae/training';
export type { TrainVAEOptions, EpochRecord, TrainResult } from './models/vae/training';
export { writeCheckpoint, readCheckpoint, CHECKPOINT_FILE } from './models/vae/checkpoint';
export { importanceSampledLogLikelihood, klPerDimension, activeUnits, datasetElbo } from './models/vae/evaluation';
export type { LogLikelihoodEstimate } from './models/vae/evaluation';
export { reconstructionGrid, priorSampleGrid, interpolationGrid, traversalGrid, latentScatter } from './models/vae/views';

// Native speed
export { enableNativeKernels, disableNativeKernels, nativeStatus } from './native/native-kernels';
export { chooseCoreType, blasThreads } from './native/addon';
export { batchLayout } from './native/blas';
export { FusedAdam, adam } from './native/fused-adam';
export { bernoulliLogLikelihood } from './ops/bernoulli-log-likelihood';
export { reparameterizeWithKL } from './ops/reparameterize';
export type { NativeStatus } from './native/native-kernels';

// Invertible models and diffusion
export { Chain } from './models/flows/bijector';
export type { Bijector } from './models/flows/bijector';
export { ElementwiseAffine, LinearLU, Planar, Permutation, AffineCoupling } from './models/flows/layers';
export { FlowDistribution, trainFlow } from './models/flows/flow-distribution';
export { icaLogLikelihood, rotation2d } from './models/flows/ica';
export type { IcaPrior } from './models/flows/ica';
export { DiffusionSchedule } from './models/diffusion/schedule';
export { diffusionElbo } from './models/diffusion/elbo';
export type { Denoiser, DiffusionElboTerms } from './models/diffusion/elbo';
export { optimalDenoiser, mixturePosteriorMean, mixtureNoisedScore, noisedMixtureLogDensity } from './models/diffusion/optimal-denoiser';
export { TimeMLP, denoisingLoss, trainDenoiser, ancestralSample } from './models/diffusion/denoiser';
export type { DenoisingLoss } from './models/diffusion/denoiser';
export { hyvarinenTerms } from './inference/score-matching';

// Evaluating generative models
export { frechetDistance, sqrtmPSD } from './evaluation/frechet-distance';
export { discreteLogProb1d, dequantizedLogDensity1d, logMixture } from './evaluation/dequantization';
export { check, ExerciseCheckError } from './check/exercise';
export type { ExerciseCheckOptions } from './check/exercise';
export { fitPoints } from './models/fit-points';
export type { FitPointsOptions, PreparedLoss } from './models/fit-points';
