// Rich output in the Latent Lab kernel. The kernel installs a hook on globalThis; outside a kernel
// (tests, scripts) display falls back to the text/plain form on stdout, and clearOutput does nothing.
import { kernelHook, MimeBundle } from './kernel-hook';
import { bool, checkKind, contract, optional, options, record, str, where, type Kind } from '../validation/contract';

const BUNDLE: Kind = {
  expected: 'a non-empty object of MIME type → data, or a figure (something with toMimeBundle())',
  test: (v) => (v !== null && typeof v === 'object' && Object.keys(v).length > 0 ? undefined : `got ${v === null ? 'null' : typeof v === 'object' ? 'an empty object' : typeof v}`),
};
const DISPLAY_ID = where(str(), 'be a non-empty string', (s: string) => s.length > 0 || "got ''");
// what is shown is judged where it is rendered (a figure's bundle may come later); the options and the HTML here
const DISPLAY = contract('display', { what: { ...record(), expected: BUNDLE.expected }, options: optional(options({ displayId: optional(DISPLAY_ID), metadata: optional(record('an object')) })) });
const DISPLAY_HTML = contract('displayHTML', { html: str() });
const CLEAR = contract('clearOutput', { wait: optional(bool()) });
export type { MimeBundle } from './kernel-hook';

/** Anything that can show itself: figures, check tables, tensors, distributions. */
export interface Displayable {
  toMimeBundle(): MimeBundle | Promise<MimeBundle>;
}

/**
 * True inside the Latent Lab Jupyter kernel.
 *
 * @example
 * ```ts
 * if (!ll.inKernel()) console.log(fig.spec);   // a script outside Jupyter prints instead
 * ```
 */
export function inKernel(): boolean {
  return kernelHook() !== undefined;
}

function isDisplayable(x: unknown): x is Displayable {
  return x !== null && typeof x === 'object' && typeof (x as Displayable).toMimeBundle === 'function';
}

function show(bundle: MimeBundle, options: { displayId?: string; update?: boolean; metadata?: Record<string, unknown> }): void {
  checkKind(BUNDLE, bundle, 'what', options.update ? 'updateDisplay' : 'display');
  const hook = kernelHook();
  if (hook) hook.display(bundle, options);
  else if (!options.update && typeof bundle['text/plain'] === 'string') process.stdout.write(bundle['text/plain'] + '\n');
}

/** Renders `what` (possibly asynchronously) and shows it; the kernel waits for it before the cell ends. */
function render(what: MimeBundle | Displayable, options: { displayId?: string; update?: boolean; metadata?: Record<string, unknown> }): void {
  if (!isDisplayable(what)) {
    show(what, options);
    return;
  }
  const work = Promise.resolve(what.toMimeBundle()).then((bundle) => show(bundle, options));
  const hook = kernelHook();
  if (hook) hook.track(work);
  else work.catch((e) => process.stderr.write(`display failed: ${(e as Error).message}\n`));
}

/**
 * Shows a MIME bundle, or anything with toMimeBundle(), as a display_data output; with displayId it
 * can be replaced later (updateDisplay). A figure that renders asynchronously still belongs to the
 * cell that displayed it: the kernel waits for it before the cell ends.
 *
 * @example
 * ```ts
 * for (const K of [1, 10, 100]) ll.display(ll.histogram({ values: estimates[K], title: `K = ${K}` }));   // one figure per K
 * ll.display({ 'text/markdown': '**done**' });
 * ```
 */
export function display(what: MimeBundle | Displayable, options: { displayId?: string; metadata?: Record<string, unknown> } = {}): void {
  DISPLAY.check(arguments);
  render(what, options);
}

/**
 * Replaces the output shown earlier under displayId (update_display_data).
 *
 * @example
 * ```ts
 * ll.display(ll.lineChart({ series: { loss: [] } }), { displayId: 'curve' });
 * ll.updateDisplay('curve', ll.lineChart({ series: { loss: losses } }));   // replaces it in place
 * ```
 */
export function updateDisplay(displayId: string, what: MimeBundle | Displayable): void {
  checkKind(DISPLAY_ID, displayId, 'displayId', 'updateDisplay');
  render(what, { displayId, update: true });
}

/**
 * Shows HTML; text/plain carries the same content with tags stripped.
 *
 * @example
 * ```ts
 * ll.displayHTML('<b>ELBO</b> = −97.3 nats');
 * ```
 */
export function displayHTML(html: string): void {
  DISPLAY_HTML.check(arguments);
  show({ 'text/html': html, 'text/plain': html.replace(/<[^>]*>/g, '') }, {});
}

/**
 * Clears the cell's output (clear_output); with wait=true only when the next output arrives.
 *
 * @example
 * ```ts
 * ll.clearOutput(true);   // the next output replaces this cell's, without flicker
 * ```
 */
export function clearOutput(wait = false): void {
  CLEAR.check(arguments);
  kernelHook()?.clearOutput(wait);
}

/** Work a cell started (e.g. a first interactive render): the kernel waits for it before the cell ends. */
export function trackInCell(work: Promise<unknown>): void {
  const hook = kernelHook();
  if (hook) hook.track(work);
  else work.catch((e) => process.stderr.write(`${(e as Error).message}\n`));
}
