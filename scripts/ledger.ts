/**
 * Writes the "Where each id is checked" section of docs/derivations.md: for every ledger id, the
 * tests, notebooks and library files that cite it. `--check` only compares, and exits 1 when the
 * section is stale, so a student never follows a link to a check that moved.
 *
 *   npx tsx scripts/ledger.ts          # rewrite the section
 *   npx tsx scripts/ledger.ts --check  # fail if it is stale
 */
import * as fs from 'fs';
import * as path from 'path';
import { execFileSync } from 'child_process';

const ROOT = path.resolve(__dirname, '..');
export const LEDGER = path.join(ROOT, 'docs', 'derivations.md');
const BEGIN = '<!-- BEGIN GENERATED: npm run ledger -->';
const END = '<!-- END GENERATED -->';
const ID = /\bD(\d\d)\b/g;

/** Ids the ledger defines (its `<a id="dNN">` anchors), in order. */
export function definedIds(text = fs.readFileSync(LEDGER, 'utf8')): string[] {
  return [...text.matchAll(/<a id="d(\d\d)"><\/a>/g)].map((m) => `D${m[1]}`);
}

/** Files git tracks (and, when asked, new ones it does not ignore) under the given folders. */
function trackedFiles(folders: string[]): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', ...folders], {
    cwd: ROOT, encoding: 'utf8',
  });
  return out.split('\n').filter((f) => f && fs.existsSync(path.join(ROOT, f)));
}

function citedText(file: string): string {
  const raw = fs.readFileSync(path.join(ROOT, file), 'utf8');
  if (!file.endsWith('.ipynb')) return raw;
  // Only the cells a reader sees, not the outputs (which repeat the ids the code printed).
  const nb = JSON.parse(raw) as { cells: { source: string | string[] }[] };
  return nb.cells.map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source)).join('\n');
}

/** For each cited id, the files citing it, grouped as tests / notebooks / library. */
export function citations(): Map<string, { tests: string[]; notebooks: string[]; library: string[] }> {
  const files = trackedFiles(['src', 'test', 'notebooks']).filter((f) => /\.(ts|py|ipynb)$/.test(f));
  const map = new Map<string, { tests: string[]; notebooks: string[]; library: string[] }>();
  for (const file of files.sort()) {
    const ids = new Set([...citedText(file).matchAll(ID)].map((m) => `D${m[1]}`));
    for (const id of ids) {
      if (!map.has(id)) map.set(id, { tests: [], notebooks: [], library: [] });
      const entry = map.get(id)!;
      if (file.startsWith('test/')) entry.tests.push(file);
      else if (file.startsWith('notebooks/')) entry.notebooks.push(file);
      else entry.library.push(file);
    }
  }
  return map;
}

const link = (file: string) => `[${path.basename(file)}](../${file})`;

export function generatedSection(): string {
  const cites = citations();
  const rows = definedIds().map((id) => {
    const c = cites.get(id) ?? { tests: [], notebooks: [], library: [] };
    const cell = (files: string[]) => (files.length ? files.map(link).join(', ') : '—');
    return `| [${id}](#${id.toLowerCase()}) | ${cell(c.tests)} | ${cell(c.notebooks)} | ${cell(c.library)} |`;
  });
  return [BEGIN, '| id | tests | notebooks | library |', '| --- | --- | --- | --- |', ...rows, END].join('\n');
}

export function withGeneratedSection(text: string): string {
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${LEDGER} lacks the ${BEGIN} … ${END} markers`);
  return text.slice(0, start) + generatedSection() + text.slice(end + END.length);
}

if (require.main === module) {
  const text = fs.readFileSync(LEDGER, 'utf8');
  const next = withGeneratedSection(text);
  if (process.argv.includes('--check')) {
    if (next !== text) {
      console.error('docs/derivations.md: the "Where each id is checked" section is stale; run `npm run ledger`.');
      process.exit(1);
    }
  } else {
    fs.writeFileSync(LEDGER, next);
    console.log(`docs/derivations.md: ${definedIds().length} ids, section rewritten.`);
  }
}
