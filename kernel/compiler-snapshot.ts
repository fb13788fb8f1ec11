// The compiler's V8 startup snapshot (compiler-process.ts): where it is kept, when it is current, and how it
// is built. It is built once per version of the kernel, TypeScript, tslab and Node — by the set-up (`node
// dist/kernel/compiler-snapshot.js`) or else in the background by the first kernel that finds none (at the
// lowest CPU priority; that kernel and those started meanwhile use the compiler thread) — into the code
// cache's folders (code-cache.ts: dist/kernel/.cache, else the user's cache folder; never a shared /tmp: a
// snapshot is code that runs, so only its owner may write it or its folder). Unlike the code cache it is
// readable by others: the users of a shared install (a JupyterHub class) start their compilers from the one
// snapshot the set-up built instead of each building their own (66 MB, 5 s of CPU). V8 accepts a snapshot
// only under the flags it was built with, hence fixed flags and no NODE_OPTIONS for the compiler process.
import crypto from 'crypto';
import { spawn, spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { cacheDirs } from './code-cache';
import { projectRoot } from './resolve';

/**
 * The compiler process's V8 flags, at build and at run: an 8 MB semi-space (a 24 MB young generation, as the
 * compiler thread's resource limit). V8's default (16 MB, growing the young generation to 48 MB) left ~30 MB
 * more resident memory behind for no measurable speed; 4 MB made each cell's program and checker, which live
 * until the next cell, survive a scavenge or two and fill the old generation: a cell's compile took a median
 * of 5.4-6.2 ms against 3.8-5.1 ms with 8 MB, at the same resident memory (one process, alternating runs, 200
 * cells each; environment.md).
 */
export const COMPILER_FLAGS = ['--max-semi-space-size=8'];

/**
 * The snapshot's file name for this Node, these flags and these inputs: the kernel's own JavaScript by
 * content (every build rewrites it, mostly unchanged: a new snapshot only when it changed), tslab's and
 * TypeScript's by size and modification time (they change only with an install).
 */
export function snapshotName(): string {
  const hash = crypto.createHash('sha256').update(`${process.version}\0${process.arch}\0${COMPILER_FLAGS.join(' ')}`);
  for (const file of fs.readdirSync(__dirname).filter((f) => f.endsWith('.js')).sort()) {
    hash.update(`\0${file}\0`).update(fs.readFileSync(path.join(__dirname, file)));
  }
  const modules = path.join(projectRoot, 'node_modules');
  const tslab = path.join(modules, 'tslab', 'dist');
  const installed = [
    ...fs.readdirSync(tslab).filter((f) => f.endsWith('.js')).sort().map((f) => path.join(tslab, f)),
    path.join(modules, '@tslab', 'typescript-for-tslab', 'lib', 'typescript.js'),
  ];
  for (const file of installed) {
    const s = fs.statSync(file);
    hash.update(`\0${file}\0${s.size}\0${s.mtimeMs}`);
  }
  return `compiler-${hash.digest('hex').slice(0, 24)}.blob`;
}

/** The current snapshot's path, or undefined when none is built (or it cannot be checked). */
export function findSnapshot(): string | undefined {
  let name: string;
  try {
    name = snapshotName();
  } catch {
    return undefined;
  }
  for (const dir of cacheDirs()) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) return file;
  }
  return undefined;
}

/** The environment of the compiler process and its build: NODE_OPTIONS would change V8's flags (see above). */
export function compilerEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return env;
}

/**
 * Writes compiler-process.js and what it requires (TypeScript, tslab, the kernel's own modules) as one script,
 * the snapshot's entry: without whitespace or comments, every character ASCII. V8 keeps a script's source in
 * the heap for as long as its functions may still be compiled, at one byte a character only when each one fits
 * in a byte: three curly apostrophes in TypeScript's comments made the 9 MB bundle a two-byte string, 18 MB in
 * each compiler; without them, and without whitespace (5.8 MB), the compiler after the library's import is
 * 137 → 120 MB. Names stay, for the compiler's stack traces. A character esbuild leaves outside ASCII can only
 * be in a kept (legal) comment, where its escape is only text.
 */
