// Cancellation for the library's long loops: the kernel (kernel/cell-scope.ts) knows which cell started
// the code running now and whether the student interrupted it; outside the kernel nothing is ever cancelled.
import { kernelHook } from './kernel-hook';

/**
 * Throws the kernel's Interrupted error when the code running now was started by a cell the student
 * interrupted; does nothing outside the kernel. Long loops (the trainers' step loop) call it between
 * steps, so that an interrupted `await` loop stops at its next step instead of running on in the background.
 *
 * @example
 * for (const idx of batches) { ll.throwIfInterrupted(); step(idx); }
 */
export function throwIfInterrupted(): void {
  kernelHook()?.throwIfCancelled?.();
}
