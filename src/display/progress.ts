// Live training progress. In the kernel: two outputs updated in place (display ids and
// update_display_data) — a text/plain status line (a bar, "epoch 7/20", the latest metrics and a
// text sparkline of the loss) and an image/png of the loss curve. Neither is HTML, so a notebook opened
// untrusted (JupyterLab, Notebook 7, the classic notebook) shows exactly what the run showed: the HTML
// sanitizer of those front ends stripped the inline SVG curve it once had, leaving its axis labels as
// stray digits. Outside a kernel: a terminal progress bar (cli-progress) on stderr.
import type { SingleBar } from 'cli-progress';
import { display, inKernel, updateDisplay } from './display';
import { svgToPNG } from '../plot/svg-png';
import { contract, count, num, numberArray, optional, options as optionsKind, positive, record, str } from '../validation/contract';

// the steps and epochs only label the display: no allocation, no bound beyond being counts
const TOTAL = count({ entriesEach: 0 }), EPOCHS = optional(count({ entriesEach: 0 }));
const STEP = { ...num({ min: 0 }), expected: 'a non-negative number' };
// the curve's values may hold NaN and ±∞ (a diverged loss): they are skipped when drawn
const VALUES = numberArray({ what: 'an array of numbers' });
const SPARKLINE = contract('sparkline', { values: VALUES, width: optional(positive()), height: optional(positive()) });
const TEXT_SPARKLINE = contract('textSparkline', { values: VALUES, width: optional(count({ entriesEach: 0 })) });
const PROGRESS_OPTIONS = { ...optionsKind({ total: TOTAL, title: optional(str()), curve: optional(str()), epochs: EPOCHS, throttleMs: optional(num({ min: 0 })) }, { required: ['total'] }), expected: 'progress options { total, … }' };
const PROGRESS = contract('progress', { options: PROGRESS_OPTIONS });
const PROGRESS_CLASS = contract('Progress', { options: PROGRESS_OPTIONS });
const UPDATE = contract('Progress.update', { step: STEP, metrics: optional(record('an object of metric name → number')) });

export interface ProgressOptions {
  total: number;
  title?: string;
  /** The metric drawn as a curve (default 'loss'). */
  curve?: string;
  /** The number of the last epoch: an `epoch` metric then reads "epoch 7/20". */
  epochs?: number;
  /** Minimum milliseconds between in-place updates of the status line (default 250; the curve: 4×); the last update is always sent. */
  throttleMs?: number;
}

let displayCounter = 0;

/** A tiny SVG polyline of the curve with its largest and smallest value: drawing it by hand keeps each update cheap. */
export function sparkline(values: number[], width = 320, height = 80): string {
  SPARKLINE.check(arguments);
  const finite = values.filter(Number.isFinite);
  const frame = `<rect width="${width}" height="${height}" fill="#fafafa" stroke="#ddd"/>`;
  if (finite.length < 2) return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" class="latent-lab-sparkline">${frame}</svg>`;
  const lo = Math.min(...finite), hi = Math.max(...finite), span = hi - lo || 1;
  const pts = values.map((v, i) => Number.isFinite(v) ? `${((i / (values.length - 1)) * (width - 4) + 2).toFixed(1)},${(height - 2 - ((v - lo) / span) * (height - 4)).toFixed(1)}` : '').filter(Boolean).join(' ');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" class="latent-lab-sparkline">` +
    `${frame}<polyline fill="none" stroke="steelblue" stroke-width="1.5" points="${pts}"/>` +
    `<text x="4" y="12" font-size="10" fill="#555">${formatNumber(hi)}</text><text x="4" y="${height - 4}" font-size="10" fill="#555">${formatNumber(lo)}</text></svg>`;
}

const BLOCKS = '▁▂▃▄▅▆▇█';

/**
 * The curve as a line of `width` block characters (▁…█), each the mean of its share of the values,
 * scaled between their smallest and largest: the loss curve in plain text, which every view keeps.
 *
 * @example
 * ```ts
 * ll.plot.textSparkline([5, 4, 3, 2, 1], 5)   // '█▆▅▃▁'
 * ```
 */
export function textSparkline(values: number[], width = 16): string {
  TEXT_SPARKLINE.check(arguments);
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return '';
  const n = Math.min(width, finite.length);
  const means = Array.from({ length: n }, (_, j) => {
    const part = finite.slice(Math.floor((j * finite.length) / n), Math.floor(((j + 1) * finite.length) / n));
    return part.reduce((a, b) => a + b, 0) / part.length;
  });
  const lo = Math.min(...means), hi = Math.max(...means), span = hi - lo;
  return means.map((m) => BLOCKS[span > 0 ? Math.round(((m - lo) / span) * (BLOCKS.length - 1)) : 0]).join('');
}

/** A number for people: integers as integers, others with four significant digits (no "7.0000", no "1.234e+2"). */
function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? '∞' : '-∞';
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

/** A bar of `width` cells, ━ done and ─ to go (short: the status line fits a notebook's width). */
function textBar(fraction: number, width = 12): string {
  const full = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return '━'.repeat(full) + '─'.repeat(width - full);
}

