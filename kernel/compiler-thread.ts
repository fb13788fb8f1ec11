// The compiler thread: tslab's TypeScript converter in a worker of its own. Building its first program
// (the standard library's and Node's type declarations) takes 1-2 s of CPU; here it runs while the main
// thread starts the sockets (Latent Lab is loaded once it is built, main.ts), and compiling a cell never
// blocks the thread that runs cells, so an interrupt never has to cut the compiler. Each cell's program is
// built from the previous one (patches/tslab+1.0.22.patch): only the cell and the notebook's declarations
// are parsed again, and only Node's of the installed type packages are a cell's globals (`types`).
import { parentPort } from 'worker_threads';
import { requireWithCodeCache } from './code-cache';
import { forwardTypeResolution } from './resolve';
import { withoutNodeDocComments } from './node-doc-comments';
import type { LanguageContext } from './inspect';
import type { CompilerRequest, CompilerResponse } from './compiler';

// TypeScript through V8's code cache (code-cache.ts), before anything requires it.
const typescript = requireWithCodeCache('@tslab/typescript-for-tslab');
// Before tslab loads its compiler (see resolve.ts).
forwardTypeResolution(process.cwd());
// Before the first program: Node's declarations without their doc comments (node-doc-comments.ts).
withoutNodeDocComments((typescript.exports as { sys: { readFile(p: string, encoding?: string): string | undefined } }).sys);
/* eslint-disable @typescript-eslint/no-var-requires */
// After the cached load above: inspect.ts requires TypeScript when it loads.
const { describeAt } = require('./inspect') as typeof import('./inspect');
const { createConverter, isCompleteCode } = require('tslab/dist/converter') as typeof import('tslab/dist/converter');
const { printQuickInfo } = require('tslab/dist/inspect') as typeof import('tslab/dist/inspect');

// languageContext comes from our patch of tslab (patches/tslab+1.0.22.patch).
const converter = createConverter({ isJS: false, isBrowser: false }) as ReturnType<typeof createConverter> & {
  languageContext(prevDecl: string, src: string): LanguageContext;
};
const port = parentPort!;

/**
 * Globals the kernel adds (server.ts): the browser's prompt(). Appended to the previous cells' declarations
 * on every call; the converter's declaration output drops a global augmentation, so it never doubles.
 */
const KERNEL_GLOBALS = '\ndeclare global {\n  /** A line of text from the front end (an input_request on stdin); blocks the cell until it is answered. */\n' +
  '  function prompt(message?: string, _default?: string): string;\n}\n';
const withGlobals = (prevDecl: string) => prevDecl + KERNEL_GLOBALS;

function handle(request: CompilerRequest): unknown {
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
}

let cacheSaved = false;
port.on('message', (request: CompilerRequest) => {
  let response: CompilerResponse;
  try {
    response = { id: request.id, ok: true, result: handle(request) };
  } catch (e) {
    response = { id: request.id, ok: false, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
  port.postMessage(response);
  // After the first cell: the cache then holds the functions a compile needs, not just the top level.
  if (!cacheSaved && request.op === 'convert') {
    cacheSaved = true;
    typescript.save();
  }
});
port.postMessage({ id: 0, ok: true, result: 'ready' } satisfies CompilerResponse);
