// Variational MCMC (lecture 003: "use Metropolis-Hastings with proposals from a variational q"; D51):
// independence Metropolis–Hastings proposes x' ~ q whatever the current x and accepts with
//   α = min(1, [p(x') q(x)] / [p(x) q(x')]) = min(1, w(x') / w(x)),   w = p/q,
// so the chain is exact for any q that covers p, and it accepts everything when q = p. Its
// acceptance rate is a measure of how good q is.
import { Rng } from '../../random/rng';
import { anything, checkKind, contract, count, func, options as optionsKind, rngKind, where, type Kind } from '../../validation/contract';
import { Chains, STARTS } from './chains';
import { MetropolisResult } from './metropolis-hastings';

const PROPOSAL: Kind = {
  expected: 'a proposal with sample(rng) and logDensity(x)',
  test: (v) => (v && typeof v === 'object' && typeof (v as Proposal64).sample === 'function' && typeof (v as Proposal64).logDensity === 'function' ? undefined : 'got no sample(rng) and logDensity(x)'),
};
const INDEPENDENCE = contract('independenceMetropolis', {
  rng: rngKind(),
  options: optionsKind({ logDensity: func('a function of a point [d] → number'), proposal: PROPOSAL, init: STARTS, steps: count({ max: 1e7 }) }, { required: ['logDensity', 'proposal', 'init', 'steps'] }),
});
// the weights p/q are only defined where q covers p: a NaN log-weight is the proposal's fault
const COVERS = where(anything(), 'be positive wherever p is', (pt: number[]) => false || `got log p(x) − log q(x) = NaN at x = [${pt}]`);

/** A proposal distribution in float64: draw one point, and evaluate its log density. */
export interface Proposal64 {
  sample: (rng: Rng) => number[];
  logDensity: (x: number[]) => number;
}

/**
 * Independence Metropolis–Hastings with proposal q — variational MCMC when q is a variational fit
 * (lecture 003; D51, see docs/derivations.md#d51):
 *
 *     x' ~ q,   accept with probability  min(1, p(x') q(x) / (p(x) q(x')))
 *
 * The acceptance rate is 1 when q = p and falls as q departs from p: it tells how good q is. A q
 * narrower than p (mean-field VI's) leaves the tails to rare, long stays.
 *
 * Shapes: `init` [chains][d]; `logDensity` and `proposal.logDensity` map a point [d] to a number.
 *
 * @param rng  the generator of the proposals and uniforms
 * @param options  `logDensity` log p (up to a constant), `proposal` q, `init`, `steps`
 * @returns samples [chain][steps][d] and the acceptance rate of each chain
 * @example
 * ```ts
 * const q = { sample: (g: ll.Rng) => [1.2 * g.nextNormal()], logDensity: ([x]: number[]) => -0.5 * (x / 1.2) ** 2 };
 * const r = ll.infer.independenceMetropolis(ll.rng(0), { logDensity: ([x]) => -0.5 * x * x, proposal: q, init: [[0]], steps: 1000 });
 * r.acceptanceRate;   // ≈ 0.87: q is close to p
 * ```
 */
export function independenceMetropolis(rng: Rng, options: {
  logDensity: (x: number[]) => number;
  proposal: Proposal64;
  init: number[][];
  steps: number;
}): MetropolisResult {
  const fn = 'independenceMetropolis';
  INDEPENDENCE.check(arguments);
  const x = options.init.map((p) => p.slice());
  const { logDensity, proposal, steps } = options;
  const logWeight = (pt: number[]): number => {
    const w = logDensity(pt) - proposal.logDensity(pt);
    if (Number.isNaN(w)) checkKind(COVERS, pt, 'proposal', fn);
    return w;
  };
  const lw = x.map(logWeight);
  const samples: Chains = x.map(() => []);
  const accepted = new Array<number>(x.length).fill(0);
  for (let t = 0; t < steps; t++) {
    for (let c = 0; c < x.length; c++) {
      const proposed = proposal.sample(rng);
      const lwNew = logWeight(proposed);
      if (Math.log(rng.nextUniform()) < lwNew - lw[c]) {
        x[c] = proposed; lw[c] = lwNew; accepted[c]++;
      }
      samples[c].push(x[c].slice());
    }
  }
  return { samples, acceptanceRate: accepted.map((a) => a / steps) };
}
