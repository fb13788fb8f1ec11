// Test helpers for tensors: reading values, and asserting that work does not leak tensors.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';

export const values = (t: tf.Tensor): number[] => Array.from(t.dataSync());
export const scalar = (t: tf.Tensor): number => t.dataSync()[0];

/** Runs fn twice and asserts the second run leaves no more tensors alive than before it. */
export function expectNoLeak<T>(fn: () => T, dispose: (r: T) => void = (r) => tf.dispose(r as unknown as tf.TensorContainer)): void {
  dispose(fn()); // first run may register kernels or cached constants
  const before = tf.memory().numTensors;
  dispose(fn());
  expect(tf.memory().numTensors, 'tensors leaked').to.equal(before);
}
