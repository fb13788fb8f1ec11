// The TensorFlow.js backend, chosen in one place. Order: tfjs-node-gpu (when built or installed), then wasm
// with the native kernels (the default here), then cpu. tfjs-node on the CPU is never chosen by itself: measured
// on the course's training steps it is slower than wasm with the native kernels on most of them (environment.md,
// "Which backend for which model"); LATENT_BACKEND=node asks for it, and LATENT_BACKEND forces any one.
import * as tf from '@tensorflow/tfjs-core';
import { registerGradientsAndChainedOps } from './tfjs-registrations';
// The backends are required, not imported: a side-effect import stays in this file's declarations, and every
// notebook's type check then reads their declaration files, which no type of Latent Lab's uses (the kernel's
// compiler, environment.md).
/* eslint-disable @typescript-eslint/no-var-requires */
require('@tensorflow/tfjs-backend-cpu');
require('@tensorflow/tfjs-backend-wasm');
/* eslint-enable @typescript-eslint/no-var-requires */
// tfjs-core's CommonJS build registers neither gradients nor the chained tensor methods (x.add(y)).
registerGradientsAndChainedOps();
// The chained methods' types (x.add(y)), which the union's declarations used to bring: types only.
export type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { enableNativeKernels, NativeStatus } from './native-kernels';
import { loadTfjsNode } from './tfjs-node';
import { latentThreads } from './addon';

export type BackendChoice = 'node-gpu' | 'node' | 'wasm' | 'cpu';
const CHOICES: BackendChoice[] = ['node-gpu', 'node', 'wasm', 'cpu'];
/** What ready() tries without LATENT_BACKEND: 'node' is left out by measurement (see the file's header). */
const AUTOMATIC: BackendChoice[] = ['node-gpu', 'wasm', 'cpu'];

export interface BackendInfo {
  /** What was chosen, in LATENT_BACKEND's vocabulary. */
  choice: BackendChoice;
  /** tfjs's own name of the active backend (tensorflow, wasm, cpu). */
  tfName: string;
  /** Why: forced by LATENT_BACKEND, or which earlier choices failed. */
  reason: string;
  /** The native kernels (wasm and cpu only; tfjs-node runs TensorFlow's own kernels): on, or why not. */
  native?: NativeStatus;
  /** The TensorFlow C library's version under tfjs-node / tfjs-node-gpu (e.g. '2.21.0'). */
  tensorflow?: string;
}

let chosen: Promise<BackendInfo> | undefined;
let info: BackendInfo | undefined;

