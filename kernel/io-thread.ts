// The kernel's I/O thread (a worker), as ipykernel has its IOPub, control and heartbeat threads: it owns
// every socket, so the heartbeat, interrupts and output keep flowing while a cell blocks the main thread.
// - Sends are serialized per socket (zeromq.js allows one send in flight per socket).
// - Stream output is coalesced (one message per stream every FLUSH_MS) and rate-limited like the
//   notebook server's iopub_data_rate_limit; what is dropped is counted and said in one note.
// - Interrupt: a main thread that answers (an await in a cell) is told to end the cell; a main thread
//   stuck in JavaScript (a loop in a cell, a called function, a timer callback, a promise continuation)
//   has its execution terminated through the inspector, then is told.
import inspector from 'inspector';
import { parentPort, workerData } from 'worker_threads';
import * as zmq from 'zeromq';
import { Message, Signer, child, decode, encode } from './wire';
import type { ConnectionInfo, FromIo, ToIo } from './io-protocol';
import { SHARED, MAIN_TICK_MS } from './io-protocol';

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
}

const iopub = new zmq.Publisher();
const shell = new zmq.Router();
const control = new zmq.Router();
const stdin = new zmq.Router();
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

async function interrupt() {
  // Cells compile in their own thread (compiler-thread.ts): a stuck main thread is always running JavaScript
  // of a cell, a callback or a continuation, never the compiler.
  const cell = Atomics.load(shared, SHARED.runningCell);
  if (await mainThreadStuck()) {
    const terminated = await terminateMainThread();
    post({ kind: 'interrupt', terminated, cell });
  } else {
    post({ kind: 'interrupt', terminated: false, cell });
  }
}

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
  if (await mainThreadStuck()) await terminateMainThread();
  post({ kind: 'shutdown' });
  // The main thread exits the process; if it cannot, the process ends here.
  setTimeout(() => process.kill(process.pid, 'SIGKILL'), 3000).unref();
}

async function onControl(frames: Buffer[]) {
  const msg = tryDecode(frames);
  if (!msg) return;
  switch (msg.header.msg_type) {
    case 'interrupt_request':
      await reply('control', msg, 'interrupt_reply', { status: 'ok' });
      return interrupt();
    case 'shutdown_request':
      return shutdown(msg);
    case 'kernel_info_request':
      return reply('control', msg, 'kernel_info_reply', kernelInfo);
    default:
      post({ kind: 'request', channel: 'control', msg });
  }
}

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
      flushStreams();
      return void publishNow(m.parent, m.type, m.content, m.metadata, m.buffers);
    case 'reply':
      return void reply(m.channel, revive(m.parent), m.type, m.content);
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
  void loop(hb, (frames) => senders.hb.send(frames));
  void loop(control, onControl);
  void loop(shell, (frames) => {
    const msg = tryDecode(frames);
    if (!msg) return;
    // Answered here, so that a front end sees the kernel ready while the main thread still loads.
    if (msg.header.msg_type === 'kernel_info_request') {
      void publishNow(msg, 'status', { execution_state: 'busy' });
      void reply('shell', msg, 'kernel_info_reply', kernelInfo);
      void publishNow(msg, 'status', { execution_state: 'idle' });
      return;
    }
    post({ kind: 'request', channel: 'shell', msg });
  });
  void loop(stdin, () => undefined);
  void publishNow(undefined, 'status', { execution_state: 'starting' });
  post({ kind: 'started' });
}

// A kernel whose launcher died (a killed grader, a crashed notebook server) ends too, even while a loop
// holds its main thread, as ipykernel's parent poller does: it would otherwise spin on for ever.
const launcher = (workerData as { launcher: number }).launcher;
setInterval(() => {
  if (process.ppid !== launcher) process.kill(process.pid, 'SIGKILL');
}, 1000).unref();

start().catch((e) => post({ kind: 'failed', error: String(e) }));
