// The main thread's side of the compiler: each call is a message and a promise. The compiler is a process
// started from the compiler's V8 startup snapshot (compiler-process.ts) when one is built for this kernel,
// or else a worker thread (compiler-thread.ts) — the same service either way (compiler-service.ts). The
// snapshot spares each start, restart and interrupted compile the parsing and binding of the declarations
// (1.2-1.7 s of CPU before the first cell, as much again at the library's import); the thread is the way
// under Node's permission model (the grading kernels: no child processes), with LATENT_COMPILER_SNAPSHOT=0,
// and while the first kernel builds the snapshot in the background (compiler-snapshot.ts).
import { fork, type ChildProcess } from 'child_process';
import fs from 'fs';
import path from 'path';
import { Worker } from 'worker_threads';
import { realTimers } from './cell-scope';
import { buildSnapshotInBackground, COMPILER_FLAGS, compilerEnv, findSnapshot } from './compiler-snapshot';

export type CompilerRequest =
  | { id: number; op: 'convert'; prevDecl: string; source: string }
  | { id: number; op: 'addModule'; name: string; source: string; meta: unknown }
  | { id: number; op: 'inspect' | 'complete'; prevDecl: string; source: string; position: number }
  | { id: number; op: 'isComplete'; source: string };

export type CompilerResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

type Pending = { resolve: (value: unknown) => void; reject: (e: Error) => void; message?: CompilerRequest };
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** Child processes are refused under Node's permission model (process.permission exists only there). */
const mayFork = (process as unknown as { permission?: unknown }).permission === undefined;
/** Set when a snapshot's process failed to start: this kernel uses the thread from then on. */
let snapshotFailed = false;

/**
 * Seconds without a request after which the compiler process exits (LATENT_COMPILER_IDLE_S, 300 by default;
 * 0 keeps it): a kernel left idle then holds no TypeScript program (~270 MB with Latent Lab's declarations),
 * and the next request starts the process again from the snapshot — about 0.75 s of CPU before that cell's
 * result, which is why the default waits five minutes (a student reading between cells rarely pays it).
 */
function idleMs(): number {
  const s = Number(process.env.LATENT_COMPILER_IDLE_S ?? 300);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 0;
}

export class Compiler {
  private worker?: Worker;
  private child?: ChildProcess;
  private snapshot?: string;
  private readonly pending = new Map<number, Pending>();
  /** The cell-defined modules ("//%module"), given again to a new process or a replacement compiler. */
  private readonly modules = new Map<string, CompilerRequest>();
  private idleTimer?: NodeJS.Timeout;
  private nextId = 1;
  private closed = false;
  /** Resolves once the converter's program is built. */
  readonly ready: Promise<void>;

  constructor(modules: Iterable<CompilerRequest> = []) {
    this.ready = new Promise((resolve, reject) => {
      this.pending.set(0, { resolve: () => resolve(), reject });
    });
    const useSnapshot = mayFork && !snapshotFailed && process.env.LATENT_COMPILER_SNAPSHOT !== '0';
    this.snapshot = useSnapshot ? findSnapshot() : undefined;
    if (this.snapshot) this.startProcess(this.snapshot);
    else {
      this.startThread();
      if (useSnapshot) void this.ready.then(buildSnapshotInBackground, () => undefined);
    }
    for (const m of modules) this.modules.set((m as { name: string }).name, m);
    this.replayModules();
  }

  /** A new compiler with this one's cell-defined modules (an interrupt cut this one's compile); this one ends. */
  replacement(): Compiler {
    this.close();
    return new Compiler(this.modules.values());
  }

  private startThread(): void {
    // The compiler process's young generation (compiler-snapshot.ts COMPILER_FLAGS: an 8 MB semi-space, 24 MB
    // in all; V8's default grows to 48 MB and left ~30 MB more resident memory behind after a build).
    const worker = new Worker(path.join(__dirname, 'compiler-thread.js'), { resourceLimits: { maxYoungGenerationSizeMb: 24 } });
    this.worker = worker;
    worker.unref();
    worker.on('message', (r: CompilerResponse) => this.settle(r));
    worker.on('error', (e) => this.failAll(e));
    worker.on('exit', (code) => this.failAll(new Error(`the TypeScript compiler thread exited (code ${code})`)));
  }

