// ll.ops — The course's ops as the lectures write them: the Bernoulli log-likelihood, the reparameterization with its KL, the dense layer.
export { Dense, denseRelu, denseLinear } from '../ops/dense';
export { bernoulliLogLikelihood } from '../ops/bernoulli-log-likelihood';
export { reparameterizeWithKL } from '../ops/reparameterize';
export { klStandardNormal } from '../ops/kl-standard-normal';
