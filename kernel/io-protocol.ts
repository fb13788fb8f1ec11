// What the main thread and the I/O thread (io-thread.ts) say to each other.
import type { Message } from './wire';

export interface ConnectionInfo {
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

/** Slots of the Int32Array both threads share. */
export const SHARED = {
  /** Advanced by the main thread every MAIN_TICK_MS while its event loop turns. */
  tick: 0,
  /** The serial number of the cell running on the main thread, 0 when none runs. */
  runningCell: 1,
  /** The standard prompt() waiting for the front end's input_reply (a PROMPT state). */
  prompt: 2,
  length: 3,
} as const;

/**
 * States of SHARED.prompt. prompt() is synchronous, as a browser's: the main thread blocks in Atomics.wait
 * while the I/O thread waits for the input_reply, which it passes over `inputPort` before it wakes it.
 */
export const PROMPT = { idle: 0, waiting: 1, answered: 2, interrupted: 3 } as const;

export const MAIN_TICK_MS = 20;

export type Channel = 'shell' | 'control' | 'stdin';

/** Why the memory watchdog (io-thread.ts) stopped a cell: its heap use and the heap limit. */
export interface MemoryReport { usedMB: number; limitMB: number }

/** Main thread -> I/O thread. */
export type ToIo =
  | { kind: 'stream'; parent?: Message; name: 'stdout' | 'stderr'; text: string }
  | { kind: 'publish'; parent?: Message; type: string; content: unknown; metadata?: Record<string, unknown>; buffers?: Uint8Array[] }
  | { kind: 'reply'; channel: Channel; parent: Message; type: string; content: unknown }
  | { kind: 'flush' }
  | { kind: 'interrupt' };

/** I/O thread -> main thread. */
export type FromIo =
  | { kind: 'started' }
  | { kind: 'failed'; error: string }
  /** `seq`: the number of shell requests received, this one included (0 on other channels). */
  | { kind: 'request'; channel: Channel; msg: Message; seq: number }
  /** An execute_reply went out; shell requests up to `seq` had arrived before it. */
  | { kind: 'replied'; seq: number }
  /** `cell`: the serial of the cell that was running when the interrupt came (0: none). */
  | { kind: 'interrupt'; terminated: boolean; cell: number; memory?: MemoryReport }
  | { kind: 'shutdown' };
