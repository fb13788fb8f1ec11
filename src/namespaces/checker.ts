// ll.checker — The derivation checker: check tables, exact and Monte Carlo comparisons, quadrature, finite differences, derivations.
export { checks, CheckTable } from '../check/result';
export type { CheckResult, CheckMethod } from '../check/result';
export { checkClose, checkAtMost } from '../check/exact';
export { checkMonteCarlo, estimateMean } from '../check/monte-carlo';
export type { Estimate } from '../check/monte-carlo';
export { integrate1d, integrate2d, gaussLegendre, quadratureRule, checkQuadrature } from '../check/quadrature';
export { finiteDifferenceGradient, checkGradient } from '../check/finite-differences';
export { derivation, Derivation, DerivationResult, finiteDifferenceValue, parseRelation } from '../check/derivation';
export type { Relation, LineValue, LineEstimate, LineFunction, DerivationOptions, LineOptions, PrintedForm, StepDraw, StepResult, PrintedResult, LineResult, ConstantIn } from '../check/derivation';
export { replicate } from '../check/replicate';
export type { ReplicatedEstimate } from '../check/replicate';
export type { DisplayOptions, LatexOptions } from '../check/derivation-display';
export { latexToText } from '../check/latex-text';
export { check, ExerciseCheckError } from '../check/exercise';
export type { ExerciseCheckOptions } from '../check/exercise';
