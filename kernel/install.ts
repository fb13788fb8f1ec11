// Writes the kernelspec "Latent Lab (TypeScript)": by default into the project's own Jupyter data
// directory (<repo>/.jupyter, used through JUPYTER_PATH); with --user into the user's global kernels.
import fs from 'fs';
import os from 'os';
import path from 'path';
import { projectRoot } from './resolve';

export const KERNEL_NAME = 'latent-lab';
export const localJupyterPath = path.join(projectRoot, '.jupyter');

export function kernelSpec() {
  return {
    // --no-force-async-hooks-checks: see kernel/main.ts.
    argv: [process.execPath, '--no-force-async-hooks-checks', path.join(projectRoot, 'dist', 'kernel', 'main.js'), '{connection_file}'],
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
