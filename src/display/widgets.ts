// Jupyter widgets from the Latent Lab kernel: each control is a model of ipywidgets 8's protocol
// (version 2: @jupyter-widgets/controls 2.0.0, @jupyter-widgets/base 2.0.0) kept in sync with the front
// end over a comm (kernel/comms.ts). Outside the kernel a control still holds its value and calls its
// listeners, so code that uses widgets runs in scripts and tests; it just shows nothing to drag.

import { finiteNumber } from '../validation/arguments';
import { anything, arrayOf, bool, checkKind, contract, func, num, optional, options as optionsKind, positive, str, where, type Kind } from '../validation/contract';

// a slider's range: min below max, a positive step, the value inside (the relations name the other ends)
const within = (lo: number, hi: number, what: string) => where(num(), `lie in ${what} = [${lo}, ${hi}]`, (v: number) => v >= lo && v <= hi);
const INTEGER = num({ integer: true });
const LOG_BASE = where(num(), 'be above 1', (b: number) => b > 1);
const oneOfOptions = (options: readonly unknown[]) => where(anything(), `be one of ${JSON.stringify(options)}`, (v: unknown) => options.includes(v) || `got ${JSON.stringify(v)}`);
const OPTIONS = { ...arrayOf(anything(), { minLength: 1 }), expected: 'a non-empty array' };

/** The comms the kernel offers (kernel/comms.ts), seen from the library. */
interface CommLike {
  readonly id: string;
  send(data: Record<string, unknown>, metadata?: Record<string, unknown>, buffers?: Uint8Array[]): void;
  close(data?: Record<string, unknown>): void;
  onMsg(handler: (message: { data: Record<string, unknown> }) => unknown): void;
}
interface CommRegistryLike {
  open(targetName: string, data?: Record<string, unknown>, metadata?: Record<string, unknown>): CommLike;
}

function kernelComms(): CommRegistryLike | undefined {
  return (globalThis as { __latentLabKernel__?: { comms?: CommRegistryLike } }).__latentLabKernel__?.comms;
}

/** The widget protocol this module speaks (ipywidgets 8; JupyterLab 4 and Notebook 7). */
export const WIDGET_PROTOCOL_VERSION = '2.1.0';
const CONTROLS = { module: '@jupyter-widgets/controls', version: '2.0.0' };
const BASE = { module: '@jupyter-widgets/base', version: '2.0.0' };
const OUTPUT = { module: '@jupyter-widgets/output', version: '1.0.0' };
export const WIDGET_VIEW_MIME = 'application/vnd.jupyter.widget-view+json';

type State = Record<string, unknown>;
let localIds = 0;

// a listener is called later, from a front-end message: a non-function would fail there, far from the cell that gave it
const LISTENER = func('a function (a listener)');
const ON = {
  stateChange: contract('WidgetModel.onStateChange', { listener: LISTENER }),
  custom: contract('WidgetModel.onCustom', { listener: LISTENER }),
  controlChange: contract('Control.onChange', { listener: LISTENER }),
  dropdownChange: contract('Dropdown.onChange', { listener: LISTENER }),
  click: contract('Button.onClick', { listener: LISTENER }),
};

/** A widget model: its state, mirrored in the front end when a kernel is there. */
export class WidgetModel {
  readonly id: string;
  protected readonly state: State;
  private readonly comm?: CommLike;
  private readonly listeners: ((changed: State) => void)[] = [];
  private readonly customListeners: ((content: Record<string, unknown>) => void)[] = [];
  private closed = false;

  /**
   * A model of the ipywidgets 8 protocol (version 2), opened as a comm when a kernel is there.
   *
   * @param modelName  the front end's model class, e.g. 'IntSliderModel'
   * @param viewName  its view class, or null for models without a view (layouts)
   * @param state  the initial state (the model's traits)
   * @param module  the model's JavaScript module and version (the controls by default)
   * @param viewModule  the view's module (the model's by default)
   */
  constructor(modelName: string, viewName: string | null, state: State, module = CONTROLS, viewModule = module) {
    this.state = {
      _model_module: module.module, _model_module_version: module.version, _model_name: modelName,
      _view_module: viewModule.module, _view_module_version: viewModule.version, _view_name: viewName,
      _view_count: null,
      ...state,
    };
    const comms = kernelComms();
    if (comms) {
      this.comm = comms.open('jupyter.widget', { state: this.state, buffer_paths: [] }, { version: WIDGET_PROTOCOL_VERSION });
      this.id = this.comm.id;
      this.comm.onMsg((m) => this.onFrontEnd(m.data));
    } else {
      this.id = `local-${++localIds}`;
    }
  }

