// ll.interact: a figure that follows its controls. The controls are shown once; the figure is a
// display with an id, replaced in place (update_display_data) each time a control moves. A run that
// a newer move has overtaken is cancelled (its AbortSignal fires) and its result is never shown.
import { display, updateDisplay, trackInCell, Displayable, MimeBundle } from './display';
import { Widget, vbox } from './widgets';
import { checkKind, func, record, where, type Kind } from '../validation/contract';

const FN = func("a function of the controls' values");
const CONTROLS = where(record('controls by name'), 'name at least one control, e.g. { beta: ll.widgets.floatSlider() }', (v: object) => Object.keys(v).length > 0 || 'got {}');
const CONTROL: Kind = { expected: 'a control with a value (ll.widgets.floatSlider(), …)', test: (c) => (c instanceof Widget && typeof (c as { onChange?: unknown }).onChange === 'function' ? undefined : 'got something else') };

/** A control interact can follow: a value and change notifications (sliders, dropdowns, checkboxes, text). */
export interface ValueControl<T = unknown> extends Widget {
  readonly value: T;
  onChange(listener: (value: T) => void): unknown;
}

type ValuesOf<C extends Record<string, ValueControl>> = { [K in keyof C]: C[K]['value'] };
type Shown = Displayable | MimeBundle | string | number | void | undefined;

/** What interact returns: its controls, and a way to wait for the figure of the current values. */
export interface Interaction<C extends Record<string, ValueControl>> {
  readonly controls: C;
  /** Resolves when the figure for the latest values is shown. */
  readonly settled: Promise<void>;
  /** The number of runs started so far (the first one included). */
  readonly runs: number;
  toMimeBundle(): Record<string, unknown>;
}

let interactions = 0;

function formatValue(v: unknown): string {
  return typeof v === 'number' ? String(Number(v.toPrecision(4))) : typeof v === 'string' ? v : JSON.stringify(v);
}

function asDisplayable(x: Exclude<Shown, void | undefined>): Displayable | MimeBundle {
  if (typeof x === 'string' || typeof x === 'number') return { 'text/plain': String(x) };
  return x;
}

/**
 * Shows `controls`, then `fn(values)`'s figure, and re-runs `fn` whenever a control changes, replacing
 * the figure in place. `fn` may be async; it receives an AbortSignal that fires when a newer change
 * supersedes the run.
 *
 * Example (lecture 003, Gumbel-softmax): 
 *   ll.interact(({ tau }) => ll.barChart(...samples at temperature tau...),
 *               { tau: ll.widgets.logSlider({ value: 1, minExponent: -2, maxExponent: 1, description: "τ" }) })
 */
export function interact<C extends Record<string, ValueControl>>(
  fn: (values: ValuesOf<C>, signal: AbortSignal) => Shown | Promise<Shown>,
  controls: C,
): Interaction<C> {
  checkKind(FN, fn, 'fn', 'interact');
  checkKind(CONTROLS, controls, 'controls', 'interact');
  const names = Object.keys(controls);
  for (const name of names) checkKind(CONTROL, controls[name], `controls.${name}`, 'interact');
  const displayId = `latent-lab-interact-${++interactions}-${Date.now().toString(36)}`;
  // Where the widgets cannot be live (a saved notebook opened without its kernel, an export), the
  // controls show as this one line instead of "VBox(1 widgets)"; the figure below is the frame for these values.
  const note = `${names.map((n) => `${n} = ${formatValue((controls[n] as ValueControl).value)}`).join(', ')} · the controls move in a running notebook (run the cell)`;
  display({ ...vbox(names.map((n) => controls[n] as Widget)).toMimeBundle(), 'text/plain': note });

  let generation = 0;
  let shown = false;
  let abort: AbortController | undefined;
  const state = { runs: 0, settled: Promise.resolve() };

  const run = async (): Promise<void> => {
    const mine = ++generation;
    state.runs++;
    abort?.abort();
    const controller = new AbortController();
    abort = controller;
    const values = Object.fromEntries(names.map((n) => [n, (controls[n] as ValueControl).value])) as ValuesOf<C>;
    let bundle: Displayable | MimeBundle;
    try {
      const result = await fn(values, controller.signal);
      bundle = asDisplayable(result === undefined ? '' : (result as Exclude<Shown, void | undefined>));
    } catch (e) {
      if (mine !== generation) return;
      bundle = { 'text/plain': `interact: fn failed for ${JSON.stringify(values)}: ${(e as Error)?.message ?? String(e)}` };
    }
    if (mine !== generation) return;
    abort = undefined; // finished: nothing left to cancel
    if (!shown) {
      shown = true;
      display(bundle, { displayId });
    } else {
      updateDisplay(displayId, bundle);
    }
  };

  for (const name of names) (controls[name] as ValueControl).onChange(() => { state.settled = run(); });
  state.settled = run();
  trackInCell(state.settled);
  return {
    controls,
    get settled() { return state.settled; },
    get runs() { return state.runs; },
    // The controls and the figure are shown already: as a cell's last value it adds nothing (an empty
    // bundle, which the kernel does not publish), so no stray `Out: interact(...)` in saved notebooks.
    toMimeBundle: () => ({}),
  };
}
