// Seeded shuffling minibatches: every epoch a new permutation from the generator.
import { throwIfInterrupted } from '../display/interruption';
import { bool, checkKind, contract, count, optional, options as optionsKind, where, type Kind } from '../validation/contract';

// any object that shuffles (an Rng, or a test's stand-in)
const SHUFFLER: Kind = { expected: 'a generator with permutation(n) (ll.rng(seed))', test: (v) => (v && typeof (v as { permutation?: unknown }).permutation === 'function' ? undefined : 'got no permutation(n)') };
const DROP_LAST = optional(optionsKind({ dropLast: bool() }));
// n items are permuted (n numbers allocated); a batch size or a count of steps allocates nothing
const MINIBATCHES = contract('minibatches', { rng: SHUFFLER, n: count(), batchSize: count({ entriesEach: 0 }), options: DROP_LAST });
const STEP_BATCHES = contract('stepBatches', { rng: SHUFFLER, n: count(), batchSize: count({ entriesEach: 0 }), steps: count({ min: 0, entriesEach: 0 }), options: DROP_LAST });
// with dropLast, an epoch of fewer items than a batch gives no batch at all: stepBatches would never reach its steps
const FITS_AN_EPOCH = (n: number) => where(count({ entriesEach: 0 }), `be at most n (${n}) with dropLast, or an epoch gives no batch`, (b: number) => b <= n);
const PER_EPOCH = contract('batchesPerEpoch', { n: count({ min: 0, entriesEach: 0 }), batchSize: count({ entriesEach: 0 }), dropLast: optional(bool()) });

/**
 * Index arrays of size batchSize covering 0…n−1 in a random order (the last one smaller unless dropLast).
 *
 * @example
 * ```ts
 * for (const idx of ll.data.minibatches(ll.rng(0), train.count, 128)) { const x = train.batch(idx); step(x); x.dispose(); }
 * ```
 */
export function minibatches(rng: { permutation(n: number): number[] }, n: number, batchSize: number, options: { dropLast?: boolean } = {}): Generator<number[]> {
  // checked when called, not at the first batch (a generator's body waits for next())
  MINIBATCHES.check(arguments);
  return epoch(rng, n, batchSize, options);
}

function* epoch(rng: { permutation(n: number): number[] }, n: number, batchSize: number, options: { dropLast?: boolean }): Generator<number[]> {
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
export function stepBatches(rng: { permutation(n: number): number[] }, n: number, batchSize: number, steps: number, options: { dropLast?: boolean } = {}): Generator<number[]> {
  // checked when called, not at the first batch (a generator's body waits for next())
  STEP_BATCHES.check(arguments);
  if (options.dropLast && batchSize > n) checkKind(FITS_AN_EPOCH(n), batchSize, 'batchSize', 'stepBatches');
  return steppedEpochs(rng, n, batchSize, steps, options);
}

function* steppedEpochs(rng: { permutation(n: number): number[] }, n: number, batchSize: number, steps: number, options: { dropLast?: boolean }): Generator<number[]> {
  let done = 0;
  while (done < steps) {
    for (const idx of epoch(rng, n, batchSize, options)) {
      // A training loop the student interrupted in the kernel stops here (no-op elsewhere).
      throwIfInterrupted();
      yield idx;
      if (++done >= steps) return;
    }
  }
}

/** The number of minibatches an epoch has. */
export function batchesPerEpoch(n: number, batchSize: number, dropLast = false): number {
  PER_EPOCH.check(arguments);
  return dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
}
