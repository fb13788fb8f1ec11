// The kernel's main thread (Jupyter messaging spec 5.3): runs shell requests one at a time. The
// sockets live in the I/O thread (io-thread.ts), so that the heartbeat, interrupts and output go on
// while a cell holds this thread. Dispatch: kernel_info, interrupt and shutdown are answered by the I/O
// thread (its IO_HANDLERS); every other request type is handled in this file's `handlers`, once.
import fs from 'fs';
import path from 'path';
import util from 'util';
import v8 from 'v8';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';
import { Executor, CellOutcome, Interrupted } from './executor';
import { ConnectionInfo, FromIo, MAIN_TICK_MS, PROMPT, SHARED, ToIo, Channel, MemoryReport } from './io-protocol';
import { CommManager, CommRegistry } from './comms';
import { installProcessGuards, ProcessFault } from './process-guards';
import { CellError, cellErrorOf } from './traceback';
import { mimeBundleOf, MimeBundle } from './session';
import { cancel, inCancelledScope, realTimers, resetScope } from './cell-scope';
import { kernelInfo } from './kernel-info';
import { trimWhenIdle } from './native-heap';
import type { KernelDisplayHook as LibraryDisplayHook } from '../src/display/kernel-hook';
import { Message } from './wire';

/** The display hook the library calls (declared in src/display/kernel-hook.ts), plus the comms: the kernel is found through globalThis, never imported. */
export interface KernelDisplayHook extends LibraryDisplayHook {
  /** Jupyter comms (the transport of widgets). */
  comms: CommRegistry;
}

type HistoryEntry = [number, number, string];

/** The process that started the kernel, read as early as possible (see io-thread.ts). */
const LAUNCHER = process.ppid;
type Request = { channel: Channel; msg: Message; seq: number };
type Handler = (request: Request) => Promise<void> | void;

export class KernelServer {
  private readonly io: Worker;
  private readonly shared = new Int32Array(new SharedArrayBuffer(SHARED.length * 4));
  private readonly queue: Request[] = [];
  private draining = false;
  /** Gives V8's and the C heap's free memory back once no cell has run for a while (native-heap.ts). */
  private readonly trimLater = trimWhenIdle(() => !this.cellActive && !this.draining);
  private executionCount = 0;
  private readonly history: HistoryEntry[] = [];
  private readonly sessionNumber = 1;
  /** The request whose cell output is going out now; output written later still goes to it, as in ipykernel. */
  private current?: Message;
  /** Displays still rendering for the running cell. */
  private pending: Promise<unknown>[] = [];
  /** A fault (unhandled rejection, uncaught exception) while a cell runs fails that cell. */
  private cellFault?: CellError;
  /** From an execute request's start to its reply. */
  private cellActive = false;
  private readonly realExit: (code?: number) => never;
  /** Comm messages go out under the request being handled (a cell, or a comm message from the front end). */
  private readonly comms = new CommManager((type, content, metadata, buffers) =>
    this.publish(this.current, type, content, metadata, buffers));
  private readonly stdoutWrite = process.stdout.write.bind(process.stdout);
  private readonly stderrWrite = process.stderr.write.bind(process.stderr);
  /** execute_replies sent, and those the I/O thread has confirmed sending (with the requests that had arrived by then). */
  private executeReplies = 0;
  private executeRepliesSent = 0;
  private readonly replyWaiters = new Map<number, (arrived: number) => void>();
  /** A cell waiting for the front end's input_reply (ll.input). */
  private awaitingInput?: { resolve: (value: string) => void; reject: (e: Error) => void };
  /** The I/O thread hands the standard prompt()'s answer over this port while the main thread is blocked. */
  private readonly inputPort: MessagePort;

  constructor(conn: ConnectionInfo, private readonly executor: Executor, private readonly banner: string) {
    this.realExit = installProcessGuards((fault) => this.onFault(fault));
    const input = new MessageChannel();
    this.inputPort = input.port1;
    this.io = new Worker(path.join(__dirname, 'io-thread.js'), {
      workerData: {
        connection: conn, kernelInfo: kernelInfo(banner), shared: this.shared.buffer, launcher: LAUNCHER,
        heapLimit: v8.getHeapStatistics().heap_size_limit, inputPort: input.port2,
      },
      transferList: [input.port2],
      // The I/O thread's objects are short-lived messages: a small young generation (see compiler.ts).
      resourceLimits: { maxYoungGenerationSizeMb: 12 },
      stdout: false, stderr: false,
    });
  }

