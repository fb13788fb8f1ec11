// The order in which the trainer visits the data: epoch after epoch, a fresh permutation drawn from the
// generator when the epoch's first batch is asked for, cut into batches of B (the last one smaller). The same
// draws as ll.data.stepBatches (a run through fit visits the data as a hand-written stepBatches loop would),
// with its place kept as state, so a checkpoint taken in the middle of an epoch resumes at the next batch.
import type { Rng } from '../random/rng';
import { anything, checkKind, contract, count, describeAny, where } from '../validation/contract';

// n rows are permuted (n numbers allocated each epoch); B allocates nothing
const MINIBATCH_ORDER = contract('MinibatchOrder', { n: count(), batchSize: count({ entriesEach: 0 }) });

/** Where an order stands: the current epoch's permutation (null before the first batch) and the next position in it. */
export interface MinibatchOrderState {
  order: number[] | null;
  position: number;
}

/**
 * Batches of indices of 0…n−1, epoch after epoch, each epoch a permutation drawn from the generator:
 *
 *     epoch e: π_e ~ Uniform(permutations of n),   batches π_e[0:B], π_e[B:2B], …   (⌈n/B⌉ per epoch)
 *
 * @example
 * ```ts
 * const order = new MinibatchOrder(10, 4);
 * order.next(ll.rng(0));   // 4 indices; then 4, then 2, then a new permutation
 * ```
 */
export class MinibatchOrder {
  private order: number[] | null = null;
  private position = 0;

  /**
   * @param n  the number of rows
   * @param batchSize  B, the rows per batch
   */
  constructor(readonly n: number, readonly batchSize: number) {
    MINIBATCH_ORDER.check(arguments);
  }

  /** ⌈n/B⌉: the batches of one epoch. */
  get batchesPerEpoch(): number { return Math.ceil(this.n / this.batchSize); }

  /** The next batch's indices (a new permutation first when the epoch is used up). */
  next(rng: Rng): number[] {
    if (this.order === null || this.position >= this.n) {
      this.order = rng.permutation(this.n);
      this.position = 0;
    }
    const batch = this.order.slice(this.position, this.position + this.batchSize);
    this.position += this.batchSize;
    return batch;
  }

  /** The order's place, JSON-safe (for a checkpoint). */
  state(): MinibatchOrderState {
    return { order: this.order === null ? null : [...this.order], position: this.position };
  }

  /** Puts the order back where `state` says (a checkpoint's). */
  restore(state: MinibatchOrderState): void {
    const ok = state && (state.order === null || (Array.isArray(state.order) && state.order.length === this.n)) && Number.isInteger(state.position) && state.position >= 0;
    if (!ok) checkKind(where(anything(), `be an order of ${this.n} rows (or null) with a position ≥ 0, as state() gives`, () => `got ${describeAny(state)}`), state, 'state', 'MinibatchOrder.restore');
    this.order = state.order === null ? null : [...state.order];
    this.position = state.position;
  }
}
