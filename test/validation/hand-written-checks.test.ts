// Issue 28 item 4 and issue 35: argument checks go through the shared validator (src/validation/contract.ts),
// so the refusals are declared once per callable and the bad-input sweep can read them. This is a ratchet on
// what is left: every hand-written `throw new Error(…must…)` in src/ outside src/validation/ (in exported
// functions, methods and constructors, and the module helpers they call) is counted from the syntax tree, and
// the test fails if the count rises above CEILING. Checks that relate arguments to each other or to the
// model (x's width against inputDim, shapes agreeing) are kinds too: they see the rest of the call
// (contract.ts's Context; tensor({ shape, like }), numberArray, matrix, where). Lower CEILING when you convert some.
import { expect } from 'chai';
import fs from 'fs';
import path from 'path';
import ts from 'typescript';

/** What is left (323 when relations became kinds; 385 before that): a line function's returned value, reported as its step's problem (check/derivation.ts, 3), and two environment variables (backend, 2): neither is an argument. */
const CEILING = 5;

const SRC = path.join(__dirname, '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return p === path.join(SRC, 'validation') ? [] : sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** `file:line  message` of each hand-written `throw new Error(…)` in one file whose message says "must". */
function checksIn(name: string, text: string): string[] {
  const found: string[] = [];
  const sf = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true);
  const visit = (node: ts.Node) => {
    if (ts.isThrowStatement(node) && node.expression && ts.isNewExpression(node.expression)
      && ts.isIdentifier(node.expression.expression) && node.expression.expression.text === 'Error') {
      const message = node.expression.arguments?.[0]?.getText(sf) ?? '';
      if (/\bmust\b/.test(message)) {
        const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
        found.push(`${name}:${line}  ${message.replace(/\s+/g, ' ').slice(0, 140)}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function handWrittenChecks(): string[] {
  return sourceFiles(SRC).flatMap((file) => checksIn(path.relative(SRC, file), fs.readFileSync(file, 'utf8')));
}

describe('argument checks through the shared validator (issue 28 item 4): a ratchet on the hand-written ones', () => {
  it(`src/ outside src/validation/ has at most ${CEILING} hand-written "must" throws`, () => {
    const checks = handWrittenChecks();
    const byDir = new Map<string, number>();
    for (const c of checks) { const d = path.dirname(c.split(':')[0]); byDir.set(d, (byDir.get(d) ?? 0) + 1); }
    console.log(`      ${checks.length} hand-written "must" throws left (ceiling ${CEILING}): ${[...byDir].sort((a, b) => b[1] - a[1]).map(([d, n]) => `${d} ${n}`).join(', ')}`);
    if (checks.length < CEILING) console.log(`      below the ceiling: lower CEILING to ${checks.length}`);
    if (process.env.RATCHET_VERBOSE) checks.forEach((c) => console.log(`        ${c}`));
    expect(checks.length, `hand-written argument checks rose above ${CEILING}; declare the new ones with contract() instead. The remaining ones:\n${checks.join('\n')}`).to.be.at.most(CEILING);
  });

  it('the count sees a hand-written check, over several lines too, and not other throws', () => {
    const snippet = [
      'export function f(n: number, x: number[]) {',
      '  if (n < 1) throw new Error(`f: n must be positive, got ${n}`);',
      '  if (x.length === 0) {',
      "    throw new Error(",
      "      'f: x must be non-empty');",
      '  }',
      "  if (n > 5) throw new Error('f: not implemented above 5');",
      '  F.check(arguments);',
      '}',
    ].join('\n');
    expect(checksIn('f.ts', snippet).map((c) => c.split('  ')[0])).to.deep.equal(['f.ts:2', 'f.ts:4']);
  });
});
