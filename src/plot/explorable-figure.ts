// A figure with a slider of its own: frames precomputed in the kernel at each value of a parameter,
// and a vega-lite parameter bound to a slider (or a drop-down) choosing the frame in the browser. It
// needs no kernel once drawn: JupyterLab and Notebook 7 render the slider from the vega-lite JSON; the
// static views (SVG/PNG, exports) show the frame at the starting value.
import { VegaLiteFigure, VegaLiteSpec } from './vega-lite-figure';
import { anything, arrayOf, checkKind, contract, describeAny, func, num, options, str, where } from '../validation/contract';

/**
 * A vega-lite figure whose bundle (vega-lite + a PNG of the starting frame, no text/html, as every
 * figure's) names its parameters in the text form.
 *
 * Made by `ll.plot.explorableFigure(parameter, frame)`; see its example.
 */
export class ExplorableFigure extends VegaLiteFigure {
  override describe(): string {
    return `<ExplorableFigure: ${JSON.stringify((this.spec.params as { name: string }[]).map((p) => p.name))}>`;
  }
}

export interface ExploreParameter {
  /** The parameter's name in the figure (a JavaScript identifier, e.g. "t", "beta"). */
  name: string;
  /** The values to precompute, in order. */
  values: number[];
  /** The value shown first (and in static views); default: the first of `values`. */
  value?: number;
  /** The slider's label; default: the name. */
  label?: string;
}

const FRAME_FIELD = '__frame';

const valuesOf = (c: { args: Readonly<Record<string, unknown>> }) => c.args.values as number[];
const EXPLORABLE = contract('explorableFigure', {
  parameter: options({
    name: where(str(), 'be an identifier such as "t"', (n: string) => /^[A-Za-z_]\w*$/.test(n) && n !== FRAME_FIELD),
    values: where({ ...arrayOf(num(), { minLength: 1 }), expected: 'a non-empty array of finite numbers' }, 'not repeat a value', (v: number[]) => new Set(v).size === v.length),
    value: where(num(), 'be one of parameter.values', (v: number, c) => valuesOf(c).includes(v)),
    label: str(),
  }, { required: ['name', 'values'], path: true }),
  frame: func("a function of the parameter's value"),
});
// what the frame function returns: one of the library's charts, whose data is inline
const FIGURE = where(anything(), 'return a vega-lite figure', (f: unknown) => f instanceof VegaLiteFigure || `got ${describeAny(f)}`);
const INLINE = where(anything(), "return figures with inline data (spec.data.values), as the library's charts are", (spec: VegaLiteSpec) => Array.isArray((spec.data as { values?: unknown } | undefined)?.values) || 'got a figure without spec.data.values');
const SAME_LAYERS = where(anything(), 'return, when layered, the same layers in every frame, each with its own inline data', (ok: boolean) => ok || 'got layers that differ between frames or shared data');

function dataValues(spec: VegaLiteSpec, fn: string): Record<string, unknown>[] {
  checkKind(INLINE, spec, 'frame', fn);
  return (spec.data as { values: Record<string, unknown>[] }).values;
}

type Encoding = Record<string, { field?: string; type?: string; scale?: Record<string, unknown>; stack?: unknown }>;
interface Unit { encoding?: unknown; mark?: unknown; rows: Record<string, unknown>[] }

/** The numbers a unit draws along a channel: its field's (and the second field's, x2/y2) values; for
 * bars, the stacked totals per frame and category as well, and zero (a bar starts at zero). */
function extent(u: Unit, channel: string, second: string): number[] {
  const enc = u.encoding as Encoding;
  const nums = (f: string | undefined) => (f ? u.rows.map((r) => r[f]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v)) : []);
  const out = [...nums(enc[channel].field), ...nums(enc[second]?.field)];
  const mark = typeof u.mark === 'string' ? u.mark : (u.mark as { type?: string } | undefined)?.type;
  const across = enc[channel === 'x' ? 'y' : 'x']?.field;
  if ((mark === 'bar' || mark === 'area') && enc[channel].stack !== null && across) {
    const sums = new Map<string, [number, number]>();
    for (const r of u.rows) {
      const v = r[enc[channel].field!];
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      const key = JSON.stringify([r[FRAME_FIELD], r[across]]);
      const [neg, pos] = sums.get(key) ?? [0, 0];
      sums.set(key, v < 0 ? [neg + v, pos] : [neg, pos + v]);
    }
    for (const [neg, pos] of sums.values()) out.push(neg, pos);
    out.push(0);
  }
  return out;
}

/** Fixed axes over every frame, so that moving the slider moves the marks, not the axes. A layered
 * figure's layers share their x and y scales: one domain over every layer's values. */
