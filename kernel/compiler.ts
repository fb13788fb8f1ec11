// The main thread's side of the compiler thread (compiler-thread.ts): each call is a message and a promise.
import path from 'path';
import { Worker } from 'worker_threads';

export type CompilerRequest =
  | { id: number; op: 'convert'; prevDecl: string; source: string }
  | { id: number; op: 'addModule'; name: string; source: string; meta: unknown }
  | { id: number; op: 'inspect' | 'complete'; prevDecl: string; source: string; position: number }
  | { id: number; op: 'isComplete'; source: string };

export type CompilerResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

type Pending = { resolve: (value: unknown) => void; reject: (e: Error) => void };
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

export class Compiler {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Resolves once the converter's program is built. */
  readonly ready: Promise<void>;

  constructor() {
    // A young generation of 12 MB (V8's default grows to 48 MB): TypeScript's program is long-lived, and
    // the default left ~30 MB of resident memory behind after a build for no measurable speed.
    this.worker = new Worker(path.join(__dirname, 'compiler-thread.js'), { resourceLimits: { maxYoungGenerationSizeMb: 12 } });
    this.worker.unref();
    this.ready = new Promise((resolve, reject) => {
      this.pending.set(0, { resolve: () => resolve(), reject });
    });
    this.worker.on('message', (r: CompilerResponse) => {
      const waiting = this.pending.get(r.id);
      if (!waiting) return;
      this.pending.delete(r.id);
      if (r.ok) waiting.resolve(r.result);
      else waiting.reject(new Error(`TypeScript compiler: ${r.error}`));
    });
    this.worker.on('error', (e) => this.failAll(e));
    this.worker.on('exit', (code) => this.failAll(new Error(`the TypeScript compiler thread exited (code ${code})`)));
  }

  call<T>(request: WithoutId<CompilerRequest>): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...request, id });
    });
  }

  close(): void {
    void this.worker.terminate();
  }

  private failAll(e: Error) {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
