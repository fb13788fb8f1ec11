// ll.native — Native kernels: switch the fast C kernels on or off and see which are registered.
export { enableNativeKernels, disableNativeKernels, nativeStatus } from '../backend/native-kernels';
export type { NativeStatus } from '../backend/native-kernels';
