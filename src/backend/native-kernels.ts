// Switching Latent Lab's native kernels on and off as a whole, on the wasm and cpu backends: the BLAS
// matrix products (blas.ts), the sums over leading and trailing axes (sum-kernel.ts), the threaded
// elementwise kernels (elementwise-kernel.ts), RealNVP's coupling (affine-coupling-kernel.ts) and the fused course kernels
// (dense-kernel.ts, bernoulli-kernel.ts, reparameterize-kernel.ts). When the addon cannot load (not
// built, no OpenBLAS, another OS) or LATENT_NATIVE=0, the stock kernels and the composite ops stay,
// and ready() says so once.
import * as tf from '@tensorflow/tfjs-core';
// the stock kernels must be registered before they can be replaced (required, not imported: backend.ts)
/* eslint-disable @typescript-eslint/no-var-requires */
require('@tensorflow/tfjs-backend-cpu');
require('@tensorflow/tfjs-backend-wasm');
/* eslint-enable @typescript-eslint/no-var-requires */
import { Addon, coreTypeSource, latentThreads, loadAddon } from './addon';
import { matMulKernels } from './blas';
import { bernoulliKernels } from './bernoulli-kernel';
import { sumKernel } from './sum-kernel';
import { denseKernel } from './dense-kernel';
import { reparameterizeKernels } from './reparameterize-kernel';
import { convKernels } from './conv-kernel';
import { groupNormKernels } from './group-norm-kernel';
import { resampleKernels } from './resample-kernel';
import { identityKernels } from './identity-kernel';
import { elementwiseKernels } from './elementwise-kernel';
import { affineCouplingKernels } from './affine-coupling-kernel';
import { NativeBackendName } from './tensor-memory';

export interface NativeStatus {
  enabled: boolean;
  /** OpenBLAS core and threads when enabled; why not otherwise */
  detail: string;
  /** The threads of every native kernel (LATENT_THREADS, default the cores this process may use), when enabled. */
  threads?: number;
}

const BACKENDS: NativeBackendName[] = ['wasm', 'cpu'];
let status: NativeStatus | undefined;
let active: Addon | undefined;
const stock = new Map<string, tf.KernelConfig>();
const added: { kernelName: string; backendName: string }[] = [];

function kernelsFor(addon: Addon, name: NativeBackendName): tf.KernelConfig[] {
  const stockKernel = (kernelName: string) => stock.get(`${name}/${kernelName}`)!;
  return [...matMulKernels(addon, name, stockKernel), sumKernel(addon, name, stockKernel), denseKernel(addon, name), ...bernoulliKernels(addon, name), ...reparameterizeKernels(addon, name),
    ...convKernels(addon, name, (kernelName) => stock.get(`${name}/${kernelName}`)), ...groupNormKernels(addon, name),
    ...resampleKernels(addon, name, stockKernel), ...elementwiseKernels(addon, name, stockKernel), ...affineCouplingKernels(addon, name), ...(name === 'wasm' ? identityKernels((kernelName) => stock.get(`${name}/${kernelName}`)) : [])];
}

/** Registers the native kernels on wasm and cpu (once); returns whether they are on and why. */
export function enableNativeKernels(): NativeStatus {
  if (status?.enabled) return status;
  if (process.env.LATENT_NATIVE === '0') {
    status = { enabled: false, detail: 'disabled by LATENT_NATIVE=0' };
    return status;
  }
  // a bad LATENT_THREADS is the user's error to see, not a reason to run without the native kernels
  const threads = latentThreads();
  try {
    const addon = loadAddon();
    addon.setThreads(threads);
    let replaced = 0;
    for (const name of BACKENDS) {
      if (!tf.findBackendFactory(name)) continue;
      for (const cfg of kernelsFor(addon, name)) {
        const key = `${name}/${cfg.kernelName}`;
        const original = tf.getKernel(cfg.kernelName, name);
        if (original) {
          if (!stock.has(key)) stock.set(key, original);
          tf.unregisterKernel(cfg.kernelName, name);
          replaced++;
        } else {
          added.push({ kernelName: cfg.kernelName, backendName: name });
        }
        // The stock wasm kernel our kernel falls back to binds its wasm function in setupFunc, which the engine
        // runs on each new backend instance (tf.engine().reset(), as tfjs-core's own test suite does between
        // suites); without it the fallback would call into the disposed instance and abort.
        const stockCfg = stock.get(key);
        tf.registerKernel(stockCfg?.setupFunc && !cfg.setupFunc ? { ...cfg, setupFunc: stockCfg.setupFunc, disposeFunc: stockCfg.disposeFunc } : cfg);
      }
    }
    if (replaced === 0) throw new Error('no stock matmul kernel was registered to replace');
    active = addon;
    const info = addon.info();
    const why = process.env.LATENT_THREADS?.trim() ? 'LATENT_THREADS' : 'the cores this process may use; LATENT_THREADS sets it';
    status = { enabled: true, threads, detail: `OpenBLAS ${info.core} (${coreTypeSource()}), ${threads} thread${threads > 1 ? 's' : ''} (${why})${info.conv ? `; convolutions on ${info.conv}` : ''}` };
  } catch (e) {
    status = { enabled: false, detail: `unavailable: ${String((e as Error).message ?? e).split('\n')[0]}` };
  }
  return status;
}

/** Puts the stock tfjs kernels back and removes the fused ones (ops then use their composite forms). */
export function disableNativeKernels(): void {
  for (const [key, cfg] of stock) {
    const [backendName, kernelName] = key.split('/');
    tf.unregisterKernel(kernelName, backendName);
    tf.registerKernel(cfg);
  }
  for (const { kernelName, backendName } of added.splice(0)) tf.unregisterKernel(kernelName, backendName);
  active = undefined;
  if (status) status = { enabled: false, detail: 'disabled by disableNativeKernels()' };
}

/**
 * Whether the native kernels are on and why (undefined before `enableNativeKernels` or `ready` ran).
 */
export function nativeStatus(): NativeStatus | undefined {
  return status;
}

/** The addon when the native kernels are on and the active backend is one they serve. */
export function activeAddon(): { addon: Addon; backend: NativeBackendName } | undefined {
  const name = tf.getBackend() as NativeBackendName;
  return active && BACKENDS.includes(name) ? { addon: active, backend: name } : undefined;
}

/** Whether a native kernel is registered for the active backend. */
export function hasNativeKernel(kernelName: string): boolean {
  return activeAddon() !== undefined && tf.getKernel(kernelName, tf.getBackend()) !== undefined;
}
