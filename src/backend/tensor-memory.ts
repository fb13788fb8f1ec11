// A tensor's float32 memory as a Float32Array, without copying, for the native kernels: a view over
// the wasm heap or tfjs-cpu's own array. Views over the wasm heap must be taken after every
// allocation of the same kernel call: an allocation can grow the heap and detach older views.
import * as tf from '@tensorflow/tfjs-core';

export type NativeBackendName = 'wasm' | 'cpu';

interface WasmBackend {
  dataIdMap: { get(id: unknown): { memoryOffset: number; refCount: number } };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  wasm: { HEAPU8: Uint8Array };
}
interface CpuBackend {
  data: { get(id: unknown): { values: ArrayLike<number>; refCount: number } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

export const sizeOf = (shape: number[]) => shape.reduce((x, y) => x * y, 1);

/** The tensor's values (tfjs-cpu's array converted if a cast left it Uint8Array: then a copy). */
export function tensorValues(name: NativeBackendName, backend: unknown, t: tf.TensorInfo): Float32Array {
  if (name === 'wasm') {
    const wb = backend as WasmBackend;
    return new Float32Array(wb.wasm.HEAPU8.buffer, wb.dataIdMap.get(t.dataId).memoryOffset, sizeOf(t.shape));
  }
  const v = (backend as CpuBackend).data.get(t.dataId).values;
  return v instanceof Float32Array ? v : Float32Array.from(v);
}

/** A new float32 output for a kernel, with its values to fill. */
export function newOutput(name: NativeBackendName, backend: unknown, shape: number[]): { info: tf.TensorInfo; values: Float32Array } {
  if (name === 'wasm') {
    const info = (backend as WasmBackend).makeOutput(shape, 'float32');
    return { info, values: tensorValues('wasm', backend, info) };
  }
  const values = new Float32Array(sizeOf(shape));
  return { info: (backend as CpuBackend).makeTensorInfo(shape, 'float32', values), values };
}

/** Whether no other tensor shares this tensor's memory (tf.clone and reshape share it): then it may be written in place. */
export function ownsMemory(name: NativeBackendName, backend: unknown, t: tf.TensorInfo): boolean {
  const entry = name === 'wasm' ? (backend as WasmBackend).dataIdMap.get(t.dataId) : (backend as CpuBackend).data.get(t.dataId);
  return entry.refCount === 1 && (name === 'wasm' || (entry as { values: ArrayLike<number> }).values instanceof Float32Array);
}