  start(): Promise<void> {
    // The I/O thread reads this tick to tell a waiting main thread from one stuck in JavaScript.
    setInterval(() => Atomics.add(this.shared, SHARED.tick, 1), MAIN_TICK_MS).unref();
    this.installOutputHooks();
    return new Promise((resolve, reject) => {
      this.io.on('error', (e) => { this.log('I/O thread failed:', e); this.realExit(1); });
      this.io.on('message', (m: FromIo) => {
        switch (m.kind) {
          case 'started': return resolve();
          case 'failed': return reject(new Error(m.error));
          case 'request': return this.enqueue(m);
          case 'replied': {
            const n = ++this.executeRepliesSent;
            this.replyWaiters.get(n)?.(m.seq);
            this.replyWaiters.delete(n);
            return;
          }
          case 'interrupt': return this.onInterrupt(m.terminated, m.cell, m.memory);
          case 'shutdown': return this.shutdownNow();
        }
      });
    });
  }

  private send(m: ToIo) {
    this.io.postMessage(m);
  }

  private log(...args: unknown[]) {
    this.stderrWrite(args.map((a) => (typeof a === 'string' ? a : util.inspect(a))).join(' ') + '\n');
  }

  private publish(parent: Message | undefined, type: string, content: unknown, metadata?: Record<string, unknown>, buffers?: Uint8Array[]) {
    this.send({ kind: 'publish', parent, type, content, metadata, buffers });
  }

  private reply(request: Request, type: string, content: unknown) {
    if (request.channel === 'shell' && type === 'execute_reply') this.executeReplies++;
    this.send({ kind: 'reply', channel: request.channel, parent: request.msg, type, content });
  }

