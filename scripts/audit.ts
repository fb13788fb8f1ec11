/**
 * The printed-formula audit of the five lecture texts, gathered from the notebooks' audit tables
 * into docs/audit.md, with the counts per text (also written into the README).
 *
 * An audit table is a markdown table in a notebook whose header is exactly {@link HEADER}; each
 * row names a lecture text (000 … 004), the lines of that text it covers ("170", "192, 196",
 * "223–224"), the printed form, a status (✓ checked numerically, ✗ shown failing numerically
 * beside the right form, "artifact" of the text extraction, "not checkable") and where it is
 * checked or why it cannot be. docs/audit-lines.json records, for each text, the lines that hold
 * a displayed formula by the rule {@link isFormulaLine}, so the coverage test runs without the
 * texts; with the texts present (LATENT_LECTURES, default /work/shared/lectures) the script
 * recomputes it.
 *
 *   npx tsx scripts/audit.ts          # rewrite docs/audit.md, the README counts and, when the texts are there, docs/audit-lines.json
 *   npx tsx scripts/audit.ts --check  # exit 1 when any of them is stale
 */
import * as fs from 'fs';
import * as path from 'path';
import { createHash } from 'crypto';

const ROOT = path.resolve(__dirname, '..');
export const AUDIT_MD = path.join(ROOT, 'docs', 'audit.md');
export const LINES_JSON = path.join(ROOT, 'docs', 'audit-lines.json');
const README = path.join(ROOT, 'README.md');
const NOTEBOOKS = path.join(ROOT, 'notebooks');
const LECTURES = process.env.LATENT_LECTURES ?? '/work/shared/lectures';
export const HEADER = '| text | line | printed | status | check / reason |';
export const STATUSES = ['✓', '✗', 'artifact', 'not checkable'] as const;
export type Status = (typeof STATUSES)[number];
export const TEXTS = ['000', '001', '002', '003', '004'] as const;
const BEGIN = '<!-- BEGIN GENERATED: npm run audit -->';
const END = '<!-- END GENERATED: npm run audit -->';

/** One audit row as a notebook prints it. */
export interface AuditRow {
  notebook: string;
  text: string;
  lineSpec: string;
  lines: number[];
  printed: string;
  status: string;
  check: string;
}

/** Splits a markdown table row at the pipes that are not escaped (`\|` stays inside a cell). */
function cells(row: string): string[] {
  const inner = row.trim().replace(/^\|/, '').replace(/\|$/, '');
  return inner.split(/(?<!\\)\|/).map((c) => c.trim());
}

/** "170", "192, 196", "223–224" or "223-224" → the line numbers, or null if the spec is malformed. */
export function parseLines(spec: string): number[] | null {
  const out: number[] = [];
  for (const part of spec.split(',').map((p) => p.trim())) {
    const m = /^(\d+)(?:\s*[–-]\s*(\d+))?$/.exec(part);
    if (!m) return null;
    const a = Number(m[1]), b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) return null;
    for (let k = a; k <= b; k++) out.push(k);
  }
  return out;
}

/** Every audit row of every lecture notebook, in notebook and table order. */
export function auditRows(dir = NOTEBOOKS): AuditRow[] {
  const rows: AuditRow[] = [];
  for (const file of fs.readdirSync(dir).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).sort()) {
    const nb = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as {
      cells: { cell_type: string; source: string | string[] }[];
    };
    for (const cell of nb.cells) {
      if (cell.cell_type !== 'markdown') continue;
      const lines = (Array.isArray(cell.source) ? cell.source.join('') : cell.source).split('\n');
      let inTable = false;
      for (const line of lines) {
        if (line.trim() === HEADER) { inTable = true; continue; }
        if (!inTable) continue;
        if (!line.trim().startsWith('|')) { inTable = false; continue; }
        if (/^\|\s*-+/.test(line.trim())) continue;
        const [text, lineSpec, printed, status, check, ...rest] = cells(line);
        rows.push({ notebook: file, text, lineSpec: lineSpec ?? '', lines: parseLines(lineSpec ?? '') ?? [],
          printed: printed ?? '', status: status ?? '', check: [check ?? '', ...rest].join(' | ').trim() });
      }
    }
  }
  return rows;
}

/**
 * The rule for "a line holding a displayed formula": it contains a `$` (inline or display math), a
 * LaTeX command (`\frac`, `\log`, …, also the mangled ones the extraction left), or one of the
 * relation and operator signs = ≥ ≤ ≈ ∝ ∇ ∑ ∫ ‖ ∼.
 */
export function isFormulaLine(line: string): boolean {
  return /\$|\\[A-Za-z]+|[=≥≤≈∝∇∑∫‖∼]/.test(line);
}

function lectureFile(text: string): string | undefined {
  if (!fs.existsSync(LECTURES)) return undefined;
  const f = fs.readdirSync(LECTURES).find((n) => n.startsWith(`${text}_`) && n.endsWith('.txt'));
  return f && path.join(LECTURES, f);
}

interface LineManifest { [text: string]: { file: string; sha256: string; lineCount: number; formulaLines: number[] } }

