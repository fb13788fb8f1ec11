// Running a piece of a test with the native kernels off, to compare against the composite ops.
import { disableNativeKernels, enableNativeKernels } from '../../src/backend/native-kernels';
import { expect } from 'chai';

export function withoutNative<T>(fn: () => T): T {
  disableNativeKernels();
  try {
    return fn();
  } finally {
    expect(enableNativeKernels().enabled, 'native kernels back on').to.equal(true);
  }
}
