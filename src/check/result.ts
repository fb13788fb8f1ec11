// What a derivation check returns: both sides, the error, the tolerance and the verdict. A list of
// results displays as a table in a notebook (toMimeBundle) and is asserted on in tests.

import { arrayOf, bool, checkKind, contract, oneOf, optional, str, type Kind } from '../validation/contract';

export type CheckMethod = 'monte-carlo' | 'quadrature' | 'finite-differences' | 'exact';

// a row as checkClose, checkAtMost, checkMonteCarlo, … make it; a side may be NaN or ±∞ (the row then fails and says so)
const ANY_NUMBER: Kind = { expected: 'a number', test: (v) => (typeof v === 'number' ? undefined : `got ${typeof v}`) };
const RESULT_FIELDS: Record<string, Kind> = {
  id: optional(str()), name: str(), method: str(['monte-carlo', 'quadrature', 'finite-differences', 'exact']), lhs: ANY_NUMBER, rhs: ANY_NUMBER,
  error: ANY_NUMBER, tolerance: ANY_NUMBER, se: optional(ANY_NUMBER), z: optional(ANY_NUMBER), pass: bool(), note: optional(str()),
};
// a record rather than an options bag: a row may carry more fields (a hand-made row's own notes)
const RESULT: Kind = {
  expected: 'a check result (what checkClose, checkAtMost, checkMonteCarlo, … return)',
  test: (v, at, fn) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return `got ${v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v}`;
    for (const [k, kind] of Object.entries(RESULT_FIELDS)) checkKind(kind, (v as Record<string, unknown>)[k], `${at}.${k}`, fn);
    return undefined;
  },
};
const RESULTS = arrayOf(RESULT);
const CHECK_TABLE = contract('CheckTable', { results: RESULTS });
// checkTable(...results): each argument one result or a list of them
const RESULT_OR_LIST = oneOf(RESULT, RESULTS);

export interface CheckResult {
  /** Ledger id (../shared/DERIVATIONS.md), e.g. "D17". */
  id?: string;
  /** What is being checked, in words. */
  name: string;
  method: CheckMethod;
  /** Left side (usually the estimate or the formula under test). */
  lhs: number;
  /** Right side (usually the exact value). */
  rhs: number;
  /** |lhs − rhs| (or, for gradients, the largest entry-wise difference). */
  error: number;
  tolerance: number;
  /** Standard error of lhs − rhs, for Monte Carlo checks. */
  se?: number;
  /** (lhs − rhs) / se, for Monte Carlo checks. */
  z?: number;
  pass: boolean;
  /** Extra context shown in the table (e.g. "n = 10000"). */
  note?: string;
}

const fmt = (v: number | undefined): string =>
  v === undefined ? '' : Number.isInteger(v) && Math.abs(v) < 1e9 ? String(v) : v.toPrecision(6);

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const COLUMNS: [string, (r: CheckResult) => string][] = [
  ['id', (r) => r.id ?? ''],
  ['check', (r) => r.name],
  ['method', (r) => r.method],
  ['lhs', (r) => fmt(r.lhs)],
  ['rhs', (r) => fmt(r.rhs)],
  ['|error|', (r) => fmt(r.error)],
  ['tolerance', (r) => fmt(r.tolerance)],
  ['SE', (r) => fmt(r.se)],
  ['z', (r) => (r.z === undefined ? '' : r.z.toFixed(2))],
  ['pass', (r) => (r.pass ? '✓' : '✗')],
  ['note', (r) => r.note ?? ''],
];

/**
 * A list of check results that shows itself as a table in the kernel.
 *
 * `ll.checkTable(...)` makes one; as a cell's last value it shows as a table with a ✓ or ✗ per row.
 *
 * @example
 * ```ts
 * const table = ll.checkTable(ll.checkClose('1 + 1 = 2', 1 + 1, 2));
 * table.allPass;      // true
 * table.assertAll();  // throws, listing the failures, if any check failed
 * ```
 */
export class CheckTable {
  /**
   * A table of the given check results, in order.
   *
   * @param results  the results of `checkClose`, `checkMonteCarlo`, … (each with lhs, rhs, error, tolerance, pass)
   */
  constructor(readonly results: CheckResult[]) {
    CHECK_TABLE.check(arguments);
  }

  get allPass(): boolean {
    return this.results.every((r) => r.pass);
  }

  /** Throws, listing each failing check, unless all pass. */
  assertAll(): void {
    const failed = this.results.filter((r) => !r.pass);
    if (failed.length) {
      throw new Error('failed checks:\n' + failed.map((r) => `  ${r.id ?? ''} ${r.name}: lhs ${fmt(r.lhs)} rhs ${fmt(r.rhs)} error ${fmt(r.error)} > tolerance ${fmt(r.tolerance)}`).join('\n'));
    }
  }

  /**
   * The table as aligned plain text (what a terminal or a text/plain front end shows).
   */
  toString(): string {
    const rows = [COLUMNS.map(([h]) => h), ...this.results.map((r) => COLUMNS.map(([, f]) => f(r)))];
    const widths = COLUMNS.map((_, j) => Math.max(...rows.map((row) => row[j].length)));
    return rows.map((row) => row.map((c, j) => c.padEnd(widths[j])).join('  ').trimEnd()).join('\n');
  }

  /**
   * The table as HTML (failing rows highlighted) and as plain text, for the kernel's display.
   */
  toMimeBundle(): Record<string, string> {
    const head = COLUMNS.map(([h]) => `<th>${h}</th>`).join('');
    const body = this.results.map((r) => {
      const style = r.pass ? '' : ' style="background:#fdd"';
      return `<tr${style}>${COLUMNS.map(([, f]) => `<td>${escape(f(r))}</td>`).join('')}</tr>`;
    }).join('');
    return { 'text/html': `<table class="latent-checks"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`, 'text/plain': this.toString() };
  }
}

/**
 * Collects results into a table: the last expression of a notebook cell shows it.
 *
 * @example
 * ```ts
 * ll.checkTable(
 *   ll.checkClose('1 + 1 = 2', 1 + 1, 2),
 *   ll.checkMonteCarlo('E[x] = 0', ll.estimateMean(ll.values(new ll.Normal(0, 1).sample(ll.rng(0), 1000))), 0),
 * );   // as a cell's last value: a table with a ✓ per row
 * ```
 */
export function checkTable(...results: (CheckResult | CheckResult[])[]): CheckTable {
  // a bad row is named by its own problem (results[1].pass must be true or false), not only by "one of"
  results.forEach((r, i) => { if (RESULT_OR_LIST.test(r, `results[${i}]`, 'checkTable') !== undefined) checkKind(Array.isArray(r) ? RESULTS : RESULT, r, `results[${i}]`, 'checkTable'); });
  return new CheckTable(results.flat());
}
