// Shift-Tab: what IPython's inspector shows for Python, for the cell's TypeScript. TypeScript's own
// quick info says only "class Normal" for a class and nothing inside a call's parentheses, so we read
// the cell's program (tslab's converter, patched to hand it out) with the type checker: a class shows
// its constructor's signature and both doc comments, a function or method its signatures and doc
// comment, and with the cursor in a call's argument list the function being called (IPython's rule),
// with the argument under the cursor.
import type * as TS from '@tslab/typescript-for-tslab';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const ts = require('@tslab/typescript-for-tslab') as typeof TS;

/** The program with the cell's source (after tslab's `export {};` prefix of `offset` characters). */
export interface LanguageContext {
  program: TS.Program;
  sourceFile: TS.SourceFile;
  offset: number;
}

type Call = TS.CallExpression | TS.NewExpression;

/** The text Shift-Tab shows at `position` of the cell, or undefined to fall back to quick info. */
export function describeAt(context: LanguageContext, position: number): string | undefined {
  const { program, sourceFile } = context;
  const checker = program.getTypeChecker();
  const pos = position + context.offset;

  // A function or class name under the cursor wins (`f(ll.Normal|`); a plain variable inside a call's
  // parentheses does not (`ll.fit(x|` shows fit, as IPython does).
  const name = identifierTouching(sourceFile, pos);
  if (name) {
    const target = describeName(checker, sourceFile, name, undefined);
    if (target && target.kind !== 'other') return target.text;
  }
  const call = innermostCall(sourceFile, pos);
  if (call) {
    const callee = calleeName(call);
    if (callee) {
      const target = describeName(checker, sourceFile, callee, { call, argument: argumentIndex(call, pos, sourceFile.text) });
      if (target && target.kind !== 'other') return target.text;
    }
  }
  return undefined;
}

interface Described { kind: 'class' | 'function' | 'other'; text: string }

function describeName(
  checker: TS.TypeChecker, sourceFile: TS.SourceFile, name: TS.Identifier,
  inCall: { call: Call; argument: number } | undefined,
): Described | undefined {
  let symbol = checker.getSymbolAtLocation(name);
  if (!symbol) return undefined;
  if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const shown = writtenName(name, sourceFile);
  const type = checker.getTypeOfSymbolAtLocation(symbol, name);

  if (symbol.flags & ts.SymbolFlags.Class) {
    const signatures = type.getConstructSignatures();
    const lines: string[] = [];
    for (const s of signatures.length > 0 ? signatures : []) lines.push(`Init signature: ${signatureText(checker, name, `new ${shown}`, s)}`);
    if (signatures.length === 0) lines.push(`Init signature: new ${shown}()`);
    const classDoc = docText(checker, symbol.getDocumentationComment(checker), symbol.getJsDocTags(checker));
    lines.push('Docstring:', classDoc || '<no doc comment>');
    const initDoc = signatures.length === 1
      ? docText(checker, signatures[0].getDocumentationComment(checker), signatures[0].getJsDocTags()) : '';
    if (initDoc) lines.push('Init docstring:', initDoc);
    if (inCall?.call.kind === ts.SyntaxKind.NewExpression && signatures.length > 0) {
      const argument = argumentLine(checker, name, signatures[0], inCall.argument);
      if (argument) lines.push(argument);
    }
    lines.push('Type: class');
    return { kind: 'class', text: lines.join('\n') };
  }

  const signatures = type.getCallSignatures();
  if (signatures.length > 0 && symbol.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Method | ts.SymbolFlags.Variable | ts.SymbolFlags.Property)) {
    const resolved = inCall ? resolvedSignature(checker, inCall.call, signatures) : undefined;
    const lines = signatures.map((s) => `Signature: ${signatureText(checker, name, shown, s)}`);
    // One signature carries its own @param tags; overloads share the symbol's comment.
    const doc = signatures.length === 1
      ? docText(checker, signatures[0].getDocumentationComment(checker), signatures[0].getJsDocTags())
      : docText(checker, symbol.getDocumentationComment(checker), symbol.getJsDocTags(checker));
    lines.push('Docstring:', doc || '<no doc comment>');
    if (inCall) {
      const argument = argumentLine(checker, name, resolved ?? signatures[0], inCall.argument);
      if (argument) lines.push(argument);
    }
    lines.push(`Type: ${symbol.flags & ts.SymbolFlags.Method ? 'method' : 'function'}`);
    return { kind: 'function', text: lines.join('\n') };
  }
  return { kind: 'other', text: '' };
}

/** The signature the checker picked for an (often unfinished) call, if it is one of `signatures`. */
function resolvedSignature(checker: TS.TypeChecker, call: Call, signatures: readonly TS.Signature[]): TS.Signature | undefined {
  if (signatures.length === 1) return signatures[0];
  try {
    const s = checker.getResolvedSignature(call);
    return s && signatures.includes(s) ? s : undefined;
  } catch {
    return undefined;
  }
}

/** `name(a: A, b?: B): R`, one parameter a line when that is too long to read on one. */
function signatureText(checker: TS.TypeChecker, at: TS.Node, name: string, signature: TS.Signature): string {
  const flags = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope;
  const params = signature.getParameters().map((p) => parameterText(checker, at, p, flags));
  const typeParams = signature.getTypeParameters();
  const generic = typeParams && typeParams.length > 0 ? `<${typeParams.map((t) => checker.typeToString(t, at, flags)).join(', ')}>` : '';
  const ret = checker.typeToString(signature.getReturnType(), at, flags);
  const oneLine = `${name}${generic}(${params.join(', ')}): ${ret}`;
  if (oneLine.length <= 100) return oneLine;
  return `${name}${generic}(\n${params.map((p) => `    ${p},`).join('\n')}\n): ${ret}`;
}

