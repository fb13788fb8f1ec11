// Kernel entry point: `node dist/kernel/main.js <connection-file>` (written into kernel.json by the set-up).
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
  const { Session } = require('./session') as typeof import('./session');
  const { KernelServer, readConnectionFile } = require('./server') as typeof import('./server');
  const session = new Session(process.cwd());
  const server = new KernelServer(readConnectionFile(connectionFile), session, 'Latent Lab (TypeScript) — tslab kernel');
  // SIGINT from Jupyter's interrupt: a synchronous loop is stopped by vm's breakOnSigint; a pending await here.
  process.on('SIGINT', () => session.interrupt());
  // A stray rejection or exception must not kill the kernel: report it in the current cell's stderr.
  process.on('unhandledRejection', (reason) => console.error('Unhandled promise rejection:', reason));
  process.on('uncaughtException', (err) => console.error('Uncaught exception:', err));
  server.start().catch((e) => {
    process.stderr.write(`kernel failed to start: ${e}\n`);
    process.exit(1);
  });
}

main(process.argv);
