// ll.verify — Verifying the math with numbers: exact, Monte Carlo, quadrature and finite-difference comparisons, tables of
// them (checkTable), worked derivations checked line by line, and the homework check (check). Not to be confused:
// ll.check grades an exercise, ll.checkTable shows derivation checks as a table, ll.verify is where both live.
export { checkTable, CheckTable } from '../check/result';
export type { CheckResult, CheckMethod } from '../check/result';
export { checkClose, checkAtMost } from '../check/exact';
export { checkMonteCarlo, estimateMean } from '../check/monte-carlo';
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
