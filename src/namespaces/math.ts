// ll.math — Numerics: log-space reductions (logSumExp, logMeanExp, softplus), special functions, float64 linear algebra.
export { logSumExp, logMeanExp, softplus, logSigmoid, logSumExp64, logMeanExp64, softplus64 } from '../math/log-space';
export { stopGradient } from '../math/stop-gradient';
export { logGamma, digamma } from '../math/special';
export { Matrix, cholesky, logDetSPD, inv, symmetricEigen, meanAndCovariance } from '../math/linalg64';
export { logGaussian, logGaussianDiagonal, logGaussianIsotropic, logGaussianMultivariate } from '../math/gaussian-log-density';
