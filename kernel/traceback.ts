// Errors as a student reads them, the way IPython shows them: "Cell In[5], line 3" with the cell's own
// lines and an arrow, outermost call first, the error last; frames inside Latent Lab, TensorFlow.js and
// Node are folded into one line below the student's own frame. TypeScript diagnostics get the line and a caret.
import os from 'os';
import util from 'util';
import v8 from 'v8';
import { CellSourceMap } from './source-map';

export interface CellError {
  ename: string;
  evalue: string;
  traceback: string[];
}

/** What the traceback needs to know about a cell that ran: its source and its source map. */
export interface CellRecord {
  source: string;
  map?: CellSourceMap;
  /** Lines of wrapper code before the converted JavaScript in the script that ran. */
  wrapperLines: number;
}

/** The file name a cell's script runs under; stack frames carry it. */
export const cellFileName = (count: number): string => `In[${count}]`;

const RED = '\u001b[31m';
const GREEN = '\u001b[32m';
const BOLD = '\u001b[1m';
const RESET = '\u001b[0m';
const DIM = '\u001b[2m';

/** "Cell In[5], line 3" and the lines around it, with an arrow at the line (0-based) and an optional caret. */
export function cellExcerpt(count: number, source: string, line: number, caret?: { column: number; length: number }, where?: string): string {
  const lines = source.split('\n');
  const first = Math.max(0, line - 2);
  const last = Math.min(lines.length - 1, line + 2);
  const width = String(last + 1).length;
  const out = [`${GREEN}Cell In[${count}], line ${line + 1}${where ? `, in ${where}` : ''}${RESET}`];
  for (let i = first; i <= last; i++) {
    const number = String(i + 1).padStart(width);
    if (i === line) {
      out.push(`${GREEN}----> ${number}${RESET} ${lines[i]}`);
      if (caret) out.push(`${' '.repeat(6 + width + 1 + caret.column)}${RED}${'^'.repeat(Math.max(1, caret.length))}${RESET}`);
    } else {
      out.push(`      ${number} ${lines[i]}`);
    }
  }
  return out.join('\n');
}

interface Frame {
  text: string;
  fn?: string;
  file?: string;
  line?: number;
  column?: number;
}

const FRAME = /^\s*at (?:(async )?(.*?) \()?(.*?):(\d+):(\d+)\)?$/;

function parseFrame(text: string): Frame {
  const m = FRAME.exec(text);
  if (!m) return { text };
  return { text, fn: m[2] ? (m[1] ?? '') + m[2] : undefined, file: m[3], line: Number(m[4]), column: Number(m[5]) };
}

const CELL_FILE = /^In\[(\d+)\]$/;
/** Frames of the kernel itself and of Node's machinery: never the student's business. */
const MACHINERY = /node:internal|node:vm|[\\/]dist[\\/]kernel[\\/]|[\\/]kernel[\\/][a-z-]+\.ts|tslab[\\/]dist|^processTicksAndRejections/;

/** Where a library frame comes from, in a word a student recognizes. */
function libraryOf(file: string): string {
  if (/@tensorflow/.test(file)) return 'TensorFlow.js';
  if (/[\\/](dist[\\/])?src[\\/]/.test(file) && !/node_modules[\\/](?!latent-lab)/.test(file)) return 'Latent Lab';
  const m = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(file);
  return m ? m[1] : file.startsWith('node:') ? 'Node' : file;
}

/** Runs of the same frame (a recursion) as one frame and the number of further repeats. */
function foldRecursion(frames: Frame[]): { frame: Frame; repeats: number }[] {
  const out: { frame: Frame; repeats: number }[] = [];
  for (const frame of frames) {
    const last = out[out.length - 1];
    if (last && last.frame.file === frame.file && last.frame.line === frame.line && last.frame.column === frame.column && last.frame.fn === frame.fn) {
      last.repeats++;
    } else {
      out.push({ frame, repeats: 0 });
    }
  }
  return out;
}

/**
 * One allocation larger than the machine or V8 can give (`new Float64Array(4e9)`, a 1e5 × 1e5 tensor, a
 * string past V8's limit): V8 throws a RangeError and the kernel lives; the student reads it as Python's
 * MemoryError, with the sizes that matter. A negative length is a plain RangeError.
 */
function isAllocationFailure(e: Error): boolean {
  if (e.name !== 'RangeError' && e.name !== 'RuntimeError') return false;
  const m = e.message;
  if (/^Array buffer allocation failed|^Invalid string length|^Aborted\(OOM\)|Cannot enlarge memory|^WebAssembly\.Memory\(\): could not allocate/.test(m)) return true;
  const length = /^(?:Invalid typed array length|Start offset .* is outside the bounds of the buffer|Invalid array buffer length): (\d[\d.e+]*)/.exec(m);
  return length !== null && Number(length[1]) > 2 ** 20;
}

const gb = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GB`;

function allocationMessage(original: string): string {
  const heap = v8.getHeapStatistics().heap_size_limit;
  return `${original}: one value larger than the kernel can hold (this machine has ${gb(os.totalmem())}, the kernel's ` +
    `JavaScript heap ${Math.round(heap / 2 ** 20).toLocaleString('en')} MB). Make it smaller or work in batches; the kernel goes on.`;
}

