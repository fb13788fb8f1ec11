// The kernel process must outlive anything a cell does. Three ways student code (or a library) ends
// a Node process are taken over here:
// - an unhandled rejection or uncaught exception: the kernel's own listener reports it; listeners that
//   libraries add later (tfjs-backend-wasm's Emscripten code adds two that rethrow, which exits with
//   code 7) run inside a guard, so a rethrow is not fatal;
// - process.exit() / process.reallyExit(): they throw a clear error instead (restarting is the user's choice).

export type ProcessFault = { kind: 'unhandledRejection' | 'uncaughtException'; error: unknown };

/** Thrown by process.exit() inside the kernel. */
export class ExitIntercepted extends Error {
  constructor(code: unknown) {
    super(`process.exit(${code === undefined ? '' : String(code)}) was called; the kernel keeps running ` +
      '(use "Kernel > Restart" for a fresh one).');
    this.name = 'ExitIntercepted';
  }
}

type Listener = (...args: unknown[]) => void;
const GUARDED = new Set(['uncaughtException', 'unhandledRejection', 'uncaughtExceptionMonitor']);

/**
 * Installs the guards; `report` receives every fault. Returns the real `process.exit`, which the
 * kernel keeps for its own shutdown.
 */
export function installProcessGuards(report: (fault: ProcessFault) => void): (code?: number) => never {
  const realExit = process.exit.bind(process) as (code?: number) => never;
  process.on('unhandledRejection', (reason) => report({ kind: 'unhandledRejection', error: reason }));
  process.on('uncaughtException', (error) => report({ kind: 'uncaughtException', error }));

  const guard = (event: string | symbol, listener: Listener): Listener => {
    if (typeof event !== 'string' || !GUARDED.has(event) || typeof listener !== 'function') return listener;
    const guarded = function (this: unknown, ...args: unknown[]) {
      try {
        listener.apply(this, args);
      } catch (e) {
        // A listener that rethrows what it was given (Emscripten's) adds nothing: it was reported already.
        if (e !== args[0]) report({ kind: 'uncaughtException', error: e });
      }
    };
    (guarded as { listener?: Listener }).listener = listener; // lets removeListener(listener) find it
    return guarded;
  };
  for (const method of ['on', 'addListener', 'prependListener', 'once', 'prependOnceListener'] as const) {
    const original = process[method].bind(process) as (event: string | symbol, listener: Listener) => NodeJS.Process;
    (process as unknown as Record<string, unknown>)[method] = (event: string | symbol, listener: Listener) =>
      original(event, guard(event, listener));
  }
  process.exit = ((code?: number) => { throw new ExitIntercepted(code); }) as typeof process.exit;
  const withReallyExit = process as unknown as { reallyExit?: (code?: number) => void };
  const reallyExit = withReallyExit.reallyExit;
  if (typeof reallyExit === 'function') {
    withReallyExit.reallyExit = (code?: number) => { throw new ExitIntercepted(code); };
  }
  // process.exit ends by calling process.reallyExit: the kernel's own exit (shutdown, restart) puts the
  // real one back first, or its shutdown would be intercepted like a student's call (and killed 3 s later).
  return ((code?: number) => {
    if (reallyExit) withReallyExit.reallyExit = reallyExit;
    return realExit(code);
  }) as (code?: number) => never;
}
