// How a checked derivation shows itself: as HTML, the typeset derivation (each line in display style,
// its relation in a column of its own so the relations align, a ✓ or ✗ for the step into it, the numbers
// of the failing draw or of every draw), as plain text (the LaTeX read as Unicode), and as LaTeX.
import type { DerivationResult, LineResult, Relation, StepResult } from './derivation';
import { splitRelation } from './derivation';
import { latexToText } from './latex-text';
import { checkKind, str } from '../validation/contract';

const ENVIRONMENT = { ...str(['align', 'align*', 'aligned']), expected: "'align', 'align*' or 'aligned'" };

const SYMBOL: Record<Relation, string> = { '=': '=', '≈': '≈', '<=': '≤', '>=': '≥', '<': '<', '>': '>', '+const': '= … + const', '∝': '∝' };

/** Which draws' numbers a display shows: the first failing draw (default, else draw 1), one draw, or all. */
export interface DisplayOptions {
  draws?: 'all' | number;
}

/** Options of toLatex: the environment (align, align*, aligned) and whether to mark steps ✓/✗ (\checkmark / \times). */
export interface LatexOptions {
  environment?: 'align' | 'align*' | 'aligned';
  marks?: boolean;
}

/** The relation as printed in messages: =, ≈, ≤, ≥, <, >. */
export const relationSymbol = (r: Relation): string => SYMBOL[r];

/** A number for messages and the table: integers as they are, others to 6 significant digits. */
export const fmtNumber = (v: number): string => {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-4 || a >= 1e9) ? v.toExponential(2) : Number(v.toPrecision(6)).toString();
};


const escapeHTML = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** A standard error to two significant digits: more would be noise. */
export const fmtSE = (v: number): string => (Number.isFinite(v) && v !== 0 ? Number(v.toPrecision(2)).toString() : String(v));

/** "−5.12 ± 0.01", a vector "[1, 2, 3, …]" (first four entries), or a matrix "[[1, 2], [3, 4]]" (first rows). */
function fmtValue(value?: number[], se?: number[], shape?: number[]): string {
  if (!value) return '';
  const one = (v: number, s?: number) => (s ? `${fmtNumber(v)} ± ${fmtSE(s)}` : fmtNumber(v));
  if (value.length === 1) return one(value[0], se?.[0]);
  if (shape && shape.length === 2 && shape[0] * shape[1] === value.length) {
    const [n, m] = shape;
    const row = (i: number) => `[${value.slice(i * m, i * m + Math.min(m, 3)).map((v, j) => one(v, se?.[i * m + j])).join(', ')}${m > 3 ? ', …' : ''}]`;
    return `[${Array.from({ length: Math.min(n, 3) }, (_, i) => row(i)).join(', ')}${n > 3 ? `, … (${n}×${m})` : ''}]`;
  }
  const shown = value.slice(0, 4).map((v, i) => one(v, se?.[i]));
  return `[${shown.join(', ')}${value.length > 4 ? `, … (${value.length})` : ''}]`;
}

const mark = (pass: boolean) => (pass ? '✓' : '✗');

function summaryLine(r: DerivationResult): string {
  const n = r.steps.length;
  const verdict = r.pass ? `✓ all ${n} step${n === 1 ? '' : 's'} hold` : `✗ ${r.steps.filter((s) => !s.pass).length || 'a'} failing`;
  return `${verdict} at ${r.draws} draw${r.draws === 1 ? '' : 's'} (z = ${r.z})`;
}

/** The 0-based draws whose numbers are shown. */
function shownDraws(r: DerivationResult, o: DisplayOptions): number[] {
  if (o.draws === 'all') return Array.from({ length: r.draws }, (_, k) => k);
  return [(typeof o.draws === 'number' ? o.draws : r.shownDraw) - 1];
}

