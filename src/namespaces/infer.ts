// ll.infer — Inference: importance sampling, the ELBO/IWAE/Rényi bounds, gradient estimators, Gumbel tricks, CAVI, SVI, black-box VI, MMD, score matching; MCMC (MH, HMC, ESS, R-hat), Laplace, Stein discrepancy and SVGD.
export type { Estimate } from '../inference/estimate';
export { importanceSampling, logMarginalIS, weightDiagnostics } from '../inference/importance-sampling';
export type { ImportanceEstimate, LogMarginalEstimate, WeightDiagnostics } from '../inference/importance-sampling';
export { elbo, elboAnalyticKL, elboTerms, gaussianEncoderElboTerms, iwae, iwaeInChunks, renyiBound, renyiFromLogWeights, logImportanceWeights } from '../inference/bounds';
export type { LogJoint, BoundArgs, Posterior, Proposal } from '../inference/bounds';
export { scoreFunctionGradient, reparameterizationGradient } from '../inference/gradient-estimators';
export type { GradientEstimate, GradientEstimatorArgs } from '../inference/gradient-estimators';
export { elboGradient, blackBoxVI } from '../inference/black-box-vi';
export type { ElboEstimator, LogJointOfLatents, BlackBoxVIRecord, BlackBoxVIResult } from '../inference/black-box-vi';
export { gumbelMax, gumbelSoftmax } from '../inference/gumbel-softmax';
export { caviGaussian, meanFieldElbo } from '../inference/cavi';
export type { MeanFieldGaussian } from '../inference/cavi';
export { fullElbo, minibatchElbo, exactPosterior, robbinsMonro, sviGaussianMean } from '../inference/svi';
export type { GaussianMeanModel, GaussianQ } from '../inference/svi';
export { fitBestGaussian, whitenedNoise } from '../inference/best-gaussian';
export type { BestGaussianResult } from '../inference/best-gaussian';
export { mmdUnbiased, kernelMatrix } from '../inference/mmd';
export type { MmdKernel } from '../inference/mmd';
export { hyvarinenTerms, slicedScoreMatchingTerms } from '../inference/score-matching';
// issue 30: the trace of a Jacobian, exactly or by Hutchinson's estimator (D64)
export { hutchinsonTrace64, hutchinsonVariance64, hutchinsonProbes, jacobianTrace } from '../inference/jacobian-trace';
export type { ProbeDistribution } from '../inference/jacobian-trace';
// issue 17: amortized against per-sample inference
export { fitLocalGaussians, gaussianElbo, gaussianImportanceLogLikelihood, amortizationGap } from '../inference/amortization-gap';
export type { AmortizedModel, LocalGaussians, FitLocalOptions, PerPointEstimate, AmortizationGapOptions, AmortizationGapResult } from '../inference/amortization-gap';
// issue 29: the inference VI is compared with — MCMC (D51, D52), Laplace (D53), Stein and SVGD (D54, D55)
export { randomWalkMetropolis, randomWalkMetropolisTensor } from '../inference/mcmc/metropolis-hastings';
export type { MetropolisResult, RandomWalkOptions } from '../inference/mcmc/metropolis-hastings';
export { independenceMetropolis } from '../inference/mcmc/independence-metropolis';
export type { Proposal64 } from '../inference/mcmc/independence-metropolis';
export { leapfrog, leapfrog64 } from '../inference/mcmc/leapfrog';
export { DualAveraging } from '../inference/mcmc/dual-averaging';
export { hmc, hmc64 } from '../inference/mcmc/hmc';
export type { HmcOptions, HmcResult } from '../inference/mcmc/hmc';
export { coordinate } from '../inference/mcmc/chains';
export type { Chains } from '../inference/mcmc/chains';
export { effectiveSampleSize, mcmcMean } from '../inference/mcmc/effective-sample-size';
export { rHat } from '../inference/mcmc/r-hat';
export { laplaceApproximation, laplaceApproximation64, hessian } from '../inference/laplace-approximation';
export type { LaplaceResult } from '../inference/laplace-approximation';
export { ksd64, kernelizedSteinDiscrepancy } from '../inference/stein-discrepancy';
export { medianHeuristic } from '../inference/median-heuristic';
export { svgd, svgdDirection, svgdDirection64 } from '../inference/svgd';
export type { SvgdResult } from '../inference/svgd';
export { isingGrid, exactMarginals } from '../inference/discrete-mrf/pairwise-mrf';
export type { PairwiseMRF, MrfEdge } from '../inference/discrete-mrf/pairwise-mrf';
export { meanFieldMarginals } from '../inference/discrete-mrf/mean-field-mrf';
export { loopyBeliefPropagation } from '../inference/discrete-mrf/loopy-belief-propagation';
