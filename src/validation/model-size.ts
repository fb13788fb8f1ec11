// A model's size, checked before its weights are allocated: each size in a config may be a fine count on its own
// (inputDim 1e9 is an integer) while the weights they make together would not fit in this process's memory, and
// the allocation then kills the process (a dead kernel) or fails deep in a layer that does not name the config.
import { formatBytes, memoryBudgetBytes, record, where, type Kind } from './contract';

/**
 * A config whose weights fit in memory: `entries(config)` float32 weights (4 bytes each) within the heap limit.
 * The message names every size that enters the count, so the one that is too large is in it:
 * "CategoricalVAE: config must describe weights that fit in memory, got inputDim 1000000000, hiddenDim 300:
 * 2 × (inputDim × hiddenDim + …) = 6.0e11 float32 weights need about 2.40 TB and this process has 1.12 GB".
 *
 * @param sizes  the config's fields that enter the count, as named in messages
 * @param formula  the count in words ("2 × (inputDim × hiddenDim + …)")
 * @param entries  the count itself, from the config (sizes already checked as counts)
 * @example
 * ```ts
 * checkKind(weightsFit(['inputDim', 'hiddenDim'], 'inputDim × hiddenDim', (c) => c.inputDim * c.hiddenDim), config, 'config', 'VAE');
 * ```
 */
export function weightsFit(sizes: string[], formula: string, entries: (config: Record<string, number>) => number): Kind {
  return where(record('a config object'), 'describe weights that fit in memory', (c: Record<string, number>) => {
    const n = entries(c), bytes = 4 * n, budget = memoryBudgetBytes();
    if (Number.isFinite(bytes) && bytes <= budget) return true;
    return `got ${sizes.map((s) => `${s} ${c[s]}`).join(', ')}: ${formula} = ${n.toPrecision(2)} float32 weights need about ${formatBytes(bytes)} and this process has ${formatBytes(budget)}`;
  });
}