function parameterText(checker: TS.TypeChecker, at: TS.Node, p: TS.Symbol, flags: TS.TypeFormatFlags): string {
  const decl = p.valueDeclaration;
  const isParam = decl !== undefined && ts.isParameter(decl);
  const rest = isParam && decl.dotDotDotToken ? '...' : '';
  const optional = isParam && (decl.questionToken || decl.initializer) ? '?' : '';
  return `${rest}${p.name}${optional}: ${checker.typeToString(checker.getTypeOfSymbolAtLocation(p, at), at, flags)}`;
}

/** "Argument 2, options?: TrainOptions: what @param says" for the argument under the cursor. */
function argumentLine(checker: TS.TypeChecker, at: TS.Node, signature: TS.Signature, index: number): string | undefined {
  const params = signature.getParameters();
  if (params.length === 0) return undefined;
  const last = params[params.length - 1].valueDeclaration;
  const restLast = last !== undefined && ts.isParameter(last) && !!last.dotDotDotToken;
  if (index >= params.length && !restLast) return `Argument ${index + 1}: (more arguments than parameters)`;
  const p = params[Math.min(index, params.length - 1)];
  const flags = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope;
  const doc = ts.displayPartsToString(p.getDocumentationComment(checker)).trim();
  return `Argument ${index + 1}: ${parameterText(checker, at, p, flags)}${doc ? ` (${doc})` : ''}`;
}

/** The doc comment as written, then its tags: `@param name text`, `@example` with its code below. */
function docText(checker: TS.TypeChecker, doc: TS.SymbolDisplayPart[], tags: TS.JSDocTagInfo[]): string {
  void checker;
  // Blocks apart by a blank line; consecutive @param lines together, as in the source.
  const blocks: string[] = [];
  const body = ts.displayPartsToString(doc).trim();
  if (body) blocks.push(body);
  let previous = '';
  for (const tag of tags) {
    const text = ts.displayPartsToString(tag.text ?? []).replace(/\s+$/, '');
    const line = tag.name === 'example'
      ? `@example${text.includes('\n') || text.startsWith('```') ? '\n' : ' '}${text}`
      : text ? `@${tag.name} ${text}` : `@${tag.name}`;
    if (tag.name === 'param' && previous === 'param') blocks[blocks.length - 1] += `\n${line}`;
    else blocks.push(line);
    previous = tag.name;
  }
  return blocks.join('\n\n').replace(/\n{3,}/g, '\n\n');
}

/** The name as the cell wrote it: `ll.dist.Normal` for the `Normal` of `ll.dist.Normal`. */
function writtenName(name: TS.Identifier, sourceFile: TS.SourceFile): string {
  let node: TS.Node = name;
  while (node.parent && ts.isPropertyAccessExpression(node.parent) && node.parent.name === node) node = node.parent;
  return node.getText(sourceFile).replace(/\s+/g, '');
}

/** The identifier the cursor is in or just after (`ll.VAE|`). */
function identifierTouching(sourceFile: TS.SourceFile, pos: number): TS.Identifier | undefined {
  let found: TS.Identifier | undefined;
  const visit = (node: TS.Node): void => {
    if (found) return;
    const start = node.getStart(sourceFile);
    if (pos < start || pos > node.end) return;
    if (ts.isIdentifier(node)) {
      found = node;
      return;
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(sourceFile, visit);
  return found && found.text.length > 0 ? found : undefined;
}

/** The innermost call or `new` whose argument list (between its parentheses) holds the cursor. */
function innermostCall(sourceFile: TS.SourceFile, pos: number): Call | undefined {
  let found: Call | undefined;
  // An unfinished call (`f(x, |`) ends at its last token, before the spaces the cursor sits after.
  let at = pos;
  while (at > 0 && /\s/.test(sourceFile.text[at - 1])) at--;
  const visit = (node: TS.Node): void => {
    if (at < node.getStart(sourceFile) || at > node.end) return;
    if ((ts.isCallExpression(node) || ts.isNewExpression(node)) && node.arguments) {
      const args = node.arguments;
      const text = sourceFile.text;
      // args.pos is just after "(", args.end just before ")" (or the end of an unfinished cell).
      const closed = text[args.end] === ')';
      if (text[args.pos - 1] === '(' && pos >= args.pos && (pos <= args.end || !closed)) found = node;
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(sourceFile, visit);
  return found;
}

function calleeName(call: Call): TS.Identifier | undefined {
  let e: TS.Expression = call.expression;
  while (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e)) e = e.expression;
  if (ts.isIdentifier(e)) return e;
  if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.name)) return e.name;
  return undefined;
}

/** Which argument the cursor is in: how many arguments end, with their comma, before it. */
function argumentIndex(call: Call, pos: number, text: string): number {
  let index = 0;
  for (const a of call.arguments ?? []) {
    let j = a.end;
    while (j < text.length && /\s/.test(text[j])) j++;
    if (text[j] === ',' && j < pos) index++;
  }
  return index;
}
