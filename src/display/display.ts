// Rich output in the Latent Lab kernel. The kernel installs a hook on globalThis; outside a kernel
// (tests, scripts) display falls back to the text/plain form on stdout, and clearOutput does nothing.

/** A MIME bundle: MIME type → data, e.g. { 'text/html': '<b>hi</b>', 'text/plain': 'hi' }. */
export type MimeBundle = Record<string, unknown>;

interface KernelDisplayHook {
  display(bundle: MimeBundle, options?: { displayId?: string; update?: boolean; metadata?: Record<string, unknown> }): void;
  clearOutput(wait?: boolean): void;
}

function kernelHook(): KernelDisplayHook | undefined {
  return (globalThis as { __latentLabKernel__?: KernelDisplayHook }).__latentLabKernel__;
}

/** True inside the Latent Lab Jupyter kernel. */
export function inKernel(): boolean {
  return kernelHook() !== undefined;
}

/** Shows a MIME bundle as a display_data output; with displayId it can be updated in place later. */
export function display(bundle: MimeBundle, options: { displayId?: string; metadata?: Record<string, unknown> } = {}): void {
  if (bundle === null || typeof bundle !== 'object' || Object.keys(bundle).length === 0) {
    throw new Error('display: bundle must be a non-empty object of MIME type → data');
  }
  const hook = kernelHook();
  if (hook) hook.display(bundle, options);
  else if (typeof bundle['text/plain'] === 'string') process.stdout.write(bundle['text/plain'] + '\n');
}

/** Replaces the output shown earlier under displayId (update_display_data). */
export function updateDisplay(displayId: string, bundle: MimeBundle): void {
  if (!displayId) throw new Error('updateDisplay: displayId must be a non-empty string');
  kernelHook()?.display(bundle, { displayId, update: true });
}

/** Shows HTML; text/plain carries the same content with tags stripped. */
export function displayHTML(html: string): void {
  display({ 'text/html': html, 'text/plain': html.replace(/<[^>]*>/g, '') });
}

/** Clears the cell's output (clear_output); with wait=true only when the next output arrives. */
export function clearOutput(wait = false): void {
  kernelHook()?.clearOutput(wait);
}
