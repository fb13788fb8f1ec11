// The compiler as a process started from a V8 startup snapshot (built by compiler-snapshot.ts, run by
// compiler.ts). While the snapshot is built, this script loads TypeScript and tslab, and parses and binds the
// declarations every kernel needs — the standard library's, Node's (doc comments blanked,
// node-doc-comments.ts; the modules a notebook seldom imports left out until one does, node-types-subset.ts),
// Latent Lab's and TensorFlow.js's (its chained methods read as one interface, chained-ops.ts) — by converting a first cell and the import of `latent-lab` in the project's folder. A
// kernel's compiler then starts by deserializing that heap (about a quarter of a second) instead of parsing
// and binding them again (1.2-1.7 s of CPU for the first cell, as much again for the library's import).
// What it keeps is only the parsed files, by path: the converter itself is built afresh for the notebook's
// folder, and a file changed since the snapshot (its size or modification time) is dropped and read again,
// so a cell is checked against the declarations on disk.
import crypto from 'crypto';
import fs from 'fs';
import v8 from 'v8';
import { forwardTypeResolution } from './resolve';
import { releaseSnapshotCopy } from './snapshot-copy';
import { withoutNodeDocComments } from './node-doc-comments';
import { withMergedChainedOps } from './chained-ops';
import { leftOutGlobalNames, withNodeTypesSubset } from './node-types-subset';
import { answer, collectWhenIdle, createCompilerService, fullCollection, warmUpWhenIdle, type SourceFileCache } from './compiler-service';
import { memoryAddon } from './memory-addon';
import type { CompilerRequest, CompilerResponse } from './compiler';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const ts = require('@tslab/typescript-for-tslab') as typeof import('typescript');
withoutNodeDocComments(ts.sys);
withMergedChainedOps(ts.sys);
withNodeTypesSubset(ts.sys);

const sourceFiles: SourceFileCache = new Map();
/** Each kept file's size and modification time when it was parsed, and its content's hash. */
const stamps = new Map<string, { stamp: string; hash: string }>();
const stampOf = (file: string) => {
  const s = fs.statSync(file);
  return `${s.size}:${s.mtimeMs}`;
};
const hashOf = (file: string) => crypto.createHash('sha1').update(fs.readFileSync(file)).digest('hex');

/** Parses what every kernel's first cells need (run while the snapshot is built, in the project's folder). */
function parseCommonDeclarations(): void {
  const handle = createCompilerService(sourceFiles);
  handle({ id: 1, op: 'convert', prevDecl: '', source: '1 + 1' });
  handle({ id: 2, op: 'convert', prevDecl: '', source: 'import * as ll from "latent-lab";\nll.tf.scalar(1)' });
  leftOutGlobalNames(ts);
  for (const [file, { version }] of sourceFiles) {
    // Only files that cannot change within a kernel (tslab's version ""): not the cells' own files.
    if (version !== '') sourceFiles.delete(file);
    else stamps.set(file, { stamp: stampOf(file), hash: hashOf(file) });
  }
}

/** The kernel's side (compiler.ts) talks to this process over Node's IPC channel. */
function serve(): void {
  for (const [file, { stamp, hash }] of stamps) {
    // A file touched but not changed (Latent Lab's declarations after a rebuild) is kept: same text, same parse.
    let same: boolean;
    try {
      same = stampOf(file) === stamp || hashOf(file) === hash;
    } catch {
      same = false;
    }
    if (!same) sourceFiles.delete(file);
  }
  forwardTypeResolution(process.cwd());
  const handle = createCompilerService(sourceFiles);
  const send = (response: CompilerResponse) => process.send!(response);
  // Once idle: V8's low-memory collection and the C heap's trim (the compiler after the library and forty
  // cells: 185 → 146 MB, where a plain full collection had left it); without the addon, the full collection.
  const addon = memoryAddon();
  const replied = collectWhenIdle(addon ? () => { addon.lowMemoryNotification(); addon.trimMemory(); } : fullCollection());
  // The snapshot's V8 data is read again only to make a V8 context: the compiler makes none (fullCollection
  // makes one, before this, when there is no addon to release anything with). Node's copy goes back (57 MB).
  const blob = process.execArgv.indexOf('--snapshot-blob');
  if (blob >= 0) releaseSnapshotCopy(process.execArgv[blob + 1]);
  const warmUp = warmUpWhenIdle(handle);
  process.on('message', (request: CompilerRequest) => {
    warmUp.cancel();
    const response = answer(handle, request);
    send(response);
    replied();
    warmUp.after(request, response.ok ? response.result : undefined);
  });
  // The kernel went away (exited, killed, or replaced this compiler): so does its compiler.
  process.on('disconnect', () => process.exit(0));
  send({ id: 0, ok: true, result: 'ready' });
}

if (v8.startupSnapshot?.isBuildingSnapshot()) {
  parseCommonDeclarations();
  v8.startupSnapshot.setDeserializeMainFunction(serve);
} else {
  // Run without a snapshot (a check of this file): the same service, nothing kept.
  serve();
}
