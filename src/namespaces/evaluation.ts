// ll.evaluation — Evaluating generative models: Fréchet distance, dequantization.
export { frechetDistance, sqrtmPSD } from '../evaluation/frechet-distance';
export { amariDistance } from '../evaluation/amari-distance';
export { discreteLogProb1d, dequantizedLogDensity1d, logMixture } from '../evaluation/dequantization';
// issue 17: one log-likelihood evaluator for every model family (nats, bits/dim), FID on feature vectors
export {
  evaluateLikelihoods, bitsPerDim, madeLikelihood, pixelCNNLikelihood, vaeLikelihood, richVAELikelihood, dequantizedFlowLikelihood, diffusionLikelihood,
  importanceLogLikelihood, logNormalCdf, featureFrechetDistance,
} from '../evaluation/log-likelihood';
export { hierarchicalVAELikelihood, convVAELikelihood } from '../evaluation/log-likelihood';
export type { LikelihoodEvaluator, LikelihoodKind, LikelihoodReport } from '../evaluation/log-likelihood';
// issue 18: a small CNN classifier trained by the project scores generated images
export { ImageClassifier } from '../evaluation/classifier';
export type { ClassifierConfig, ClassifierObjective } from '../evaluation/classifier';
export { confidentShare, classHistogram, classifierFrechetDistance } from '../evaluation/sample-scores';