/**
 * A progress display for a loop of `total` steps: in the kernel, a status line in text/plain (bar,
 * steps, epoch, seconds, the latest metrics, a text sparkline) and a PNG of one metric's curve, both
 * updated in place; in a terminal, a text bar on stderr. `ll.plot.progress(options)` is the short
 * form; `ll.fit` uses it.
 *
 * @example
 * ```ts
 * const p = ll.plot.progress({ total: 100, title: 'fit', curve: 'loss' });
 * for (let t = 1; t <= 100; t++) p.update(t, { loss: 1 / t });
 * p.done();   // "fit  ━━━━━━━━━━━━ 100%  100/100 · 0.1 s · loss 0.01  █▃▂▁…"
 * ```
 */
export class Progress {
  readonly displayId: string;
  readonly history: number[] = [];
  private step = 0;
  private metrics: Record<string, number> = {};
  private lastSent = Date.now();
  private lastCurveSent = Date.now();
  private finished = false;
  private readonly bar?: SingleBar;
  private readonly started = Date.now();

  /**
   * Shows the display at step 0 of `options.total`.
   *
   * @param options  `total` steps (a positive integer), `title`, `curve` (the metric drawn, 'loss'), `epochs` (the last epoch's number), `throttleMs` (250)
   */
  constructor(private readonly options: ProgressOptions) {
    PROGRESS_CLASS.check(arguments);
    this.displayId = `latent-progress-${process.pid}-${++displayCounter}`;
    if (inKernel()) {
      display(this.statusBundle(), { displayId: this.displayId });
      display(this.curveBundle(), { displayId: `${this.displayId}-curve` });
    } else if (!process.env.LATENT_QUIET) {
      // Required here, not imported: only a run outside a kernel draws this bar (4-6 MB a kernel never uses).
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const { SingleBar, Presets } = require('cli-progress') as typeof import('cli-progress');
      this.bar = new SingleBar({ format: `${options.title ?? 'progress'} [{bar}] {value}/{total} {metrics}`, stream: process.stderr, noTTYOutput: true, notTTYSchedule: 5000 }, Presets.shades_classic);
      this.bar.start(options.total, 0, { metrics: '' });
    }
  }

  /** Records the step (1…total) and its metrics; the display follows, throttled. */
  update(step: number, metrics: Record<string, number> = {}): void {
    UPDATE.check(arguments);
    this.step = Math.min(step, this.options.total);
    this.metrics = metrics;
    const c = metrics[this.curveName()];
    if (c !== undefined) this.history.push(c);
    const now = Date.now();
    const last = this.step >= this.options.total;
    const throttle = this.options.throttleMs ?? 250;
    if (this.bar) {
      this.bar.update(this.step, { metrics: this.metricsText() });
    } else if (inKernel()) {
      if (last || now - this.lastSent >= throttle) {
        this.lastSent = now;
        updateDisplay(this.displayId, this.statusBundle());
      }
      // the PNG costs a few milliseconds to draw: less often than the line
      if (last || now - this.lastCurveSent >= 4 * throttle) {
        this.lastCurveSent = now;
        updateDisplay(`${this.displayId}-curve`, this.curveBundle());
      }
    }
  }

  /** Sends the final state (the line then says "done in … s") and closes the terminal bar. */
  done(): void {
    this.finished = true;
    if (this.bar) this.bar.stop();
    else if (inKernel()) {
      updateDisplay(this.displayId, this.statusBundle());
      updateDisplay(`${this.displayId}-curve`, this.curveBundle());
    }
  }

  /** The status line as text/plain shows it, e.g. "training the VAE  ━━━━━───────  45%  epoch 9/20 · 12.3 s · loss 108.3  █▅▃▂▂▁". */
  statusLine(): string {
    const { total, title } = this.options;
    const secs = ((Date.now() - this.started) / 1000).toFixed(1);
    const pct = `${Math.floor((100 * this.step) / total)}%`.padStart(4);
    const where = [`${this.step}/${total}`];
    const time = this.finished ? `done in ${secs} s` : `${secs} s`;
    const parts = [...where, time, this.metricsText()].filter(Boolean).join(' · ');
    const spark = textSparkline(this.history);
    return `${title ?? 'progress'}  ${textBar(this.step / total)} ${pct}  ${parts}${spark ? `  ${spark}` : ''}`;
  }

  private curveName(): string {
    return this.options.curve ?? 'loss';
  }

  private metricsText(): string {
    return Object.entries(this.metrics).map(([k, v]) => {
      if (k === 'epoch' && this.options.epochs !== undefined) return `epoch ${formatNumber(v)}/${this.options.epochs}`;
      return `${k} ${formatNumber(Number(v))}`;
    }).join(' · ');
  }

  private statusBundle() {
    return { 'text/plain': this.statusLine() };
  }

  private curveBundle() {
    const width = 320, height = 80;
    const png = svgToPNG(sparkline(this.history, width, height), { zoom: 1 }).toString('base64');
    return { 'image/png': png, 'text/plain': `${this.curveName()} curve: ${this.history.length} values${this.history.length ? `, last ${formatNumber(this.history[this.history.length - 1])}` : ''}` };
  }
}

/** Starts a progress display: `const p = progress({ total: 100 }); p.update(i, { loss }); p.done();` */
export function progress(options: ProgressOptions): Progress {
  PROGRESS.check(arguments);
  return new Progress(options);
}