function fixDomains(units: Unit[]): void {
  for (const [channel, second] of [['x', 'x2'], ['y', 'y2']]) {
    const encs = units.map((u) => u.encoding as Encoding | undefined);
    if (encs.some((e) => e?.[channel]?.scale?.domain !== undefined)) continue;
    const drawn = units.filter((u, i) => encs[i]?.[channel]?.field && encs[i]![channel].type === 'quantitative');
    const values = drawn.flatMap((u) => extent(u, channel, second));
    if (values.length === 0) continue;
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    for (const u of drawn) {
      const enc = (u.encoding as Encoding)[channel];
      enc.scale = { ...(enc.scale ?? {}), domain: lo === hi ? [lo - 1, hi + 1] : [lo, hi] };
    }
  }
}

/** A title that differs between frames (e.g. one naming the frame's estimate) follows the slider: a
 * vega expression choosing the chosen frame's text. */
function frameTitle(titles: unknown[], name: string, values: number[]): unknown {
  const text = (t: unknown) => (t && typeof t === 'object' ? (t as { text?: unknown }).text : t);
  if (titles.every((t) => JSON.stringify(text(t)) === JSON.stringify(text(titles[0])))) return titles[0];
  const texts = titles.map((t) => {
    const x = text(t);
    return Array.isArray(x) ? x.join(' ') : String(x ?? '');
  });
  let expr = JSON.stringify(texts[texts.length - 1]);
  for (let i = texts.length - 2; i >= 0; i--) expr = `${name} == ${values[i]} ? ${JSON.stringify(texts[i])} : ${expr}`;
  const first = titles[0];
  return { ...(first && typeof first === 'object' ? first : {}), text: { expr } };
}

/** Evenly spaced values can use a range slider; others get a drop-down of exactly those values. */
function evenlySpaced(values: number[]): number | undefined {
  if (values.length < 2) return undefined;
  const step = values[1] - values[0];
  if (!(step > 0)) return undefined;
  const ok = values.every((v, i) => Math.abs(v - (values[0] + i * step)) <= 1e-9 * Math.max(1, Math.abs(v)));
  return ok ? step : undefined;
}

/**
 * Precomputes `frame(v)` for each value of a parameter and joins the frames into one figure whose
 * slider (a vega-lite parameter bound to an input) picks the frame in the browser, without the kernel.
 * Axes are fixed over all frames. A frame may be a layered chart (a histogram, contours with samples):
 * each layer that changes between frames follows the slider, one that does not is drawn once. A title
 * that changes between frames (one naming the frame's estimate) follows the slider too.
 *
 * Example (lecture 003, the forward process of diffusion):
 *   ll.plot.explorableFigure({ name: "t", values: [0, 100, 200, ..., 1000] },
 *                       (t) => ll.scatterPlot({ x: ..., y: ..., title: "samples of q(x_t | x_0)" }))
 */
export function explorableFigure(parameter: ExploreParameter, frame: (value: number) => VegaLiteFigure): ExplorableFigure {
  const fn = 'explorableFigure';
  EXPLORABLE.check(arguments);
  const { name, values } = parameter;
  const start = parameter.value ?? values[0];

  const frames = values.map((v) => {
    const figure = frame(v);
    checkKind(FIGURE, figure, `frame(${v})`, fn);
    return figure;
  });
  const base = JSON.parse(JSON.stringify(frames[0].spec)) as VegaLiteSpec;
  const filter = { filter: `datum.${FRAME_FIELD} == ${name}` };
  // Each frame's rows, tagged with its value; the filter shows the chosen frame's. A layered figure
  // (a histogram with its density, contours with samples) does this per layer; a layer whose data is
  // the same in every frame (the contours) stays as it is, once.
  const units: Unit[] = [];
  const animate = (target: VegaLiteSpec, of: (spec: VegaLiteSpec) => VegaLiteSpec) => {
    const each = frames.map((f) => dataValues(of(f.spec), fn));
    if (target !== base && each.every((r) => JSON.stringify(r) === JSON.stringify(each[0]))) {
      units.push({ encoding: target.encoding, mark: target.mark, rows: each[0] });
      return;
    }
    const rows = each.flatMap((r, i) => r.map((row) => ({ ...row, [FRAME_FIELD]: values[i] })));
    target.data = { values: rows };
    target.transform = [filter, ...((target.transform as unknown[]) ?? [])];
    units.push({ encoding: target.encoding, mark: target.mark, rows });
  };
  if (base.layer !== undefined) {
    const layers = base.layer as VegaLiteSpec[];
    checkKind(SAME_LAYERS, base.data === undefined && frames.every((f) => Array.isArray(f.spec.layer) && (f.spec.layer as unknown[]).length === layers.length), 'frame', fn);
    layers.forEach((layer, j) => animate(layer, (spec) => (spec.layer as VegaLiteSpec[])[j]));
  } else {
    animate(base, (spec) => spec);
  }
  const step = evenlySpaced(values);
  const label = `${parameter.label ?? name} `;
  const bind = step !== undefined
    ? { input: 'range', min: values[0], max: values[values.length - 1], step, name: label }
    : { input: 'select', options: values, name: label };
  base.params = [...((base.params as unknown[]) ?? []), { name, value: start, bind }];
  if (base.title !== undefined) base.title = frameTitle(frames.map((f) => f.spec.title), name, values);
  fixDomains(units);
  return new ExplorableFigure(base);
}
