// Makes a notebook in any folder see the project's packages: Node's types (`console`), tfjs,
// and `latent-lab` itself, both for tslab's type checker and for `require` at run time.
import fs from 'fs';
import Module from 'module';
import path from 'path';

/** The repository root: dist/kernel/ → ../.. */
export const projectRoot = path.resolve(__dirname, '..', '..');

/**
 * tslab resolves types from the kernel's working directory; outside the repository it finds no
 * `node_modules/@types/node` and cannot type `console`. We forward every missing path under
 * `<cwd>/node_modules/` to the project's own `node_modules/`, before tslab builds its compiler.
 */
export function forwardTypeResolution(cwd: string): void {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const ts = require('@tslab/typescript-for-tslab');
  const fromDir = path.join(cwd, 'node_modules') + path.sep;
  const toDir = path.join(projectRoot, 'node_modules') + path.sep;
  if (fromDir === toDir) return;
  const sys = ts.sys;
  const forward = (p: string): string =>
    p.startsWith(fromDir) && !fs.existsSync(p) ? toDir + p.slice(fromDir.length) : p;
  for (const name of ['readFile', 'fileExists', 'directoryExists', 'getDirectories', 'realpath', 'getModifiedTime']) {
    const original = sys[name];
    if (typeof original !== 'function') continue;
    sys[name] = (p: string, ...rest: unknown[]) => original.call(sys, forward(p), ...rest);
  }
  const readDirectory = sys.readDirectory;
  sys.readDirectory = (p: string, ...rest: unknown[]) => readDirectory.call(sys, forward(p), ...rest);
}

/** Lets `require('latent-lab')` and its dependencies resolve from any working directory. */
export function forwardRuntimeResolution(): void {
  const extra = path.join(projectRoot, 'node_modules');
  const current = (process.env.NODE_PATH ?? '').split(path.delimiter).filter(Boolean);
  if (!current.includes(extra)) {
    process.env.NODE_PATH = [...current, extra].join(path.delimiter);
    (Module as unknown as { _initPaths(): void })._initPaths();
  }
}
