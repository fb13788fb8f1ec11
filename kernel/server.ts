// The kernel's sockets and request handling (Jupyter messaging spec 5.3).
// Shell requests run one at a time; control requests (interrupt, shutdown) never wait behind them.
import fs from 'fs';
import * as zmq from 'zeromq';
import { Session, CellError, MimeBundle, cellErrorOf } from './session';
import { Message, Signer, child, decode, encode, PROTOCOL_VERSION } from './wire';

interface ConnectionInfo {
  transport: string;
  ip: string;
  key: string;
  signature_scheme: string;
  shell_port: number;
  iopub_port: number;
  control_port: number;
  stdin_port: number;
  hb_port: number;
}

/** The display hook the library calls (src/display): the kernel is found through globalThis, never imported. */
export interface KernelDisplayHook {
  display(bundle: MimeBundle, options?: { displayId?: string; update?: boolean; metadata?: Record<string, unknown> }): void;
  clearOutput(wait?: boolean): void;
  /** Output still being rendered (e.g. an SVG): the cell's reply waits for it. */
  track(work: Promise<unknown>): void;
}

type HistoryEntry = [number, number, string];

export class KernelServer {
  private readonly signer: Signer;
  private readonly iopub = new zmq.Publisher();
  private readonly shell = new zmq.Router();
  private readonly control = new zmq.Router();
  private readonly stdin = new zmq.Router();
  private readonly hb = new zmq.Reply();
  private readonly queue: { socket: zmq.Router; msg: Message }[] = [];
  private draining = false;
  private executionCount = 0;
  private readonly history: HistoryEntry[] = [];
  private readonly sessionNumber = 1;
  /** The request whose cell output is going out now; streams written later still go to it, as in ipykernel. */
  private current?: Message;
  /** Displays still rendering for the running cell. */
  private pending: Promise<unknown>[] = [];
  private readonly stdoutWrite = process.stdout.write.bind(process.stdout);
  private readonly stderrWrite = process.stderr.write.bind(process.stderr);

  constructor(private readonly conn: ConnectionInfo, private readonly session: Session, private readonly banner: string) {
    this.signer = new Signer(conn.key, conn.signature_scheme);
  }

  async start(): Promise<void> {
    const addr = (port: number) => `${this.conn.transport}://${this.conn.ip}:${port}`;
    await Promise.all([
      this.iopub.bind(addr(this.conn.iopub_port)),
      this.shell.bind(addr(this.conn.shell_port)),
      this.control.bind(addr(this.conn.control_port)),
      this.stdin.bind(addr(this.conn.stdin_port)),
      this.hb.bind(addr(this.conn.hb_port)),
    ]);
    this.installOutputHooks();
    void this.loop(this.hb, async (frames) => { await this.hb.send(frames); });
    void this.loop(this.control, async (frames) => this.handleControl(frames));
    void this.loop(this.shell, async (frames) => {
      const msg = this.tryDecode(frames);
      if (!msg) return;
      this.queue.push({ socket: this.shell, msg });
      void this.drain();
    });
    this.publish(undefined, 'status', { execution_state: 'starting' });
  }

  private async loop(socket: zmq.Router | zmq.Reply, onMessage: (frames: Buffer[]) => Promise<void>) {
    try {
      for await (const frames of socket) await onMessage(frames);
    } catch (e) {
      if (!socket.closed) this.log('socket loop ended:', e);
    }
  }

  private tryDecode(frames: Buffer[]): Message | undefined {
    try {
      return decode(frames, this.signer);
    } catch (e) {
      this.log('dropping message:', (e as Error).message);
      return undefined;
    }
  }

  private log(...args: unknown[]) {
    this.stderrWrite(args.map(String).join(' ') + '\n');
  }

  private publish(parent: Message | undefined, type: string, content: unknown) {
    const base: Message = parent ?? {
      identities: [], header: { msg_id: '', session: '', username: 'kernel', date: '', msg_type: '', version: PROTOCOL_VERSION },
      parent_header: {}, metadata: {}, content: {}, buffers: [],
    };
    const msg = child(base, type, content, [Buffer.from(`kernel.${type}`)]);
    if (!parent) msg.parent_header = {};
    void this.iopub.send(encode(msg, this.signer));
  }

  private reply(socket: zmq.Router, request: Message, type: string, content: unknown) {
    void socket.send(encode(child(request, type, content), this.signer));
  }

