// Seeded shuffling minibatches: every epoch a new permutation from the generator.

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

/** The number of minibatches an epoch has. */
export function batchesPerEpoch(n: number, batchSize: number, dropLast = false): number {
  if (!Number.isInteger(n) || n < 0) throw new Error(`batchesPerEpoch: n must be a non-negative integer, got ${n}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchesPerEpoch: batchSize must be a positive integer, got ${batchSize}`);
  return dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
}
