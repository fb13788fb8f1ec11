// BLAS-backed matrix products for TensorFlow.js: BatchMatMul and _FusedMatMul on the wasm and cpu
// backends call OpenBLAS's sgemm through a small N-API addon (native/gemm.c), on the tensors' own
// memory (views over the wasm heap, or tfjs-cpu's arrays): nothing is copied. The gradients of
// matMul are built from BatchMatMul, so training uses it too. When the addon cannot load (not built,
// no OpenBLAS, another OS) or LATENT_NATIVE=0, the stock kernels stay and this says so once.
import * as tf from '@tensorflow/tfjs-core';
// the stock kernels must be registered before they can be replaced
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import fs from 'fs';
import path from 'path';

interface Addon {
  gemm(ta: boolean, tb: boolean, M: number, N: number, K: number, A: Float32Array, B: Float32Array, C: Float32Array, offA: Int32Array, offB: Int32Array): void;
  setThreads(n: number): void;
  info(): { core: string; config: string; threads: number };
}

export interface NativeStatus {
  enabled: boolean;
  /** OpenBLAS core and threads when enabled; why not otherwise */
  detail: string;
}

/** Where setup builds the addon; LATENT_NATIVE_ADDON points elsewhere (tests use it to simulate a missing build). */
export const ADDON_PATH = process.env.LATENT_NATIVE_ADDON ?? path.join(projectRoot(), 'native', 'build', 'Release', 'latent_blas.node');

/** The repository root, from src/native (tests) or dist/src/native (the build). */
function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'native', 'binding.gyp')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}
const BACKENDS = ['wasm', 'cpu'];
const KERNELS = ['BatchMatMul', '_FusedMatMul'];

let addon: Addon | undefined;
let coreSource = '';
let status: NativeStatus | undefined;
const stock = new Map<string, tf.KernelConfig>();

/**
 * OpenBLAS picks Haswell kernels on this CPU family; SkylakeX (AVX-512) doubles sgemm, but only where
 * the CPU has every AVX-512 subset those kernels use. A user's own OPENBLAS_CORETYPE wins.
 */
export function chooseCoreType(cpuinfo: string): string | undefined {
  const flags = new Set((cpuinfo.match(/^flags\s*:(.*)$/m)?.[1] ?? '').trim().split(/\s+/));
  if (['avx512f', 'avx512bw', 'avx512vl', 'avx512dq', 'avx512cd'].every((f) => flags.has(f))) return 'SkylakeX';
  if (flags.has('avx2') && flags.has('fma')) return 'Haswell';
  return undefined;
}

function loadAddon(): Addon {
  if (addon) return addon;
  if (process.platform !== 'linux') throw new Error(`no native kernels for ${process.platform}`);
  if (!fs.existsSync(ADDON_PATH)) throw new Error(`the addon is not built (${ADDON_PATH}); bash scripts/setup.sh builds it when libopenblas-dev and a compiler are present`);
  // Must be decided before libopenblas loads with the addon. LATENT_BLAS_CORETYPE=auto chooses from
  // /proc/cpuinfo even when the environment already sets OPENBLAS_CORETYPE (which otherwise wins).
  const wish = process.env.LATENT_BLAS_CORETYPE;
  if (wish && wish !== 'auto') {
    process.env.OPENBLAS_CORETYPE = wish;
    coreSource = 'LATENT_BLAS_CORETYPE';
  } else if (process.env.OPENBLAS_CORETYPE && wish !== 'auto') {
    coreSource = 'OPENBLAS_CORETYPE from the environment';
  } else {
    const core = fs.existsSync('/proc/cpuinfo') ? chooseCoreType(fs.readFileSync('/proc/cpuinfo', 'utf8')) : undefined;
    if (core) process.env.OPENBLAS_CORETYPE = core;
    else delete process.env.OPENBLAS_CORETYPE;
    coreSource = core ? 'chosen from /proc/cpuinfo' : "OpenBLAS's own detection";
  }
  addon = require(ADDON_PATH) as Addon;
  return addon;
}

/** Threads for OpenBLAS: LATENT_BLAS_THREADS (default 1: the course's matrices are small). */
export function blasThreads(): number {
  const raw = process.env.LATENT_BLAS_THREADS;
  if (raw === undefined || raw === '') return 1;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`LATENT_BLAS_THREADS must be a positive integer, got '${raw}'`);
  return n;
}

