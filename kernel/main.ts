// Kernel entry point: `node --no-force-async-hooks-checks dist/kernel/main.js <connection-file>`
// (written into kernel.json by the set-up; the flag lets an interrupt stop a timer callback's loop,
// see io-thread.ts, without Node aborting on the async-context stack it leaves behind).
import path from 'path';
import { forwardRuntimeResolution, projectRoot } from './resolve';
import { installTimerCancellation } from './cell-scope';

/** Frames kept in an error's stack: enough for a stack overflow's whole recursion (about 11,000 frames). */
const STACK_TRACE_LIMIT = 20_000;

function main(argv: string[]): void {
  const connectionFile = argv[2];
  if (!connectionFile) {
    process.stderr.write('usage: node dist/kernel/main.js <connection-file>\n');
    process.exit(2);
  }
  // Before any user `require` (the compiler thread forwards type resolution itself).
  forwardRuntimeResolution();
  // V8 keeps 10 frames by default: an error raised deep inside TensorFlow.js would lose the cell's frame
  // (traceback.ts shows the student's line and folds the rest, recursion included).
  Error.stackTraceLimit = STACK_TRACE_LIMIT;
  // Before the library loads: TensorFlow.js keeps the setImmediate it finds then (tf.nextFrame).
  installTimerCancellation();
  /* eslint-disable @typescript-eslint/no-var-requires */
  const { Executor } = require('./executor') as typeof import('./executor');
  const { KernelServer, readConnectionFile } = require('./server') as typeof import('./server');
  const executor = new Executor(process.cwd());
  const server = new KernelServer(readConnectionFile(connectionFile), executor, 'Latent Lab (TypeScript) — tslab kernel');
  // Ctrl-C in a terminal (Jupyter itself sends interrupt_request: the kernelspec's interrupt_mode is "message").
  process.on('SIGINT', () => executor.interrupt());
  server.start().then(async () => {
    // Every lecture's first cell imports Latent Lab: load it (TensorFlow.js and all, about a second of CPU,
    // holding the main thread) once the compiler is ready and no cell has run for half a second: loaded while
    // the compiler builds its program (the compiler thread, without a snapshot) the two shared the cores, and
    // loaded as a first cell arrives it kept that cell waiting. LATENT_PRELOAD=0 turns this off.
    if (process.env.LATENT_PRELOAD !== '0') {
      await executor.compilerReady;
      await executor.whenQuiet(500);
      setImmediate(() => {
        try {
          require(path.join(projectRoot, 'dist', 'src', 'index.js'));
        } catch {
          // A broken library shows its error when a cell imports it.
        }
      });
    }
  }).catch((e) => {
    process.stderr.write(`kernel failed to start: ${e}\n`);
    process.exitCode = 1;
    setImmediate(() => process.kill(process.pid, 'SIGTERM'));
  });
}

main(process.argv);
