// Which cell started the code running now, carried through timers and promise continuations, so that an
// interrupt cancels what the cell left running: a timer (or tf.nextFrame, which is setImmediate in Node)
// that a cancelled cell's code sets or had set never fires, an interval stops, its output is dropped, and
// the library's long loops stop at their next step (throwIfCancelled). An `await` loop therefore stops at
// its next wait on a timer: the promise it waits for never resolves.
//
// Not AsyncLocalStorage: an enabled async hook makes Node check its async-context stack after every
// callback, and an interrupt that terminates a loop inside a callback (io-thread.ts) leaves that stack
// unwound, which aborts the process. V8's promise hooks (no async hook) and wrapped timer functions carry
// the scope instead; after a termination the server resets it (resetScope).
import timers from 'timers';
import util from 'util';
import v8 from 'v8';

/** The code a cell started: its own synchronous part and everything scheduled from it. */
export interface CellScope {
  readonly count: number;
  cancelled: boolean;
}

const SCOPE = Symbol('latent-lab.cell-scope');
type Tagged = { [SCOPE]?: CellScope };
let current: CellScope | undefined;
/** Scopes whose work may still be pending (cancelled all at once by an interrupt while no cell runs). */
const live = new Set<CellScope>();
const saved: (CellScope | undefined)[] = [];

/** The timer functions as Node made them, for the kernel's own scheduling (never cancelled). */
export const realTimers = {
  setTimeout: globalThis.setTimeout,
  setImmediate: globalThis.setImmediate,
};

/** A new scope for the cell `count` (made before its code runs, so that an interrupt can cancel it even mid-way). */
export function newCellScope(count: number): CellScope {
  const scope: CellScope = { count, cancelled: false };
  live.add(scope);
  return scope;
}

/** Runs `f` (a cell's code) in `scope`: whatever it schedules carries the scope. */
export function runInScope<T>(scope: CellScope, f: () => T): T {
  const outer = current;
  current = scope;
  try {
    return f();
  } finally {
    current = outer;
  }
}

/** After a terminated execution (no `finally` ran): back to the kernel's own, scope-less state. */
export function resetScope(): void {
  current = undefined;
  saved.length = 0;
}

/** Is the code running now part of a cancelled cell? */
export function inCancelledScope(): boolean {
  return current?.cancelled === true;
}

/** Cancels one scope, or (no argument) every cell's left-over work. */
export function cancel(scope?: CellScope): void {
  for (const s of scope ? [scope] : [...live]) {
    s.cancelled = true;
    live.delete(s);
  }
}

type TimerFn = (callback: (...args: unknown[]) => unknown, ...rest: unknown[]) => unknown;

function guarded(original: TimerFn, repeating: boolean): TimerFn {
  const clear = repeating ? timers.clearInterval : undefined;
  const wrapped = function (this: unknown, callback: (...args: unknown[]) => unknown, ...rest: unknown[]) {
    const scope = current;
    if (!scope || typeof callback !== 'function') return original.call(this, callback, ...rest);
    const handle = original.call(this, function (this: unknown, ...args: unknown[]) {
      if (scope.cancelled) {
        clear?.(handle as NodeJS.Timeout);
        return undefined;
      }
      return runInScope(scope, () => callback.apply(this, args));
    }, ...rest);
    return handle;
  };
  // util.promisify(setTimeout) and setImmediate keep working.
  const custom = (original as unknown as Record<symbol, unknown>)[util.promisify.custom];
  if (custom) Object.defineProperty(wrapped, util.promisify.custom, { value: custom });
  Object.defineProperty(wrapped, 'name', { value: original.name });
  return wrapped;
}

/**
 * Replaces setTimeout, setInterval and setImmediate (global and the `timers` module's) by versions that
 * carry the scope and skip a cancelled cell's callbacks, and tags every promise with the scope it was made
 * in, so that its continuations run in it. Installed before the library loads: TensorFlow.js keeps the
 * setImmediate it finds at load time for tf.nextFrame.
 */
export function installTimerCancellation(): void {
  const g = globalThis as unknown as Record<string, TimerFn>;
  const t = timers as unknown as Record<string, TimerFn>;
  for (const [name, repeating] of [['setTimeout', false], ['setInterval', true], ['setImmediate', false]] as const) {
    const wrapped = guarded(g[name], repeating);
    g[name] = wrapped;
    t[name] = wrapped;
  }
  v8.promiseHooks.createHook({
    init(promise) {
      if (current) (promise as Tagged)[SCOPE] = current;
    },
    before(promise) {
      saved.push(current);
      current = (promise as Tagged)[SCOPE];
    },
    after() {
      current = saved.pop();
    },
  });
}
