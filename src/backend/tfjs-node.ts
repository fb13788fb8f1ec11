// Loading @tensorflow/tfjs-node or -gpu: the build scripts/tfjs-node.sh makes against the machine's TensorFlow
// (build/tfjs-node/npm, outside the project's node_modules so that `npm ci` never prunes it), else one installed
// next to Latent Lab by npm. Loading it registers tfjs's 'tensorflow' backend on the project's tfjs-core.
import fs from 'fs';
import path from 'path';
import * as tf from '@tensorflow/tfjs-core';

export type TfjsNodePackage = '@tensorflow/tfjs-node' | '@tensorflow/tfjs-node-gpu';

/** The project's root: the nearest folder above this file whose package.json is latent-lab's. */
function projectRoot(): string | undefined {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    try {
      if (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name === 'latent-lab') return dir;
    } catch {
      // no package.json here, or not JSON: keep walking up
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Where scripts/tfjs-node.sh installs its build: an npm prefix under build/. */
export function tfjsNodeBuildPrefix(): string | undefined {
  const root = projectRoot();
  return root && path.join(root, 'build', 'tfjs-node', 'npm');
}

/**
 * Resolves the package: setup's build first, then Node's ordinary lookup from here. Throws Node's
 * "Cannot find module" (which ready() treats as "not installed") when neither has it.
 */
export function resolveTfjsNode(pkg: TfjsNodePackage): string {
  const prefix = tfjsNodeBuildPrefix();
  return require.resolve(pkg, { paths: [...(prefix ? [prefix] : []), __dirname] });
}

/**
 * Loads the package, which registers the 'tensorflow' backend and its kernels, and corrects those kernels
 * (correctTensorflowKernels). TensorFlow's C++ logging is set to warnings and above unless
 * TF_CPP_MIN_LOG_LEVEL is set (its per-process CPU-feature notice is not a student's concern).
 */
export function loadTfjsNode(pkg: TfjsNodePackage): void {
  const resolved = resolveTfjsNode(pkg);
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '1';
  require(resolved);
  correctTensorflowKernels();
}

let corrected = false;

type KernelArgs = Parameters<tf.KernelFunc>[0];
interface TensorflowBackend { incRef(id: unknown): void; write(values: Uint8Array, shape: number[], dtype: tf.DataType): unknown }

/** A bool tensor of x's shape filled with `value`, written straight into the tensorflow backend. */
function boolLike(args: KernelArgs, value: 0 | 1): tf.TensorInfo {
  const x = args.inputs.x as tf.TensorInfo;
  const size = x.shape.reduce((a, b) => a * b, 1);
  return { dataId: (args.backend as unknown as TensorflowBackend).write(new Uint8Array(size).fill(value), x.shape, 'bool') as tf.DataId, shape: x.shape, dtype: 'bool' };
}

/** For non-float inputs, what the kernel means in tfjs (as on cpu and wasm), where TensorFlow's kernel differs. */
const INTEGER_ANSWERS: Record<string, (args: KernelArgs) => tf.TensorInfo> = {
  // TensorFlow 2.21's Round of an int32 tensor comes back all zeros; an integer rounds to itself
  // (sharing its memory, as tfjs-node's Identity kernel does)
  Round: (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    (args.backend as unknown as TensorflowBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  },
  // TensorFlow's IsNan/IsInf/IsFinite accept floating types only (an int32 tensor is an error there)
  IsNan: (args) => boolLike(args, 0),
  IsInf: (args) => boolLike(args, 0),
  IsFinite: (args) => boolLike(args, 1),
};

/**
 * Corrects what differs between TensorFlow 2.21 under tfjs-node and tfjs's other backends for integer
 * inputs, found by tfjs-core's own op tests (npm run ops:conformance) and the library's tests on it
 * (environment.md): Round of int32 (zeros from TensorFlow) and IsNan/IsInf/IsFinite of int32 or bool
 * (refused by TensorFlow; the library's NaN checks call tf.isNaN on any tensor). Float inputs go to
 * TensorFlow's kernels unchanged.
 */
export function correctTensorflowKernels(): void {
  if (corrected) return;
  corrected = true;
  for (const [name, answer] of Object.entries(INTEGER_ANSWERS)) {
    const original = tf.getKernel(name, 'tensorflow');
    if (!original) continue;
    tf.unregisterKernel(name, 'tensorflow');
    tf.registerKernel({
      ...original,
      kernelFunc: (args) => ((args.inputs.x as tf.TensorInfo).dtype === 'float32' ? original.kernelFunc(args) : answer(args)),
    });
  }
}
