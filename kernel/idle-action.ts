// Work the kernel does only while the student is not waiting for it: a full garbage collection in the
// compiler (compiler-service.ts collectWhenIdle), the compiler's warm-up cells (warmUpWhenIdle) and the
// C heap's trim (native-heap.ts trimWhenIdle). Each starts once nothing has happened for a while: a student
// reading, not the gap between two cells of a run, which is a few milliseconds.

/** Called on each request answered; `cancel` drops a pending run. */
export interface IdleAction {
  (): void;
  cancel(): void;
}

export interface IdleActionOptions {
  /** Checked when the time is up: the action is skipped unless it holds (a cell still running). */
  guard?: () => boolean;
  /**
   * The timer to use: the kernel's main thread passes realTimers.setTimeout, as its global timers belong
   * to the running cell (cell-scope.ts) and an interrupt would cancel this one with them.
   */
  setTimer?: (callback: () => void, ms: number) => NodeJS.Timeout;
}

/**
 * Returns a function to call on every request: `action` runs once `ms` milliseconds have passed without a
 * further call (and `guard`, if given, holds then). The timer never keeps the process alive.
 *
 * ```ts
 * const collectLater = idleAction(1000, collectGarbage);
 * port.on('message', (request) => { reply(request); collectLater(); });
 * ```
 */
export function idleAction(ms: number, action: () => unknown, { guard, setTimer = setTimeout }: IdleActionOptions = {}): IdleAction {
  let timer: NodeJS.Timeout | undefined;
  const fire = () => {
    timer = undefined;
    if (!guard || guard()) action();
  };
  const arm = (() => {
    clearTimeout(timer);
    timer = setTimer(fire, ms);
    timer.unref();
  }) as IdleAction;
  arm.cancel = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  return arm;
}
