// ll.evaluation — Evaluating generative models: Fréchet distance, dequantization.
export { frechetDistance, sqrtmPSD } from '../evaluation/frechet-distance';
export { discreteLogProb1d, dequantizedLogDensity1d, logMixture } from '../evaluation/dequantization';