async function tryChoice(choice: BackendChoice): Promise<string> {
  if (choice === 'node-gpu' || choice === 'node') {
    // tfjs-node registers the 'tensorflow' backend on load; it is absent unless the user installed it.
    loadTfjsNode(choice === 'node-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node');
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

const BACKEND_NAMES: Record<BackendChoice, string> = {
  'node-gpu': 'TensorFlow.js on the GPU (tfjs-node-gpu)',
  node: 'TensorFlow.js on native TensorFlow (tfjs-node)',
  wasm: 'TensorFlow.js on WebAssembly',
  cpu: 'TensorFlow.js on plain JavaScript',
};

/** "Not installed" is the normal state of tfjs-node-gpu here; only a package that is there and fails is news. */
function isNotInstalled(message: string): boolean {
  return /Cannot find module '@tensorflow\/tfjs-node(-gpu)?'/.test(message);
}

/** A forced tfjs-node that is not there: say how to build it (scripts/tfjs-node.sh through setup). */
function howToBuild(choice: BackendChoice, message: string): string {
  if (!isNotInstalled(message)) return message;
  return `${message.split('\n')[0]} (not built: bash scripts/setup.sh --tfjs-${choice} builds it against the machine's TensorFlow; environment.md)`;
}

/** TensorFlow's version under the tensorflow backend (its binding reports it). */
function tensorflowVersion(): string | undefined {
  const backend = tf.findBackend('tensorflow') as unknown as { binding?: { TF_Version?: string } } | null;
  return backend?.binding?.TF_Version;
}

/** The one line a student sees: what runs their tensors, and whether the native kernels are on. */
function readyLine(info: BackendInfo, forced: boolean, failures: string[]): string {
  const native = info.native
    ? info.native.enabled ? `; native kernels on: ${info.native.detail}` : `; native kernels off: ${info.native.detail}`
    : '';
  const news = failures.filter((f) => !isNotInstalled(f));
  const why = forced ? ' (forced by LATENT_BACKEND)' : news.length ? ` (${news.join('; ')})` : '';
  const version = info.tensorflow ? ` ${info.tensorflow}` : '';
  return `Latent Lab ready: ${BACKEND_NAMES[info.choice]}${version}${why}${native}.`;
}

/**
 * Chooses and initializes the TensorFlow.js backend once per process, turns on the native kernels where
 * they apply (on every core the process may use, or LATENT_THREADS of them), and prints one line saying what was chosen (LATENT_QUIET=1 silences it). Later calls wait
 * for the same choice. It resolves to nothing, so `await ll.ready()` as a cell's last line shows only
 * that line; `ll.backendInfo()` gives the details (the choice, tfjs's name for it, why, the native status).
 *
 * Order: tfjs-node-gpu (when built by `bash scripts/setup.sh --tfjs-node-gpu` or installed), wasm, cpu;
 * LATENT_BACKEND forces one of node-gpu, node, wasm, cpu (node: tfjs-node built by `setup.sh --tfjs-node`,
 * never chosen unasked because it is slower on most course models here; environment.md).
 *
 * @example
 * await ll.ready();   // Latent Lab ready: TensorFlow.js on WebAssembly; native kernels on: OpenBLAS …, 8 threads (the cores this process may use; …).
 * ll.backendInfo()?.native?.threads   // 8: every core unless LATENT_THREADS says otherwise
 * ll.backendInfo()?.choice  // 'wasm'
 * // LATENT_BACKEND=node: Latent Lab ready: TensorFlow.js on native TensorFlow (tfjs-node) 2.21.0 (forced by LATENT_BACKEND).
 */
export function ready(): Promise<void> {
  chosen ??= (async () => {
    const forced = process.env.LATENT_BACKEND?.trim();
    if (forced && !CHOICES.includes(forced as BackendChoice)) {
      throw new Error(`LATENT_BACKEND must be one of ${CHOICES.join(', ')}; got '${forced}'`);
    }
    latentThreads();  // refuses a bad LATENT_THREADS by name before any backend is tried
    const candidates = forced ? [forced as BackendChoice] : AUTOMATIC;
    const failures: string[] = [];
    for (const choice of candidates) {
      try {
        const tfName = await tryChoice(choice);
        silenceCpuBanner();
        const reason = forced ? 'forced by LATENT_BACKEND' : failures.length ? failures.join('; ') : 'first choice';
        const native = choice === 'wasm' || choice === 'cpu' ? enableNativeKernels() : undefined;
        const tensorflow = tfName === 'tensorflow' ? tensorflowVersion() : undefined;
        info = { choice, tfName, reason, ...(native ? { native } : {}), ...(tensorflow ? { tensorflow } : {}) };
        if (!process.env.LATENT_QUIET) console.log(readyLine(info, Boolean(forced), failures));
        return info;
      } catch (e) {
        const message = String((e as Error).message ?? e);
        failures.push(`${choice} unavailable: ${(forced ? howToBuild(choice, message) : message).split('\n')[0]}`);
      }
    }
    throw new Error(`no TensorFlow.js backend could start: ${failures.join('; ')}`);
  })();
  return chosen.then(() => undefined);
}

/** The backend chosen by ready(), or undefined before it resolved. */
export function backendInfo(): BackendInfo | undefined {
  return info;
}

export { tf };
