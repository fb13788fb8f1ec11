// Issue 28 item 4 and issue 35: argument checks go through the shared validator (src/validation/contract.ts),
// so the refusals are declared once per callable and the bad-input sweep can read them. This is a ratchet on
// what is left: every hand-written `throw new Error(…)` / `throw new ArgumentError(…)` in src/ outside
// src/validation/ whose message is about an argument — it says must, expected, needs, at least or got, or it
// names a parameter of the function that throws ("PPCA: mu has length 3") — is counted from the syntax tree,
// and the test fails if the count rises above CEILING (RATCHET_VERBOSE=1 lists them). I/O errors (the message
// names the file it read) and the few listed in NOT_ARGUMENTS are not counted. Checks that relate arguments
// to each other or to the model (x's width against inputDim, shapes agreeing) are kinds too: they see the rest
// of the call (contract.ts's Context; tensor({ shape, like }), numberArray, matrix, where). Lower CEILING when
// you convert some.
import { expect } from 'chai';
import fs from 'fs';
import path from 'path';
import ts from 'typescript';

/**
 * What is left (9; 62 when the count widened from "must" messages to every message about an argument, 5 "must"
 * ones before that): a derivation line function's returned value, reported as its step's problem
 * (check/derivation.ts 315, 332, 344); Derivation.line's constantIn against setup's state (848, 851), arguments
 * not yet converted; two environment variables (backend.ts, addon.ts: not arguments); BatchMatMul's
 * kernel inputs (blas.ts: what tfjs hands a registered kernel);
 * importanceSampling's weights all −∞ (a property of the draws for the samplers, of logWeights for
 * weightDiagnostics: not yet converted).
 */
const CEILING = 9;

const SRC = path.join(__dirname, '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return p === path.join(SRC, 'validation') ? [] : sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** The parameter names of the innermost function, method or constructor around a node (destructured ones too). */
function parametersAround(node: ts.Node): Set<string> {
  const names = new Set<string>();
  const add = (b: ts.BindingName) => {
    if (ts.isIdentifier(b)) names.add(b.text);
    else b.elements.forEach((e) => { if (!ts.isOmittedExpression(e)) add(e.name); });
  };
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (ts.isFunctionLike(n)) { n.parameters.forEach((p) => add(p.name)); if (!ts.isArrowFunction(n)) break; }
  }
  return names;
}

/** The message's own words: the literal parts of a string or template (what `${…}` interpolates is left out). */
function wordsOf(arg: ts.Expression | undefined, sf: ts.SourceFile): string {
  if (!arg) return '';
  if (ts.isStringLiteralLike(arg)) return arg.text;
  if (ts.isTemplateExpression(arg)) return [arg.head.text, ...arg.templateSpans.map((s) => s.literal.text)].join(' \u0000 ');
  if (ts.isBinaryExpression(arg)) return `${wordsOf(arg.left, sf)} ${wordsOf(arg.right, sf)}`;
  return '';
}

// A message about an argument: it says what the argument must be or was expected to be ("must", "expected",
// "needs", "at least", "got"), or it names a parameter of the function that throws ("PPCA: mu has length 3").
// Not counted: messages that name a file or folder they read (I/O: a corrupt checkpoint, a missing dataset —
// the argument was fine, the disk was not), and errors other than Error / ArgumentError (an exercise's
// ExerciseCheckError reports a student's answer, not an argument).
const ARGUMENT_WORDS = /\b(must|expected|expects|needs?|at least|got)\b/;
const NAMES_A_FILE = /\$\{\s*(file|dir|dirOrFile|source|exe|imagesFile|labelsFile|ADDON_PATH|path\.[a-zA-Z]+\([^}]*\))\s*\}/;
// Not arguments either, though their words match: a native kernel declining a case it was handed (internal),
// a fit that diverged during the run (the arguments were valid; the optimisation was not), and VAE.loss's
// exhaustive switch's default, reached only past the checkKind of the objective's type just before it.
const NOT_ARGUMENTS: ReadonlyArray<[file: RegExp, message: RegExp]> = [
  [/^backend\/conv-kernel\.ts$/, /has no stock kernel/],
  [/^inference\/black-box-vi\.ts$/, /the ELBO became/],
  [/^models\/vae\/vae\.ts$/, /no objective of type/],
];
const ENGLISH = new Set(['a', 'i', 'the', 'and', 'of', 'is', 'at', 'to', 'in', 'or', 'no', 'on']);

/** `file:line  message` of each hand-written `throw new Error(…)` / `throw new ArgumentError(…)` in one file whose message is about an argument. */
function checksIn(name: string, text: string): string[] {
  const found: string[] = [];
  const sf = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true);
  const visit = (node: ts.Node) => {
    if (ts.isThrowStatement(node) && node.expression && ts.isNewExpression(node.expression)
      && ts.isIdentifier(node.expression.expression) && ['Error', 'ArgumentError'].includes(node.expression.expression.text)) {
      const arg = node.expression.arguments?.[0];
      const message = arg?.getText(sf) ?? '';
      const words = wordsOf(arg, sf);
      const params = [...parametersAround(node)].filter((p) => !ENGLISH.has(p.toLowerCase()) && p !== 'fn' && p !== 'who');
      const namesParameter = params.some((p) => new RegExp(`(^|[^\\w.'$])${p.replace(/\$/g, '\\$')}(\\[|\\b)(?![.(])`).test(words));
      const excused = NAMES_A_FILE.test(message) || NOT_ARGUMENTS.some(([f, m]) => f.test(name) && m.test(message));
      if ((ARGUMENT_WORDS.test(words) || namesParameter) && !excused) {
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
  it(`src/ outside src/validation/ has at most ${CEILING} hand-written argument checks`, () => {
    const checks = handWrittenChecks();
    const byDir = new Map<string, number>();
    for (const c of checks) { const d = path.dirname(c.split(':')[0]); byDir.set(d, (byDir.get(d) ?? 0) + 1); }
    console.log(`      ${checks.length} hand-written argument checks left (ceiling ${CEILING}): ${[...byDir].sort((a, b) => b[1] - a[1]).map(([d, n]) => `${d} ${n}`).join(', ')}`);
    if (checks.length < CEILING) console.log(`      below the ceiling: lower CEILING to ${checks.length}`);
    if (process.env.RATCHET_VERBOSE) checks.forEach((c) => console.log(`        ${c}`));
    expect(checks.length, `hand-written argument checks rose above ${CEILING}; declare the new ones with contract() instead. The remaining ones:\n${checks.join('\n')}`).to.be.at.most(CEILING);
  });

  it('the count sees a hand-written check, over several lines too, and not other throws', () => {
    const snippet = [
      'export function f(n: number, x: number[], file: string) {',
      '  if (n < 1) throw new Error(`f: n must be positive, got ${n}`);',
      '  if (x.length === 0) {',
      "    throw new Error(",
      "      'f: x must be non-empty');",
      '  }',
      "  if (n > 5) throw new Error('f: not implemented above 5');",
      '  F.check(arguments);',
      '  if (x.length < n) throw new ArgumentError(`f: x has ${x.length} entries, fewer than ${n}`);',
      "  if (x[0] > 1) throw new Error('f: expected a first entry at most 1');",
      '  if (!x) throw new Error(`f: ${file} holds no x, got nothing`);',
      "  if (n === 4) throw new ExerciseCheckError('f: expected 3');",
      '}',
    ].join('\n');
    expect(checksIn('f.ts', snippet).map((c) => c.split('  ')[0])).to.deep.equal(['f.ts:2', 'f.ts:4', 'f.ts:9', 'f.ts:10']);
  });
});
