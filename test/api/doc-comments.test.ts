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

describe('API doc comments (issue 13: the math on every symbol)', function () {
  this.timeout(120_000);

  it('every exported function, class, constructor and public method of latent-lab has a doc comment', () => {
    const { missing, checked } = undocumentedExports();
    expect(checked, 'symbols checked').to.be.greaterThan(200);
    expect(missing, `${missing.length} of ${checked} without a doc comment:\n  ${missing.join('\n  ')}\n`).to.deep.equal([]);
  });
});
