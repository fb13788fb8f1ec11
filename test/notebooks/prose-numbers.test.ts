// Numbers in a lecture's prose come from the run (issue 27). A markdown cell may state a number only if it
// is a constant of the mathematics, a setting the notebook's code states, or a value a check in the
// notebook asserts; a measured number is written with ll.md in a code cell, so it is the run's own.
// The second half reads the executed copies that test/notebooks.test.ts (which sorts before this file)
// has just written to build/notebooks/ — the notebooks are not executed a second time — and asserts
// that every ll.md sentence got real numbers and every check table beside a claim passed.
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import fs from 'fs';
import path from 'path';

const root = path.resolve(__dirname, '..', '..');

interface Cell { cell_type: string; source: string | string[]; outputs?: { output_type: string; data?: Record<string, string | string[]>; ename?: string }[] }
interface Notebook { cells: Cell[] }

const text = (s: string | string[] | undefined) => (Array.isArray(s) ? s.join('') : s ?? '');

function lectureNotebooks(): string[] {
  return spawnSync('git', ['ls-files', '--', 'notebooks/*.ipynb'], { cwd: root, encoding: 'utf8' }).stdout
    .split('\n').filter((f) => /^notebooks\/\d\d-[^/]+\.ipynb$/.test(f)).map((f) => path.basename(f));
}

const readNotebook = (file: string): Notebook => JSON.parse(fs.readFileSync(file, 'utf8'));

/**
 * Literals a notebook's markdown may state although its code does not, each with its reason: constants
 * of the mathematics (closed forms of the example's fixed settings, which no run can change) and
 * equation numbers of the sources. Every entry must still occur in the notebook's markdown.
 */
const CLOSED = 'a closed form of the section\'s fixed example (no run can change it)';
const ALLOWED: Record<string, Record<string, string>> = {
  '01-latent-variable-models.ipynb': { '4.7': 'the crossing of the two fixed components, a closed form the cell prints',
    '12,288': '64 × 64 × 3' },
  '02-importance-sampling.ipynb': { '3.17': 'P(x > 4) under N(0, 1), a constant', '1.34': '1/√(5/9), a constant of the example',
    '1.05': '1.2/√(2 − 1/1.44), a constant of the example' },
  '03-probabilistic-pca.ipynb': {
    '2.113': "Bishop's equation number", '2.115': "Bishop's equation number", '2.116': "Bishop's equation number",
    '2.117': "Bishop's equation number", '2.11': 'the equation number as the extracted lecture prints it',
  },
  '04-variational-inference.ipynb': {
    '2.26': CLOSED, '1.04': CLOSED, '1.05': 'the grid point nearest the posterior mean (grid step 0.05)', '0.47': CLOSED,
    '0.21': CLOSED, '0.32': '½(r² − 1) − log r at r = ½', '0.81': '½(r² − 1) − log r at r = 2', '0.57': CLOSED,
    '0.74': CLOSED, '2.4': 'a + b of the example', '1.28': CLOSED, '1.41': CLOSED,
  },
  '05-mean-field-and-svi.ipynb': { '0.48': CLOSED, '0.33': CLOSED, '3.8': '2/(1 − ρ²), a closed form', '4.6': 'log 100',
    '1.7': 'a setting the exercise asks for', '0.005': 'a setting the exercise asks for' },
  '06-gradient-estimators.ipynb': { '1.28': '2σ² at σ = 0.8, the exact gradient' },
  '07-vae-on-mnist.ipynb': { '5.80': "PML2's equation number, as lecture 003 cites it" },
  '08-tighter-bounds.ipynb': { '0.01': "the active-unit threshold of Burda et al. (the library's default)",
    '3,280': "Burda et al.'s training length, a citation" },
  '10-invertible-models.ipynb': { '2.84': 'log 2πe, the entropy of N(0, 1)' },
  '11-diffusion-models.ipynb': { '0.08': 'ᾱ_T of the fixed schedule in the text, a closed form', '0.02': "Ho et al.'s β_T, a citation" },
  '12-evaluating-generative-models.ipynb': {
    '6.91': 'log 1000', '6.9': 'log 1000, rounded', '0.0127': 'log 1000 / (784 ln 2)', '99': 'a setting the exercise asks for',
    '4,514': "lecture 003's printed number (line 558), quoted in the audit row that checks it",
  },
  '13-generating-images.ipynb': { '8,000': "the embedded MNIST training split's size (7,996), rounded",
    '60,000': "Fashion-MNIST's training split", '0.85': 'a setting the exercise asks for' },
};

// decimals, thousands ("1,704" or LaTeX's "1{,}704"), percentages, and integers a sentence hedges ("about 23")
const CANDIDATE = /(?<![\w.])(\d{1,3}(?:(?:,|\{,\})\d{3})+(?:\.\d+)?|\d+\.\d+|\d+(?=\s?\\?%))(\s?\\?%)?|(?:about|around|roughly|nearly|almost|≈|~)\s?\$?\s?(\d+)(?![\w.,])/g;
const CODE_NUMBER = /(?<![\w.])\d[\d_]*(?:\.\d+)?(?:e[-+]?\d+)?/gi;

const key = (v: number) => Number(v.toPrecision(10)).toString();

