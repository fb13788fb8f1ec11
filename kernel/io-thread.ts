// The kernel's I/O thread (a worker), as ipykernel has its IOPub, control and heartbeat threads: it owns
// every socket, so the heartbeat, interrupts and output keep flowing while a cell blocks the main thread.
// - Sends are serialized per socket (zeromq.js allows one send in flight per socket).
// - Stream output is coalesced (one message per stream every FLUSH_MS) and rate-limited like the
//   notebook server's iopub_data_rate_limit; what is dropped is counted and said in one note.
// - Interrupt: a main thread that answers (an await in a cell) is told to end the cell; a main thread
//   stuck in JavaScript (a loop in a cell, a called function, a timer callback, a promise continuation)
//   has its execution terminated through the inspector, then is told.
// - Nothing on iopub is ever dropped: ZMQ's PUB socket silently drops what exceeds its send high-water
//   mark (1,000 messages by default), which a loop of 10,000 displays reached within milliseconds; the
//   mark is lifted here, so a burst waits in memory until the front end reads it.
// - Dispatch: the requests this thread answers itself are in IO_HANDLERS (one table per channel); every
//   other request goes to the main thread, whose table is server.ts's `handlers`.
import inspector from 'inspector';
import { MessagePort, parentPort, workerData } from 'worker_threads';
import * as zmq from 'zeromq';
import { Message, Signer, child, decode, encode } from './wire';
import type { Channel, ConnectionInfo, FromIo, ToIo } from './io-protocol';
import { SHARED, MAIN_TICK_MS, PROMPT } from './io-protocol';
import type { MemoryReport } from './io-protocol';

const FLUSH_MS = 50;
/** Characters of stream output per second before output is dropped (the notebook server's default is 1e6 bytes/s). */
const DATA_RATE_LIMIT = 1_000_000;
/** Without a tick for this long, the main thread is stuck in JavaScript (or a long native call). */
const STUCK_MS = 6 * MAIN_TICK_MS;

const { connection, kernelInfo, shared: sharedBuffer } = workerData as {
  connection: ConnectionInfo; kernelInfo: unknown; shared: SharedArrayBuffer;
};
const shared = new Int32Array(sharedBuffer);
const port = parentPort!;
const signer = new Signer(connection.key, connection.signature_scheme);
const post = (m: FromIo) => port.postMessage(m);

/** Sends on one socket, one at a time, in order. */
class SerialSender {
  private chain: Promise<unknown> = Promise.resolve();
  constructor(private readonly socket: zmq.Publisher | zmq.Router | zmq.Reply) {}
  send(frames: (string | Buffer)[]): Promise<void> {
    const next = this.chain.then(() => this.socket.send(frames)).catch((e) => {
      if (!this.socket.closed) process.stderr.write(`latent-lab kernel: send failed: ${e}\n`);
    });
    this.chain = next;
    return next;
  }
  /** Resolves when everything sent so far has gone out. */
  drained(): Promise<void> {
    return this.chain.then(() => undefined, () => undefined);
  }
}

// sendHighWaterMark 0: no limit (see the top); handover: a client reconnecting with the same identity
// (a reloaded page, a restarted front end) takes its routing over, as ipykernel sets ROUTER_HANDOVER.
const iopub = new zmq.Publisher({ sendHighWaterMark: 0 });
const shell = new zmq.Router({ handover: true, sendHighWaterMark: 0 });
const control = new zmq.Router({ handover: true, sendHighWaterMark: 0 });
const stdin = new zmq.Router({ handover: true, sendHighWaterMark: 0 });
const hb = new zmq.Reply();
const senders = { iopub: new SerialSender(iopub), shell: new SerialSender(shell), control: new SerialSender(control), stdin: new SerialSender(stdin), hb: new SerialSender(hb) };

const asBuffers = (list: Uint8Array[] | undefined) => (list ?? []).map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength));
function revive(m: Message): Message {
  return { ...m, identities: asBuffers(m.identities), buffers: asBuffers(m.buffers) };
}