  /** The front end moved something: take its state, tell the listeners; or answer a request for state. */
  private onFrontEnd(data: Record<string, unknown>) {
    const method = data.method;
    if (method === 'update' || method === 'echo_update') {
      const changed = (data.state ?? {}) as State;
      Object.assign(this.state, changed);
      for (const l of this.listeners) l(changed);
    } else if (method === 'request_state') {
      this.comm?.send({ method: 'update', state: this.state, buffer_paths: [] });
    } else if (method === 'custom') {
      for (const l of this.customListeners) l((data.content ?? {}) as Record<string, unknown>);
    }
  }

  /**
   * The current value of one state key (as last set here or moved in the front end).
   */
  get(key: string): unknown {
    return this.state[key];
  }

  /** Changes state here and in the front end, and tells the listeners (as a change from the front end does). */
  set(changed: State): void {
    if (this.closed) throw new Error(`${this.state._model_name}: the widget is closed`);
    Object.assign(this.state, changed);
    this.comm?.send({ method: 'update', state: changed, buffer_paths: [] });
    for (const l of this.listeners) l(changed);
  }

  /**
   * Calls `listener` with the changed keys after every change, from the front end or from `set`.
   */
  onStateChange(listener: (changed: State) => void): void {
    ON.stateChange.check(arguments);
    this.listeners.push(listener);
  }

  /**
   * Calls `listener` with each custom message from the front end (a button's click).
   */
  onCustom(listener: (content: Record<string, unknown>) => void): void {
    ON.custom.check(arguments);
    this.customListeners.push(listener);
  }

  /** The reference other models use for this one ("IPY_MODEL_<id>"). */
  get ref(): string {
    return `IPY_MODEL_${this.id}`;
  }

  /** Closes the model's comm: the front end removes its views. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.comm?.close();
  }
}

/** A widget that can be displayed in a cell: a view of its model. */
export abstract class Widget {
  abstract readonly model: WidgetModel;
  /** What a static export or a terminal shows. */
  protected abstract describe(): string;

  /** The widget-view bundle a front end renders as the live widget, with a text line for static exports. */
  toMimeBundle(): Record<string, unknown> {
    return {
      [WIDGET_VIEW_MIME]: { version_major: 2, version_minor: 0, model_id: this.model.id },
      'text/plain': this.describe(),
    };
  }

  /** Closes the widget: its model and every view of it in the front end. */
  close(): void {
    this.model.close();
  }
}

function layout(): WidgetModel {
  return new WidgetModel('LayoutModel', 'LayoutView', {}, BASE);
}

function style(modelName: string): WidgetModel {
  return new WidgetModel(modelName, 'StyleView', {}, CONTROLS, BASE);
}

/**
 * A control with a value: `.value` reads and sets it, `.onChange` hears every change.
 *
 * @example
 * ```ts
 * const K = ll.widgets.intSlider({ value: 10, min: 1, max: 100, description: 'K' });
 * K.onChange((k) => console.log(k));
 * K.value = 20;   // moves the slider in the front end too
 * ```
 */
export class Control<T> extends Widget {
  readonly model: WidgetModel;

  /**
   * A control of the given ipywidgets model and view (use `intSlider`, `floatSlider`, `checkbox`, … instead).
   *
   * @param modelName  e.g. 'FloatSliderModel'
   * @param viewName  e.g. 'FloatSliderView'
   * @param styleName  its style model, e.g. 'SliderStyleModel'
   * @param state  the initial state, `value` included
   * @param label  the name used in the text form and in errors
   */
  constructor(modelName: string, viewName: string, styleName: string, state: State, private readonly label: string) {
    super();
    this.model = new WidgetModel(modelName, viewName, {
      layout: layout().ref, style: style(styleName).ref, description: '', description_allow_html: false,
      disabled: false, tabbable: null, tooltip: null, _dom_classes: [], ...state,
    });
  }