type Shape = number[];

/** Output shape and per-batch element offsets of a and b, broadcasting the batch dims as tfjs does. */
export function batchLayout(aShape: Shape, bShape: Shape, transposeA: boolean, transposeB: boolean) {
  if (aShape.length < 2 || bShape.length < 2) throw new Error(`BatchMatMul: inputs need rank ≥ 2, got [${aShape}] and [${bShape}]`);
  const M = transposeA ? aShape[aShape.length - 1] : aShape[aShape.length - 2];
  const Ka = transposeA ? aShape[aShape.length - 2] : aShape[aShape.length - 1];
  const Kb = transposeB ? bShape[bShape.length - 1] : bShape[bShape.length - 2];
  const N = transposeB ? bShape[bShape.length - 2] : bShape[bShape.length - 1];
  if (Ka !== Kb) throw new Error(`BatchMatMul: inner dimensions ${Ka} and ${Kb} differ (shapes [${aShape}] and [${bShape}])`);
  const aB = aShape.slice(0, -2), bB = bShape.slice(0, -2);
  const rank = Math.max(aB.length, bB.length);
  const pad = (s: Shape) => [...new Array(rank - s.length).fill(1), ...s];
  const pa = pad(aB), pb = pad(bB);
  const outB = pa.map((d, i) => {
    if (d !== pb[i] && d !== 1 && pb[i] !== 1) throw new Error(`BatchMatMul: batch dimensions [${aB}] and [${bB}] do not broadcast`);
    return Math.max(d, pb[i]);
  });
  const batches = outB.reduce((x, y) => x * y, 1);
  const offA = new Int32Array(batches), offB = new Int32Array(batches);
  for (let i = 0; i < batches; i++) {
    let rem = i, ia = 0, ib = 0, sa = 1, sb = 1;
    for (let d = rank - 1; d >= 0; d--) {
      const c = rem % outB[d];
      rem = Math.floor(rem / outB[d]);
      ia += (pa[d] === 1 ? 0 : c) * sa; sa *= pa[d];
      ib += (pb[d] === 1 ? 0 : c) * sb; sb *= pb[d];
    }
    offA[i] = ia * M * Ka;
    offB[i] = ib * Ka * N;
  }
  return { M, N, K: Ka, outShape: [...outB, M, N], offA, offB };
}

interface WasmBackend { dataIdMap: { get(id: unknown): { memoryOffset: number } }; makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo; wasm: { HEAPU8: Uint8Array } }
interface CpuBackend { data: { get(id: unknown): { values: ArrayLike<number> } }; makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo }

const sizeOf = (s: Shape) => s.reduce((x, y) => x * y, 1);

/** Runs op(a)·op(b) into a new output on the given backend; returns it. */
function matmul(backendName: string, backend: unknown, a: tf.TensorInfo, b: tf.TensorInfo, ta: boolean, tb: boolean): { out: tf.TensorInfo; values: Float32Array } {
  const L = batchLayout(a.shape, b.shape, ta, tb);
  if (backendName === 'wasm') {
    const wb = backend as WasmBackend;
    const out = wb.makeOutput(L.outShape, 'float32');
    // the views are taken after allocating the output: allocation can grow (and replace) the heap
    const values = readValues('wasm', backend, out);
    addon!.gemm(ta, tb, L.M, L.N, L.K, readValues('wasm', backend, a), readValues('wasm', backend, b), values, L.offA, L.offB);
    return { out, values };
  }
  const values = new Float32Array(sizeOf(L.outShape));
  addon!.gemm(ta, tb, L.M, L.N, L.K, readValues('cpu', backend, a), readValues('cpu', backend, b), values, L.offA, L.offB);
  return { out: (backend as CpuBackend).makeTensorInfo(L.outShape, 'float32', values), values };
}

function activate(values: Float32Array, activation: string, alpha: number): boolean {
  switch (activation) {
    case 'linear': return true;
    case 'relu': for (let i = 0; i < values.length; i++) if (values[i] < 0) values[i] = 0; return true;
    case 'relu6': for (let i = 0; i < values.length; i++) values[i] = Math.min(6, Math.max(0, values[i])); return true;
    case 'leakyrelu': for (let i = 0; i < values.length; i++) if (values[i] < 0) values[i] *= alpha; return true;
    case 'sigmoid': for (let i = 0; i < values.length; i++) values[i] = 1 / (1 + Math.exp(-values[i])); return true;
    case 'elu': for (let i = 0; i < values.length; i++) if (values[i] < 0) values[i] = Math.expm1(values[i]); return true;
    default: return false;
  }
}