const orphanParent: Message = {
  identities: [], header: { msg_id: '', session: '', username: 'kernel', date: '', msg_type: '', version: '5.3' },
  parent_header: {}, metadata: {}, content: {}, buffers: [],
};

function publishNow(parent: Message | undefined, type: string, content: unknown, metadata?: Record<string, unknown>, buffers?: Uint8Array[]) {
  const msg = child(parent ? revive(parent) : orphanParent, type, content, [Buffer.from(`kernel.${type}`)]);
  if (!parent) msg.parent_header = {};
  if (metadata) msg.metadata = metadata;
  if (buffers && buffers.length > 0) msg.buffers = asBuffers(buffers);
  return senders.iopub.send(encode(msg, signer));
}

// --- stream output: coalesced and rate-limited --------------------------------------------------
let pending: { parent?: Message; name: string; text: string } | undefined;
let flushTimer: NodeJS.Timeout | undefined;
let windowStart = Date.now();
let windowChars = 0;
let dropped: { parent?: Message; chars: number; lines: number } | undefined;

function flushStreams() {
  if (flushTimer) { clearTimeout(flushTimer); flushTimer = undefined; }
  if (pending) {
    const { parent, name, text } = pending;
    pending = undefined;
    void publishNow(parent, 'stream', { name, text });
  }
  if (dropped) {
    const { parent, chars, lines } = dropped;
    dropped = undefined;
    void publishNow(parent, 'stream', {
      name: 'stderr',
      text: `\n[Latent Lab kernel: ${chars.toLocaleString('en')} characters (${lines.toLocaleString('en')} lines) of output ` +
        `were dropped: more than ${DATA_RATE_LIMIT.toLocaleString('en')} characters per second. Print less, or write to a file.]\n`,
    });
  }
}

function stream(parent: Message | undefined, name: string, text: string) {
  const now = Date.now();
  if (now - windowStart >= 1000) { windowStart = now; windowChars = 0; }
  if (windowChars + text.length > DATA_RATE_LIMIT) {
    dropped ??= { parent, chars: 0, lines: 0 };
    dropped.chars += text.length;
    dropped.lines += text.split('\n').length - 1;
    flushTimer ??= setTimeout(flushStreams, FLUSH_MS);
    return;
  }
  windowChars += text.length;
  const sameTarget = pending && pending.name === name && pending.parent?.header.msg_id === parent?.header.msg_id;
  if (pending && !sameTarget) flushStreams();
  if (pending) pending.text += text;
  else pending = { parent, name, text };
  flushTimer ??= setTimeout(flushStreams, FLUSH_MS);
}

// --- interrupt ------------------------------------------------------------------------------------
let inspectorSession: inspector.Session | undefined;
let inspectorRefused = false;
/**
 * Stops the main thread's JavaScript; true when through the inspector (anything: a cell, a timer callback,
 * a continuation). Under Node's permission model (the grading kernels) the inspector is refused
 * (ERR_ACCESS_DENIED, and Node 20 has no flag to allow it): a SIGINT then stops the synchronous part of
 * a running cell, which executor.ts runs with vm's breakOnSigint; a loop in a timer callback or after an
 * await goes on (false).
 */