  get value(): T {
    return this.model.get('value') as T;
  }

  set value(v: T) {
    this.model.set({ value: v });
  }

  /** Calls `listener(value)` after each change of the value, from the front end or from code. */
  onChange(listener: (value: T) => void): this {
    ON.controlChange.check(arguments);
    this.model.onStateChange((changed) => { if ('value' in changed) listener(this.value); });
    return this;
  }

  protected describe(): string {
    return `${this.label}(${this.model.get('description') ? `${this.model.get('description')} ` : ''}value=${JSON.stringify(this.value)})`;
  }
}

const below = (max: number, name: string) => where(num(), `be below ${name} (${max})`, (v: number) => v < max);

/** `names`: the options' own names for the ends (a log slider's are minExponent and maxExponent). */
function rangeOf(fn: string, o: { min?: number; max?: number; step?: number; value?: number }, defaults: { min: number; max: number; step: number }, names = { min: 'min', max: 'max' }) {
  const min = finiteNumber(o.min ?? defaults.min, fn, names.min);
  const max = finiteNumber(o.max ?? defaults.max, fn, names.max);
  const step = finiteNumber(o.step ?? defaults.step, fn, 'step');
  checkKind(below(max, names.max), min, names.min, fn);
  checkKind(positive(), step, 'step', fn);
  const value = finiteNumber(o.value ?? min, fn, 'value');
  checkKind(within(min, max, `[${names.min}, ${names.max}]`), value, 'value', fn);
  return { min, max, step, value };
}

// each control's options bag: known keys of the right types (the ranges' relations are checked in rangeOf)
const NUM = optional(num());
const TEXT = optional(str());
const SLIDER_OPTIONS = optional(optionsKind({ value: NUM, min: NUM, max: NUM, step: NUM, description: TEXT, continuousUpdate: optional(bool()) }));
const INT_SLIDER = contract('intSlider', { options: SLIDER_OPTIONS });
const FLOAT_SLIDER = contract('floatSlider', { options: SLIDER_OPTIONS });
const LOG_SLIDER = contract('logSlider', { options: optional(optionsKind({ value: NUM, minExponent: NUM, maxExponent: NUM, step: NUM, base: NUM, description: TEXT, continuousUpdate: optional(bool()) })) });
const CHECKBOX = contract('checkbox', { options: optional(optionsKind({ value: optional(bool()), description: TEXT })) });
const TEXT_BOX = contract('text', { options: optional(optionsKind({ value: TEXT, placeholder: TEXT, description: TEXT })) });
const BUTTON = contract('button', { options: optional(optionsKind({ description: TEXT })) });

export interface SliderOptions { value?: number; min?: number; max?: number; step?: number; description?: string; continuousUpdate?: boolean }

/** An integer slider (IntSlider). Example: `ll.widgets.intSlider({ value: 10, min: 1, max: 100, description: "K" })`. */
export function intSlider(options: SliderOptions = {}): Control<number> {
  INT_SLIDER.check(arguments);
  const r = rangeOf('intSlider', options, { min: 0, max: 100, step: 1 });
  for (const [k, v] of Object.entries(r)) checkKind(INTEGER, v, k, 'intSlider');
  return new Control<number>('IntSliderModel', 'IntSliderView', 'SliderStyleModel', {
    ...r, description: options.description ?? '', continuous_update: options.continuousUpdate ?? true,
    orientation: 'horizontal', readout: true, readout_format: 'd', behavior: 'drag-tap',
  }, 'IntSlider');
}

/** A slider over real numbers (FloatSlider). Example: `ll.widgets.floatSlider({ value: 0.5, min: 0, max: 1, step: 0.01 })`. */
export function floatSlider(options: SliderOptions = {}): Control<number> {
  FLOAT_SLIDER.check(arguments);
  const r = rangeOf('floatSlider', options, { min: 0, max: 1, step: 0.01 });
  return new Control<number>('FloatSliderModel', 'FloatSliderView', 'SliderStyleModel', {
    ...r, description: options.description ?? '', continuous_update: options.continuousUpdate ?? true,
    orientation: 'horizontal', readout: true, readout_format: '.2f', behavior: 'drag-tap',
  }, 'FloatSlider');
}

export interface LogSliderOptions { value?: number; minExponent?: number; maxExponent?: number; step?: number; base?: number; description?: string; continuousUpdate?: boolean }

/**
 * A slider on a log scale (FloatLogSlider): value = base^e for e in [minExponent, maxExponent].
 * Example: `ll.widgets.logSlider({ value: 0.1, minExponent: -3, maxExponent: 1 })` (a temperature).
 */
export function logSlider(options: LogSliderOptions = {}): Control<number> {
  LOG_SLIDER.check(arguments);
  const base = finiteNumber(options.base ?? 10, 'logSlider', 'base');
  checkKind(LOG_BASE, base, 'base', 'logSlider');
  const { min, max, step } = rangeOf('logSlider', { min: options.minExponent ?? -2, max: options.maxExponent ?? 2, step: options.step ?? 0.1, value: options.minExponent ?? -2 }, { min: -2, max: 2, step: 0.1 }, { min: 'minExponent', max: 'maxExponent' });
  const value = finiteNumber(options.value ?? base ** ((min + max) / 2), 'logSlider', 'value');
  checkKind(within(base ** min, base ** max, '[base^minExponent, base^maxExponent]'), value, 'value', 'logSlider');
  return new Control<number>('FloatLogSliderModel', 'FloatLogSliderView', 'SliderStyleModel', {
    value, min, max, step, base, description: options.description ?? '', continuous_update: options.continuousUpdate ?? true,
    orientation: 'horizontal', readout: true, readout_format: '.3g', behavior: 'drag-tap',
  }, 'FloatLogSlider');
}

/** A checkbox. Example: `ll.widgets.checkbox({ value: true, description: "analytic KL" })`. */
export function checkbox(options: { value?: boolean; description?: string } = {}): Control<boolean> {
  CHECKBOX.check(arguments);
  return new Control<boolean>('CheckboxModel', 'CheckboxView', 'CheckboxStyleModel',
    { value: options.value ?? false, description: options.description ?? '', indent: true }, 'Checkbox');
}

/** A one-line text box. */
export function text(options: { value?: string; placeholder?: string; description?: string } = {}): Control<string> {
  TEXT_BOX.check(arguments);
  return new Control<string>('TextModel', 'TextView', 'TextStyleModel',
    { value: options.value ?? '', placeholder: options.placeholder ?? '', description: options.description ?? '', continuous_update: true }, 'Text');
}

const DROPDOWN_CLASS = contract('Dropdown', { options: OPTIONS, value: where(anything(), 'be one of options', (v: unknown, c) => (c.args.options as unknown[]).includes(v) || `got ${JSON.stringify(v)}`), description: str() });
const BUTTON_CLASS = contract('Button', { description: str() });

/** A drop-down list whose value is one of `options`. Example: `ll.widgets.dropdown({ options: ["linear", "cosine"] })`. */
export class Dropdown<T extends string | number> extends Widget {
  readonly model: WidgetModel;
  /**
   * A drop-down over `options` showing `value` (use `dropdown`, which checks them).
   *
   * @param options  the choices, in order
   * @param value  the selected choice
   * @param description  the label beside it
   */
  constructor(private readonly options: readonly T[], value: T, description: string) {
    super();
    DROPDOWN_CLASS.check(arguments);
    this.model = new WidgetModel('DropdownModel', 'DropdownView', {
      layout: layout().ref, style: style('DescriptionStyleModel').ref, description, description_allow_html: false,
      disabled: false, tabbable: null, tooltip: null, _dom_classes: [],
      _options_labels: options.map(String), index: options.indexOf(value),
    });
  }
  get value(): T {
    return this.options[this.model.get('index') as number];
  }
  set value(v: T) {
    const index = this.options.indexOf(v);
    if (index < 0) checkKind(oneOfOptions(this.options), v, 'value', 'dropdown');
    this.model.set({ index });
  }
  /** Calls `listener` with the new value after every selection; returns the drop-down, for chaining. */
  onChange(listener: (value: T) => void): this {
    ON.dropdownChange.check(arguments);
    this.model.onStateChange((changed) => { if ('index' in changed) listener(this.value); });
    return this;
  }
  protected describe(): string {
    return `Dropdown(value=${JSON.stringify(this.value)}, options=${JSON.stringify(this.options)})`;
  }
}

/**
 * A drop-down list of `options`, showing `value` (the first option by default); `.value` reads the choice.
 *
 * @example
 * ```ts
 * const schedule = ll.widgets.dropdown({ options: ['linear', 'cosine'], description: 'schedule' });
 * schedule.onChange((v) => console.log(v));
 * ```
 */
export function dropdown<T extends string | number>(options: { options: readonly T[]; value?: T; description?: string }): Dropdown<T> {
  checkKind(OPTIONS, options?.options, 'options', 'dropdown');
  const value = options.value ?? options.options[0];
  checkKind(oneOfOptions(options.options), value, 'value', 'dropdown');
  return new Dropdown(options.options, value, options.description ?? '');
}

/** A button; `onClick` runs on each click in the front end. */
export class Button extends Widget {
  readonly model: WidgetModel;
  /**
   * A button labelled `description` (use `button`).
   *
   * @param description  the button's label
   */
  constructor(description: string) {
    super();
    BUTTON_CLASS.check(arguments);
    this.model = new WidgetModel('ButtonModel', 'ButtonView', {
      layout: layout().ref, style: style('ButtonStyleModel').ref, description, button_style: '', icon: '',
      disabled: false, tabbable: null, tooltip: null, _dom_classes: [],
    });
  }
  /**
   * Calls `listener` on each click in the front end; returns the button, for chaining.
   */
  onClick(listener: () => void): this {
    ON.click.check(arguments);
    this.model.onCustom((content) => { if (content.event === 'click') listener(); });
    return this;
  }
  protected describe(): string {
    return `Button(${JSON.stringify(this.model.get('description'))})`;
  }
}

/**
 * A button; `onClick` runs a function on each click in the front end.
 *
 * @example
 * ```ts
 * ll.widgets.button({ description: 'resample' }).onClick(() => redraw());
 * ```
 */
export function button(options: { description?: string } = {}): Button {
  BUTTON.check(arguments);
  return new Button(options.description ?? '');
}

const CHILDREN: Kind = { expected: 'an array of widgets', test: (v) => (Array.isArray(v) && v.every((c) => c instanceof Widget) ? undefined : 'got something else') };
const BOX = contract('Box', { direction: str(['HBox', 'VBox']), children: CHILDREN });
const HBOX = contract('hbox', { children: CHILDREN });
const VBOX = contract('vbox', { children: CHILDREN });

/** A row (HBox) or column (VBox) of widgets. */
export class Box extends Widget {
  readonly model: WidgetModel;
  /**
   * A row ('HBox') or column ('VBox') of `children` (use `hbox` or `vbox`).
   *
   * @param direction  'HBox' or 'VBox'
   * @param children  the widgets inside, in order
   */
  constructor(private readonly direction: 'HBox' | 'VBox', readonly children: Widget[]) {
    super();
    BOX.check(arguments);
    this.model = new WidgetModel(`${direction}Model`, `${direction}View`, {
      layout: layout().ref, box_style: '', children: children.map((c) => c.model.ref), tabbable: null, tooltip: null, _dom_classes: [],
    });
  }
  protected describe(): string {
    return `${this.direction}(${this.children.length} widgets)`;
  }
}

/**
 * A row of widgets, side by side. Example: `ll.widgets.hbox([slider, button])`.
 */
export const hbox = (children: Widget[]): Box => { HBOX.check([children]); return new Box('HBox', children); };
/**
 * A column of widgets, one above the other. Example: `ll.widgets.vbox([slider, ll.widgets.output()])`.
 */
export const vbox = (children: Widget[]): Box => { VBOX.check([children]); return new Box('VBox', children); };

/** An output area (ipywidgets' Output model); `ll.interact` shows its results through display ids instead. */
export function output(): Widget {
  return new (class extends Widget {
    readonly model = new WidgetModel('OutputModel', 'OutputView', { layout: layout().ref, msg_id: '', outputs: [] }, OUTPUT);
    protected describe() { return 'Output()'; }
  })();
}
