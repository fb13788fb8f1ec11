// Notebooks read like the math (issue 28, item 6): no code cell casts a tensor's rank (`as ll.tf.Tensor2D`) or
// an untyped value (`(meta.trainingSeconds as number)`). The library types what it returns — a tensor of the
// rank it has, a checkpoint's metadata with its fields — so a cell never has to assert it. Scans every lecture
// notebook, every homework source in notebooks/exercises, and the lecture exercises' worked solutions (they
// become code cells of the instructor notebooks).
import { expect } from 'chai';
import fs from 'fs';
import path from 'path';

const root = path.resolve(__dirname, '..', '..');
const CAST = /\bas\s+ll\.tf\.|\bas\s+number\b/;

interface Cell { cell_type: string; source: string | string[] }
const text = (s: string | string[]) => (Array.isArray(s) ? s.join('') : s);

/** `file, cell i, line: text` for every line of code that casts, in the given cells. */
export function castsIn(label: string, cells: Cell[]): string[] {
  const found: string[] = [];
  cells.forEach((c, i) => {
    if (c.cell_type !== 'code') return;
    text(c.source).split('\n').forEach((line, j) => {
      if (CAST.test(line)) found.push(`${label}, cell ${i}, line ${j + 1}: ${line.trim()}`);
    });
  });
  return found;
}

describe('notebooks: no casts in code cells (issue 28)', () => {
  const notebooks = [
    ...fs.readdirSync(path.join(root, 'notebooks')).filter((f) => f.endsWith('.ipynb')).map((f) => path.join('notebooks', f)),
    ...fs.readdirSync(path.join(root, 'notebooks', 'exercises')).filter((f) => f.endsWith('.ipynb')).map((f) => path.join('notebooks', 'exercises', f)),
  ].sort();

  it('the scan sees the casts it forbids (and not a word like "has number")', () => {
    const cells: Cell[] = [
      { cell_type: 'code', source: ['const x = y as ll.tf.Tensor2D;\n', 'const t = (meta.trainingSeconds as number) / 60;\n'] },
      { cell_type: 'code', source: 'const c = z.arraySync() as number[][];' },
      { cell_type: 'markdown', source: 'a cast written as ll.tf.Tensor2D in prose is not code' },
      { cell_type: 'code', source: '// the grid has number 7 in it; alias ll.tf as tf\nconst n = ll.values(x);' },
    ];
    expect(castsIn('example', cells)).to.have.length(3);
  });

  it('no lecture notebook, homework notebook or worked solution casts with `as ll.tf.` or `as number`', () => {
    expect(notebooks.length, 'notebooks found').to.be.greaterThan(15);
    const found = notebooks.flatMap((f) => castsIn(f, JSON.parse(fs.readFileSync(path.join(root, f), 'utf8')).cells));
    const solutions: Record<string, Record<string, string>> = JSON.parse(
      fs.readFileSync(path.join(root, 'notebooks', 'solutions', 'lecture-exercises.json'), 'utf8'));
    for (const [notebook, bySlot] of Object.entries(solutions)) {
      for (const [slot, code] of Object.entries(bySlot)) found.push(...castsIn(`solution ${notebook} ${slot}`, [{ cell_type: 'code', source: String(code) }]));
    }
    expect(found, `${found.length} casts:\n  ${found.join('\n  ')}\n`).to.deep.equal([]);
  });
});