  /** Streams and displays go to the cell that is running, or to the last one that ran. */
  private installOutputHooks() {
    const toStream = (name: 'stdout' | 'stderr', fallback: typeof process.stdout.write) =>
      ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        if (!this.current) return (fallback as (...a: unknown[]) => boolean)(chunk, ...rest);
        const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
        this.publish(this.current, 'stream', { name, text });
        const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
        cb?.();
        return true;
      }) as typeof process.stdout.write;
    process.stdout.write = toStream('stdout', this.stdoutWrite);
    process.stderr.write = toStream('stderr', this.stderrWrite);

    const hook: KernelDisplayHook = {
      display: (bundle, options = {}) => {
        if (!this.current) return;
        const transient = options.displayId ? { display_id: options.displayId } : {};
        this.publish(this.current, options.update ? 'update_display_data' : 'display_data',
          { data: bundle, metadata: options.metadata ?? {}, transient });
      },
      clearOutput: (wait = false) => {
        if (this.current) this.publish(this.current, 'clear_output', { wait });
      },
      track: (work) => { this.pending.push(work); },
    };
    (globalThis as { __latentLabKernel__?: KernelDisplayHook }).__latentLabKernel__ = hook;
    // tslab's own display API (import * as tslab from "tslab") writes through this variable.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const tslabJupyter = require('tslab/dist/jupyter');
    tslabJupyter.lastWriteDisplayData = (data: { data: MimeBundle; metadata?: object; transient?: { display_id?: string } }, update: boolean) => {
      hook.display(data.data, { displayId: data.transient?.display_id, update, metadata: data.metadata as Record<string, unknown> });
    };
  }

  private async drain() {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const { socket, msg } = this.queue.shift()!;
        this.publish(msg, 'status', { execution_state: 'busy' });
        try {
          await this.handleShell(socket, msg);
        } catch (e) {
          this.log('error handling', msg.header.msg_type, e);
        } finally {
          this.publish(msg, 'status', { execution_state: 'idle' });
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async handleShell(socket: zmq.Router, msg: Message) {
    const c = msg.content ?? {};
    switch (msg.header.msg_type) {
      case 'kernel_info_request':
        return this.reply(socket, msg, 'kernel_info_reply', this.kernelInfo());
      case 'execute_request':
        return this.execute(socket, msg);
      case 'complete_request':
        return this.reply(socket, msg, 'complete_reply',
          { status: 'ok', metadata: {}, ...this.session.complete(c.code, c.cursor_pos ?? c.code.length) });
      case 'inspect_request': {
        const data = this.session.inspect(c.code, c.cursor_pos ?? c.code.length);
        return this.reply(socket, msg, 'inspect_reply', { status: 'ok', found: !!data, data: data ?? {}, metadata: {} });
      }
      case 'is_complete_request':
        return this.reply(socket, msg, 'is_complete_reply', this.session.isComplete(c.code));
      case 'history_request':
        return this.reply(socket, msg, 'history_reply', { status: 'ok', history: this.queryHistory(c) });
      case 'comm_info_request':
        return this.reply(socket, msg, 'comm_info_reply', { status: 'ok', comms: {} });
      case 'shutdown_request':
        return this.shutdown(socket, msg);
      default:
        this.log('unsupported request', msg.header.msg_type);
    }
  }

  private async handleControl(frames: Buffer[]) {
    const msg = this.tryDecode(frames);
    if (!msg) return;
    switch (msg.header.msg_type) {
      case 'interrupt_request':
        this.session.interrupt();
        return this.reply(this.control, msg, 'interrupt_reply', { status: 'ok' });
      case 'shutdown_request':
        return this.shutdown(this.control, msg);
      case 'kernel_info_request':
        return this.reply(this.control, msg, 'kernel_info_reply', this.kernelInfo());
      default:
        this.log('unsupported control request', msg.header.msg_type);
    }
  }

  private kernelInfo() {
    return {
      status: 'ok',
      protocol_version: PROTOCOL_VERSION,
      implementation: 'latent-lab',
      implementation_version: '0.1.0',
      language_info: {
        name: 'typescript',
        version: require('@tslab/typescript-for-tslab').version as string,
        mimetype: 'text/typescript',
        file_extension: '.ts',
        codemirror_mode: { mode: 'typescript', name: 'javascript', typescript: true },
      },
      banner: this.banner,
      help_links: [],
    };
  }

  private async execute(socket: zmq.Router, msg: Message) {
    const { code, silent = false, store_history = true, stop_on_error = true } = msg.content;
    const count = silent ? this.executionCount : (this.executionCount += store_history ? 1 : 0);
    this.current = msg;
    if (!silent) this.publish(msg, 'execute_input', { code, execution_count: count });
    if (store_history && !silent) this.history.push([this.sessionNumber, count, code]);
    let outcome = await this.session.execute(code);
    // Outputs a cell started but did not await still belong to it: wait for them before replying.
    while (this.pending.length > 0) {
      const settled = await Promise.allSettled(this.pending.splice(0));
      const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed && outcome.ok) outcome = { ok: false, error: cellErrorOf(failed.reason) };
    }
    if (outcome.ok) {
      if (outcome.result && !silent) {
        this.publish(msg, 'execute_result', { execution_count: count, data: outcome.result, metadata: {} });
      }
      return this.reply(socket, msg, 'execute_reply',
        { status: 'ok', execution_count: count, payload: [], user_expressions: {} });
    }
    this.sendError(socket, msg, count, outcome.error);
    if (stop_on_error) await this.abortQueued();
  }

  private sendError(socket: zmq.Router, msg: Message, count: number, error: CellError) {
    this.publish(msg, 'error', error);
    this.reply(socket, msg, 'execute_reply', { status: 'error', execution_count: count, ...error });
  }

  /**
   * After a failed cell, the execute requests that were already sent are aborted, as ipykernel does.
   * One turn of the event loop lets the socket deliver what arrived while the cell ran; anything sent
   * later runs normally (tslab instead aborted everything for 200 ms).
   */
  private async abortQueued() {
    await new Promise((r) => setImmediate(r));
    const keep = [];
    for (const item of this.queue.splice(0)) {
      if (item.msg.header.msg_type !== 'execute_request') { keep.push(item); continue; }
      this.publish(item.msg, 'status', { execution_state: 'busy' });
      this.reply(item.socket, item.msg, 'execute_reply', { status: 'abort' });
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

  private shutdown(socket: zmq.Router, msg: Message) {
    const restart = !!msg.content?.restart;
    this.reply(socket, msg, 'shutdown_reply', { status: 'ok', restart });
    setTimeout(() => {
      this.session.close();
      for (const s of [this.iopub, this.shell, this.control, this.stdin, this.hb]) s.close();
      process.exit(0);
    }, 50);
  }
}

export function readConnectionFile(file: string): ConnectionInfo {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

