// ll.native — Native kernels: switch the fast C kernels on or off and see which are registered.
export { enableNativeKernels, disableNativeKernels, nativeStatus } from '../native/native-kernels';
export type { NativeStatus } from '../native/native-kernels';