/** The numbers the notebook's code states: settings, check thresholds, seeds. */
function codeNumbers(nb: Notebook): Set<string> {
  const found = new Set<string>();
  for (const c of nb.cells) {
    if (c.cell_type !== 'code') continue;
    for (const m of text(c.source).matchAll(CODE_NUMBER)) found.add(key(parseFloat(m[0].replace(/_/g, ''))));
  }
  return found;
}

/** Markdown without what is code or address: inline code spans, fenced code, link targets, HTML comments. */
function prose(md: string): string {
  return md.replace(/```[\s\S]*?```/g, ' ').replace(/`[^`]*`/g, ' ').replace(/\]\([^)]*\)/g, ']').replace(/<!--[\s\S]*?-->/g, ' ');
}

/** The numbers of a notebook's markdown that are neither in its code nor allowed, with their context. */
export function unexplainedNumbers(nb: Notebook, allowed: Record<string, string> = {}): string[] {
  const code = codeNumbers(nb);
  const bad: string[] = [];
  nb.cells.forEach((c, index) => {
    if (c.cell_type !== 'markdown') return;
    const md = prose(text(c.source));
    for (const m of md.matchAll(CANDIDATE)) {
      const literal = m[1] ?? m[3];
      if (literal in allowed) continue;
      const value = parseFloat(literal.replace(/\{,\}|,/g, ''));
      const percent = Boolean(m[2]);
      if (code.has(key(value)) || (percent && code.has(key(value / 100)))) continue;
      const at = m.index ?? 0;
      bad.push(`cell ${index}: "${literal}${m[2] ?? ''}" in "…${md.slice(Math.max(0, at - 50), at + 30).replace(/\s+/g, ' ')}…"`);
    }
  });
  return bad;
}

/** The failing rows of the check tables of an executed notebook (rows showing a printed formula fail on purpose). */
function failingChecks(nb: Notebook): string[] {
  const failed: string[] = [];
  nb.cells.forEach((c, index) => {
    for (const o of c.outputs ?? []) {
      const html = text(o.data?.['text/html']);
      if (!html.includes('latent-checks')) continue;
      for (const row of html.matchAll(/<tr style="background:#fdd">(.*?)<\/tr>/g)) {
        const cells = [...row[1].matchAll(/<td>(.*?)<\/td>/g)].map((t) => t[1]);
        const name = cells[1] ?? row[1];
        if (!/printed/i.test(name)) failed.push(`cell ${index}: ✗ ${name}`);
      }
    }
  });
  return failed;
}

describe('lecture notebooks: numbers in prose come from the run', () => {
  const names = lectureNotebooks();

  it('finds the lecture notebooks', () => {
    expect(names).to.include('13-generating-images.ipynb');
  });

  it('the scanner flags a measured number and passes settings, constants and ll.md text', () => {
    const nb: Notebook = { cells: [
      { cell_type: 'code', source: 'const steps = 600; ll.checkAtMost("share", 0.7, s); ll.md`share ${x}`' },
      { cell_type: 'markdown', source: 'After 600 steps the share is 0.65, about 23 codes, 1,704.05 far, 70% target, `lr: 0.003`, log 1000 ≈ 6.91.' },
    ] };
    expect(unexplainedNumbers(nb, { '6.91': 'log 1000' }).map((b) => b.split('"')[1])).to.deep.equal(['0.65', '23', '1,704.05']);
  });

  for (const name of names) {
    it(`${name}: every number in its markdown is a setting, a checked bound or an allowed constant`, () => {
      const nb = readNotebook(path.join(root, 'notebooks', name));
      const allowed = ALLOWED[name] ?? {};
      const markdown = nb.cells.filter((c) => c.cell_type === 'markdown').map((c) => prose(text(c.source))).join('\n');
      const stale = Object.keys(allowed).filter((literal) => !markdown.includes(literal));
      expect(stale, `allow-list entries no longer in ${name}'s markdown`).to.deep.equal([]);
      expect(unexplainedNumbers(nb, allowed), `numbers typed into ${name}'s prose: write them with ll.md`).to.deep.equal([]);
    });
  }

  describe('the executed notebooks (written by test/notebooks.test.ts)', () => {
    for (const name of names) {
      it(`${name}: every ll.md sentence has real numbers and every check beside a claim passes`, () => {
        const source = path.join(root, 'notebooks', name);
        const executed = path.join(root, 'build', 'notebooks', name);
        expect(fs.existsSync(executed), `${executed} is missing: run the notebooks first (npm run notebooks)`).to.equal(true);
        expect(fs.statSync(executed).mtimeMs, `${executed} is older than ${source}: run the notebooks again`)
          .to.be.at.least(fs.statSync(source).mtimeMs);
        const nb = readNotebook(executed);
        const errors = nb.cells.flatMap((c, i) => (c.outputs ?? []).filter((o) => o.output_type === 'error').map((o) => `cell ${i}: ${o.ename}`));
        expect(errors, 'cells that failed').to.deep.equal([]);
        const sentences = nb.cells.flatMap((c) => (c.outputs ?? []).map((o) => text(o.data?.['text/markdown'])).filter((t) => t));
        const broken = sentences.filter((t) => /\bNaN\b|\bundefined\b|\[object |\bInfinity\b/.test(t));
        expect(broken, 'll.md output without real numbers').to.deep.equal([]);
        expect(failingChecks(nb), 'checks that failed in the executed notebook').to.deep.equal([]);
      });
    }
  });
});
