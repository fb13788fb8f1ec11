// V8's code cache for the large modules a kernel loads at every start (TypeScript's 8 MB compiler above
// all): compiling them and their functions on first use is a large part of a kernel's start and restart.
// Node 20 has no module compile cache (22 has), so a module is loaded here as Node would load it, through
// a vm.Script given the bytes V8 produced after a previous kernel had used it (functions compiled lazily
// on the way included). The cache is private: beside this file in the build (dist/kernel/.cache, written by
// the first kernel of whoever built it, and readable by the grader's sandboxed kernels, which may read
// dist/kernel/) or in the user's own cache folder, never a shared /tmp (V8 checks only a cached file's
// length against the source, so a file another user could write would run their code). Its files are their
// owner's alone; the folder itself may be opened to others' reading for the compiler snapshot kept beside them
// (compiler-snapshot.ts), never to their writing.
import crypto from 'crypto';
import fs from 'fs';
import Module from 'module';
import os from 'os';
import path from 'path';
import vm from 'vm';

/** Folders tried in order: the first holding a valid cache is read; the first writable one is written. */
export function cacheDirs(): string[] {
  const home = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  return [path.join(__dirname, '.cache'), path.join(home, 'latent-lab', 'kernel-cache')];
}

type Loaded = { exports: unknown; save(): void };

/**
 * `require(id)` through V8's code cache; the module lands in require.cache, so later requires (tslab's)
 * get it. `save()` (call it once the module has done its first work) writes the cache when none was used.
 */
export function requireWithCodeCache(id: string, from: NodeJS.Require = require): Loaded {
  const filename = from.resolve(id);
  const cached = require.cache[filename];
  if (cached) return { exports: cached.exports, save: () => undefined };
  const source = fs.readFileSync(filename, 'utf8');
  const stat = fs.statSync(filename);
  const key = crypto.createHash('sha256')
    // V8 itself rejects a cache made under other flags (then it is written again).
    .update(`${process.version}\0${process.arch}\0${filename}\0${stat.size}\0${stat.mtimeMs}`)
    .digest('hex').slice(0, 24);
  const name = `${path.basename(filename, '.js')}-${key}.v8`;
  let cachedData: Buffer | undefined;
  for (const dir of cacheDirs()) {
    try {
      cachedData = fs.readFileSync(path.join(dir, name));
      break;
    } catch {
      // not there: the next folder, or no cache
    }
  }
  const script = new vm.Script(Module.wrap(source), { filename, cachedData });
  const used = cachedData !== undefined && !script.cachedDataRejected;
  const mod = new Module(filename, module);
  mod.filename = filename;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(filename));
  require.cache[filename] = mod;
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  try {
    wrapper.call(mod.exports, mod.exports, Module.createRequire(filename), mod, filename, path.dirname(filename));
  } catch (e) {
    delete require.cache[filename];
    throw e;
  }
  mod.loaded = true;
  return {
    exports: mod.exports,
    save: () => {
      if (used) return;
      const data = script.createCachedData();
      for (const dir of cacheDirs()) {
        try {
          fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
          const tmp = path.join(dir, `${name}.${process.pid}.tmp`);
          fs.writeFileSync(tmp, data, { mode: 0o600 });
          fs.renameSync(tmp, path.join(dir, name));
          // Caches of earlier versions of the module (an upgrade) go.
          const stem = `${path.basename(filename, '.js')}-`;
          for (const old of fs.readdirSync(dir)) {
            if (old.startsWith(stem) && old.endsWith('.v8') && old !== name) fs.rmSync(path.join(dir, old), { force: true });
          }
          return;
        } catch {
          // read-only (a class's shared build): the next folder
        }
      }
    },
  };
}
