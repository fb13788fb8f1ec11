import { expect } from 'chai';
import fs from 'fs';
import path from 'path';
import { blankDocComments, NODE_DECLARATIONS } from '../../kernel/node-doc-comments';
import { root } from '../support/jupyter';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const ts = require('@tslab/typescript-for-tslab') as typeof import('typescript');

function declarationFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? declarationFiles(p) : p.endsWith('.d.ts') ? [p] : [];
  });
}

/** Every node's kind, identifiers and literals in order: what the checker sees (doc comments are not nodes here). */
function shape(text: string): string {
  const sf = ts.createSourceFile('x.d.ts', text, ts.ScriptTarget.ES2022, false);
  const out: (number | string)[] = [];
  const visit = (n: import('typescript').Node) => {
    out.push(n.kind);
    if (ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isNumericLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) out.push(n.text);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return `${(sf as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics.length}:${out.join(',')}`;
}

describe("kernel: Node's declarations read without their doc comments", function () {
  this.timeout(120_000);
  const files = ['@types/node', 'undici-types'].flatMap((p) => declarationFiles(path.join(root, 'node_modules', p)));

  it('are only Node\'s: @types/node and undici-types, not TensorFlow.js or Latent Lab', () => {
    expect(files.length).to.be.greaterThan(50);
    for (const f of files) expect(NODE_DECLARATIONS.test(f), f).to.equal(true);
    for (const f of ['node_modules/@tensorflow/tfjs-core/dist/ops/ones.d.ts', 'dist/src/index.d.ts', 'node_modules/@types/mocha/index.d.ts']) {
      expect(NODE_DECLARATIONS.test(path.join(root, f)), f).to.equal(false);
    }
  });

  it('parse to the same syntax tree, line for line, from well under half the text', () => {
    let before = 0;
    let after = 0;
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      const blanked = blankDocComments(text);
      expect(shape(blanked), f).to.equal(shape(text));
      expect(blanked.split('\n').length, f).to.equal(text.split('\n').length);
      before += text.length;
      after += blanked.length;
    }
    expect(after / before).to.be.below(0.5);
  });
});
