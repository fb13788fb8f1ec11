// Runs cells: tslab's converter (in the compiler thread, compiler.ts) turns a cell into JavaScript
// with source maps (patches/), and this executor runs it so that the student's work survives. Each cell runs in its own macrotask, so
// that an interrupt which terminates a runaway loop (io-thread.ts) unwinds the cell's code only;
// declarations made before an error or an interrupt stay defined for the next cell.
import Module from 'module';
import path from 'path';
import vm from 'vm';
import { Compiler } from './compiler';
import { CellScope, cancel, newCellScope, realTimers, runInScope } from './cell-scope';
import { CellSourceMap } from './source-map';
import { CellError, CellRecord, cellErrorOf, cellFileName, diagnosticsError, Diagnostic } from './traceback';

export type CellOutcome =
  | { ok: true; hasValue: boolean; value?: unknown }
  | { ok: false; error: CellError };

// A cell's synchronous code runs inside a vm script with breakOnSigint: a SIGINT stops it (the I/O thread
// sends one when the inspector is refused, under Node's permission model; Ctrl-C in a terminal too).
const RUN_KEY = Symbol.for('latent-lab.run-cell');
const breakable = new vm.Script('globalThis[Symbol.for("latent-lab.run-cell")]()', { filename: 'latent-lab-run-cell' });
// Only under the permission model (process.permission exists): elsewhere the inspector stops anything, and a
// breakOnSigint script around every cell made 20 interrupted timer loops in a row hang the kernel (soak test).
const sandboxed = (process as unknown as { permission?: unknown }).permission !== undefined;
function runBreakable<T>(f: () => T): T {
  if (!sandboxed) return f();
  const g = globalThis as unknown as Record<symbol, unknown>;
  g[RUN_KEY] = f;
  try {
    return breakable.runInThisContext({ breakOnSigint: true }) as T;
  } finally {
    delete g[RUN_KEY];
  }
}
const stoppedBySigint = (e: unknown) => (e as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED';

/** The error a cell ends with when the user interrupts it. */
export class Interrupted extends Error {
  constructor(message = 'Interrupted by the user') {
    super(message);
    this.name = 'Interrupted';
  }
}

interface Converted {
  output?: string;
  /** The run JS's source map back to the cell (after the converter's one-line prefix). */
  outputMap?: string;
  declOutput?: string;
  diagnostics: Diagnostic[];
  hasToplevelAwait?: boolean;
  sideOutputs?: { path: string; data: string }[];
  lastExpressionVar?: string;
}

const WRAPPER_LINES = 1;

type CodeMetadata = { mode?: string; module?: string };

/** tslab's "//%module" and "//%browser" markers, read without loading TypeScript for ordinary cells. */
function codeMetadata(source: string): CodeMetadata {
  if (!source.includes('//%')) return {};
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { getCodeMetadata } = require('tslab/dist/metadata') as typeof import('tslab/dist/metadata');
  return getCodeMetadata(source);
}

/**
 * The converter re-exports named imports with getters and marks `__esModule` read-only; as in tslab,
 * both become plain writable values, so that a later cell may import or assign the same name again.
 */
function localsObject(): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  return new Proxy(values, {
    defineProperty: (_target, prop, attrs) => {
      if (prop === '__esModule') return true;
      values[prop as string] = attrs.get ? attrs.get() : attrs.value;
      return true;
    },
  });
}

/** Inside `f(a, g(b), |)`: the position of `f`'s last character; undefined outside any call. */
export function calleePosition(source: string, position: number): number | undefined {
  let depth = 0;
  for (let i = Math.min(position, source.length) - 1; i >= 0; i--) {
    const c = source[i];
    if (c === ')' || c === ']' || c === '}') depth++;
    else if (c === '[' || c === '{') depth--;
    else if (c === '(') {
      if (depth > 0) { depth--; continue; }
      let j = i - 1;
      while (j >= 0 && /\s/.test(source[j])) j--;
      if (j >= 0 && /[\w$]/.test(source[j])) return j;
      return undefined;
    }
    if (depth < 0) return undefined;
  }
  return undefined;
}

