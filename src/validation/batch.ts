// The minibatch ll.fit hands a model's prepareBatch and trainingLoss (training/trainable.ts's Batch: x, indices,
// labels, dataset), or what a prepareBatch made of it, as one kind: the fields are named as the batch's
// ("VAE.trainingLoss: batch.x must be a live tensor of rank 2, got null"), so a hand-made batch is refused at the
// model's boundary instead of deep in its forward pass.
import { anything, options, tensor, type Kind } from './contract';

/**
 * A batch: an object whose `x` is of kind `x` (rows [B, D] by default) and whose other fields are ll.fit's
 * (indices, labels, dataset) or the `fields` a model's prepareBatch adds (a condition, x_t and ε).
 *
 * @example
 * ```ts
 * const C = contract('VAE.trainingLoss', { rng: rngKind(), b: batch(X_OF_MODEL, { condition: tensor({ rank: 2 }) }), objective: … });
 * ```
 */
export function batch(x: Kind | undefined = tensor({ rank: 2 }), fields: Record<string, Kind> = {}, required: string[] = ['x']): Kind {
  const base: Record<string, Kind> = { indices: anything('the rows\' indices'), labels: anything('the rows\' labels'), dataset: anything('an ImageDataset') };
  return { ...options({ ...base, ...(x ? { x } : {}), ...fields }, { required, path: true }), expected: `a batch (an object with ${required.join(', ')}, as ll.fit hands it)` };
}
