// Every model's constructor takes the generator of its initial weights as its first argument,
// `new ll.models.VAE(ll.rng(0), config)`, the way every random function takes one (`dist.sample(rng, n)`).
// The check is shared so each model refuses the same things in the same words: a number (or anything else)
// where the generator goes, and a `seed` left in the config or options, which nothing would read.
import { ArgumentError, checkKind, rngKind } from './contract';

/**
 * Checks a model constructor's generator argument through the shared validator and refuses a `seed` field
 * in its config: "VAE: rng must be a generator made by ll.rng(seed), got 0".
 *
 * @param fn  the class as messages name it ('VAE')
 * @param rng  the constructor's first argument
 * @param config  its config or options object (may be undefined)
 * @param configName  that argument's name in messages ('config' or 'options')
 * @example
 * ```ts
 * constructor(rng: Rng, config: VAEConfig) { checkWeightsGenerator('VAE', rng, config); … }
 * ```
 */
export function checkWeightsGenerator(fn: string, rng: unknown, config?: unknown, configName = 'config'): void {
  checkKind(rngKind(), rng, 'rng', fn);
  if (config !== null && typeof config === 'object' && Object.prototype.hasOwnProperty.call(config, 'seed')) {
    throw new ArgumentError(`${fn}: ${configName}.seed is not an option: the initial weights are drawn from the generator, the first argument (new ${fn}(ll.rng(seed), …))`);
  }
}
