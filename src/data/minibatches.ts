// Seeded shuffling minibatches: every epoch a new permutation from the generator.
import { throwIfInterrupted } from '../display/interruption';
import { bool, contract, count, optional, options as optionsKind, type Kind } from '../validation/contract';

// any object that shuffles (an Rng, or a test's stand-in)
const SHUFFLER: Kind = { expected: 'a generator with permutation(n) (ll.rng(seed))', test: (v) => (v && typeof (v as { permutation?: unknown }).permutation === 'function' ? undefined : 'got no permutation(n)') };
const DROP_LAST = optional(optionsKind({ dropLast: bool() }));
// n items are permuted (n numbers allocated); a batch size or a count of steps allocates nothing
const MINIBATCHES = contract('minibatches', { rng: SHUFFLER, n: count(), batchSize: count({ entriesEach: 0 }), options: DROP_LAST });
const STEP_BATCHES = contract('stepBatches', { rng: SHUFFLER, n: count(), batchSize: count({ entriesEach: 0 }), steps: count({ min: 0, entriesEach: 0 }), options: DROP_LAST });
const PER_EPOCH = contract('batchesPerEpoch', { n: count({ min: 0, entriesEach: 0 }), batchSize: count({ entriesEach: 0 }), dropLast: optional(bool()) });

/**
 * Index arrays of size batchSize covering 0…n−1 in a random order (the last one smaller unless dropLast).
 *
 * @example
 * ```ts
 * for (const idx of ll.data.minibatches(ll.rng(0), train.count, 128)) { const x = train.batch(idx); step(x); x.dispose(); }
 * ```
 */
export function* minibatches(rng: { permutation(n: number): number[] }, n: number, batchSize: number, options: { dropLast?: boolean } = {}): Generator<number[]> {
  MINIBATCHES.check(arguments);
  const order = rng.permutation(n);
  for (let i = 0; i < n; i += batchSize) {
    const batch = order.slice(i, i + batchSize);
    if (options.dropLast && batch.length < batchSize) return;
    yield batch;
  }
}

/**
 * Exactly `steps` minibatches, epoch after epoch: each epoch a fresh permutation drawn from the generator
 * when its first batch is asked for (so randomness used between batches keeps its place in the stream),
 * and none drawn after the last step. The loop of every model trained for a fixed number of steps.
 *
 * @example
 * ```ts
 * for (const idx of ll.data.stepBatches(rng, train.count, 64, 1000)) { const x = train.batch(idx); step(x); x.dispose(); }
 * ```
 */
export function* stepBatches(rng: { permutation(n: number): number[] }, n: number, batchSize: number, steps: number, options: { dropLast?: boolean } = {}): Generator<number[]> {
  STEP_BATCHES.check(arguments);
  let done = 0;
  while (done < steps) {
    const before = done;
    for (const idx of minibatches(rng, n, batchSize, options)) {
      // A training loop the student interrupted in the kernel stops here (no-op elsewhere).
      throwIfInterrupted();
      yield idx;
      if (++done >= steps) return;
    }
    if (done === before) throw new Error(`stepBatches: an epoch of ${n} items gives no batch of ${batchSize} (dropLast)`);
  }
}

/** The number of minibatches an epoch has. */
export function batchesPerEpoch(n: number, batchSize: number, dropLast = false): number {
  PER_EPOCH.check(arguments);
  return dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
}
