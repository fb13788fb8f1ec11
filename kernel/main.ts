// Kernel entry point: `node --no-force-async-hooks-checks dist/kernel/main.js <connection-file>`
// (written into kernel.json by the set-up; the flag lets an interrupt stop a timer callback's loop,
// see io-thread.ts, without Node aborting on the async-context stack it leaves behind).
import { forwardRuntimeResolution, forwardTypeResolution } from './resolve';

function main(argv: string[]): void {
  const connectionFile = argv[2];
  if (!connectionFile) {
    process.stderr.write('usage: node dist/kernel/main.js <connection-file>\n');
    process.exit(2);
  }
  // Both must happen before tslab loads its compiler and before any user `require`.
  forwardTypeResolution(process.cwd());
  forwardRuntimeResolution();
  /* eslint-disable @typescript-eslint/no-var-requires */
  const { Executor } = require('./executor') as typeof import('./executor');
  const { KernelServer, readConnectionFile } = require('./server') as typeof import('./server');
  const executor = new Executor(process.cwd());
  const server = new KernelServer(readConnectionFile(connectionFile), executor, 'Latent Lab (TypeScript) — tslab kernel');
  // Ctrl-C in a terminal (Jupyter itself sends interrupt_request: the kernelspec's interrupt_mode is "message").
  process.on('SIGINT', () => executor.interrupt());
  server.start().catch((e) => {
    process.stderr.write(`kernel failed to start: ${e}\n`);
    process.exitCode = 1;
    setImmediate(() => process.kill(process.pid, 'SIGTERM'));
  });
}

main(process.argv);
