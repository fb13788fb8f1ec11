// Effective sample size (Geyer 1992; Vehtari et al. 2021; as ArviZ computes it): the number of
// independent draws that would give the mean the same variance as these autocorrelated ones,
//   ESS = M·N / τ,   τ = 1 + 2 Σ_t ρ_t,
// with ρ_t the autocorrelation at lag t combined over chains,
//   ρ̂_t = 1 − (W − mean_m γ̂_{m,t}) / var⁺,   var⁺ = (N − 1)/N · W + Var(chain means),
// the sum truncated by Geyer's initial positive sequence (pairs ρ_{2k} + ρ_{2k+1} while positive) and
// made monotone. The Monte Carlo standard error of a posterior mean is then sd/√ESS — the SE to hold
// an MCMC estimate to, not sd/√(M·N).
import type { Estimate } from '../estimate';
import { drawsKind, rankNormalize, splitChains } from './rank-normalization';
import { contract, optional, options as optionsKind, str } from '../../validation/contract';

const ESS = contract('effectiveSampleSize', { draws: drawsKind(), options: optional(optionsKind({ method: str(['bulk', 'mean']) })) });
const MCMC_MEAN = contract('mcmcMean', { draws: drawsKind() });

const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;

/** ArviZ's _ess on chains as given (no split, no ranks). */
function essOf(chains: number[][]): number {
  const M = chains.length, N = chains[0].length;
  const flat = chains.flat();
  const S = flat.length;
  if (Math.max(...flat) - Math.min(...flat) < 1e-15) return S;
  const centred = chains.map((c) => { const m = mean(c); return c.map((v) => v - m); });
  // mean over chains of the biased (÷N) autocovariance at lag t, computed as needed
  const acov = (t: number) => mean(centred.map((c) => { let s = 0; for (let i = 0; i + t < N; i++) s += c[i] * c[i + t]; return s / N; }));
  const acov0 = acov(0);
  const chainMeans = chains.map(mean);
  const meanVar = acov0 * N / (N - 1);
  let varPlus = meanVar * (N - 1) / N;
  if (M > 1) { const m = mean(chainMeans); varPlus += chainMeans.reduce((s, v) => s + (v - m) ** 2, 0) / (M - 1); }
  const rho = new Array<number>(N).fill(0);
  let rhoEven = 1, rhoOdd = 1 - (meanVar - acov(1)) / varPlus;
  rho[0] = rhoEven; rho[1] = rhoOdd;
  let t = 1;
  while (t < N - 3 && rhoEven + rhoOdd > 0) {
    rhoEven = 1 - (meanVar - acov(t + 1)) / varPlus;
    rhoOdd = 1 - (meanVar - acov(t + 2)) / varPlus;
    if (rhoEven + rhoOdd >= 0) { rho[t + 1] = rhoEven; rho[t + 2] = rhoOdd; }
    t += 2;
  }
  const maxT = t - 2;
  if (rhoEven > 0) rho[maxT + 1] = rhoEven;
  // Geyer's initial monotone sequence
  for (let k = 1; k <= maxT - 2; k += 2) {
    if (rho[k + 1] + rho[k + 2] > rho[k - 1] + rho[k]) {
      rho[k + 1] = (rho[k - 1] + rho[k]) / 2;
      rho[k + 2] = rho[k + 1];
    }
  }
  let sum = 0;
  for (let k = 0; k <= maxT; k++) sum += rho[k];
  const tau = Math.max(-1 + 2 * sum + (rho[maxT + 1] ?? 0), 1 / Math.log10(S));
  return S / tau;
}

/**
 * Effective sample size of one quantity over several chains, as ArviZ computes it (`az.ess`, float64):
 *
 *     ESS = M·N / τ̂,   τ̂ = −1 + 2 Σ_{t ≤ T} ρ̂_t (+ ρ̂_{T+1}),   ρ̂_t = 1 − (W − γ̄_t)/var⁺
 *
 * with Geyer's initial monotone sequence choosing T. `method: 'bulk'` (ArviZ's default) works on the
 * rank-normalized split chains; `'mean'` on the split chains themselves (the ESS for the mean, whose
 * MCSE is sd/√ESS).
 *
 * Shapes: draws [chain][draw] (use `coordinate(samples, j)`); ≥ 4 draws per chain.
 *
 * @param draws  [chain][draw]
 * @param options  `method`: 'bulk' (default) or 'mean'
 * @returns the ESS (M·N for independent draws; can exceed it for anti-correlated ones)
 * @example
 * ```ts
 * const g = ll.rng(0);
 * ll.infer.effectiveSampleSize([0, 1].map(() => Array.from({ length: 1000 }, () => g.nextNormal())));   // ≈ 2000
 * ```
 */
export function effectiveSampleSize(draws: number[][], options: { method?: 'bulk' | 'mean' } = {}): number {
  ESS.check(arguments);
  const x = draws;
  return (options.method ?? 'bulk') === 'bulk' ? essOf(rankNormalize(splitChains(x))) : essOf(splitChains(x));
}

/**
 * The posterior mean from MCMC draws with its Monte Carlo standard error, as ArviZ's `mcse` (mean):
 *
 *     value = mean of all draws,   se = sd / √ESS_mean,   n = ESS_mean
 *
 * — an `Estimate`, so it goes straight into `ll.checkMonteCarlo`.
 *
 * Shapes: draws [chain][draw].
 *
 * @param draws  [chain][draw] of one quantity (e.g. x₁, or x₁² for a second moment)
 * @returns { value, se, n } with n the ESS
 * @example
 * ```ts
 * const r = ll.infer.randomWalkMetropolis(ll.rng(0), { logDensity: ([x]) => -0.5 * x * x, init: [[0], [1]], steps: 4000, scale: 2 });
 * ll.checkMonteCarlo("E x = 0", ll.infer.mcmcMean(ll.infer.coordinate(r.samples, 0)), 0);
 * ```
 */
export function mcmcMean(draws: number[][]): Estimate {
  MCMC_MEAN.check(arguments);
  const x = draws;
  const flat = x.flat();
  const m = mean(flat);
  const sd = Math.sqrt(flat.reduce((s, v) => s + (v - m) ** 2, 0) / (flat.length - 1));
  const ess = essOf(splitChains(x));
  return { value: m, se: sd / Math.sqrt(ess), n: ess };
}