function terminateMainThread(): Promise<boolean> {
  if (!inspectorRefused) {
    try {
      if (!inspectorSession) {
        inspectorSession = new inspector.Session();
        inspectorSession.connectToMainThread();
      }
      return new Promise((resolve) => inspectorSession!.post('Runtime.terminateExecution', () => resolve(true)));
    } catch {
      inspectorRefused = true;
      inspectorSession = undefined;
    }
  }
  process.kill(process.pid, 'SIGINT');
  return Promise.resolve(false);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Is the main thread stuck in JavaScript? (Its tick has not moved for STUCK_MS.) */
async function mainThreadStuck(): Promise<boolean> {
  const before = Atomics.load(shared, SHARED.tick);
  for (let waited = 0; waited < STUCK_MS; waited += MAIN_TICK_MS) {
    await sleep(MAIN_TICK_MS);
    if (Atomics.load(shared, SHARED.tick) !== before) return false;
  }
  return true;
}

/** The standard prompt() blocks the main thread (server.ts promptSync): the answer, or an interrupt, wakes it. */
const inputPort = (workerData as { inputPort: MessagePort }).inputPort;
function wakePrompt(state: typeof PROMPT.answered | typeof PROMPT.interrupted, value?: string): boolean {
  if (Atomics.load(shared, SHARED.prompt) !== PROMPT.waiting) return false;
  if (state === PROMPT.answered) inputPort.postMessage(value ?? '');
  Atomics.store(shared, SHARED.prompt, state);
  Atomics.notify(shared, SHARED.prompt);
  return true;
}

async function interrupt(memory?: MemoryReport, knownStuck = false) {
  // A cell blocked in prompt() is not stuck in JavaScript: woken, it ends Interrupted.
  if (!memory && wakePrompt(PROMPT.interrupted)) return;
  // Cells compile in their own thread (compiler-thread.ts): a stuck main thread is always running JavaScript
  // of a cell, a callback or a continuation, never the compiler.
  const cell = Atomics.load(shared, SHARED.runningCell);
  if (knownStuck || await mainThreadStuck()) {
    const terminated = await terminateMainThread();
    post({ kind: 'interrupt', terminated, cell, memory });
  } else {
    post({ kind: 'interrupt', terminated: false, cell, memory });
  }
}

// --- memory watchdog ----------------------------------------------------------------------------------
// V8 ends the whole process (SIGABRT, nothing on iopub) when the main thread's heap reaches its limit.
// While a cell runs, its heap use is read through the inspector (which answers even while a loop holds the
// main thread); past WARN_AT of the limit the cell's output says so once (the reason is then on record if
// the kernel dies after all), past STOP_AT the cell is stopped like an interrupt, with a MemoryError.
// Fractions of heap_size_limit, which includes the young generation (about 48 MB above --max-old-space-size):
// a loop filling arrays can add a few tens of MB between two readings.
const WARN_AT = 0.6;
const STOP_AT = 0.75;
const WATCH_MS = 25;
/** Heap growth past what a stopped cell left live before another cell is stopped. */
const GROWTH = 16 * 2 ** 20;
const heapLimit = (workerData as { heapLimit: number }).heapLimit;
let warnedCell = 0;
/** The execute request whose cell runs (from its execute_input): the watchdog's note goes to its output. */
let currentCell: Message | undefined;
let stopping = false;

function heapUsed(): Promise<number | undefined> {
  if (inspectorRefused) return Promise.resolve(undefined);
  try {
    if (!inspectorSession) {
      inspectorSession = new inspector.Session();
      inspectorSession.connectToMainThread();
    }
  } catch {
    inspectorRefused = true;
    inspectorSession = undefined;
    return Promise.resolve(undefined);
  }
  return new Promise((resolve) => inspectorSession!.post('Runtime.getHeapUsage', (error, result) =>
    resolve(error ? undefined : (result as { usedSize: number }).usedSize)));
}

/**
 * The heap in use after a full collection (what is live, not garbage waiting for the collector). The
 * inspector runs the collection when the main thread is free: only asked while it is.
 */
async function liveHeapAfterGc(): Promise<number> {
  await new Promise((resolve) => inspectorSession!.post('HeapProfiler.collectGarbage', resolve));
  return (await heapUsed()) ?? 0;
}

let lastTick = -1;
let stuckReadings = 0;
/** The live heap at the last check while the main thread was free: a cell whose heap does not grow is left alone. */
let lastLive = 0;

async function watchMemory() {
  const tick = Atomics.load(shared, SHARED.tick);
  stuckReadings = tick === lastTick ? stuckReadings + 1 : 0;
  lastTick = tick;
  const cell = Atomics.load(shared, SHARED.runningCell);
  if (cell === 0 || stopping || !heapLimit) return;
  const used = await heapUsed();
  if (used === undefined) return;
  const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
  if (used > STOP_AT * heapLimit) {
    stopping = true;
    try {
      // A loop holding the main thread (MAIN_TICK_MS × 2 without a tick) and filling the heap: stopped now,
      // there is no time for a collection. Otherwise only a heap that is live and still growing is stopped.
      if (stuckReadings * WATCH_MS >= 2 * MAIN_TICK_MS) {
        if (used <= lastLive + GROWTH) return;
        await interrupt({ usedMB: mb(used), limitMB: mb(heapLimit) }, true);
        // What the stopped cell kept (a top-level array) stays live until the student frees it: the next
        // cell is stopped only if the heap grows beyond it.
        lastLive = used;
      } else {
        const live = await liveHeapAfterGc();
        if (live > STOP_AT * heapLimit && live > lastLive + GROWTH) await interrupt({ usedMB: mb(live), limitMB: mb(heapLimit) });
        lastLive = live;
      }
    } finally {
      stopping = false;
    }
  } else {
    lastLive = 0;
  }
  if (used <= STOP_AT * heapLimit && used > WARN_AT * heapLimit && warnedCell !== cell) {
    warnedCell = cell;
    stream(currentCell, 'stderr', `[Latent Lab kernel: this cell holds ${mb(used).toLocaleString('en')} MB of the kernel's ` +
      `${mb(heapLimit).toLocaleString('en')} MB heap; it will be stopped at ${Math.round(STOP_AT * 100)}%.]\n`);
  }
}
setInterval(() => void watchMemory(), WATCH_MS).unref();

// --- requests ---------------------------------------------------------------------------------------
function tryDecode(frames: Buffer[]): Message | undefined {
  try {
    return decode(frames, signer);
  } catch (e) {
    process.stderr.write(`latent-lab kernel: dropping message: ${(e as Error).message}\n`);
    return undefined;
  }
}

function reply(channel: 'shell' | 'control' | 'stdin', request: Message, type: string, content: unknown) {
  flushStreams();
  return senders[channel].send(encode(child(request, type, content), signer));
}

async function shutdown(request: Message) {
  const restart = !!request.content?.restart;
  await reply('control', request, 'shutdown_reply', { status: 'ok', restart });
  flushStreams();
  wakePrompt(PROMPT.interrupted);
  if (await mainThreadStuck()) await terminateMainThread();
  // Everything queued goes out, then the sockets close here, in the thread that made them: a process that
  // exits with zeromq sockets open in a worker aborts in zeromq's finalizers (SIGABRT, "Napi::Error").
  await Promise.all(Object.values(senders).map((sender) => sender.drained()));
  for (const socket of [iopub, shell, control, stdin, hb]) socket.close();
  inspectorSession?.disconnect(); // or Node prints "Waiting for the debugger to disconnect..." at exit
  // The closed sockets' pending receives settle on later turns of this thread's loop; exiting before they
  // have still aborted in zeromq's finalizers now and then (seen once in a CI run's restart test). So the
  // process waits for them to settle — a few ms — and not a fixed 100 ms: jupyter_client looks for the
  // process's end every 100 ms after a shutdown, and an exit within the first 100 ms makes every restart
  // 100 ms sooner. A loop that does not settle is given 100 ms, as before.
  await Promise.race([Promise.allSettled(receiving), sleep(100)]);
  await new Promise((resolve) => setImmediate(resolve));
  post({ kind: 'shutdown' });
  // The main thread exits the process; if it cannot, the process ends here.
  setTimeout(() => process.kill(process.pid, 'SIGKILL'), 3000).unref();
}

/** Shell requests received so far; each forwarded request carries its number (server.ts abortQueued reads it). */
let received = 0;

function answerKernelInfo(channel: Channel, msg: Message) {
  // Answered here, so that a front end sees the kernel ready while the main thread still loads.
  void publishNow(msg, 'status', { execution_state: 'busy' });
  void reply(channel, msg, 'kernel_info_reply', kernelInfo);
  void publishNow(msg, 'status', { execution_state: 'idle' });
}

type Handler = (msg: Message, channel: Channel) => unknown;
/** The requests this thread answers itself, per channel; anything else goes to the main thread (server.ts). */
const IO_HANDLERS: Record<Channel, Record<string, Handler>> = {
  shell: {
    kernel_info_request: (msg) => answerKernelInfo('shell', msg),
  },
  control: {
    kernel_info_request: (msg) => answerKernelInfo('control', msg),
    interrupt_request: async (msg) => {
      await reply('control', msg, 'interrupt_reply', { status: 'ok' });
      return interrupt();
    },
    shutdown_request: (msg) => shutdown(msg),
  },
  stdin: {
    // The answer to prompt() is handed over here: the main thread is blocked and reads no messages.
    // The answer to ll.input (main thread not blocked) goes on to server.ts.
    input_reply: (msg) => {
      if (!wakePrompt(PROMPT.answered, String(msg.content?.value ?? ''))) post({ kind: 'request', channel: 'stdin', msg, seq: 0 });
    },
  },
};

async function dispatch(channel: Channel, frames: Buffer[]): Promise<void> {
  const msg = tryDecode(frames);
  if (!msg) return;
  const handler = IO_HANDLERS[channel][msg.header.msg_type];
  if (handler) {
    await handler(msg, channel);
    return;
  }
  post({ kind: 'request', channel, msg, seq: channel === 'shell' ? ++received : 0 });
}

/** The receive loops of hb, shell and stdin: each ends once its socket is closed and its pending receive has settled. */
const receiving: Promise<void>[] = [];

async function loop(socket: zmq.Router | zmq.Reply, onMessage: (frames: Buffer[]) => Promise<void> | void) {
  try {
    for await (const frames of socket) await onMessage(frames);
  } catch (e) {
    if (!socket.closed) process.stderr.write(`latent-lab kernel: socket loop ended: ${e}\n`);
  }
}

port.on('message', (m: ToIo) => {
  switch (m.kind) {
    case 'stream':
      return stream(m.parent, m.name, m.text);
    case 'publish':
      if (m.type === 'execute_input') currentCell = m.parent;
      flushStreams();
      return void publishNow(m.parent, m.type, m.content, m.metadata, m.buffers);
    case 'reply':
      void reply(m.channel, revive(m.parent), m.type, m.content);
      // Every shell request received until now arrived before this reply went out (see server.ts abortQueued).
      if (m.channel === 'shell' && m.type === 'execute_reply') post({ kind: 'replied', seq: received });
      return;
    case 'flush':
      flushStreams();
      return;
    case 'interrupt':
      return void interrupt();
  }
});

async function start() {
  // ipc (Unix sockets, as jupyter_client names them: <ip>-<port>) lets a grading kernel run with no network.
  const addr = (p: number) => (connection.transport === 'ipc' ? `ipc://${connection.ip}-${p}` : `${connection.transport}://${connection.ip}:${p}`);
  await Promise.all([
    iopub.bind(addr(connection.iopub_port)),
    shell.bind(addr(connection.shell_port)),
    control.bind(addr(connection.control_port)),
    stdin.bind(addr(connection.stdin_port)),
    hb.bind(addr(connection.hb_port)),
  ]);
  receiving.push(loop(hb, (frames) => senders.hb.send(frames)));
  // Not among those shutdown waits for: shutdown itself runs inside this loop's handler.
  void loop(control, (frames) => dispatch('control', frames));
  // Not awaited: a shell request is queued on the main thread, and control must not wait behind it.
  receiving.push(loop(shell, (frames) => { void dispatch('shell', frames); }));
  receiving.push(loop(stdin, (frames) => dispatch('stdin', frames)));
  void publishNow(undefined, 'status', { execution_state: 'starting' });
  // Connected now, while the main thread is free: a connection made later waits for a busy main thread,
  // and the memory watchdog's readings would never come.
  void heapUsed();
  post({ kind: 'started' });
}

// A kernel whose launcher died (a killed grader, a crashed notebook server) ends too, even while a loop
// holds its main thread, as ipykernel's parent poller does: it would otherwise spin on for ever.
const launcher = (workerData as { launcher: number }).launcher;
setInterval(() => {
  if (process.ppid !== launcher) process.kill(process.pid, 'SIGKILL');
}, 1000).unref();

start().catch((e) => post({ kind: 'failed', error: String(e) }));
