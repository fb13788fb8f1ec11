// Jupyter comms (messaging spec, "Custom messages"): channels between kernel-side objects and front-end
// objects, opened from either side; ipywidgets is built on them. Messages from the front end arrive on the
// shell channel (comm_open, comm_msg, comm_close, comm_info_request); the kernel's go out on IOPub.
import { randomUUID } from 'crypto';

export type CommData = Record<string, unknown>;
export type CommBuffers = Uint8Array[];

/** What a comm message carries besides its data. */
export interface CommMessage {
  data: CommData;
  metadata: Record<string, unknown>;
  buffers: CommBuffers;
}

/** One end of a comm, in the kernel. */
export interface Comm {
  readonly id: string;
  readonly targetName: string;
  readonly closed: boolean;
  send(data: CommData, metadata?: Record<string, unknown>, buffers?: CommBuffers): void;
  close(data?: CommData): void;
  /** Called with each message from the front end (a returned promise is awaited before the next request). */
  onMsg(handler: (message: CommMessage) => unknown): void;
  onClose(handler: (message: CommMessage) => unknown): void;
}

/** What a cell or the library reaches through the kernel hook (`globalThis.__latentLabKernel__.comms`). */
export interface CommRegistry {
  /** Opens a comm to a front-end target (e.g. "jupyter.widget"). */
  open(targetName: string, data?: CommData, metadata?: Record<string, unknown>, buffers?: CommBuffers): Comm;
  /** Handles comms the front end opens to `targetName`. */
  registerTarget(targetName: string, handler: (comm: Comm, message: CommMessage) => unknown): void;
  unregisterTarget(targetName: string): void;
}

type Publish = (type: 'comm_open' | 'comm_msg' | 'comm_close', content: Record<string, unknown>, metadata: Record<string, unknown>, buffers: CommBuffers) => void;

class KernelComm implements Comm {
  closed = false;
  private readonly msgHandlers: ((m: CommMessage) => unknown)[] = [];
  private readonly closeHandlers: ((m: CommMessage) => unknown)[] = [];

  constructor(readonly id: string, readonly targetName: string, private readonly manager: CommManager) {}

  send(data: CommData, metadata: Record<string, unknown> = {}, buffers: CommBuffers = []): void {
    if (this.closed) throw new Error(`comm ${this.id} (${this.targetName}) is closed: it cannot send`);
    this.manager.noteWidgetState(this, data);
    this.manager.publish('comm_msg', { comm_id: this.id, data }, metadata, buffers);
  }

  close(data: CommData = {}): void {
    if (this.closed) return;
    this.closed = true;
    this.manager.forget(this.id);
    this.manager.publish('comm_close', { comm_id: this.id, data }, {}, []);
  }

  onMsg(handler: (message: CommMessage) => unknown): void {
    this.msgHandlers.push(handler);
  }

  onClose(handler: (message: CommMessage) => unknown): void {
    this.closeHandlers.push(handler);
  }

  async deliver(message: CommMessage): Promise<void> {
    for (const h of this.msgHandlers) await h(message);
  }

  async closedByFrontEnd(message: CommMessage): Promise<void> {
    this.closed = true;
    for (const h of this.closeHandlers) await h(message);
  }
}

const WIDGET_TARGET = 'jupyter.widget';
/** ipywidgets 8's control comm: a reloaded page asks it for the state of every live widget. */
const WIDGET_CONTROL_TARGET = 'jupyter.widget.control';

export class CommManager implements CommRegistry {
  private readonly comms = new Map<string, KernelComm>();
  private readonly targets = new Map<string, (comm: Comm, message: CommMessage) => unknown>();
  /** The last state of each open widget model (kernel- or front-end-set), for the control comm. */
  private readonly widgetStates = new Map<string, Record<string, unknown>>();

  constructor(readonly publish: Publish) {
    this.registerTarget(WIDGET_CONTROL_TARGET, (comm) => comm.onMsg(({ data }) => {
      if (data.method !== 'request_states') return;
      const states: Record<string, unknown> = {};
      for (const [id, state] of this.widgetStates) {
        states[id] = {
          model_name: state._model_name, model_module: state._model_module, model_module_version: state._model_module_version, state,
        };
      }
      comm.send({ method: 'update_states', states, buffer_paths: {} });
    }));
  }

  /** Keeps a widget model's state current from the messages of its comm (`{ method: 'update', state }`). */
  noteWidgetState(comm: Comm, data: CommData, opening = false): void {
    if (comm.targetName !== WIDGET_TARGET) return;
    const state = data.state;
    if (state === null || typeof state !== 'object') return;
    if (opening) this.widgetStates.set(comm.id, { ...(state as Record<string, unknown>) });
    else if (data.method === 'update') Object.assign(this.widgetStates.get(comm.id) ?? {}, state);
  }

  open(targetName: string, data: CommData = {}, metadata: Record<string, unknown> = {}, buffers: CommBuffers = []): Comm {
    if (typeof targetName !== 'string' || targetName === '') throw new Error('comms.open: targetName must be a non-empty string');
    const comm = new KernelComm(randomUUID().replace(/-/g, ''), targetName, this);
    this.comms.set(comm.id, comm);
    this.noteWidgetState(comm, data, true);
    this.publish('comm_open', { comm_id: comm.id, target_name: targetName, data }, metadata, buffers);
    return comm;
  }

  registerTarget(targetName: string, handler: (comm: Comm, message: CommMessage) => unknown): void {
    this.targets.set(targetName, handler);
  }

  unregisterTarget(targetName: string): void {
    this.targets.delete(targetName);
  }

  forget(id: string): void {
    this.comms.delete(id);
    this.widgetStates.delete(id);
  }

  /** comm_info_reply's `comms`: every open comm, or those of one target. */
  info(targetName?: string): Record<string, { target_name: string }> {
    const out: Record<string, { target_name: string }> = {};
    for (const c of this.comms.values()) {
      if (!targetName || c.targetName === targetName) out[c.id] = { target_name: c.targetName };
    }
    return out;
  }

  /** A comm_open, comm_msg or comm_close from the front end. Unknown comms are ignored, as ipykernel does. */
  async handle(type: string, content: { comm_id?: string; target_name?: string; data?: CommData }, metadata: Record<string, unknown>, buffers: CommBuffers): Promise<void> {
    const id = content.comm_id;
    if (typeof id !== 'string') return;
    const message: CommMessage = { data: content.data ?? {}, metadata, buffers };
    if (type === 'comm_open') {
      const handler = this.targets.get(content.target_name ?? '');
      const comm = new KernelComm(id, content.target_name ?? '', this);
      if (!handler) {
        // No such target here: tell the front end the comm is gone.
        comm.closed = true;
        this.publish('comm_close', { comm_id: id, data: {} }, {}, []);
        return;
      }
      this.comms.set(id, comm);
      await handler(comm, message);
      return;
    }
    const comm = this.comms.get(id);
    if (!comm) return;
    if (type === 'comm_msg') {
      this.noteWidgetState(comm, message.data);
      await comm.deliver(message);
    } else if (type === 'comm_close') {
      this.forget(id);
      await comm.closedByFrontEnd(message);
    }
  }
}