/** The formula lines of each text: recomputed from the texts when they are present, else the recorded manifest. */
export function formulaLines(): LineManifest {
  const recorded: LineManifest = fs.existsSync(LINES_JSON) ? JSON.parse(fs.readFileSync(LINES_JSON, 'utf8')) : {};
  const out: LineManifest = {};
  for (const text of TEXTS) {
    const file = lectureFile(text);
    if (!file) { if (recorded[text]) out[text] = recorded[text]; continue; }
    const body = fs.readFileSync(file, 'utf8');
    const lines = body.split('\n');
    out[text] = {
      file: path.basename(file),
      sha256: createHash('sha256').update(body).digest('hex'),
      lineCount: lines.length,
      formulaLines: lines.flatMap((l, i) => (isFormulaLine(l) ? [i + 1] : [])),
    };
  }
  return out;
}

/** Per text: distinct rows by status, formula lines and how many of them some row covers, and the uncovered ones. */
export function counts(rows = auditRows(), manifest = formulaLines()) {
  return TEXTS.map((text) => {
    const mine = rows.filter((r) => r.text === text);
    // A form audited in two notebooks (same lines, same verdict) counts once.
    const distinct = [...new Map(mine.map((r) => [`${r.lines.join(',')}|${r.status}`, r])).values()];
    const by = (s: Status) => distinct.filter((r) => r.status === s).length;
    const covered = new Set(mine.flatMap((r) => r.lines));
    const formula = manifest[text]?.formulaLines ?? [];
    return { text, rows: distinct.length, ok: by('✓'), fail: by('✗'), artifact: by('artifact'),
      notCheckable: by('not checkable'), formulaLines: formula.length,
      uncovered: formula.filter((l) => !covered.has(l)) };
  });
}

const escapeCell = (s: string) => s.replace(/(?<!\\)\|/g, '\\|');

export function countsTable(rows = auditRows(), manifest = formulaLines()): string {
  const lines = ['| text | rows | ✓ | ✗ | artifact | not checkable | formula lines covered |', '| --- | --- | --- | --- | --- | --- | --- |'];
  for (const c of counts(rows, manifest)) {
    lines.push(`| ${c.text} | ${c.rows} | ${c.ok} | ${c.fail} | ${c.artifact} | ${c.notCheckable} | ${c.formulaLines - c.uncovered.length} of ${c.formulaLines} |`);
  }
  return lines.join('\n');
}

/** The whole of docs/audit.md. */
export function auditMarkdown(rows = auditRows(), manifest = formulaLines()): string {
  const out = [
    '# The printed-formula audit of the lecture texts',
    '',
    '<!-- Generated by `npm run audit` (scripts/audit.ts) from the audit tables of notebooks/NN-*.ipynb; do not edit. -->',
    '',
    'Every displayed formula and quantitative statement of the five lecture texts (`/work/shared/lectures/`), with its',
    'verdict: **✓** checked numerically (in the notebook cell or the `test/docs/audit-*.test.ts` test named), **✗** shown',
    'failing numerically beside the right form, **artifact** where the text extraction mangled it, **not checkable**',
    'with the reason. A "formula line" is a line of a text with a `$`, a LaTeX command or one of = ≥ ≤ ≈ ∝ ∇ ∑ ∫ ‖ ∼',
    '(`isFormulaLine` in scripts/audit.ts); every row names the lines it covers. In the counts a form audited in two',
    'notebooks (same lines, same verdict) counts once.',
    '',
    countsTable(rows, manifest),
    '',
  ];
  for (const text of TEXTS) {
    const c = counts(rows, manifest).find((k) => k.text === text)!;
    out.push(`## Lecture ${text}${manifest[text] ? ` (${manifest[text].file})` : ''}`, '');
    if (c.uncovered.length) out.push(`Formula lines no row covers yet: ${c.uncovered.join(', ')}.`, '');
    out.push('| line | printed | status | check / reason | notebook |', '| --- | --- | --- | --- | --- |');
    const mine = rows.filter((r) => r.text === text).sort((a, b) => (a.lines[0] ?? 0) - (b.lines[0] ?? 0));
    for (const r of mine) {
      out.push(`| ${r.lineSpec} | ${escapeCell(r.printed)} | ${r.status} | ${escapeCell(r.check)} | [${r.notebook.replace(/\.ipynb$/, '')}](../notebooks/${r.notebook}) |`);
    }
    out.push('');
  }
  return out.join('\n');
}

/** The README with its generated counts paragraph brought up to date. */
export function readmeWithCounts(text: string, rows = auditRows(), manifest = formulaLines()): string {
  const start = text.indexOf(BEGIN), end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the ${BEGIN} … ${END} markers`);
  return text.slice(0, start) + [BEGIN, countsTable(rows, manifest), END].join('\n') + text.slice(end + END.length);
}

if (require.main === module) {
  const rows = auditRows(), manifest = formulaLines();
  const files: [string, string][] = [
    [AUDIT_MD, auditMarkdown(rows, manifest)],
    [README, readmeWithCounts(fs.readFileSync(README, 'utf8'), rows, manifest)],
    [LINES_JSON, JSON.stringify(manifest, null, 1) + '\n'],
  ];
  const stale = files.filter(([f, next]) => !fs.existsSync(f) || fs.readFileSync(f, 'utf8') !== next);
  if (process.argv.includes('--check')) {
    if (stale.length) {
      console.error(`stale: ${stale.map(([f]) => path.relative(ROOT, f)).join(', ')}; run \`npm run audit\`.`);
      process.exit(1);
    }
  } else {
    for (const [f, next] of stale) fs.writeFileSync(f, next);
    console.log(countsTable(rows, manifest));
  }
}