export class Executor {
  private compiler = new Compiler();
  private prevDecl = '';
  /** The values of every top-level declaration, shared by all cells (the converter's `exports.x`). */
  readonly locals: Record<string, unknown> = localsObject();
  private readonly require: NodeJS.Require;
  private readonly sideOutputs = new Map<string, string>();
  private readonly sideModules = new Map<string, Module>();
  readonly cells = new Map<number, CellRecord>();
  /** Ends the running cell early (interrupt); undefined when no cell runs. */
  private finishRunning?: (outcome: CellOutcome) => void;
  /** Called once, when a cell first imports tslab (the kernel connects tslab's display API then). */
  onTslabImport?: () => void;
  /** While a cell compiles: an interrupt ends it at once (stop), and the cell does not start. */
  private compiling?: { interrupted?: Interrupted; stop?: (reason: Interrupted) => void };
  /** The running cell's scope: cancelled by an interrupt, with everything it scheduled (cell-scope.ts). */
  private scope?: CellScope;
  /** From the end of a cell's compile to its first turn (a setImmediate): a timer that fires in between is not the cell's. */
  private awaitingStart = false;

  constructor(private readonly cwd: string) {
    this.require = this.wrapRequire(Module.createRequire(path.join(cwd, 'src.js')), cwd);
  }

  /** Cells being executed now, and when the last one ended (whenQuiet). */
  private active = 0;
  private lastEnded = 0;

  async execute(source: string, count: number): Promise<CellOutcome> {
    this.active++;
    try {
      return await this.executeCell(source, count);
    } finally {
      this.active--;
      this.lastEnded = Date.now();
    }
  }

  /** Resolves once no cell has run for `ms` milliseconds from now on (main.ts loads the library then). */
  async whenQuiet(ms: number): Promise<void> {
    const since = Date.now();
    for (;;) {
      const wait = this.active > 0 ? ms : Math.max(this.lastEnded, since) + ms - Date.now();
      if (wait <= 0) return;
      await new Promise((resolve) => realTimers.setTimeout(resolve, wait));
    }
  }

