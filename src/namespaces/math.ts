// ll.math — Numerics: log-space reductions (logSumExp, logMeanExp, softplus), special functions, float64 linear algebra.
export { logSumExp, logMeanExp, softplus, logSigmoid, logSumExp64, logMeanExp64, softplus64 } from '../math/log-space';
export { stopGradient } from '../math/stop-gradient';
export { logGamma, digamma } from '../math/special';
export { cholesky, logDetSPD, inv, symmetricEigen, meanAndCovariance } from '../math/linalg64';
// ml-matrix's Matrix is what these return (and PPCA.W, MultivariateNormal.covariance64): its name for types, not its
// class: its 178 methods are a third-party API, not ours (issue 35), and the functions take number[][]
export type { Matrix } from '../math/linalg64';
export { logGaussian, logGaussianDiagonal, logGaussianIsotropic, logGaussianMultivariate } from '../math/gaussian-log-density';
