// A figure with a slider of its own: frames precomputed in the kernel at each value of a parameter,
// and a vega-lite parameter bound to a slider (or a drop-down) choosing the frame in the browser. It
// needs no kernel once drawn: JupyterLab and Notebook 7 render the slider from the vega-lite JSON; the
// static views (SVG/PNG, exports) show the frame at the starting value.
import { VegaLiteFigure, VegaLiteSpec } from './vega-lite-figure';

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

function dataValues(spec: VegaLiteSpec, fn: string): Record<string, unknown>[] {
  const data = spec.data as { values?: unknown } | undefined;
  if (!data || !Array.isArray(data.values)) {
    throw new Error(`${fn}: each frame must be a figure with inline data (spec.data.values), as the library's charts are`);
  }
  return data.values as Record<string, unknown>[];
}

/** Fixed axes over every frame, so that moving the slider moves the marks, not the axes. */
function fixDomains(spec: VegaLiteSpec, rows: Record<string, unknown>[]): void {
  const encoding = spec.encoding as Record<string, { field?: string; type?: string; scale?: Record<string, unknown> }> | undefined;
  if (!encoding) return;
  for (const channel of ['x', 'y']) {
    const enc = encoding[channel];
    if (!enc?.field || enc.type !== 'quantitative' || enc.scale?.domain !== undefined) continue;
    const values = rows.map((r) => r[enc.field!]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    if (values.length === 0) continue;
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    enc.scale = { ...(enc.scale ?? {}), domain: lo === hi ? [lo - 1, hi + 1] : [lo, hi] };
  }
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
 * Axes are fixed over all frames.
 *
 * Example (lecture 003, the forward process of diffusion):
 *   ll.plot.explorableFigure({ name: "t", values: [0, 100, 200, ..., 1000] },
 *                       (t) => ll.scatterPlot({ x: ..., y: ..., title: "samples of q(x_t | x_0)" }))
 */
export function explorableFigure(parameter: ExploreParameter, frame: (value: number) => VegaLiteFigure): ExplorableFigure {
  const fn = 'explorableFigure';
  const { name, values } = parameter ?? ({} as ExploreParameter);
  if (typeof name !== 'string' || !/^[A-Za-z_]\w*$/.test(name) || name === FRAME_FIELD) {
    throw new Error(`${fn}: parameter.name must be an identifier such as "t", got ${JSON.stringify(name)}`);
  }
  if (!Array.isArray(values) || values.length === 0 || values.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
    throw new Error(`${fn}: parameter.values must be a non-empty array of finite numbers`);
  }
  if (new Set(values).size !== values.length) throw new Error(`${fn}: parameter.values must not repeat a value`);
  const start = parameter.value ?? values[0];
  if (!values.includes(start)) throw new Error(`${fn}: parameter.value must be one of parameter.values, got ${start}`);
  if (typeof frame !== 'function') throw new Error(`${fn}: frame must be a function of the parameter's value`);

  const frames = values.map((v) => {
    const figure = frame(v);
    if (!(figure instanceof VegaLiteFigure)) throw new Error(`${fn}: frame(${v}) must return a vega-lite figure`);
    return figure;
  });
  const rows = frames.flatMap((f, i) => dataValues(f.spec, fn).map((r) => ({ ...r, [FRAME_FIELD]: values[i] })));
  const base = JSON.parse(JSON.stringify(frames[0].spec)) as VegaLiteSpec;
  if (base.layer !== undefined) throw new Error(`${fn}: layered figures are not supported; give a single-mark chart`);
  const step = evenlySpaced(values);
  const label = `${parameter.label ?? name} `;
  const bind = step !== undefined
    ? { input: 'range', min: values[0], max: values[values.length - 1], step, name: label }
    : { input: 'select', options: values, name: label };
  base.data = { values: rows };
  base.params = [...((base.params as unknown[]) ?? []), { name, value: start, bind }];
  base.transform = [{ filter: `datum.${FRAME_FIELD} == ${name}` }, ...((base.transform as unknown[]) ?? [])];
  fixDomains(base, rows);
  return new ExplorableFigure(base);
}