const drawValue = (line: LineResult, k: number): string => {
  const d = line.draws?.[k];
  return d ? fmtValue(d.value, d.se, line.shape) : k === 0 ? fmtValue(line.value, line.se, line.shape) : '';
};

/** The relation as typeset in the aligned column: "= … + const" shows as "=", the const stays in the line. */
const relationLatex = (latex: string): { rel: string; rest: string } => {
  const { relation, rest } = splitRelation(latex);
  return { rel: relation, rest };
};

/** The typeset derivation as an HTML table: line, step mark, relation (aligned), the line in display style, numbers. */
export function renderHTML(r: DerivationResult, o: DisplayOptions = {}): string {
  const draws = shownDraws(r, o);
  const cols = 4 + draws.length;
  const td = 'style="text-align:left;padding:0.3em 0.5em"';
  const num = 'style="text-align:right;font-family:monospace;white-space:nowrap;padding:0 0.5em"';
  const rows: string[] = [];
  r.lines.forEach((line: LineResult, i: number) => {
    const step = i > 0 ? r.steps[i - 1] : undefined;
    const ok = step ? step.pass && !line.problem : !line.problem;
    const style = ok ? '' : ' style="background:#fdd"';
    const markCell = step ? `<span title="${escapeHTML(step.message)}">${mark(step.pass)}</span>` : (line.problem ? '✗' : '');
    const { rel, rest } = relationLatex(line.latex);
    const values = draws.map((k) => `<td ${num}>${line.problem && !line.draws?.[k]?.value ? `<i>${escapeHTML(line.problem)}</i>` : escapeHTML(drawValue(line, k))}</td>`).join('');
    rows.push(`<tr${style}><td>${i + 1}</td><td style="text-align:center">${markCell}</td>`
      + `<td style="text-align:right;padding:0 0.2em">${rel ? `$${escapeHTML(rel)}$` : ''}</td><td ${td}>$\\displaystyle ${escapeHTML(rest)}$</td>${values}</tr>`);
    // a note (a failure, a tight inequality) gets a row of its own under the line, not a squeezed column
    if (step?.message) rows.push(`<tr${style}><td></td><td></td><td></td><td colspan="${cols - 3}" style="text-align:left;font-size:85%;color:${step.pass ? '#555' : '#a00'}">${escapeHTML(step.message)}</td></tr>`);
    if (line.printed && step?.printed) {
      const p = step.printed;
      const pr = relationLatex(line.printed.latex);
      const latex = `$\\displaystyle ${escapeHTML(pr.rest)}$`;
      const shown = p.pass ? latex : `<s>${latex}</s>`;
      const src = line.printed.source ? `printed (${escapeHTML(line.printed.source)})` : 'printed';
      const pv = line.printed.problem && !line.printed.value ? `<i>${escapeHTML(line.printed.problem)}</i>` : escapeHTML(fmtValue(line.printed.value, line.printed.se));
      rows.push(`<tr style="color:#777"><td></td><td style="text-align:center">${mark(p.pass)}</td><td style="text-align:right">${pr.rel ? `$${escapeHTML(pr.rel)}$` : ''}</td>`
        + `<td ${td}>${src}: ${shown}</td><td ${num}>${draws.length === 1 ? pv : ''}</td>${draws.slice(1).map(() => '<td></td>').join('')}</tr>`);
      const note = p.message || (p.pass ? 'holds too' : '');
      if (note) rows.push(`<tr style="color:#777"><td></td><td></td><td></td><td colspan="${cols - 3}" style="text-align:left;font-size:85%">${escapeHTML(note)}</td></tr>`);
    }
  });
  const fail = r.firstFailure ? `<p style="color:#a00">first failure: ${escapeHTML(r.firstFailure)}</p>` : '';
  const heads = draws.map((k) => `<th>at draw ${k + 1}</th>`).join('');
  return `<div class="latent-derivation"><p><b>${escapeHTML(r.title)}</b> — ${escapeHTML(summaryLine(r))}</p>`
    + `<table><thead><tr><th>line</th><th>step</th><th></th><th style="text-align:left">derivation</th>${heads}</tr></thead><tbody>${rows.join('')}</tbody></table>${fail}</div>`;
}