/**
 * A tensor's float32 values without copying: a view over the wasm heap (taken when called, since an
 * allocation can replace the heap), or tfjs-cpu's own array (converted if a cast left it Uint8Array).
 */
function readValues(backendName: string, backend: unknown, t: tf.TensorInfo): Float32Array {
  if (backendName === 'wasm') {
    const wb = backend as WasmBackend;
    return new Float32Array(wb.wasm.HEAPU8.buffer, wb.dataIdMap.get(t.dataId).memoryOffset, sizeOf(t.shape));
  }
  const v = (backend as CpuBackend).data.get(t.dataId).values;
  return v instanceof Float32Array ? v : Float32Array.from(v);
}

function kernelsFor(backendName: string): tf.KernelConfig[] {
  const batchMatMul: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return stock.get(`${backendName}/BatchMatMul`)!.kernelFunc({ inputs, backend, attrs });
    return matmul(backendName, backend, a, b, transposeA, transposeB).out;
  };
  const fusedMatMul: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { a, b, bias, preluActivationWeights } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo; bias?: tf.TensorInfo; preluActivationWeights?: tf.TensorInfo };
    const { transposeA, transposeB, activation, leakyreluAlpha } = attrs as unknown as { transposeA: boolean; transposeB: boolean; activation: string; leakyreluAlpha?: number };
    const N = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
    const simpleBias = !bias || sizeOf(bias.shape) === 1 || (bias.shape.length === 1 && bias.shape[0] === N);
    const supported = a.dtype === 'float32' && b.dtype === 'float32' && !preluActivationWeights && simpleBias && activation !== 'prelu';
    if (!supported) return stock.get(`${backendName}/_FusedMatMul`)!.kernelFunc({ inputs, backend, attrs });
    const { out, values } = matmul(backendName, backend, a, b, transposeA, transposeB);
    if (bias) {
      const bv = readValues(backendName, backend, bias);
      if (bv.length === 1) for (let i = 0; i < values.length; i++) values[i] += bv[0];
      else for (let i = 0; i < values.length; i++) values[i] += bv[i % N];
    }
    activate(values, activation ?? 'linear', leakyreluAlpha ?? 0.2);
    return out;
  };
  return [
    { kernelName: 'BatchMatMul', backendName, kernelFunc: batchMatMul },
    { kernelName: '_FusedMatMul', backendName, kernelFunc: fusedMatMul },
  ];
}

/** Registers the BLAS kernels on wasm and cpu (once); returns whether they are on and why. */
export function enableNativeKernels(): NativeStatus {
  if (status?.enabled) return status;
  if (process.env.LATENT_NATIVE === '0') {
    status = { enabled: false, detail: 'disabled by LATENT_NATIVE=0' };
    return status;
  }
  try {
    const a = loadAddon();
    a.setThreads(blasThreads());
    let replaced = 0;
    for (const backendName of BACKENDS) {
      for (const cfg of kernelsFor(backendName)) {
        const key = `${backendName}/${cfg.kernelName}`;
        const original = tf.getKernel(cfg.kernelName, backendName);
        if (!original) continue;
        if (!stock.has(key)) stock.set(key, original);
        tf.unregisterKernel(cfg.kernelName, backendName);
        tf.registerKernel(cfg);
        replaced++;
      }
    }
    if (replaced === 0) throw new Error('no stock matmul kernel was registered to replace');
    const info = a.info();
    status = { enabled: true, detail: `OpenBLAS ${info.core} (${coreSource}), ${info.threads} thread${info.threads > 1 ? 's' : ''}` };
  } catch (e) {
    status = { enabled: false, detail: `unavailable: ${String((e as Error).message ?? e).split('\n')[0]}` };
  }
  return status;
}

/** Puts the stock tfjs kernels back (e.g. to compare against them). */
export function disableNativeKernels(): void {
  for (const [key, cfg] of stock) {
    const [backendName, kernelName] = key.split('/');
    tf.unregisterKernel(kernelName, backendName);
    tf.registerKernel(cfg);
  }
  if (status) status = { enabled: false, detail: 'disabled by disableNativeKernels()' };
}

export function nativeStatus(): NativeStatus | undefined {
  return status;
}
