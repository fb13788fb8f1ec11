// How a checked derivation shows itself: as HTML, the typeset derivation (each line's LaTeX inside
// $…$ for MathJax/KaTeX, a ✓ or ✗ for the step into it, its numbers at draw 1), and as plain text.
import type { DerivationResult, LineResult, Relation, StepResult } from './derivation';

const SYMBOL: Record<Relation, string> = { '=': '=', '≈': '≈', '<=': '≤', '>=': '≥', '<': '<', '>': '>' };

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

/** "−5.12 ± 0.01", or a vector "[1, 2, 3, …]" (first four entries), at draw 1. */
function fmtValue(value?: number[], se?: number[]): string {
  if (!value) return '';
  const one = (v: number, s?: number) => (s ? `${fmtNumber(v)} ± ${fmtSE(s)}` : fmtNumber(v));
  if (value.length === 1) return one(value[0], se?.[0]);
  const shown = value.slice(0, 4).map((v, i) => one(v, se?.[i]));
  return `[${shown.join(', ')}${value.length > 4 ? `, … (${value.length})` : ''}]`;
}

const mark = (pass: boolean) => (pass ? '✓' : '✗');

function stepNote(step: StepResult | undefined): string {
  if (!step) return '';
  return step.message;
}

function summaryLine(r: DerivationResult): string {
  const n = r.steps.length;
  const verdict = r.pass ? `✓ all ${n} step${n === 1 ? '' : 's'} hold` : `✗ ${r.steps.filter((s) => !s.pass).length || 'a'} failing`;
  return `${verdict} at ${r.draws} draw${r.draws === 1 ? '' : 's'} (seed ${r.seed}, z = ${r.z})`;
}

/** The typeset derivation as an HTML table. */
export function renderHTML(r: DerivationResult): string {
  const rows: string[] = [];
  r.lines.forEach((line: LineResult, i: number) => {
    const step = i > 0 ? r.steps[i - 1] : undefined;
    const ok = step ? step.pass && !line.problem : !line.problem;
    const style = ok ? '' : ' style="background:#fdd"';
    const markCell = step ? `<span title="${escapeHTML(step.message)}">${mark(step.pass)}</span>` : (line.problem ? '✗' : '');
    const value = line.problem && !line.value ? `<i>${escapeHTML(line.problem)}</i>` : escapeHTML(fmtValue(line.value, line.se));
    rows.push(`<tr${style}><td>${i + 1}</td><td style="text-align:center">${markCell}</td><td style="text-align:left">$${escapeHTML(line.latex)}$</td>`
      + `<td style="text-align:right;font-family:monospace">${value}</td><td style="text-align:left">${escapeHTML(stepNote(step))}</td></tr>`);
    if (line.printed && step?.printed) {
      const p = step.printed;
      const latex = `$${escapeHTML(line.printed.latex)}$`;
      const shown = p.pass ? latex : `<s>${latex}</s>`;
      const src = line.printed.source ? `printed (${escapeHTML(line.printed.source)})` : 'printed';
      const pv = line.printed.problem && !line.printed.value ? `<i>${escapeHTML(line.printed.problem)}</i>` : escapeHTML(fmtValue(line.printed.value, line.printed.se));
      rows.push(`<tr style="color:#777"><td></td><td style="text-align:center">${mark(p.pass)}</td><td style="text-align:left">${src}: ${shown}</td>`
        + `<td style="text-align:right;font-family:monospace">${pv}</td><td style="text-align:left">${escapeHTML(p.message || (p.pass ? 'holds too' : ''))}</td></tr>`);
    }
  });
  const fail = r.firstFailure ? `<p style="color:#a00">first failure: ${escapeHTML(r.firstFailure)}</p>` : '';
  return `<div class="latent-derivation"><p><b>${escapeHTML(r.title)}</b> — ${escapeHTML(summaryLine(r))}</p>`
    + `<table><thead><tr><th>line</th><th>step</th><th>derivation</th><th>at draw 1</th><th>note</th></tr></thead><tbody>${rows.join('')}</tbody></table>${fail}</div>`;
}

/** The derivation as plain text: one row per line, the printed forms under the line they replace. */
export function renderText(r: DerivationResult): string {
  const rows: string[][] = [];
  r.lines.forEach((line, i) => {
    const step = i > 0 ? r.steps[i - 1] : undefined;
    const m = step ? `${mark(step.pass)} ${relationSymbol(step.relation)}` : line.problem ? '✗' : '';
    rows.push([String(i + 1), m, line.latex.trim(), line.problem && !line.value ? line.problem : fmtValue(line.value, line.se)]);
    if (line.printed && step?.printed) {
      const src = line.printed.source ? ` (${line.printed.source})` : '';
      rows.push(['', `${mark(step.printed.pass)} ${relationSymbol(step.printed.relation)}`, `printed${src}: ${line.printed.latex.trim()}`, fmtValue(line.printed.value, line.printed.se)]);
    }
  });
  const widths = [0, 1, 2].map((j) => Math.max(...rows.map((row) => row[j].length)));
  const body = rows.map((row) => row.map((c, j) => (j < 3 ? c.padEnd(widths[j]) : c)).join('  ').trimEnd());
  const notes = r.steps.filter((s) => s.message && s.pass).map((s) => `note: ${s.message}`);
  const fail = r.firstFailure ? [`first failure: ${r.firstFailure}`] : [];
  return [`${r.title} — ${summaryLine(r)}`, ...body, ...notes, ...fail].join('\n');
}
