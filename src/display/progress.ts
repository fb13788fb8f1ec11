// Live training progress. In the kernel: one output updated in place (a display id and
// update_display_data) with a bar, the latest metrics and a loss curve. Outside a kernel: a
// terminal progress bar (cli-progress) on stderr. The library's training loops use it.
import { SingleBar, Presets } from 'cli-progress';
import { display, inKernel, updateDisplay } from './display';

export interface ProgressOptions {
  total: number;
  title?: string;
  /** The metric drawn as a curve (default 'loss'). */
  curve?: string;
  /** Minimum milliseconds between in-place updates (default 250); the last update is always sent. */
  throttleMs?: number;
}

let displayCounter = 0;

/** A tiny SVG polyline of the curve: drawing it by hand keeps each update cheap. */
export function sparkline(values: number[], width = 320, height = 80): string {
  const finite = values.filter(Number.isFinite);
  if (finite.length < 2) return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"></svg>`;
  const lo = Math.min(...finite), hi = Math.max(...finite), span = hi - lo || 1;
  const pts = values.map((v, i) => Number.isFinite(v) ? `${((i / (values.length - 1)) * (width - 4) + 2).toFixed(1)},${(height - 2 - ((v - lo) / span) * (height - 4)).toFixed(1)}` : '').filter(Boolean).join(' ');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" class="latent-lab-sparkline">` +
    `<rect width="${width}" height="${height}" fill="#fafafa" stroke="#ddd"/><polyline fill="none" stroke="steelblue" stroke-width="1.5" points="${pts}"/>` +
    `<text x="4" y="12" font-size="10" fill="#555">${hi.toPrecision(4)}</text><text x="4" y="${height - 4}" font-size="10" fill="#555">${lo.toPrecision(4)}</text></svg>`;
}

/**
 * A progress display for a loop of `total` steps: in the kernel, a bar with the latest metrics and a
 * sparkline of one of them, updated in place (one display id); in a terminal, a text bar on stderr.
 * `ll.plot.progress(options)` is the short form; `trainVAE` and the other training loops use it.
 *
 * @example
 * ```ts
 * const p = ll.plot.progress({ total: 100, title: 'fit', curve: 'loss' });
 * for (let t = 1; t <= 100; t++) p.update(t, { loss: 1 / t });
 * p.done();
 * ```
 */
export class Progress {
  readonly displayId: string;
  readonly history: number[] = [];
  private step = 0;
  private metrics: Record<string, number> = {};
  private lastSent = 0;
  private readonly bar?: SingleBar;
  private readonly started = Date.now();

  /**
   * Shows the display at step 0 of `options.total`.
   *
   * @param options  `total` steps (a positive integer), `title`, `curve` (the metric drawn, 'loss'), `throttleMs` (250)
   */
  constructor(private readonly options: ProgressOptions) {
    if (!Number.isInteger(options.total) || options.total < 1) throw new Error(`progress: total must be a positive integer, got ${options.total}`);
    this.displayId = `latent-progress-${process.pid}-${++displayCounter}`;
    if (inKernel()) {
      display(this.bundle(), { displayId: this.displayId });
    } else if (!process.env.LATENT_QUIET) {
      this.bar = new SingleBar({ format: `${options.title ?? 'progress'} [{bar}] {value}/{total} {metrics}`, stream: process.stderr, noTTYOutput: true, notTTYSchedule: 5000 }, Presets.shades_classic);
      this.bar.start(options.total, 0, { metrics: '' });
    }
  }

  /** Records the step (1…total) and its metrics; the display follows, throttled. */
  update(step: number, metrics: Record<string, number> = {}): void {
    if (!Number.isFinite(step) || step < 0) throw new Error(`progress.update: step must be a non-negative number, got ${step}`);
    this.step = Math.min(step, this.options.total);
    this.metrics = metrics;
    const c = metrics[this.options.curve ?? 'loss'];
    if (c !== undefined) this.history.push(c);
    const now = Date.now();
    const last = this.step >= this.options.total;
    if (this.bar) {
      this.bar.update(this.step, { metrics: this.metricsText() });
    } else if (inKernel() && (last || now - this.lastSent >= (this.options.throttleMs ?? 250))) {
      this.lastSent = now;
      updateDisplay(this.displayId, this.bundle());
    }
  }

  /** Sends the final state and closes the terminal bar. */
  done(): void {
    if (this.bar) this.bar.stop();
    else if (inKernel()) updateDisplay(this.displayId, this.bundle());
  }

  private metricsText(): string {
    return Object.entries(this.metrics).map(([k, v]) => `${k} ${Number(v).toPrecision(5)}`).join('  ');
  }

  private bundle() {
    const { total, title } = this.options;
    const secs = ((Date.now() - this.started) / 1000).toFixed(1);
    const text = `${title ?? 'progress'}: ${this.step}/${total} (${secs} s) ${this.metricsText()}`;
    return {
      'text/html': `<div class="latent-lab-progress"><div><b>${title ?? 'progress'}</b> ${this.step}/${total} · ${secs} s · ${this.metricsText()}</div>` +
        `<progress value="${this.step}" max="${total}" style="width:320px"></progress><div>${sparkline(this.history)}</div></div>`,
      'text/plain': text,
    };
  }
}

/** Starts a progress display: `const p = progress({ total: 100 }); p.update(i, { loss }); p.done();` */
export function progress(options: ProgressOptions): Progress {
  return new Progress(options);
}
