// A learning-rate schedule for a run of K optimizer steps: a linear warm-up over the first W steps (Adam's
// first updates, from moments of one or two minibatches, are the noisiest), then optionally a cosine decay
// towards 0 at step K (the last iterates average out the minibatch noise instead of jumping around at
// full step size; Loshchilov & Hutter's SGDR without restarts):
//   lr_k = peak · min(1, k/W) · c_k,   c_k = ½(1 + cos(π (k − 1)/K)) ('cosine') or 1 ('constant'),   k = 1…K
import { contract, count, options, positive, str } from '../validation/contract';

const SCHEDULE = options({
  peak: positive(), steps: count({ entriesEach: 0 }), warmupSteps: count({ min: 0, entriesEach: 0 }),
  decay: { ...str(['constant', 'cosine']), expected: "'constant' or 'cosine'" },
}, { required: ['peak', 'steps'], path: true });
const LEARNING_RATE_AT = contract('learningRateAt', { schedule: SCHEDULE, k: count({ entriesEach: 0 }) });

export interface LearningRateSchedule {
  /** The largest learning rate, lr at the end of the warm-up. */
  peak: number;
  /** The total number of steps K (the cosine reaches ½(1 + cos(π(K − 1)/K)) ≈ 0 at k = K). */
  steps: number;
  /** Steps W of linear warm-up (default 0: none). */
  warmupSteps?: number;
  /** 'constant' (default) or 'cosine' after the warm-up. */
  decay?: 'constant' | 'cosine';
}

/**
 * The learning rate of step k (1-based) of a schedule: lr_k = peak · min(1, k/W) · c_k with
 * c_k = ½(1 + cos(π (k − 1)/K)) for decay 'cosine' and 1 for 'constant'.
 * @example learningRateAt({ peak: 2e-3, steps: 3000, warmupSteps: 200, decay: 'cosine' }, 100) // 1e-3 · 0.9999
 */
export function learningRateAt(schedule: LearningRateSchedule, k: number): number {
  LEARNING_RATE_AT.check(arguments);
  const { peak, steps: K } = schedule;
  const W = schedule.warmupSteps ?? 0;
  const decay = schedule.decay ?? 'constant';
  const warm = W > 0 ? Math.min(1, k / W) : 1;
  const c = decay === 'cosine' ? 0.5 * (1 + Math.cos((Math.PI * (Math.min(k, K) - 1)) / K)) : 1;
  return peak * warm * c;
}
