// Runs one cell with tslab's converter and executor, and turns what happens into Jupyter outputs:
// the value of a final expression, TypeScript diagnostics, and thrown errors as ename/evalue/traceback.
import util from 'util';
import { createConverter, isCompleteCode, Converter } from 'tslab/dist/converter';
import { createExecutor, Executor } from 'tslab/dist/executor';
import { printQuickInfo } from 'tslab/dist/inspect';

export type MimeBundle = Record<string, unknown>;

export interface CellError {
  ename: string;
  evalue: string;
  traceback: string[];
}

export type CellOutcome = { ok: true; result?: MimeBundle } | { ok: false; error: CellError };

const DIAGNOSTIC_FORMAT = '%s%d:%d - %s';

/** A value's MIME bundle: its own `toMimeBundle()` (sync or async) when it has one, with text/plain always present. */
export async function mimeBundleOf(value: unknown): Promise<MimeBundle> {
  const bundle: MimeBundle = {};
  const v = value as { toMimeBundle?: () => MimeBundle | Promise<MimeBundle>; dataSync?: unknown; toString(): string };
  if (v !== null && typeof v === 'object' && typeof v.toMimeBundle === 'function') {
    Object.assign(bundle, await v.toMimeBundle());
  }
  if (!('text/plain' in bundle)) {
    // A tfjs tensor's own toString() is its values; util.inspect would dump engine internals.
    const isTensor = v !== null && typeof v === 'object' && typeof v.dataSync === 'function';
    bundle['text/plain'] = isTensor ? v.toString() : util.inspect(value, { depth: 4, maxArrayLength: 50 });
  }
  return bundle;
}

/** ename/evalue/traceback of anything thrown, with the kernel's own frames removed. */
export function cellErrorOf(thrown: unknown): CellError {
  if (thrown instanceof Error) {
    const interrupted = (thrown as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED'
      || thrown.message === 'Interrupted asynchronously';
    const ename = interrupted ? 'Interrupted' : thrown.name || 'Error';
    const frames = (thrown.stack ?? '').split('\n').slice(1)
      .filter((l) => !/node:internal|node:vm|tslab[\\/]dist|dist[\\/]kernel/.test(l));
    return { ename, evalue: thrown.message, traceback: [`${ename}: ${thrown.message}`, ...frames] };
  }
  const evalue = typeof thrown === 'string' ? thrown : util.inspect(thrown);
  return { ename: 'Thrown', evalue, traceback: [`Uncaught ${evalue}`] };
}

export class Session {
  private readonly executor: Executor;
  private readonly converter: Converter;
  private captured: { value?: unknown; hasValue: boolean; diagnostics: string[]; thrown?: { value: unknown } } =
    { hasValue: false, diagnostics: [] };

  constructor(cwd: string) {
    let browser: Converter | undefined;
    this.converter = createConverter({ isJS: false, isBrowser: false });
    const convs = {
      node: this.converter,
      get browser() { return (browser ??= createConverter({ isJS: false, isBrowser: true })); },
      close: () => { this.converter.close(); browser?.close(); },
    };
    // tslab's executor reports the final value through log() and failures through error().
    this.executor = createExecutor(cwd, convs, {
      log: (value: unknown) => { this.captured.value = value; this.captured.hasValue = true; },
      error: (first: unknown, ...rest: unknown[]) => {
        if (first === DIAGNOSTIC_FORMAT) {
          const [file, line, ch, text] = rest as [string, number, number, string];
          this.captured.diagnostics.push(`${file}${line}:${ch} - ${text}`);
        } else {
          this.captured.thrown ??= { value: first };
        }
      },
    });
  }

  async execute(code: string): Promise<CellOutcome> {
    this.captured = { hasValue: false, diagnostics: [] };
    const ok = await this.executor.execute(code);
    const c = this.captured;
    if (c.diagnostics.length > 0) {
      return {
        ok: false,
        error: { ename: 'TypeScriptError', evalue: c.diagnostics[0], traceback: c.diagnostics },
      };
    }
    if (!ok || c.thrown) {
      return { ok: false, error: cellErrorOf(c.thrown ? c.thrown.value : new Error('cell failed')) };
    }
    if (!c.hasValue) return { ok: true };
    try {
      return { ok: true, result: await mimeBundleOf(c.value) };
    } catch (e) {
      return { ok: false, error: cellErrorOf(e) };
    }
  }

  interrupt(): void {
    this.executor.interrupt();
  }

  isComplete(code: string): { status: 'complete' } | { status: 'incomplete'; indent: string } {
    const r = isCompleteCode(code);
    return r.completed ? { status: 'complete' } : { status: 'incomplete', indent: r.indent ?? '' };
  }

  complete(code: string, cursor: number): { matches: string[]; cursor_start: number; cursor_end: number } {
    const info = this.executor.complete(code, cursor);
    return { matches: info.candidates, cursor_start: info.start, cursor_end: info.end };
  }

  inspect(code: string, cursor: number): MimeBundle | undefined {
    const info = this.executor.inspect(code, cursor);
    return info ? { 'text/plain': printQuickInfo(info) } : undefined;
  }

  close(): void {
    this.executor.close();
  }
}
