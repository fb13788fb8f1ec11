// The TensorFlow.js backend, chosen in one place. Order: tfjs-node-gpu, tfjs-node (when installed and
// loadable), then wasm (the default here: float32, one thread), then cpu. LATENT_BACKEND forces one.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
// tfjs-core's CommonJS build registers neither gradients nor the chained tensor methods (x.add(y));
// the union package's Node bundle registers both into the same tfjs-core.
import '@tensorflow/tfjs';
import { enableNativeKernels, NativeStatus } from './native/native-kernels';

export type BackendChoice = 'node-gpu' | 'node' | 'wasm' | 'cpu';
const ORDER: BackendChoice[] = ['node-gpu', 'node', 'wasm', 'cpu'];

export interface BackendInfo {
  /** What was chosen, in LATENT_BACKEND's vocabulary. */
  choice: BackendChoice;
  /** tfjs's own name of the active backend (tensorflow, wasm, cpu). */
  tfName: string;
  /** Why: forced by LATENT_BACKEND, or which earlier choices failed. */
  reason: string;
  /** The native kernels (wasm and cpu only): on, or why not. */
  native?: NativeStatus;
}

let chosen: Promise<BackendInfo> | undefined;
let info: BackendInfo | undefined;

async function tryChoice(choice: BackendChoice): Promise<string> {
  if (choice === 'node-gpu' || choice === 'node') {
    // tfjs-node registers the 'tensorflow' backend on load; it is absent unless the user installed it.
    require(choice === 'node-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node');
    if (!(await tf.setBackend('tensorflow'))) throw new Error('the tensorflow backend did not initialize');
    return 'tensorflow';
  }
  if (!(await tf.setBackend(choice))) throw new Error(`the ${choice} backend did not initialize`);
  return choice;
}

/** The cpu backend prints an "install tfjs-node" banner on first use; that install cannot work here. */
function silenceCpuBanner(): void {
  const cpu = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (cpu) cpu.firstUse = false;
}

/**
 * Chooses and initializes the backend once per process; later calls return the same answer.
 * Prints the choice once (set LATENT_QUIET=1 to silence).
 */
export function ready(): Promise<BackendInfo> {
  chosen ??= (async () => {
    const forced = process.env.LATENT_BACKEND?.trim();
    if (forced && !ORDER.includes(forced as BackendChoice)) {
      throw new Error(`LATENT_BACKEND must be one of ${ORDER.join(', ')}; got '${forced}'`);
    }
    const candidates = forced ? [forced as BackendChoice] : ORDER;
    const failures: string[] = [];
    for (const choice of candidates) {
      try {
        const tfName = await tryChoice(choice);
        silenceCpuBanner();
        const reason = forced ? 'forced by LATENT_BACKEND' : failures.length ? failures.join('; ') : 'first choice';
        const native = choice === 'wasm' || choice === 'cpu' ? enableNativeKernels() : undefined;
        info = { choice, tfName, reason, ...(native ? { native } : {}) };
        const nativeText = native ? `; native kernels ${native.enabled ? 'on: ' : 'off, '}${native.detail}` : '';
        if (!process.env.LATENT_QUIET) console.log(`latent-lab: TensorFlow.js backend '${choice}' (${reason})${nativeText}`);
        return info;
      } catch (e) {
        failures.push(`${choice} unavailable: ${String((e as Error).message ?? e).split('\n')[0]}`);
      }
    }
    throw new Error(`no TensorFlow.js backend could start: ${failures.join('; ')}`);
  })();
  return chosen;
}

/** The backend chosen by ready(), or undefined before it resolved. */
export function backendInfo(): BackendInfo | undefined {
  return info;
}

export { tf };
