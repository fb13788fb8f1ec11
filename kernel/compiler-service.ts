// What the compiler answers, whichever way it runs: in a worker thread (compiler-thread.ts) or in a process
// started from a V8 startup snapshot (compiler-process.ts, compiler-snapshot.ts). TypeScript must already be
// loaded (the thread loads it through V8's code cache) and the type resolution forwarded (resolve.ts).
import v8 from 'v8';
import vm from 'vm';
import type { LanguageContext } from './inspect';
import type { CompilerRequest } from './compiler';

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
export function createCompilerService(sourceFiles?: SourceFileCache): (request: CompilerRequest) => unknown {
  /* eslint-disable @typescript-eslint/no-var-requires */
  const { describeAt } = require('./inspect') as typeof import('./inspect');
  const { createConverter, isCompleteCode } = require('tslab/dist/converter') as typeof import('tslab/dist/converter');
  const { printQuickInfo } = require('tslab/dist/inspect') as typeof import('tslab/dist/inspect');
  // languageContext and sourceFiles come from our patch of tslab (patches/tslab+1.0.22.patch).
  const options = { isJS: false, isBrowser: false, sourceFiles } as Parameters<typeof createConverter>[0];
  const converter = createConverter(options) as ReturnType<typeof createConverter> & {
    languageContext(prevDecl: string, src: string): LanguageContext;
  };
  return (request) => {
    switch (request.op) {
      case 'convert':
        return converter.convert(withGlobals(request.prevDecl), request.source);
      case 'addModule':
        return converter.addModule(request.name, request.source, request.meta as Parameters<typeof converter.addModule>[2]);
      case 'inspect': {
        const described = describeAt(converter.languageContext(withGlobals(request.prevDecl), request.source), request.position);
        if (described) return described;
        const info = converter.inspect(withGlobals(request.prevDecl), request.source, request.position);
        return info ? printQuickInfo(info) : undefined;
      }
      case 'complete':
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
export function collectWhenIdle(collect: () => void = fullCollection()): () => void {
  let timer: NodeJS.Timeout | undefined;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(collect, IDLE_GC_MS);
    timer.unref();
  };
}
