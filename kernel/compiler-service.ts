// What the compiler answers, whichever way it runs: in a worker thread (compiler-thread.ts) or in a process
// started from a V8 startup snapshot (compiler-process.ts, compiler-snapshot.ts). TypeScript must already be
// loaded (the thread loads it through V8's code cache) and the type resolution forwarded (resolve.ts).
import v8 from 'v8';
import vm from 'vm';
import { idleAction, type IdleAction } from './idle-action';
import type { LanguageContext } from './inspect';
import type { CompilerRequest } from './compiler';
import type * as TS from 'typescript';
import { failsOnLeftOutDeclaration, fullNodeTypes, importsLeftOutModule, useFullNodeTypes } from './node-types-subset';

/** tslab's parsed files by path (patches/tslab+1.0.22.patch): shared to reuse a snapshot's parsed declarations. */
export type SourceFileCache = Map<string, { file: unknown; version: string }>;

/**
 * Globals the kernel adds (server.ts): the browser's prompt(). Appended to the previous cells' declarations
 * on every call; the converter's declaration output drops a global augmentation, so it never doubles.
 */
const KERNEL_GLOBALS = '\ndeclare global {\n  /** A line of text from the front end (an input_request on stdin); blocks the cell until it is answered. */\n' +
  '  function prompt(message?: string, _default?: string): string;\n}\n';
const withGlobals = (prevDecl: string) => prevDecl + KERNEL_GLOBALS;

/**
 * Builds tslab's converter (its first program: the standard library's and Node's declarations, from
 * `sourceFiles` where they are there) and returns the function answering each request.
 */
export function createCompilerService(sourceFiles: SourceFileCache = new Map()): (request: CompilerRequest) => unknown {
  /* eslint-disable @typescript-eslint/no-var-requires */
  const ts = require('@tslab/typescript-for-tslab') as typeof TS;
  const { describeAt } = require('./inspect') as typeof import('./inspect');
  const { createConverter, isCompleteCode } = require('tslab/dist/converter') as typeof import('tslab/dist/converter');
  const { printQuickInfo } = require('tslab/dist/inspect') as typeof import('tslab/dist/inspect');
  // languageContext and sourceFiles come from our patch of tslab (patches/tslab+1.0.22.patch).
  const options = { isJS: false, isBrowser: false, sourceFiles } as Parameters<typeof createConverter>[0];
  const converter = createConverter(options) as ReturnType<typeof createConverter> & {
    languageContext(prevDecl: string, src: string): LanguageContext;
  };
  // Node's declarations are a subset until a cell needs the rest (node-types-subset.ts). The previous cells'
  // declarations are scanned with the first request that carries them (a compiler started again after its idle
  // exit, after the notebook's modules were given to it); then each cell and module.
  let prevScanned = false;
  const needNodeTypesFor = (prevDecl: string | undefined, source: string) => {
    if (fullNodeTypes()) return;
    let text = source;
    if (prevDecl !== undefined && !prevScanned) {
      text = `${prevDecl}\n${source}`;
      prevScanned = true;
    }
    if (importsLeftOutModule(ts, text)) useFullNodeTypes(sourceFiles);
  };
  return (request) => {
    switch (request.op) {
      case 'convert': {
        needNodeTypesFor(request.prevDecl, request.source);
        const prevDecl = withGlobals(request.prevDecl);
        let converted = converter.convert(prevDecl, request.source);
        if (!fullNodeTypes() && failsOnLeftOutDeclaration(ts, converted.diagnostics) && useFullNodeTypes(sourceFiles)) {
          converted = converter.convert(prevDecl, request.source);
        }
        // A cell that declares nothing hands back the declarations it was given (patches/tslab+1.0.22.patch):
        // the kernel's globals are not the notebook's.
        if (converted.declOutput === prevDecl) converted.declOutput = request.prevDecl;
        return converted;
      }
      case 'addModule':
        needNodeTypesFor(undefined, request.source);
        return converter.addModule(request.name, request.source, request.meta as Parameters<typeof converter.addModule>[2]);
      case 'inspect': {
        needNodeTypesFor(request.prevDecl, request.source);
        const described = describeAt(converter.languageContext(withGlobals(request.prevDecl), request.source), request.position);
        if (described) return described;
        const info = converter.inspect(withGlobals(request.prevDecl), request.source, request.position);
        return info ? printQuickInfo(info) : undefined;
      }
      case 'complete':
        needNodeTypesFor(request.prevDecl, request.source);
        return converter.complete(withGlobals(request.prevDecl), request.source, request.position);
      case 'isComplete': {
        const r = isCompleteCode(request.source);
        return r.completed ? { status: 'complete' } : { status: 'incomplete', indent: r.indent ?? '' };
      }
    }
  };
}