/** The derivation as plain text: one row per line, relations aligned, LaTeX read as Unicode, the printed forms under the line they replace. */
export function renderText(r: DerivationResult, o: DisplayOptions = {}): string {
  const draws = shownDraws(r, o);
  const rows: string[][] = [];
  r.lines.forEach((line, i) => {
    const step = i > 0 ? r.steps[i - 1] : undefined;
    const { rel, rest } = relationLatex(line.latex);
    const m = step ? mark(step.pass) : line.problem ? '✗' : '';
    const vals = draws.map((k) => (line.problem && !line.draws?.[k]?.value ? line.problem : drawValue(line, k)));
    rows.push([String(i + 1), m, latexToText(rel), latexToText(rest), ...vals]);
    if (line.printed && step?.printed) {
      const src = line.printed.source ? ` (${line.printed.source})` : '';
      const pr = relationLatex(line.printed.latex);
      rows.push(['', mark(step.printed.pass), latexToText(pr.rel), `printed${src}: ${latexToText(pr.rest)}`, draws.length === 1 ? fmtValue(line.printed.value, line.printed.se) : '']);
    }
  });
  const header = ['', '', '', '', ...draws.map((k) => `at draw ${k + 1}`)];
  const all = [header, ...rows];
  const ncol = Math.max(...all.map((row) => row.length));
  const widths = Array.from({ length: ncol }, (_, j) => Math.max(...all.map((row) => (row[j] ?? '').length)));
  const body = all.map((row) => row.map((c, j) => (j === 2 ? c.padStart(widths[j]) : j < ncol - 1 ? c.padEnd(widths[j]) : c)).join('  ').trimEnd());
  const notes = r.steps.filter((s) => s.message && s.pass).map((s) => `note: ${s.message}`);
  const fail = r.firstFailure ? [`first failure: ${r.firstFailure}`] : [];
  return [`${r.title} — ${summaryLine(r)}`, ...body, ...notes, ...fail].join('\n');
}

/** The derivation as a LaTeX align environment: first line, then `&rel rest` rows, each step marked. */
export function renderLatex(r: DerivationResult, o: LatexOptions = {}): string {
  const env = o.environment ?? 'align';
  checkKind(ENVIRONMENT, env, 'environment', 'toLatex');
  const marks = o.marks ?? true;
  const tex = (s: string) => s.replace(/^[\s&]+/, '').trim();
  const rows: string[] = [];
  r.lines.forEach((line, i) => {
    const step = i > 0 ? r.steps[i - 1] : undefined;
    const { rel, rest } = relationLatex(line.latex);
    const markTex = marks && step ? ` && ${step.pass ? '\\checkmark' : '\\times'}` : '';
    if (i === 0) rows.push(`${tex(line.latex)}`);
    else if (i === 1) rows[0] += ` &${rel} ${rest}${markTex}`;
    else rows.push(`&${rel} ${rest}${markTex}`);
    if (line.printed && step?.printed) {
      const pr = relationLatex(line.printed.latex);
      const src = line.printed.source ? ` (${line.printed.source.replace(/([#$%&_{}])/g, '\\$1')})` : '';
      rows.push(`&${pr.rel} ${pr.rest} && \\text{printed${src}}${marks ? ` ${step.printed.pass ? '\\checkmark' : '\\times'}` : ''}`);
    }
  });
  if (r.lines.length === 1) rows[0] = `&${rows[0]}`;
  const title = `% ${r.title.replace(/\n/g, ' ')} — ${summaryLine(r)}`;
  return [title, `\\begin{${env}}`, rows.join(' \\\\\n'), `\\end{${env}}`].join('\n');
}
