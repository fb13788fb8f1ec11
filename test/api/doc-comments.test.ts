// Every symbol a student can reach from `import * as ll from "latent-lab"` carries a doc comment, so
// that Shift-Tab in the kernel (which reads the same comments from the type checker) never shows a
// bare signature. Walks the exports of src/index.ts with the TypeScript compiler API, into namespace
// re-exports (`export * as dist from …`), and names each function, class, explicit constructor and
// public method (own or inherited from a class of ours) that has none.
//
// Exempt, on purpose: interfaces, type aliases and enums (they are read through the functions that take
// them; their fields often carry comments of their own), plain constants, properties and accessors, and
// members declared outside src/ (TensorFlow.js's, Node's). A method that overrides a documented one
// counts as documented: TypeScript shows the inherited comment, as Shift-Tab does.
import { expect } from 'chai';
import path from 'path';
import ts from 'typescript';

const root = path.resolve(__dirname, '..', '..');
const srcDir = path.join(root, 'src') + path.sep;

function program(): ts.Program {
  const configPath = path.join(root, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  return ts.createProgram([path.join(root, 'src', 'index.ts')], { ...parsed.options, noEmit: true, incremental: false });
}

function inSrc(decl: ts.Declaration): boolean {
  return path.resolve(decl.getSourceFile().fileName).startsWith(srcDir);
}

function where(decl: ts.Node): string {
  const sf = decl.getSourceFile();
  const { line } = sf.getLineAndCharacterOfPosition(decl.getStart(sf));
  return `${path.relative(root, sf.fileName)}:${line + 1}`;
}

function hasDoc(checker: ts.TypeChecker, symbol: ts.Symbol): boolean {
  return ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim().length > 0;
}

function signatureHasDoc(checker: ts.TypeChecker, decl: ts.SignatureDeclaration): boolean {
  const signature = checker.getSignatureFromDeclaration(decl);
  return !!signature && ts.displayPartsToString(signature.getDocumentationComment(checker)).trim().length > 0;
}

function isPublicMember(decl: ts.Declaration): boolean {
  const flags = ts.getCombinedModifierFlags(decl);
  if (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) return false;
  const name = (decl as ts.NamedDeclaration).name;
  return !(name && ts.isPrivateIdentifier(name));
}

/** `ll.x` paths of every exported function, class, constructor and public method without a comment. */
export function undocumentedExports(): { missing: string[]; checked: number } {
  const prog = program();
  const checker = prog.getTypeChecker();
  const index = prog.getSourceFile(path.join(root, 'src', 'index.ts'));
  if (!index) throw new Error('src/index.ts is not in the program');
  const moduleSymbol = checker.getSymbolAtLocation(index)!;
  const missing: string[] = [];
  let checked = 0;
  const seenClasses = new Set<ts.Symbol>();
  const seenNamespaces = new Set<ts.Symbol>();

  const require = (ok: boolean, name: string, decl: ts.Node | undefined) => {
    checked++;
    if (!ok) missing.push(`${name}${decl ? ` (${where(decl)})` : ''}`);
  };

  const visitClass = (name: string, symbol: ts.Symbol) => {
    const decl = symbol.declarations?.find(ts.isClassDeclaration);
    if (!decl || !inSrc(decl)) return;
    require(hasDoc(checker, symbol), `class ${name}`, decl);
    if (seenClasses.has(symbol)) return; // its members were listed under its first name
    seenClasses.add(symbol);
    for (const ctor of decl.members.filter(ts.isConstructorDeclaration)) {
      if (!isPublicMember(ctor) || !ctor.body) continue;
      require(signatureHasDoc(checker, ctor), `constructor ${name}`, ctor);
    }
    const instance = checker.getDeclaredTypeOfSymbol(symbol);
    const statics = checker.getTypeOfSymbolAtLocation(symbol, decl);
    for (const [type, prefix] of [[instance, `${name}.prototype.`], [statics, `${name}.`]] as const) {
      for (const member of checker.getPropertiesOfType(type)) {
        const decls = (member.declarations ?? []).filter((d) => ts.isMethodDeclaration(d) || ts.isMethodSignature(d));
        if (decls.length === 0 || !decls.some(inSrc) || !decls.every(isPublicMember)) continue;
        if (prefix === `${name}.` && member.name === 'prototype') continue;
        require(hasDoc(checker, member), `method ${prefix}${member.name}`, decls[0]);
      }
    }
  };

  const visitExports = (moduleSym: ts.Symbol, prefix: string) => {
    for (const exported of checker.getExportsOfModule(moduleSym)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const name = `${prefix}${exported.name}`;
      const decls = symbol.declarations ?? [];
      if (symbol.flags & ts.SymbolFlags.Class) {
        visitClass(name, symbol);
      } else if (symbol.flags & ts.SymbolFlags.Function) {
        const fn = decls.find((d) => ts.isFunctionDeclaration(d) && inSrc(d));
        if (fn) require(hasDoc(checker, symbol), `function ${name}`, fn);
      } else if (symbol.flags & ts.SymbolFlags.Variable) {
        const decl = decls.find((d) => ts.isVariableDeclaration(d) && inSrc(d));
        if (!decl) continue;
        const type = checker.getTypeOfSymbolAtLocation(symbol, decl);
        // A function written as a constant (`export const f = (…) => …`) is a function to the student.
        if (type.getCallSignatures().length > 0) require(hasDoc(checker, symbol), `function ${name}`, decl);
      } else if (symbol.flags & (ts.SymbolFlags.ValueModule | ts.SymbolFlags.NamespaceModule)) {
        // `export * as dist from './distributions'` or `export namespace …`: its own exports, once.
        if (seenNamespaces.has(symbol)) continue;
        seenNamespaces.add(symbol);
        visitExports(symbol, `${name}.`);
      }
    }
  };

  visitExports(moduleSymbol, 'll.');
  return { missing, checked };
}

/** Model classes with no derivation in docs/derivations.md, each with the reason (their doc still has equation, shapes and example). */
export const NO_LEDGER_ID: Record<string, string> = {
  Conv2d: 'a layer of the image models: no lecture derives a convolution',
  GroupNorm: 'a layer of the image models: no lecture derives a normalization',
  VQVAE: "the ledger has no VQ-VAE entry (no lecture prints its loss); the doc gives van den Oord et al.'s",
  VectorQuantizer: "the VQ-VAE's quantizer and straight-through estimator: no ledger entry, as VQVAE",
};

/** Every exported class declared under src/models/: its `ll.` name, its doc comment (tags included) and where it is. */
export function modelClassDocs(): { name: string; doc: string; example: string; where: string }[] {
  const prog = program();
  const checker = prog.getTypeChecker();
  const index = prog.getSourceFile(path.join(root, 'src', 'index.ts'))!;
  const modelsDir = path.join(srcDir, 'models') + path.sep;
  const out = new Map<ts.Symbol, { name: string; doc: string; example: string; where: string }>();
  const seen = new Set<ts.Symbol>();
  const visit = (moduleSym: ts.Symbol, prefix: string) => {
    for (const exported of checker.getExportsOfModule(moduleSym)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      if (symbol.flags & ts.SymbolFlags.Class) {
        const decl = symbol.declarations?.find(ts.isClassDeclaration);
        if (!decl || !path.resolve(decl.getSourceFile().fileName).startsWith(modelsDir) || out.has(symbol)) continue;
        const tags = symbol.getJsDocTags(checker);
        const tagText = (t: ts.JSDocTagInfo) => ts.displayPartsToString(t.text ?? []);
        out.set(symbol, {
          name: `${prefix}${exported.name}`,
          doc: [ts.displayPartsToString(symbol.getDocumentationComment(checker)), ...tags.filter((t) => t.name !== 'example').map(tagText)].join('\n'),
          example: tags.filter((t) => t.name === 'example').map(tagText).join('\n'),
          where: where(decl),
        });
      } else if (symbol.flags & (ts.SymbolFlags.ValueModule | ts.SymbolFlags.NamespaceModule) && !seen.has(symbol)) {
        seen.add(symbol);
        visit(symbol, `${prefix}${exported.name}.`);
      }
    }
  };
  visit(checker.getSymbolAtLocation(index)!, 'll.');
  return [...out.values()];
}

// An equation: a line of the comment (outside its example) with a relation between symbols: =, ≤, ≥, ∝, ~ or ↦/→
// between terms, as the lectures print them ("p(x) = N(x; μ, C)", "z ~ N(0, I)", "log w = log p(x, z) − log q(z|x)").
const EQUATION = /[\p{L}\p{N}_)\]|²ᵀ]\s*(=|≤|≥|∝|~|≈)\s*[\p{L}\p{N}_(\[√Σ∏−‖-]/u;
const LEDGER_ID = /\bD\d\d\b/;
// shapes: a bracketed shape with a letter or number for each axis ("[B, D]", "[K, B]", "[n, 784]")
const SHAPE = /\[(?:[A-Za-z]\w*|\d+|…|\.\.\.)(?:\s*[,×]\s*(?:[A-Za-z]\w*|\d+|…|\.\.\.\w*|[A-Za-z]·[A-Za-z]))*\]/;

/** What a model class's doc comment lacks: 'equation', 'ledger id', 'shapes', 'example'. */
export function docLacks(doc: { name: string; doc: string; example: string }): string[] {
  const lacks: string[] = [];
  if (!doc.doc.split('\n').some((line) => EQUATION.test(line))) lacks.push('equation');
  const bare = doc.name.split('.').pop()!;
  if (!LEDGER_ID.test(doc.doc) && !(bare in NO_LEDGER_ID)) lacks.push('ledger id');
  if (!SHAPE.test(doc.doc)) lacks.push('shapes');
  if (doc.example.trim().length === 0) lacks.push('example');
  return lacks;
}

describe('API doc comments (issue 13: the math on every symbol)', function () {
  this.timeout(120_000);

  it('every exported function, class, constructor and public method of latent-lab has a doc comment', () => {
    const { missing, checked } = undocumentedExports();
    expect(checked, 'symbols checked').to.be.greaterThan(200);
    expect(missing, `${missing.length} of ${checked} without a doc comment:\n  ${missing.join('\n  ')}\n`).to.deep.equal([]);
  });

  // issue 28: a model's Shift-Tab shows the math, as Normal's, kl's and VAE's do
  it('every model class (ll.models, ll.PPCA, ll.VAE) has an equation, its ledger id, shapes and an example in its doc comment', () => {
    const docs = modelClassDocs();
    expect(docs.map((d) => d.name), 'model classes found').to.include.members(['ll.VAE', 'll.PPCA', 'll.models.ImageDDPM', 'll.models.RealNVP', 'll.models.ConvVAE']);
    const lacking = docs.map((d) => ({ d, lacks: docLacks(d) })).filter((r) => r.lacks.length > 0)
      .map((r) => `${r.d.name} (${r.d.where}): no ${r.lacks.join(', no ')}`);
    expect(lacking, `${lacking.length} of ${docs.length} model classes:\n  ${lacking.join('\n  ')}\n`).to.deep.equal([]);
    const exempt = Object.keys(NO_LEDGER_ID).filter((n) => !docs.some((d) => d.name.endsWith(`.${n}`)));
    expect(exempt, 'NO_LEDGER_ID names a class that is not exported from src/models').to.deep.equal([]);
  });

  it('the doc checks see what they require: a bare comment lacks all four, a full one none', () => {
    expect(docLacks({ name: 'll.models.X', doc: 'A model.', example: '' })).to.deep.equal(['equation', 'ledger id', 'shapes', 'example']);
    expect(docLacks({ name: 'll.models.X', doc: 'p(x) = N(x; μ, C) (D05). Shapes: x [B, D].', example: 'new X()' })).to.deep.equal([]);
    expect(docLacks({ name: 'll.models.X', doc: 'z ~ N(0, I), x [n, 784] (D29)', example: 'x' })).to.deep.equal([]);
  });

  it('the bounds show their ledger ids on Shift-Tab (ll.infer.elbo D12, iwae D26, renyiBound D27)', () => {
    const prog = program();
    const checker = prog.getTypeChecker();
    const infer = checker.getExportsOfModule(checker.getSymbolAtLocation(prog.getSourceFile(path.join(root, 'src', 'index.ts'))!)!)
      .find((s) => s.name === 'infer')!;
    const exports = checker.getExportsOfModule(checker.getAliasedSymbol(infer));
    const docOf = (name: string) => {
      const s = exports.find((e) => e.name === name);
      expect(s, `ll.infer.${name}`).to.not.equal(undefined);
      const target = s!.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s!) : s!;
      return ts.displayPartsToString(target.getDocumentationComment(checker));
    };
    expect(docOf('elbo')).to.match(/\bD12\b/);
    expect(docOf('iwae')).to.match(/\bD26\b/);
    expect(docOf('renyiBound')).to.match(/\bD27\b/);
    expect(docOf('renyiFromLogWeights')).to.match(/\bD27\b/);
  });
});
