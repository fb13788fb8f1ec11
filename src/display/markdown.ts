// Prose that carries the run's numbers. A lecture's markdown cells hold what does not depend on the run;
// a sentence that states a measured value is written with `md` in a code cell, so the value in the text is
// the value the cell computed — it cannot go stale with a seed, a checkpoint, LATENT_FULL=1 or another BLAS.
import type { MimeBundle } from './kernel-hook';
import { anything, checkKind, contract, describeAny, str, where, type Kind } from '../validation/contract';

const MARKDOWN = contract('Markdown', { text: str() });
// md is a tag: its first argument is the template's strings, with their raw text (the values are checked one by one below)
// values: md's rest parameter, each checked where it is formatted (named values[i])
const MD = contract('md', { strings: where(anything(), 'be a template\'s strings: use md as a tagged template, ll.md`text ${value}`', (s: TemplateStringsArray) => (!!s && Array.isArray(s.raw)) || `got ${s === null ? 'null' : typeof s}`), values: anything('the values in the text') });

/** A value `md` can put in prose: a number, a string, or an estimate with its standard error. */
export type MarkdownValue = number | string | { value: number; se: number };

/**
 * Markdown text (MathJax between `$…$` included) that shows itself as `text/markdown`, with a
 * `text/plain` fallback for front ends that do not render markdown. Made by `ll.md`.
 */
export class Markdown {
  /**
   * Wraps finished markdown text.
   *
   * @param text  the markdown, already with its values in place
   */
  constructor(readonly text: string) {
    MARKDOWN.check(arguments);
  }

  /** The markdown for the kernel: `text/markdown`, and as `text/plain` the same text without `**`, `$` or backticks. */
  toMimeBundle(): MimeBundle {
    const plain = this.text.replace(/\*\*|`|\$/g, '');
    return { 'text/markdown': this.text, 'text/plain': plain };
  }

  /** The markdown source. */
  toString(): string {
    return this.text;
  }
}

/** A number as prose shows it: integers whole, others to 3 significant digits (trailing zeros dropped). */
function formatNumber(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return x.toExponential(2);
  return String(Number(x.toPrecision(3)));
}

/** value ± se with as many decimals as the standard error's first significant digit needs. */
function formatEstimate(e: { value: number; se: number }): string {
  const decimals = e.se > 0 ? Math.min(8, Math.max(0, -Math.floor(Math.log10(e.se)))) : 2;
  return `${e.value.toFixed(decimals)} ± ${e.se.toFixed(decimals)}`;
}

const isEstimate = (v: unknown): v is { value: number; se: number } =>
  v !== null && typeof v === 'object' && typeof (v as { value?: unknown }).value === 'number' && typeof (v as { se?: unknown }).se === 'number';
// a value the prose states: NaN and ∞ are refused, so a sentence never states a number the run did not produce
const VALUE: Kind = {
  expected: 'a finite number, a string or an estimate { value, se } (a sentence cannot state NaN or ∞)',
  test: (v) => {
    if (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) return undefined;
    if (isEstimate(v)) return Number.isFinite(v.value) && Number.isFinite(v.se) && v.se >= 0 ? undefined : `got an estimate ${v.value} ± ${v.se}`;
    return `got ${describeAny(v)}`;
  },
};

function formatValue(v: unknown, index: number): string {
  // "values[1] (value 2 in the text)": the argument as md's signature names it, and where it sits in the sentence
  checkKind(VALUE, v, `values[${index}] (value ${index + 1} in the text)`, 'md');
  if (typeof v === 'string') return v;
  return isEstimate(v) ? formatEstimate(v) : formatNumber(v as number);
}

/** Removes the indentation the lines share (a template literal written inside indented code). */
function dedent(text: string): string {
  const lines = text.replace(/^\n/, '').replace(/\n[ \t]*$/, '').split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut)).join('\n');
}

/**
 * Markdown with computed values: a tagged template whose `${…}` are the run's numbers. As a cell's
 * last value (or through `ll.display`) it renders as markdown with MathJax; plain text elsewhere.
 *
 * Numbers print whole if integer, else to 3 significant digits (format them yourself, e.g.
 * `x.toFixed(2)`, for another precision); an estimate `{ value, se }` (what `ll.estimateMean`
 * returns) prints as `value ± se` to the standard error's first digit. A NaN, an infinity or
 * `undefined` throws, so a sentence never states a number the run did not produce. Indentation
 * shared by all lines is removed.
 *
 * @example
 * ```ts
 * const share = ll.evaluation.confidentShare(classifier, samples);   // { value: 0.65, se: 0.03 }
 * ll.md`The classifier is confident about ${share} of the samples,
 *   $${(100 * share.value).toFixed(0)}\%$ of them.`
 * // → text/markdown "The classifier is confident about 0.65 ± 0.03 of the samples,\n$65\%$ of them."
 * ```
 */
export function md(strings: TemplateStringsArray, ...values: MarkdownValue[]): Markdown {
  MD.check([strings]);
  // the raw text keeps LaTeX's backslashes; only a template's own escapes (\` and \${) are undone
  const raw = (i: number) => strings.raw[i].replace(/\\`/g, '`').replace(/\\\$\{/g, '${');
  let text = raw(0);
  values.forEach((v, i) => {
    text += formatValue(v, i) + raw(i + 1);
  });
  return new Markdown(dedent(text));
}
