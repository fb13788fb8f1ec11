// Writes the kernelspec "Latent Lab (TypeScript)": by default into the project's own Jupyter data
// directory (<repo>/.jupyter, used through JUPYTER_PATH); with --user into the user's global kernels.
import fs from 'fs';
import os from 'os';
import path from 'path';
import { projectRoot } from './resolve';

export const KERNEL_NAME = 'latent-lab';
export const localJupyterPath = path.join(projectRoot, '.jupyter');

/**
 * The main thread's heap limit in MB: half the machine's memory, at most 2 GB (tensors live outside this
 * heap, in wasm memory and typed arrays). Node's default (4 GB on 64-bit) can exceed a small machine's memory,
 * and a kernel over its limit dies by SIGABRT; the memory watchdog (io-thread.ts) stops a cell before that.
 */
export function heapLimitMB(totalBytes = os.totalmem()): number {
  return Math.max(512, Math.min(2048, Math.floor(totalBytes / 2 ** 20 / 2)));
}

export function kernelSpec() {
  return {
    // --no-force-async-hooks-checks: see kernel/main.ts.
    argv: [process.execPath, '--no-force-async-hooks-checks', path.join(projectRoot, 'dist', 'kernel', 'main.js'), '{connection_file}'],
    // Through the environment, not argv: a launcher that adds its own --max-old-space-size (the grader's
    // kernelspec, tools/assignments.py) keeps it, since command-line flags come after NODE_OPTIONS.
    // MALLOC_ARENA_MAX: glibc gives each thread (main, I/O, compiler, libuv's pool) its own malloc arena;
    // two arenas cut the idle kernel's resident memory by ~15 MB at no measured cost.
    env: { NODE_OPTIONS: `--max-old-space-size=${heapLimitMB()}`, MALLOC_ARENA_MAX: '2' },
    display_name: 'Latent Lab (TypeScript)',
    language: 'typescript',
    // Interrupts go to the I/O thread, which can stop a loop on the main thread (a signal cannot reach it).
    interrupt_mode: 'message',
    metadata: { debugger: false },
  };
}

export function installKernel(user: boolean): string {
  const base = user
    ? path.join(process.env.XDG_DATA_HOME ?? path.join(os.homedir(), '.local', 'share'), 'jupyter')
    : localJupyterPath;
  const dir = path.join(base, 'kernels', KERNEL_NAME);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, 'kernel.json.tmp');
  fs.writeFileSync(tmp, JSON.stringify(kernelSpec(), null, 2) + '\n');
  fs.renameSync(tmp, path.join(dir, 'kernel.json'));
  return dir;
}

if (require.main === module) {
  const user = process.argv.includes('--user');
  const dir = installKernel(user);
  console.log(`kernel "Latent Lab (TypeScript)" installed in ${dir}${user ? '' : ' (use JUPYTER_PATH=' + localJupyterPath + ')'}`);
}
