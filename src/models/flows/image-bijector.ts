// Invertible layers on images (lecture 003's flows with the image kept as an image): each maps
// x [B, H, W, C] to y [B, H', W', C'] with H'·W'·C' = H·W·C and reports log|det ∂y/∂x| [B], the
// Jacobian taken over the flattened image; the inverse reports log|det ∂x/∂y| = −(forward log-det)  (D35).
import * as tf from '@tensorflow/tfjs-core';

export interface ImageBijector {
  readonly name: string;
  /** y = f(x) and log|det ∂f/∂x| per image: x [B, H, W, C] → y, [B]. */
  forward(x: tf.Tensor4D): { y: tf.Tensor4D; logDet: tf.Tensor1D };
  /** x = f⁻¹(y) and log|det ∂f⁻¹/∂y| per image. */
  inverse(y: tf.Tensor4D): { x: tf.Tensor4D; logDet: tf.Tensor1D };
  /** Trainable variables (none for fixed layers). */
  readonly variables: tf.Variable[];
}

/** Throws, naming the argument, unless x is [B, H, W, C] with the given H, W, C. */
export function checkImage(x: tf.Tensor, shape: [number, number, number], who: string, arg: string): void {
  if (!(x instanceof tf.Tensor) || x.rank !== 4 || x.shape[1] !== shape[0] || x.shape[2] !== shape[1] || x.shape[3] !== shape[2]) {
    const got = x instanceof tf.Tensor ? `[${x.shape}]` : String(x);
    throw new Error(`${who}: ${arg} must have shape [B, ${shape.join(', ')}], got ${got}`);
  }
}
