// Step-size adaptation by dual averaging (Hoffman & Gelman 2014, the No-U-Turn Sampler paper, §3.2,
// as Stan does it): during warm-up, push the mean acceptance probability toward a target δ by
//   H̄_m = (1 − 1/(m + t₀)) H̄_{m−1} + (δ − α_m)/(m + t₀),   log ε_m = μ − (√m/γ) H̄_m,
//   log ε̄_m = m^{−κ} log ε_m + (1 − m^{−κ}) log ε̄_{m−1},
// and sample afterwards with the averaged ε̄ (the iterates ε_m keep jittering; their average settles).
import { contract, num, optional, positive } from '../../validation/contract';

const DUAL_AVERAGING = contract('DualAveraging', {
  initialStepSize: positive(), targetAccept: optional(num({ above: 0, below: 1 })),
  gamma: optional(positive()), t0: optional(num({ min: 0 })), kappa: optional(positive()),
});

/**
 * Dual averaging of the log step size toward a target acceptance probability δ (Hoffman & Gelman
 * 2014, with γ = 0.05, t₀ = 10, κ = 0.75 and μ = log(10 ε₀), as Stan):
 *
 *     H̄_m = (1 − 1/(m + t₀)) H̄ + (δ − α_m)/(m + t₀),   log ε_m = μ − √m H̄_m / γ
 *
 * @example
 * ```ts
 * const da = new ll.infer.DualAveraging(0.1, 0.8);
 * let eps = da.stepSize;
 * eps = da.update(0.95);   // accepted more than δ: a larger step next
 * da.averaged;             // the step size to sample with after warm-up
 * ```
 */
export class DualAveraging {
  private readonly mu: number;
  private hBar = 0;
  private logEpsBar = 0;
  private m = 0;
  private logEps: number;

  /**
   * A fresh adaptation starting at ε₀, pulled toward μ = log 10ε₀, with Stan's γ, t₀, κ.
   *
   * @param initialStepSize  ε₀ (μ = log 10ε₀ is where the iterates are pulled toward)
   * @param targetAccept  δ in (0, 1), e.g. 0.8
   */
  constructor(initialStepSize: number, readonly targetAccept = 0.8, private readonly gamma = 0.05, private readonly t0 = 10, private readonly kappa = 0.75) {
    DUAL_AVERAGING.check(arguments);
    this.mu = Math.log(10 * initialStepSize);
    this.logEps = Math.log(initialStepSize);
  }

  /** The current iterate ε_m (to use in the next warm-up step). */
  get stepSize(): number { return Math.exp(this.logEps); }

  /** The averaged ε̄_m, to sample with once warm-up ends (ε₀ before any update). */
  get averaged(): number { return this.m === 0 ? this.stepSize : Math.exp(this.logEpsBar); }

  /** Records the acceptance probability α ∈ [0, 1] of the step just taken; returns the next ε. */
  update(acceptProb: number): number {
    const a = Number.isFinite(acceptProb) ? Math.min(1, Math.max(0, acceptProb)) : 0;
    this.m++;
    const w = 1 / (this.m + this.t0);
    this.hBar = (1 - w) * this.hBar + w * (this.targetAccept - a);
    this.logEps = this.mu - (Math.sqrt(this.m) / this.gamma) * this.hBar;
    const eta = this.m ** -this.kappa;
    this.logEpsBar = eta * this.logEps + (1 - eta) * this.logEpsBar;
    return this.stepSize;
  }
}
