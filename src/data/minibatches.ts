// Seeded shuffling minibatches: every epoch a new permutation from the generator.
import { throwIfInterrupted } from '../display/interruption';

/**
 * Index arrays of size batchSize covering 0…n−1 in a random order (the last one smaller unless dropLast).
 *
 * @example
 * ```ts
 * for (const idx of ll.data.minibatches(ll.rng(0), train.count, 128)) { const x = train.batch(idx); step(x); x.dispose(); }
 * ```
 */
export function* minibatches(rng: { permutation(n: number): number[] }, n: number, batchSize: number, options: { dropLast?: boolean } = {}): Generator<number[]> {
  if (!Number.isInteger(n) || n < 1) throw new Error(`minibatches: n must be a positive integer, got ${n}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`minibatches: batchSize must be a positive integer, got ${batchSize}`);
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
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`stepBatches: steps must be a non-negative integer, got ${steps}`);
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
  if (!Number.isInteger(n) || n < 0) throw new Error(`batchesPerEpoch: n must be a non-negative integer, got ${n}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchesPerEpoch: batchSize must be a positive integer, got ${batchSize}`);
  return dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
}