export async function writeCompilerBundle(outfile: string): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const esbuild = require('esbuild') as typeof import('esbuild');
  await esbuild.build({
    entryPoints: [path.join(__dirname, 'compiler-process.js')],
    bundle: true,
    platform: 'node',
    format: 'iife',
    charset: 'ascii',
    minifyWhitespace: true,
    outfile,
    logLevel: 'silent',
    plugins: [{
      name: 'own-filename',
      setup(build) {
        build.onLoad({ filter: /\.js$/ }, (args) => ({
          contents: `var __filename = ${JSON.stringify(args.path)}, __dirname = ${JSON.stringify(path.dirname(args.path))};\n` +
            fs.readFileSync(args.path, 'utf8'),
          loader: 'js',
        }));
      },
    }],
  });
  const text = fs.readFileSync(outfile, 'utf8');
  fs.writeFileSync(outfile, text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/**
 * Bundles compiler-process.js (a snapshot's entry is one script; each bundled module keeps its own
 * __filename and __dirname, which TypeScript uses to find its standard library) and builds the snapshot from
 * it, in the project's folder, unless it exists. Written under a temporary name and renamed; earlier snapshots
 * in that folder go.
 */
export async function buildSnapshot(): Promise<string> {
  const name = snapshotName();
  // Built meanwhile by another kernel (each kernel started before it existed asks for one).
  const existing = findSnapshot();
  if (existing) return existing;
  let lastError: unknown;
  for (const dir of cacheDirs()) {
    const lock = path.join(dir, `${name}.lock`);
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx', mode: 0o600 });
    } catch (e) {
      // Read-only (the next folder), or another kernel is building it (its lock is fresh): not twice.
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && Date.now() - fs.statSync(lock).mtimeMs < 10 * 60_000) {
        throw new Error(`another process is building the compiler snapshot (${lock})`);
      }
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') fs.rmSync(lock, { force: true });
      lastError = e;
      continue;
    }
    const bundle = path.join(dir, `${name}.${process.pid}.js`);
    const blob = path.join(dir, `${name}.${process.pid}.tmp`);
    try {
      await writeCompilerBundle(bundle);
      const built = spawnSync(process.execPath, [...COMPILER_FLAGS, '--snapshot-blob', blob, '--build-snapshot', bundle], {
        cwd: projectRoot, env: compilerEnv(), encoding: 'utf8',
      });
      if (built.status !== 0) throw new Error(`node --build-snapshot failed (${built.status ?? built.signal}): ${built.stderr.trim().split('\n').slice(-3).join(' ')}`);
      fs.chmodSync(blob, 0o644);
      fs.renameSync(blob, path.join(dir, name));
      // Others may look into the folder (to read this), never write in it; the code cache's files stay 0600.
      fs.chmodSync(dir, 0o755);
      for (const old of fs.readdirSync(dir)) {
        if (old.startsWith('compiler-') && old.endsWith('.blob') && old !== name) fs.rmSync(path.join(dir, old), { force: true });
      }
      return path.join(dir, name);
    } finally {
      fs.rmSync(bundle, { force: true });
      fs.rmSync(blob, { force: true });
      fs.rmSync(lock, { force: true });
    }
  }
  throw new Error(`no writable folder for the compiler snapshot: ${lastError}`);
}

/** Starts building the snapshot in a detached process at the lowest CPU priority (once per kernel). */
let started = false;
export function buildSnapshotInBackground(): void {
  if (started) return;
  started = true;
  try {
    const child = spawn(process.execPath, [__filename], { cwd: projectRoot, env: compilerEnv(), detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    if (child.pid !== undefined) os.setPriority(child.pid, 19);
    child.unref();
  } catch {
    // No snapshot: the compiler thread goes on serving.
  }
}

if (require.main === module) {
  buildSnapshot().then(
    (file) => process.stdout.write(`compiler snapshot: ${file}\n`),
    (e) => {
      process.stderr.write(`compiler snapshot not built: ${e instanceof Error ? e.message : e}\n`);
      process.exitCode = 1;
    },
  );
}
