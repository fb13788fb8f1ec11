// R-hat, the potential scale reduction (Gelman & Rubin 1992; split and rank-normalized as in Vehtari
// et al. 2021 and ArviZ's default): with M chains of N draws, B = N·Var(chain means), W = mean of the
// within-chain variances,  R̂ = √(((N − 1)/N · W + B/N) / W).  Chains that sample one distribution
// agree, so R̂ → 1; chains stuck in different places make B ≫ W. Values above 1.01 (ArviZ's warning)
// say "run longer"; above 1.1 the chains disagree plainly.
import { drawsKind, rankNormalize, splitChains } from './rank-normalization';
import { contract, optional, options as optionsKind, str } from '../../validation/contract';

const R_HAT = contract('rHat', { draws: drawsKind(), options: optional(optionsKind({ method: str(['rank', 'split']) })) });

const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const variance = (v: number[]) => { const m = mean(v); return v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1); };

/** ArviZ's _rhat on chains as given: √((B/W + N − 1)/N). */
function basicRhat(chains: number[][]): number {
  const N = chains[0].length;
  const B = N * variance(chains.map(mean));
  const W = mean(chains.map(variance));
  return Math.sqrt((B / W + N - 1) / N);
}

/**
 * R-hat of one quantity over several chains, as ArviZ computes it (`az.rhat`, float64):
 *
 *     R̂ = √((B/W + N − 1)/N),   B = N·Var_m(chain means),   W = mean_m(within-chain variances)
 *
 * on split chains (each chain's halves as two chains). `method: 'rank'` (ArviZ's default) takes the
 * larger of R̂ on the rank-normalized split draws and on the rank-normalized |draw − median| (the
 * "folded" draws, which see differences in scale); `'split'` is the classic split-R̂.
 *
 * Shapes: draws [chain][draw] (use `coordinate(samples, j)` for dimension j); ≥ 4 draws per chain.
 *
 * @param draws  [chain][draw]
 * @param options  `method`: 'rank' (default) or 'split'
 * @returns R̂ (≈ 1 when the chains agree; > 1.1 when they plainly do not)
 * @example
 * ```ts
 * const g = ll.rng(0);
 * const chains = [0, 1, 2, 3].map(() => Array.from({ length: 500 }, () => g.nextNormal()));
 * ll.infer.rHat(chains);   // ≈ 1.00
 * ```
 */
export function rHat(draws: number[][], options: { method?: 'rank' | 'split' } = {}): number {
  R_HAT.check(arguments);
  const x = draws;
  if ((options.method ?? 'rank') === 'split') return basicRhat(splitChains(x));
  const bulk = basicRhat(rankNormalize(splitChains(x)));
  const sorted = x.flat().sort((a, b) => a - b), S = sorted.length;
  const median = S % 2 ? sorted[(S - 1) / 2] : 0.5 * (sorted[S / 2 - 1] + sorted[S / 2]);
  const tail = basicRhat(rankNormalize(splitChains(x.map((c) => c.map((v) => Math.abs(v - median))))));
  return Math.max(bulk, tail);
}