  private async executeCell(source: string, count: number): Promise<CellOutcome> {
    const meta = codeMetadata(source);
    if (meta.mode === 'browser') {
      return this.failure(new Error('"//%browser" cells are not supported by the Latent Lab kernel'));
    }
    const compiling: { interrupted?: Interrupted; stop?: (reason: Interrupted) => void } = {};
    const stopped = new Promise<never>((_, reject) => { compiling.stop = reject; });
    this.compiling = compiling;
    // An interrupt does not wait for the compiler (a 30,000-line cell takes a minute): see interrupt().
    const compile = <T>(call: Promise<T>) => {
      call.catch(() => undefined); // the losing side of the race is nobody's rejection
      return Promise.race([call, stopped]);
    };
    let converted: Converted;
    try {
      if (meta.module) {
        const diagnostics = await compile(this.compiler.call<Diagnostic[]>({ op: 'addModule', name: meta.module, source, meta }));
        return diagnostics.length > 0 ? { ok: false, error: diagnosticsError(count, source, diagnostics) } : { ok: true, hasValue: false };
      }
      converted = await compile(this.compiler.call<Converted>({ op: 'convert', prevDecl: this.prevDecl, source }));
    } catch (e) {
      return this.failure(e);
    } finally {
      this.compiling = undefined;
    }
    if (compiling.interrupted) return this.failure(compiling.interrupted);
    for (const out of converted.sideOutputs ?? []) {
      this.sideModules.delete(out.path);
      this.sideOutputs.set(out.path, out.data);
    }
    if (converted.diagnostics.length > 0) {
      return { ok: false, error: diagnosticsError(count, source, converted.diagnostics) };
    }
    if (!converted.output) {
      this.prevDecl = converted.declOutput ?? '';
      return { ok: true, hasValue: false };
    }
    const record: CellRecord = { source, wrapperLines: WRAPPER_LINES };
    if (converted.outputMap) record.map = new CellSourceMap(converted.outputMap, 1);
    this.cells.set(count, record);

    let run: (exports: object, require: NodeJS.Require) => unknown;
    // The converter flags a top-level `await` but not a top-level `for await` (TypeScript reports no error
    // for it): a cell containing one runs as an async function too, harmless if the loop was in one already.
    const isAsync = converted.hasToplevelAwait || /\bfor\s+await\s*\(/.test(converted.output);
    try {
      const wrapped = `(${isAsync ? 'async ' : ''}function (exports, require) {\n${converted.output}\n})`;
      run = new vm.Script(wrapped, { filename: cellFileName(count) }).runInThisContext() as typeof run;
    } catch (e) {
      return this.failure(e);
    }
    // From here on the cell's declarations exist (the converter sets them all to undefined first), so the
    // next cell must know their types even if this one stops half way.
    this.prevDecl = converted.declOutput ?? '';
    this.awaitingStart = true;
    const outcome = await new Promise<CellOutcome>((resolve) => {
      this.finishRunning = resolve;
      realTimers.setImmediate(() => {
        this.awaitingStart = false;
        if (this.finishRunning !== resolve) return; // interrupted before it started
        try {
          const scope = this.scope = newCellScope(count);
          const ret = runInScope(scope, () => runBreakable(() => run(this.locals, this.require)));
          if (isAsync) {
            (ret as Promise<unknown>).then(() => resolve({ ok: true, hasValue: false }), (e) => resolve(this.failure(e)));
          } else {
            resolve({ ok: true, hasValue: false });
          }
        } catch (e) {
          resolve(this.failure(stoppedBySigint(e) ? new Interrupted('the running code was stopped') : e));
        }
      });
    });
    this.finishRunning = undefined;
    this.scope = undefined;
    const name = converted.lastExpressionVar;
    if (!outcome.ok || !name) return outcome;
    const value = this.locals[name];
    delete this.locals[name];
    return value === undefined || value === null ? outcome : { ok: true, hasValue: true, value };
  }

  /** Resolves when the compiler thread has built its program (the first cell can compile). */
  get compilerReady(): Promise<void> {
    return this.compiler.ready.catch(() => undefined);
  }

  /** Is a cell waiting to start: compiling, or compiled with its first turn not yet come? */
  get codeNotStarted(): boolean {
    return this.compiling !== undefined || this.awaitingStart;
  }

  /** Ends the running cell with an Interrupted error; returns false when no cell was running. */
  interrupt(reason = new Interrupted()): boolean {
    if (this.compiling) {
      // The compiler is busy with this cell and cannot be told to stop: it is replaced by a new one (from the
      // snapshot in a fraction of a second; a thread builds its program again, a second or two). The notebook's
      // declarations live here (prevDecl) and the replacement is given the "//%module" files compiled so far,
      // so nothing of the student's is lost.
      this.compiling.interrupted = reason;
      this.compiling.stop?.(reason);
      this.compiler = this.compiler.replacement();
      return true;
    }
    const finish = this.finishRunning;
    if (!finish) return false;
    this.finishRunning = undefined;
    if (this.scope) cancel(this.scope);
    finish(this.failure(reason));
    return true;
  }

  failure(thrown: unknown): CellOutcome {
    return { ok: false, error: cellErrorOf(thrown, this.cells) };
  }

  /** Shift-Tab: the symbol under the cursor or, inside a call's parentheses, the function being called. */
  async inspect(source: string, position: number): Promise<string | undefined> {
    for (const at of [position, calleePosition(source, position)]) {
      if (at === undefined) continue;
      const text = await this.compiler.call<string | undefined>({ op: 'inspect', prevDecl: this.prevDecl, source, position: at });
      if (text) return text;
    }
    return undefined;
  }

  /** is_complete_request: asked of the compiler thread, which has TypeScript loaded. */
  isComplete(source: string): Promise<{ status: 'complete' } | { status: 'incomplete'; indent: string }> {
    return this.compiler.call({ op: 'isComplete', source });
  }

  complete(source: string, position: number): Promise<{ candidates: string[]; start: number; end: number }> {
    return this.compiler.call({ op: 'complete', prevDecl: this.prevDecl, source, position });
  }

  close(): void {
    this.compiler.close();
  }

  /** `require` for cells: `tslab` itself, and the cell-defined modules (`//%module`) before Node's. */
  private wrapRequire(base: NodeJS.Require, dirname: string): NodeJS.Require {
    const fromSideOutputs = (id: string): unknown => {
      let filename = path.join(dirname, id);
      if (path.extname(filename) === '') filename += '.js';
      const cached = this.sideModules.get(filename);
      if (cached) return cached.exports;
      const code = this.sideOutputs.get(filename);
      if (code === undefined) return undefined;
      const mod = new Module(filename, module) as Module & { _compile(code: string, file: string): void };
      mod.filename = filename;
      mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(filename));
      mod.require = this.wrapRequire(mod.require as NodeJS.Require, path.dirname(filename)) as typeof mod.require;
      mod._compile(code, filename);
      this.sideModules.set(filename, mod);
      return mod.exports;
    };
    return new Proxy(base, {
      apply: (_target, thisArg, args: [string]) => {
        if (args.length === 1 && args[0] === 'tslab') {
          this.onTslabImport?.();
          this.onTslabImport = undefined;
          return require('tslab');
        }
        if (args.length === 1 && (args[0].startsWith('./') || args[0].startsWith('../'))) {
          const mod = fromSideOutputs(args[0]);
          if (mod !== undefined) return mod;
        }
        return Reflect.apply(base, thisArg, args);
      },
    });
  }
}
