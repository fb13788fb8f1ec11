// The compiler thread: tslab's TypeScript converter in a worker of its own. Building its program
// (the standard library's and Node's type declarations) takes about a second; here it runs while the
// main thread starts the sockets and loads Latent Lab, and compiling a cell never blocks the thread
// that runs cells, so an interrupt never has to cut the compiler.
import { parentPort } from 'worker_threads';
import { forwardTypeResolution } from './resolve';
import { describeAt, type LanguageContext } from './inspect';
import type { CompilerRequest, CompilerResponse } from './compiler';

// Before tslab loads its compiler (see resolve.ts).
forwardTypeResolution(process.cwd());
/* eslint-disable @typescript-eslint/no-var-requires */
const { createConverter, isCompleteCode } = require('tslab/dist/converter') as typeof import('tslab/dist/converter');
const { printQuickInfo } = require('tslab/dist/inspect') as typeof import('tslab/dist/inspect');

// languageContext comes from our patch of tslab (patches/tslab+1.0.22.patch).
const converter = createConverter({ isJS: false, isBrowser: false }) as ReturnType<typeof createConverter> & {
  languageContext(prevDecl: string, src: string): LanguageContext;
};
const port = parentPort!;

function handle(request: CompilerRequest): unknown {
  switch (request.op) {
    case 'convert':
      return converter.convert(request.prevDecl, request.source);
    case 'addModule':
      return converter.addModule(request.name, request.source, request.meta as Parameters<typeof converter.addModule>[2]);
    case 'inspect': {
      const described = describeAt(converter.languageContext(request.prevDecl, request.source), request.position);
      if (described) return described;
      const info = converter.inspect(request.prevDecl, request.source, request.position);
      return info ? printQuickInfo(info) : undefined;
    }
    case 'complete':
      return converter.complete(request.prevDecl, request.source, request.position);
    case 'isComplete': {
      const r = isCompleteCode(request.source);
      return r.completed ? { status: 'complete' } : { status: 'incomplete', indent: r.indent ?? '' };
    }
  }
}

port.on('message', (request: CompilerRequest) => {
  let response: CompilerResponse;
  try {
    response = { id: request.id, ok: true, result: handle(request) };
  } catch (e) {
    response = { id: request.id, ok: false, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
  port.postMessage(response);
});
port.postMessage({ id: 0, ok: true, result: 'ready' } satisfies CompilerResponse);