  /** Streams and displays go to the cell that is running, or to the last one that ran. */
  private installOutputHooks() {
    const toStream = (name: 'stdout' | 'stderr', fallback: typeof process.stdout.write) =>
      ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        if (!this.current) return (fallback as (...a: unknown[]) => boolean)(chunk, ...rest);
        const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
        // An interrupted cell's left-over work prints nothing into later cells.
        if (inCancelledScope()) { cb?.(); return true; }
        const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
        this.send({ kind: 'stream', parent: this.current, name, text });
        cb?.();
        return true;
      }) as typeof process.stdout.write;
    process.stdout.write = toStream('stdout', this.stdoutWrite);
    process.stderr.write = toStream('stderr', this.stderrWrite);

    const hook: KernelDisplayHook = {
      display: (bundle, options = {}) => {
        if (!this.current || inCancelledScope()) return;
        const transient = options.displayId ? { display_id: options.displayId } : {};
        this.publish(this.current, options.update ? 'update_display_data' : 'display_data',
          { data: bundle, metadata: options.metadata ?? {}, transient });
      },
      clearOutput: (wait = false) => {
        if (this.current && !inCancelledScope()) this.publish(this.current, 'clear_output', { wait });
      },
      throwIfCancelled: () => {
        if (inCancelledScope()) throw new Interrupted(INTERRUPTED_WAITING);
      },
      input: (prompt, password) => this.input(prompt, password).catch((e: Error) => {
        throw Object.assign(e, { message: `ll.input: ${e.message}` });
      }),
      // Work started by a cell delays its reply; work started later (a widget moved) belongs to no cell.
      track: (work) => {
        if (this.cellActive) this.pending.push(work);
        else work.catch((e) => this.onFault({ kind: 'unhandledRejection', error: e }));
      },
      comms: this.comms,
    };
    (globalThis as { __latentLabKernel__?: KernelDisplayHook }).__latentLabKernel__ = hook;
    // The browser's prompt(), which Node lacks: synchronous, a line from the front end (or null, as a
    // browser's Cancel, never: Jupyter has no cancel). Declared for the type checker in compiler-thread.ts.
    const prompt = (message: unknown = '') => this.promptSync(String(message));
    (globalThis as { prompt?: typeof prompt }).prompt = prompt;
    // The converter reads every name declared beside the previous cells' declarations from the cells'
    // shared exports (`exports.prompt(...)`): the declaration is there, so is the value.
    this.executor.locals.prompt = prompt;
    // tslab's own display API (import * as tslab from "tslab") writes through a variable of its jupyter
    // module, which loads TypeScript: connected when a cell first imports tslab, not at start-up.
    this.executor.onTslabImport = () => {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const tslabJupyter = require('tslab/dist/jupyter');
      tslabJupyter.lastWriteDisplayData = (data: { data: MimeBundle; metadata?: object; transient?: { display_id?: string } }, update: boolean) => {
        hook.display(data.data, { displayId: data.transient?.display_id, update, metadata: data.metadata as Record<string, unknown> });
      };
    };
  }

  /** An unhandled rejection or uncaught exception: the running cell fails with it; otherwise stderr says it. */
  private onFault(fault: ProcessFault) {
    // A cancelled cell's left-over work ending with Interrupted (throwIfInterrupted) is what was asked for.
    if (fault.error instanceof Error && fault.error.name === 'Interrupted') return;
    const what = fault.kind === 'unhandledRejection' ? 'Unhandled promise rejection' : 'Uncaught exception';
    const error = cellErrorOf(fault.error, this.executor.cells);
    if (this.cellActive) {
      this.cellFault ??= { ...error, evalue: `${error.evalue} (${what.toLowerCase()}: a promise nobody awaited, or a callback)` };
      return;
    }
    const text = `${what} (outside a running cell):\n${error.traceback.join('\n')}\n`;
    if (this.current) this.send({ kind: 'stream', parent: this.current, name: 'stderr', text });
    else this.stderrWrite(text);
  }

  private onInterrupt(terminated: boolean, cell: number, memory?: MemoryReport) {
    if (terminated) resetScope();
    // A cell that started after the interrupt (it was queued behind a stuck timer callback) runs normally.
    const running = Atomics.load(this.shared, SHARED.runningCell);
    const reason = memory ? new OutOfMemory(memory) : new Interrupted(terminated ? INTERRUPTED_RUNNING : INTERRUPTED_WAITING);
    // Code stopped before the cell's own first turn (while it compiled, or between its compile and that
    // turn) was not the cell's: a timer callback or continuation of an earlier cell (the cell then runs).
    const cellCodeStopped = !(terminated && this.executor.codeNotStarted);
    if (running !== 0 && running === cell && cellCodeStopped && this.executor.interrupt(reason)) return;
    // No cell runs: what earlier cells left running (intervals, await loops) stops.
    cancel();
    if (terminated) {
      const text = 'Interrupted: stopped code that ran outside a cell (a timer callback or a promise continuation).\n';
      if (this.current) this.send({ kind: 'stream', parent: this.current, name: 'stderr', text });
      else this.stderrWrite(text);
    }
  }

  private enqueue(request: Request) {
    // An input_reply answers the running cell: it cannot wait in the queue behind it.
    if (request.channel !== 'shell') {
      void Promise.resolve(this.handle(request)).catch((e) => this.log('error handling', request.msg.header.msg_type, e));
      return;
    }
    this.queue.push(request);
    void this.drain();
  }

  private async drain() {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const request = this.queue.shift()!;
        this.publish(request.msg, 'status', { execution_state: 'busy' });
        try {
          await this.handle(request);
        } catch (e) {
          this.log('error handling', request.msg.header.msg_type, e);
        } finally {
          this.publish(request.msg, 'status', { execution_state: 'idle' });
          this.trimLater();
        }
      }
    } finally {
      this.draining = false;
    }
  }

  /** The main thread's requests, one handler per message type (the I/O thread answers the rest). */
  private readonly handlers: Record<Channel, Record<string, Handler>> = {
    shell: {
      execute_request: (r) => this.execute(r),
      complete_request: async (r) => {
        const c = r.msg.content;
        const info = await this.executor.complete(c.code, c.cursor_pos ?? c.code.length);
        this.reply(r, 'complete_reply',
          { status: 'ok', metadata: {}, matches: info.candidates, cursor_start: info.start, cursor_end: info.end });
      },
      inspect_request: async (r) => {
        const c = r.msg.content;
        const cursor = c.cursor_pos ?? c.code.length;
        const text = await this.executor.inspect(c.code, cursor);
        // A bare `any` is what the compiler says of a name it does not know.
        if (text && text.trim() !== 'any') return this.reply(r, 'inspect_reply', { status: 'ok', found: true, data: { 'text/plain': text }, metadata: {} });
        // Shift-Tab on a name TypeScript does not know: say so, rather than show nothing.
        const name = /[\w$.]*[\w$]$/.exec(c.code.slice(0, cursor))?.[0] + (/^[\w$]*/.exec(c.code.slice(cursor))?.[0] ?? '');
        const data = name && name !== 'undefined' ? { 'text/plain': `${name}: no such name here (not declared in this notebook, nor a member of what precedes the dot)` } : {};
        this.reply(r, 'inspect_reply', { status: 'ok', found: false, data, metadata: {} });
      },
      is_complete_request: async (r) => this.reply(r, 'is_complete_reply', await this.executor.isComplete(r.msg.content.code)),
      history_request: (r) => this.reply(r, 'history_reply', { status: 'ok', history: this.queryHistory(r.msg.content) }),
      comm_info_request: (r) => this.reply(r, 'comm_info_reply', { status: 'ok', comms: this.comms.info(r.msg.content.target_name) }),
      comm_open: (r) => this.comm(r),
      comm_msg: (r) => this.comm(r),
      comm_close: (r) => this.comm(r),
    },
    control: {},
    stdin: {
      input_reply: (r) => {
        const waiting = this.awaitingInput;
        this.awaitingInput = undefined;
        waiting?.resolve(String(r.msg.content?.value ?? ''));
      },
    },
  };

  private async handle(request: Request) {
    const handler = this.handlers[request.channel][request.msg.header.msg_type];
    if (handler) return handler(request);
    this.log('unsupported request', request.channel, request.msg.header.msg_type);
  }

  private async comm(request: Request) {
    const { msg } = request;
    // Output and messages from the handlers belong to this request, as in ipykernel.
    const previous = this.current;
    this.current = msg;
    try {
      await this.comms.handle(msg.header.msg_type, msg.content ?? {}, msg.metadata ?? {}, msg.buffers ?? []);
    } catch (e) {
      const error = cellErrorOf(e, this.executor.cells);
      this.send({ kind: 'stream', parent: msg, name: 'stderr', text: `Error in a ${msg.header.msg_type} handler:\n${error.traceback.join('\n')}\n` });
    } finally {
      this.current = previous;
    }
  }

  /** Why input cannot be asked for now (ll.input, prompt), or the execute request to ask through. */
  private inputRequestOrError(): Message | Error {
    const request = this.current;
    if (!this.cellActive || !request || request.header.msg_type !== 'execute_request') {
      return new Error('no cell is running; input can only be asked for while a cell runs');
    }
    if (!request.content?.allow_stdin) {
      return new Error('this front end does not accept input (its execute request says allow_stdin: false); ' +
        'put the value in the cell instead');
    }
    if (this.awaitingInput || Atomics.load(this.shared, SHARED.prompt) !== PROMPT.idle) return new Error('the cell is already waiting for an input');
    return request;
  }

  /** `await ll.input(prompt)`: an input_request on stdin to the front end that sent the running cell. */
  private input(prompt: string, password: boolean): Promise<string> {
    const request = this.inputRequestOrError();
    if (request instanceof Error) return Promise.reject(request);
    return new Promise<string>((resolve, reject) => {
      this.awaitingInput = { resolve, reject };
      this.send({ kind: 'reply', channel: 'stdin', parent: request, type: 'input_request', content: { prompt, password } });
    });
  }

  /**
   * The standard prompt(): blocks the main thread until the I/O thread has the front end's input_reply
   * (as ipykernel's input() does); an interrupt wakes it with Interrupted.
   */
  private promptSync(prompt: string): string {
    const request = this.inputRequestOrError();
    if (request instanceof Error) throw Object.assign(request, { message: `prompt: ${request.message}` });
    Atomics.store(this.shared, SHARED.prompt, PROMPT.waiting);
    this.send({ kind: 'reply', channel: 'stdin', parent: request, type: 'input_request', content: { prompt, password: false } });
    Atomics.wait(this.shared, SHARED.prompt, PROMPT.waiting);
    const state = Atomics.exchange(this.shared, SHARED.prompt, PROMPT.idle);
    const answer = receiveMessageOnPort(this.inputPort);
    if (state !== PROMPT.answered) throw new Interrupted(INTERRUPTED_WAITING);
    return String(answer?.message ?? '');
  }

  private async execute(request: Request) {
    const { msg } = request;
    const { silent = false, store_history = true } = msg.content;
    const count = silent ? this.executionCount : (this.executionCount += store_history ? 1 : 0);
    this.current = msg;
    this.cellFault = undefined;
    this.cellActive = true;
    try {
      await this.executeCell(request, count);
    } finally {
      this.cellActive = false;
      this.awaitingInput?.reject(new Interrupted(INTERRUPTED_WAITING));
      this.awaitingInput = undefined;
    }
  }

  private async executeCell(request: Request, count: number) {
    const { msg } = request;
    const { code, silent = false, store_history = true, stop_on_error = true } = msg.content;
    if (!silent) this.publish(msg, 'execute_input', { code, execution_count: count });
    if (store_history && !silent) this.history.push([this.sessionNumber, count, code]);
    let outcome = await this.runCell(code, count);
    // Outputs a cell started but did not await still belong to it: wait for them before replying.
    while (this.pending.length > 0) {
      const settled = await Promise.allSettled(this.pending.splice(0));
      const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed && outcome.ok) outcome = this.executor.failure(failed.reason);
    }
    // A rejection nobody awaited is only noticed after the microtasks run out: give it that turn.
    await new Promise((r) => realTimers.setImmediate(r));
    if (outcome.ok && this.cellFault) outcome = { ok: false, error: this.cellFault };
    this.cellFault = undefined;
    if (outcome.ok) {
      if (outcome.hasValue && !silent) {
        let data: MimeBundle | undefined;
        try {
          data = await mimeBundleOf(outcome.value);
        } catch (e) {
          outcome = this.executor.failure(e);
        }
        if (data) this.publish(msg, 'execute_result', { execution_count: count, data, metadata: {} });
      }
    }
    if (outcome.ok) {
      return this.reply(request, 'execute_reply', { status: 'ok', execution_count: count, payload: [], user_expressions: {} });
    }
    this.publish(msg, 'error', outcome.error);
    this.reply(request, 'execute_reply', { status: 'error', execution_count: count, ...outcome.error });
    if (stop_on_error) await this.abortQueued();
  }

  private cellSerial = 0;

  private async runCell(code: string, count: number): Promise<CellOutcome> {
    Atomics.store(this.shared, SHARED.runningCell, ++this.cellSerial);
    try {
      return await this.executor.execute(code, count);
    } finally {
      Atomics.store(this.shared, SHARED.runningCell, 0);
    }
  }

  /**
   * After a failed cell, the execute requests that had arrived before its error reply went out are
   * aborted, as ipykernel does (they were sent expecting the failed cell's success); a request sent after
   * the front end had the error runs normally. The I/O thread says how many requests had arrived when
   * it sent the reply.
   */
  private async abortQueued() {
    const n = this.executeReplies;
    const upTo = this.executeRepliesSent >= n ? 0 : await new Promise<number>((r) => this.replyWaiters.set(n, r));
    const keep: Request[] = [];
    for (const item of this.queue.splice(0)) {
      if (item.msg.header.msg_type !== 'execute_request' || item.seq > upTo) { keep.push(item); continue; }
      this.publish(item.msg, 'status', { execution_state: 'busy' });
      this.reply(item, 'execute_reply', { status: 'aborted' });
      this.publish(item.msg, 'status', { execution_state: 'idle' });
    }
    this.queue.push(...keep);
  }

  private queryHistory(c: { hist_access_type: string; n?: number; start?: number; stop?: number; pattern?: string; unique?: boolean; output?: boolean }) {
    let rows: HistoryEntry[] = this.history;
    if (c.hist_access_type === 'range') {
      rows = rows.filter(([, line]) => line >= (c.start ?? 0) && (c.stop === undefined || line < c.stop));
    } else if (c.hist_access_type === 'search') {
      const glob = new RegExp('^' + (c.pattern ?? '*').replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 's');
      rows = rows.filter(([, , code]) => glob.test(code));
      if (c.unique) {
        const seen = new Set<string>();
        rows = rows.slice().reverse().filter(([, , code]) => !seen.has(code) && !!seen.add(code)).reverse();
      }
    }
    if (c.hist_access_type !== 'range' && c.n !== undefined) rows = rows.slice(-c.n);
    return c.output ? rows.map(([s, l, code]) => [s, l, [code, null]]) : rows;
  }

  /** The I/O thread has sent everything and closed the sockets (io-thread.ts shutdown). */
  private shutdownNow() {
    this.executor.close();
    this.realExit(0);
  }
}

/** A cell stopped by the memory watchdog (io-thread.ts) before V8 ran out of heap and ended the kernel. */
class OutOfMemory extends Error {
  constructor({ usedMB, limitMB }: MemoryReport) {
    super(`the cell was stopped: it held ${usedMB.toLocaleString('en')} MB of the kernel's ${limitMB.toLocaleString('en')} MB heap ` +
      '(at the limit the kernel would die). Keep fewer or smaller values, dispose tensors (tf.tidy), or restart the kernel.');
    this.name = 'MemoryError';
  }
}

/** The one line an interrupted cell shows ("Interrupted: …"): no frames, they would be the kernel's own. */
const INTERRUPTED_RUNNING = 'the running code was stopped';
const INTERRUPTED_WAITING = 'the cell was stopped while it waited; the timers and loops it started are cancelled';

export function readConnectionFile(file: string): ConnectionInfo {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}
