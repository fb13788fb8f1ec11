// StudentT(df, loc, scale): log p(x) = log Γ((ν+1)/2) − log Γ(ν/2) − ½ log(νπ) − log σ − (ν+1)/2 · log(1 + u²/ν).
// Sampled as z/√(g/ν), z ~ N(0,1), g ~ χ²_ν = Gamma(ν/2, ½): reparameterizable in loc and scale (D24).
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random/rng';
import { digamma, logGamma } from '../math/special';
import { TensorLike } from './distribution';
import { LocationScale, LocationScaleOptions } from './location-scale';
import { checkKind, num } from '../validation/contract';

// beyond 1e10 the family is a normal to float precision, and log Γ(df/2) overflows on the way to NaN
const DF = { ...num({ above: 0, max: 1e10 }), expected: 'positive and at most 1e10' };

function requireDf(df: number): void {
  checkKind(DF, df, 'df', 'StudentT');
}

/**
 * Student's t distribution with ν = `df` degrees of freedom, location μ and scale σ:
 *
 *     log p(x) = log Γ((ν+1)/2) − log Γ(ν/2) − ½ log(νπ) − log σ − (ν+1)/2 · log(1 + u²/ν),  u = (x − μ)/σ.
 *
 * Sampled as μ + σ·z/√(g/ν) with z ~ N(0, 1), g ~ χ²_ν: reparameterizable in μ and σ
 * (D24, see docs/derivations.md#d24). The mean exists for ν > 1, the variance σ²ν/(ν − 2) for ν > 2.
 * Shapes as for `Normal`.
 *
 * @example
 * ```ts
 * const p = new ll.dist.StudentT(3, 0, 1);
 * p.variance();   // 3
 * ```
 */
export class StudentT extends LocationScale {
  readonly df: number;
  protected readonly standardEntropy: number;
  protected readonly standardMoments: { mean?: number; variance?: number };
  private readonly logNorm: number;

  /**
   * Student's t with ν degrees of freedom, location μ and scale σ.
   *
   * @param df  ν > 0, the degrees of freedom (a number, shared by the batch)
   * @param loc  μ
   * @param scale  σ > 0
   * @param options  `eventDims` and `validate`, as for every location-scale family
   */
  constructor(df: number, loc: TensorLike, scale: TensorLike, options: LocationScaleOptions = {}) {
    // df is checked before super() makes any tensor, so a bad df leaves none behind
    super((requireDf(df), loc), scale, options);
    this.df = df;
    this.logNorm = logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
    // H = (ν+1)/2 [ψ((ν+1)/2) − ψ(ν/2)] + log(√ν B(ν/2, ½))
    this.standardEntropy = ((df + 1) / 2) * (digamma((df + 1) / 2) - digamma(df / 2))
      + 0.5 * Math.log(df) + logGamma(df / 2) + logGamma(0.5) - logGamma((df + 1) / 2);
    this.standardMoments = { mean: df > 1 ? 0 : undefined, variance: df > 2 ? df / (df - 2) : undefined };
  }

  protected standardSample(rng: Rng, shape: number[]) {
    const df = this.df;
    return rng.tensor(shape, (r) => r.nextNormal() / Math.sqrt((2 * r.nextGamma(df / 2)) / df));
  }

  protected standardLogProb(u: tf.Tensor) {
    return tf.sub(this.logNorm, tf.mul(tf.log1p(tf.div(tf.square(u), this.df)), (this.df + 1) / 2));
  }
}
