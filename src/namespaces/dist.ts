// ll.dist — Distributions (Normal, Bernoulli, Categorical, MultivariateNormal, …) and the KL registry.
export type { Distribution, TensorLike } from '../distributions/distribution';
export { LocationScale } from '../distributions/location-scale';
export type { LocationScaleOptions } from '../distributions/location-scale';
export { Normal, klNormalNormal } from '../distributions/normal';
export { Laplace } from '../distributions/laplace';
export { Cauchy } from '../distributions/cauchy';
export { StudentT } from '../distributions/student-t';
export { Logistic } from '../distributions/logistic';
export { Gumbel } from '../distributions/gumbel';
export { Uniform } from '../distributions/uniform';
export { Bernoulli, klBernoulliBernoulli } from '../distributions/bernoulli';
export { Categorical, klCategoricalCategorical } from '../distributions/categorical';
export { MultivariateNormal, klMvnMvn } from '../distributions/mvn';
export { MixtureOfGaussians } from '../distributions/mixture';
export { kl, klMonteCarlo, registerKL, hasClosedFormKL } from '../distributions/kl';
export type { KLEstimate } from '../distributions/kl';
