// The one contract between the library and the Latent Lab kernel: the kernel puts a hook on
// globalThis.__latentLabKernel__ (kernel/server.ts) and the library finds it there, never importing the
// kernel — so the library runs unchanged in tests and scripts, where no hook exists.

/** A MIME bundle: MIME type → data, e.g. { 'text/html': '<b>hi</b>', 'text/plain': 'hi' }. */
export type MimeBundle = Record<string, unknown>;

/** How a bundle is shown: a display id to update it in place later, and Jupyter metadata. */
export interface DisplayOptions {
  displayId?: string;
  update?: boolean;
  metadata?: Record<string, unknown>;
}

/** What the library calls on the kernel; the kernel's hook implements it (and adds its comms). */
export interface KernelDisplayHook {
  display(bundle: MimeBundle, options?: DisplayOptions): void;
  clearOutput(wait?: boolean): void;
  /** Output still being rendered (e.g. an SVG): the cell's reply waits for it. */
  track(work: Promise<unknown>): void;
  /** Throws the kernel's Interrupted error when the running code belongs to an interrupted cell (long loops call it between steps). */
  throwIfCancelled?(): void;
  /** Asks the front end for a line of text (an input_request on stdin); rejects when the front end does not allow input. */
  input?(prompt: string, password: boolean): Promise<string>;
}

/** The kernel's hook, or undefined outside the kernel. */
export function kernelHook(): KernelDisplayHook | undefined {
  return (globalThis as { __latentLabKernel__?: KernelDisplayHook }).__latentLabKernel__;
}
