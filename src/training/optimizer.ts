// The trainer's optimizer: the library's Adam (FusedAdam, every variable in one native call, when the native
// kernels serve the backend; tf.train.adam otherwise: the same update) or plain SGD, with its learning rate set
// before each step (a schedule), and its state saved into and restored from a checkpoint.
import * as tf from '@tensorflow/tfjs-core';
import { adam, FusedAdam } from '../backend/fused-adam';

/** 'adam' (lecture 002's adaptive steps; the default) or 'sgd' (θ ← θ − lr·g). */
export type OptimizerName = 'adam' | 'sgd';

/** The optimizer `name` at learning rate `lr`. */
export function makeOptimizer(name: OptimizerName, lr: number): tf.Optimizer {
  return name === 'sgd' ? tf.train.sgd(lr) : adam(lr);
}

/** Sets the rate the next step uses (Adam reads its learningRate field at every step; SGD keeps a scalar of it). */
export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  const o = optimizer as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
  if (o.learningRate === lr) return;
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else o.learningRate = lr;
}

/** The optimizer's state as float32 tensors for a checkpoint: names, tensors, and `release()` to free the copies made. */
export async function optimizerState(optimizer: tf.Optimizer): Promise<{ names: string[]; tensors: tf.Tensor[]; release: () => void }> {
  // getWeights returns tf.train.adam's live moment variables (not copies) and a new int32 iteration count;
  // FusedAdam returns copies of everything
  const weights = await optimizer.getWeights();
  const tensors = weights.map((w) => (w.tensor.dtype === 'float32' ? w.tensor : tf.cast(w.tensor, 'float32')));
  const copies = FusedAdam.isFusedAdam(optimizer);
  return {
    names: weights.map((w) => w.name),
    tensors,
    release: () => weights.forEach((w, i) => {
      if (tensors[i] !== w.tensor) tensors[i].dispose();
      if (copies || w.name === 'iter' || w.tensor.dtype !== 'float32') w.tensor.dispose();
    }),
  };
}

/** Restores what optimizerState saved (the iteration count back to int32); `tensors` stay the caller's. */
export async function restoreOptimizerState(optimizer: tf.Optimizer, names: string[], tensors: tf.Tensor[]): Promise<void> {
  const weights = names.map((name, i) => ({ name, tensor: name === 'iter' ? tf.cast(tensors[i], 'int32') : tf.clone(tensors[i]) }));
  await optimizer.setWeights(weights);
  // the optimizer's new variables hold their own copies: these handles can go
  tf.dispose(weights.map((w) => w.tensor));
}
