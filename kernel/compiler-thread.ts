// The compiler thread: tslab's TypeScript converter in a worker of its own, where no compiler snapshot can
// be used (compiler.ts). Building its first program (the standard library's and Node's type declarations)
// takes 1-2 s of CPU; here it runs while the main thread starts the sockets (Latent Lab is loaded once it is
// built, main.ts), and compiling a cell never blocks the thread that runs cells, so an interrupt never has to
// cut the compiler. Each cell's program is built from the previous one (patches/tslab+1.0.22.patch): only the
// cell and the notebook's declarations are parsed again, and only Node's of the installed type packages are
// a cell's globals (`types`).
import { parentPort } from 'worker_threads';
import { requireWithCodeCache } from './code-cache';
import { forwardTypeResolution } from './resolve';
import { withoutNodeDocComments } from './node-doc-comments';
import { withMergedChainedOps } from './chained-ops';
import { withNodeTypesSubset } from './node-types-subset';
import type { CompilerRequest, CompilerResponse } from './compiler';

// TypeScript through V8's code cache (code-cache.ts), before anything requires it.
const typescript = requireWithCodeCache('@tslab/typescript-for-tslab');
// Before tslab loads its compiler (see resolve.ts).
forwardTypeResolution(process.cwd());
// Before the first program: Node's declarations without their doc comments (node-doc-comments.ts),
// tfjs-core's 137 chained methods read as one interface (chained-ops.ts: a quarter of each cell's compile), and
// Node's seldom-imported modules left out until a cell needs one (node-types-subset.ts: 14 MB of heap).
const sys = (typescript.exports as { sys: { readFile(p: string, encoding?: string): string | undefined } }).sys;
withoutNodeDocComments(sys);
withMergedChainedOps(sys);
withNodeTypesSubset(sys);
// After the cached load above: the service's modules require TypeScript when they load.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { createCompilerService, answer, collectWhenIdle } = require('./compiler-service') as typeof import('./compiler-service');

const handle = createCompilerService();
const port = parentPort!;

let cacheSaved = false;
const replied = collectWhenIdle();
port.on('message', (request: CompilerRequest) => {
  port.postMessage(answer(handle, request) satisfies CompilerResponse);
  replied();
  // After the first cell: the cache then holds the functions a compile needs, not just the top level.
  if (!cacheSaved && request.op === 'convert') {
    cacheSaved = true;
    typescript.save();
  }
});
port.postMessage({ id: 0, ok: true, result: 'ready' } satisfies CompilerResponse);
