// The README's "Where things are" table and the tree it describes agree: every folder of src/ is in the
// table, and every folder the table names exists (issue 28: "the README's layout table lists every folder
// of src/").
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');

/** The rows of the table under "## Where things are": [first cell, second cell]. */
function layoutRows(readme: string): [string, string][] {
  const start = readme.indexOf('\n## Where things are\n');
  if (start < 0) throw new Error('README.md has no "## Where things are" section');
  const rest = readme.slice(start + 1);
  const end = rest.indexOf('\n## ', 3);
  const section = end < 0 ? rest : rest.slice(0, end);
  return section.split('\n')
    .filter((line) => line.startsWith('| ') && !/^\| *-+ *\|/.test(line) && !line.startsWith('| path |'))
    .map((line) => {
      // a cell may hold an escaped bar (`a\|b`): split on bars not preceded by a backslash
      const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
      return [cells[0], cells.slice(1).join(' | ')] as [string, string];
    });
}

const folderTokens = (cell: string) => [...cell.matchAll(/`([^`\s]+\/)`/g)].map((m) => m[1]);

function srcFolders(dir = 'src'): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => { const d = `${dir}/${e.name}`; return [`${d}/`, ...srcFolders(d)]; });
}

describe('README.md, the layout table', () => {
  const rows = layoutRows(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));

  /** The folders a row names: those of its first cell, and `name/` in its text under a src/ folder of the first cell. */
  function named(): Set<string> {
    const out = new Set<string>();
    for (const [first, what] of rows) {
      const heads = folderTokens(first);
      heads.forEach((h) => out.add(h));
      for (const h of heads.filter((h) => h.startsWith('src/'))) {
        for (const t of folderTokens(what)) if (fs.existsSync(path.join(ROOT, h, t))) out.add(`${h}${t}`);
      }
    }
    return out;
  }

  it('reads a table with rows', () => {
    expect(rows.length).to.be.greaterThan(10);
  });

  it('lists every folder of src/', () => {
    const listed = named();
    const missing = srcFolders().filter((d) => !listed.has(d));
    expect(missing, 'folders of src/ the README table does not name (first column, or `name/` in the text of their parent row)').to.deep.equal([]);
  });

  it('names only folders that exist', () => {
    const firstCell = rows.flatMap(([first]) => folderTokens(first));
    const gone = firstCell.filter((d) => !fs.existsSync(path.join(ROOT, d)) || !fs.statSync(path.join(ROOT, d)).isDirectory());
    expect(gone, 'folders in the first column that do not exist').to.deep.equal([]);
    // `name/` in the text of a src/ row is that folder's subfolder, or a folder of the repository's root
    const inText = rows.flatMap(([first, what]) => folderTokens(first).filter((h) => h.startsWith('src/'))
      .flatMap((h) => folderTokens(what).map((t) => [h, t] as const)));
    const strays = inText.filter(([h, t]) => !fs.existsSync(path.join(ROOT, h, t)) && !fs.existsSync(path.join(ROOT, t))).map(([h, t]) => `${t} (row ${h})`);
    expect(strays, 'folders named in a src/ row that are neither its subfolders nor root folders').to.deep.equal([]);
  });
});