/** One request answered: the result, or the error as text (both sides of the compiler speak this). */
export function answer(handle: (request: CompilerRequest) => unknown, request: CompilerRequest) {
  try {
    return { id: request.id, ok: true as const, result: handle(request) };
  } catch (e) {
    return { id: request.id, ok: false as const, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

/** Quiet time after a reply before the compiler collects its garbage (a student reading, not a run of cells). */
const IDLE_GC_MS = 1000;

/** V8's full garbage collection, exposed at run time (the snapshot's V8 flags are fixed, compiler-snapshot.ts). */
export function fullCollection(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/**
 * Returns what to call after each reply: once no request has come for a second, `collect` (a full garbage
 * collection). Each cell leaves a TypeScript program and checker behind, and V8 lets the old generation grow to
 * about twice what is live before it collects (a compiler process after 150 cells: heap 210 MB used, 105 MB
 * live); a collection while the student reads gives the pages back.
 */
export function collectWhenIdle(collect: () => void = fullCollection()): IdleAction {
  return idleAction(IDLE_GC_MS, collect);
}

/** Throwaway cells compiled after a cell that changed the program (measured: 20-30 bring a cell's compile to its floor). */
const WARM_UP_CELLS = 30;
/** Quiet time before they start: longer than a run of cells leaves between a reply and the next request. */
const WARM_UP_QUIET_MS = 25;

/**
 * Compiles throwaway cells while no request waits, after the first cell and after any cell that imports: a new
 * program's first cells run TypeScript's checker in code V8 has not optimized yet (after the library's import the
 * next cell took 60 ms and the twenty after it 8 ms each, against 4-6 ms once thirty cells had run). One at a time,
 * each in its own turn of the event loop, so a request that arrives waits for at most one of them; their answers
 * are dropped, and the next real cell's program is built from theirs like from any earlier cell's. `after` is
 * called with each answered request, `cancel` when a request arrives; they start once no request has come for 25 ms.
 */
export function warmUpWhenIdle(handle: (request: CompilerRequest) => unknown, cells = WARM_UP_CELLS, quietMs = WARM_UP_QUIET_MS) {
  let left = 0, prevDecl = '', warmed = false, scheduled: NodeJS.Immediate | undefined;
  const step = (i: number) => {
    scheduled = undefined;
    if (left <= 0) return;
    left--;
    try {
      // an expression and a declaration in turn, the two kinds of cell the round trip is measured on
      handle({ id: -1, op: 'convert', prevDecl, source: i % 2 === 0 ? `0 + ${i}` : `const __warmUp = ${i}` });
    } catch {
      left = 0;
      return;
    }
    scheduled = setImmediate(step, i + 1);
  };
  const startLater = idleAction(quietMs, () => step(cells - left));
  return {
    cancel(): void {
      startLater.cancel();
      if (scheduled) clearImmediate(scheduled);
      scheduled = undefined;
    },
    after(request: CompilerRequest, result: unknown): void {
      if (request.op !== 'convert') return;
      // the notebook's declarations as the next cell will see them
      prevDecl = (result as { declOutput?: string } | undefined)?.declOutput ?? request.prevDecl;
      if (!warmed || /\bimport\b|\brequire\s*\(/.test(request.source)) left = cells;
      warmed = true;
      // not between the cells of a run (they would wait for a throwaway one): only once none has come for a while
      if (left > 0) startLater();
    },
  };
}

