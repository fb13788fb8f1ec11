// ll.infer — Inference: importance sampling, the ELBO/IWAE/Rényi bounds, gradient estimators, Gumbel tricks, CAVI, SVI, MMD, score matching.
export { importanceSampling, logMarginalIS, weightDiagnostics } from '../inference/importance-sampling';
export type { ImportanceEstimate, LogMarginalEstimate, WeightDiagnostics } from '../inference/importance-sampling';
export { elbo, elboAnalyticKL, iwae, renyiBound, logImportanceWeights } from '../inference/bounds';
export type { LogJoint, BoundArgs } from '../inference/bounds';
export { scoreFunctionGradient, reparameterizationGradient } from '../inference/gradient-estimators';
export type { GradientEstimate, GradientEstimatorArgs } from '../inference/gradient-estimators';
export { gumbelMax, gumbelSoftmax } from '../inference/gumbel-softmax';
export { caviGaussian, meanFieldElbo } from '../inference/cavi';
export type { MeanFieldGaussian } from '../inference/cavi';
export { fullElbo, minibatchElbo, exactPosterior, robbinsMonro, sviGaussianMean } from '../inference/svi';
export type { GaussianMeanModel, GaussianQ } from '../inference/svi';
export { fitBestGaussian, whitenedNoise } from '../inference/best-gaussian';
export type { BestGaussianResult } from '../inference/best-gaussian';
export { mmdUnbiased, kernelMatrix } from '../inference/mmd';
export type { MmdKernel } from '../inference/mmd';
export { hyvarinenTerms } from '../inference/score-matching';
// issue 17: amortized against per-sample inference
export { fitLocalGaussians, gaussianElbo, gaussianImportanceLogLikelihood, amortizationGap } from '../inference/amortization-gap';
export type { AmortizedModel, LocalGaussians, FitLocalOptions, PerPointEstimate, AmortizationGapOptions, AmortizationGapResult } from '../inference/amortization-gap';