  private startProcess(snapshot: string): void {
    // fork's module argument is not run: the snapshot's own main function serves (compiler-process.ts).
    const child = fork(path.join(__dirname, 'compiler-process.js'), [], {
      execArgv: [...COMPILER_FLAGS, '--snapshot-blob', snapshot],
      env: compilerEnv(),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    this.child = child;
    let started = false;
    child.unref();
    (child as unknown as { channel?: { unref(): void } }).channel?.unref();
    child.on('message', (r: CompilerResponse) => {
      if (r.id === 0) started = true;
      this.settle(r);
    });
    child.on('error', (e) => {
      if (child === this.child) this.failAll(e);
    });
    child.on('exit', (code, signal) => {
      if (child !== this.child) return; // put to sleep (idle) or closed
      this.child = undefined;
      if (!started && !this.closed) {
        // The snapshot did not start (another Node, flags V8 refuses): the thread serves, now and from now on.
        snapshotFailed = true;
        this.startThread();
        for (const m of this.modules.values()) this.worker!.postMessage({ ...m, id: this.nextId++ });
        for (const { message } of this.pending.values()) if (message) this.worker!.postMessage(message);
        return;
      }
      this.failAll(new Error(`the TypeScript compiler process exited (${code ?? signal})`));
    });
  }

  /** The cell-defined modules, to a new process (their answers were given when they were first defined). */
  private replayModules(): void {
    for (const m of this.modules.values()) this.post({ ...m, id: this.nextId++ });
  }

  private post(message: CompilerRequest): void {
    if (this.child) this.child.send(message);
    else this.worker!.postMessage(message);
  }

  /** `process` (from the snapshot; also while it sleeps) or `thread`: how this compiler runs. */
  get kind(): 'thread' | 'process' {
    return this.worker ? 'thread' : 'process';
  }

  /** Is the compiler process running now (false while it sleeps after an idle spell)? */
  get awake(): boolean {
    return this.worker !== undefined || this.child !== undefined;
  }

  call<T>(request: WithoutId<CompilerRequest>): Promise<T> {
    const id = this.nextId++;
    const message = { ...request, id } as CompilerRequest;
    clearTimeout(this.idleTimer);
    if (!this.worker && !this.child && !this.closed) {
      // Asleep: a new process from the snapshot (or the thread, if the snapshot has gone since).
      if (this.snapshot && fs.existsSync(this.snapshot)) this.startProcess(this.snapshot);
      else this.startThread();
      this.replayModules();
    }
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, message });
      this.post(message);
    });
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.idleTimer);
    const child = this.child;
    this.child = undefined;
    child?.kill('SIGKILL');
    if (this.worker) void this.worker.terminate();
  }

  private settle(r: CompilerResponse): void {
    const waiting = this.pending.get(r.id);
    if (!waiting) return;
    this.pending.delete(r.id);
    // A module compiled (not one whose compile an interrupt cut: that would cut its replacement too).
    if (r.ok && waiting.message?.op === 'addModule') this.modules.set(waiting.message.name, waiting.message);
    if (r.ok) waiting.resolve(r.result);
    else waiting.reject(new Error(`TypeScript compiler: ${r.error}`));
    if (this.pending.size === 0 && this.child) {
      const ms = idleMs();
      if (ms > 0) {
        // The kernel's own timer: not a cell's (cell-scope.ts), so an interrupt does not cancel it.
        this.idleTimer = realTimers.setTimeout(() => this.sleep(), ms);
        this.idleTimer.unref();
      }
    }
  }

  /** Ends an idle compiler process; the next call starts another. */
  private sleep(): void {
    if (this.pending.size > 0 || !this.child) return;
    const child = this.child;
    this.child = undefined;
    child.kill();
  }

  private failAll(e: Error) {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