/** ename/evalue/traceback of anything thrown, pointing at the student's own lines. */
export function cellErrorOf(thrown: unknown, cells: ReadonlyMap<number, CellRecord> = new Map()): CellError {
  if (!(thrown instanceof Error)) {
    const evalue = typeof thrown === 'string' ? thrown : util.inspect(thrown);
    return { ename: 'Thrown', evalue, traceback: [`${RED}${BOLD}Uncaught${RESET} ${evalue}`] };
  }
  const code = (thrown as { code?: string }).code;
  const interrupted = code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED' || thrown.name === 'Interrupted' || thrown.name === 'MemoryError';
  const tooBig = !interrupted && isAllocationFailure(thrown);
  const ename = tooBig ? 'MemoryError' : interrupted && thrown.name !== 'MemoryError' ? 'Interrupted' : thrown.name || 'Error';
  const evalue = tooBig ? allocationMessage(thrown.message) : thrown.message;
  // An interrupt (or the memory watchdog's stop) is one line: its stack is the kernel's own.
  if (interrupted) return { ename, evalue, traceback: [`${RED}${BOLD}${ename}${RESET}: ${evalue}`] };
  const frames = (thrown.stack ?? '').split('\n').filter((l) => /^\s*at /.test(l)).map(parseFrame);

  // Innermost first, as V8 gives them; find the student's frames.
  const isCell = (f: Frame) => !!f.file && CELL_FILE.test(f.file);
  const innermostCell = frames.findIndex(isCell);
  const blocks: string[] = [];
  if (innermostCell >= 0) {
    const below = frames.slice(0, innermostCell).filter((f) => !MACHINERY.test(f.text));
    const cellFrames = foldRecursion(frames.slice(innermostCell).filter(isCell).reverse());
    for (const { frame: f, repeats } of cellFrames) {
      const count = Number(CELL_FILE.exec(f.file!)![1]);
      const cell = cells.get(count);
      const position = cell?.map?.cellPosition(f.line! - 1 - cell.wrapperLines, f.column! - 1);
      const fn = f.fn && f.fn !== 'eval' && !f.fn.startsWith('Object.<anonymous>') ? f.fn.replace(/^Object\./, '') : undefined;
      blocks.push(cell && position
        ? cellExcerpt(count, cell.source, position.line, undefined, fn)
        : `${GREEN}Cell In[${count}]${RESET}${fn ? `, in ${fn}` : ''}`);
      if (repeats > 0) blocks.push(`${DIM}  … ${repeats.toLocaleString('en')} more call${repeats > 1 ? 's' : ''} of ${fn ?? 'the same line'}${RESET}`);
    }
    if (below.length > 0) {
      const libraries = [...new Set(below.map((f) => libraryOf(f.file ?? '')))].join(', ');
      const where = below[below.length - 1].fn ?? '';
      const innermost = below[0].fn ?? '';
      blocks.push(`${DIM}  … ${below.length} frame${below.length > 1 ? 's' : ''} inside ${libraries}` +
        `${where ? ` (called as ${where}${innermost && innermost !== where ? `, raised in ${innermost}` : ''})` : ''}${RESET}`);
    }
  } else {
    const kept = frames.filter((f) => !MACHINERY.test(f.text)).map((f) => f.text);
    if (kept.length > 0) blocks.push(kept.join('\n'));
  }
  return { ename, evalue, traceback: [...blocks, `${RED}${BOLD}${ename}${RESET}: ${evalue}`] };
}

/** A TypeScript diagnostic as tslab's converter reports it (0-based positions in the cell). */
export interface Diagnostic {
  fileName?: string;
  start: { line: number; character: number; offset: number };
  end: { line: number; character: number; offset: number };
  messageText: string;
  code: number;
}

/** TypeScript errors: each with its line in the cell and a caret under the offending code. */
/** `import("/…/dist/src/index")`, as TypeScript names Latent Lab's module in a message: notebooks call it `ll`. */
const LIBRARY_MODULE = /import\("[^"]*?[\\/]dist[\\/]src[\\/]index(?:\.js)?"\)/g;

export function diagnosticsError(count: number, source: string, diagnostics: Diagnostic[]): CellError {
  diagnostics = diagnostics.map((d) => ({ ...d, messageText: d.messageText.replace(LIBRARY_MODULE, 'll') }));
  const blocks = diagnostics.map((d) => {
    const message = `${RED}${BOLD}error TS${d.code}${RESET}: ${d.messageText}`;
    if (d.fileName) return `${d.fileName}, line ${d.start.line + 1}:${d.start.character + 1}\n${message}`;
    const length = d.end.line === d.start.line ? d.end.character - d.start.character : 1;
    return `${cellExcerpt(count, source, d.start.line, { column: d.start.character, length })}\n${message}`;
  });
  const first = diagnostics[0];
  const where = first.fileName ? `${first.fileName} ` : '';
  return {
    ename: 'TypeScriptError',
    evalue: `${where}line ${first.start.line + 1}: ${first.messageText}`,
    traceback: blocks,
  };
}
