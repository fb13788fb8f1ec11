// Identity, and Cast to the dtype a tensor already has, without copying on wasm: tfjs-backend-wasm copies
// the whole tensor for both (tfjs-cpu shares the memory, as this does), and training calls them on every
// gradient that passes through unchanged (tf.clone, a float32 cast of a float32 operand in the gradient of
// a product) — in a U-Net step, hundreds of MB copied. The output shares the input's memory, counted by
// the backend's reference count, so in-place kernels (FusedAdam) still see that it is shared.
import * as tf from '@tensorflow/tfjs-core';

interface RefCountingBackend { incRef(dataId: unknown): void }

export function identityKernels(stock: (kernelName: string) => tf.KernelConfig | undefined): tf.KernelConfig[] {
  const share = (x: tf.TensorInfo, backend: unknown): tf.TensorInfo => {
    (backend as RefCountingBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  const identity: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    return x.dtype === 'string' ? stock('Identity')!.kernelFunc({ inputs, backend, attrs }) : share(x, backend);
  };
  const cast: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const { dtype } = attrs as unknown as { dtype: tf.DataType };
    return x.dtype === dtype && dtype !== 'string' ? share(x, backend) : stock('Cast')!.kernelFunc({ inputs, backend, attrs });
  };
  return [
    { kernelName: 'Identity', backendName: 'wasm', kernelFunc: identity },
    { kernelName: 'Cast', backendName: 'wasm', kernelFunc: cast },
  ];
}
