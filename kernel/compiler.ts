// The main thread's side of the compiler: each call is a message and a promise. The compiler is a process
// started from the compiler's V8 startup snapshot (compiler-process.ts) when one is built for this kernel,
// or else a worker thread (compiler-thread.ts) — the same service either way (compiler-service.ts). The
// snapshot spares each start, restart and interrupted compile the parsing and binding of the declarations
// (1.2-1.7 s of CPU before the first cell, as much again at the library's import); the thread is the way
// under Node's permission model (the grading kernels: no child processes), with LATENT_COMPILER_SNAPSHOT=0,
// and while the first kernel builds the snapshot in the background (compiler-snapshot.ts).
import { fork, type ChildProcess } from 'child_process';
import path from 'path';
import { Worker } from 'worker_threads';
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

export class Compiler {
  private worker?: Worker;
  private child?: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private started = false;
  private closed = false;
  /** Resolves once the converter's program is built. */
  readonly ready: Promise<void>;

  constructor() {
    this.ready = new Promise((resolve, reject) => {
      this.pending.set(0, { resolve: () => { this.started = true; resolve(); }, reject });
    });
    const useSnapshot = mayFork && !snapshotFailed && process.env.LATENT_COMPILER_SNAPSHOT !== '0';
    const snapshot = useSnapshot ? findSnapshot() : undefined;
    if (snapshot) this.startProcess(snapshot);
    else {
      this.startThread();
      if (useSnapshot) void this.ready.then(buildSnapshotInBackground, () => undefined);
    }
  }

  private startThread(): void {
    // A young generation of 12 MB (V8's default grows to 48 MB): TypeScript's program is long-lived, and
    // the default left ~30 MB of resident memory behind after a build for no measurable speed.
    const worker = new Worker(path.join(__dirname, 'compiler-thread.js'), { resourceLimits: { maxYoungGenerationSizeMb: 12 } });
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
    child.unref();
    (child as unknown as { channel?: { unref(): void } }).channel?.unref();
    child.on('message', (r: CompilerResponse) => this.settle(r));
    child.on('error', (e) => this.failAll(e));
    child.on('exit', (code, signal) => {
      if (!this.started && !this.closed) {
        // The snapshot did not start (another Node, flags V8 refuses): the thread serves, now and from now on.
        snapshotFailed = true;
        this.child = undefined;
        this.startThread();
        for (const { message } of this.pending.values()) if (message) this.worker!.postMessage(message);
        return;
      }
      this.failAll(new Error(`the TypeScript compiler process exited (${code ?? signal})`));
    });
  }

  /** `thread` or `snapshot process`: how this compiler runs (for the kernel's tests and benchmarks). */
  get kind(): 'thread' | 'process' {
    return this.child ? 'process' : 'thread';
  }

  call<T>(request: WithoutId<CompilerRequest>): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const message = { ...request, id } as CompilerRequest;
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, message });
      if (this.child) this.child.send(message);
      else this.worker!.postMessage(message);
    });
  }

  close(): void {
    this.closed = true;
    if (this.child) this.child.kill('SIGKILL');
    if (this.worker) void this.worker.terminate();
  }

  private settle(r: CompilerResponse): void {
    const waiting = this.pending.get(r.id);
    if (!waiting) return;
    this.pending.delete(r.id);
    if (r.ok) waiting.resolve(r.result);
    else waiting.reject(new Error(`TypeScript compiler: ${r.error}`));
  }

  private failAll(e: Error) {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
