// Node's declarations in a cell's program: all of @types/node but the modules a notebook seldom imports
// (http, crypto, child_process, the inspector's protocol, …: LEFT_OUT), until a cell needs one of them. Those
// files were ~15 of the compiler's 86 MB of heap after the library's import (a class's server pays that per
// student, environment.md "The kernel's memory"). A cell needs them when it, or the declarations of the cells
// before it (a compiler started again after its idle exit), imports such a module — found by TypeScript's own
// import scanner — or when its check fails on a name only those files declare (`crypto.randomUUID()`): the
// compiler then reads the whole of Node's declarations, for good, and checks the cell again
// (compiler-service.ts). Every code cell of the lecture and homework notebooks, and a set of cells using Node's
// common APIs, convert the same either way (test/kernel/node-types-subset.test.ts).
import fs from 'fs';
import path from 'path';
import type * as TS from 'typescript';

/**
 * @types/node's files (by path, without .d.ts) left out of a cell's program until a cell needs one. None is a
 * base of a kept file's class or interface (tty's WriteStream extends net's Socket, events' and perf_hooks'
 * classes async_hooks' AsyncResource: those three stay, and dns, which net's options name); a kept file's
 * member typed from a left-out module reads as `any` (process.getBuiltinModule's map of every module).
 */
export const LEFT_OUT = [
  'child_process', 'cluster', 'constants', 'crypto', 'dgram', 'diagnostics_channel',
  'domain', 'http', 'http2', 'https', 'inspector.generated', 'punycode', 'querystring', 'readline', 'readline/promises',
  'repl', 'sea', 'test', 'tls', 'trace_events', 'v8', 'vm', 'wasi', 'zlib',
];

/** The modules those files declare, by their first path segment (`readline/promises` → readline, `node:` dropped). */
const LEFT_OUT_MODULES = new Set(LEFT_OUT.map((f) => f.split('/')[0].replace(/\.generated$/, '')));

/** A quick look before the scanner: a `node:` name, or a quote before a left-out module's name. */
const MENTIONS_LEFT_OUT_MODULE = new RegExp(`node:|['"](?:${[...LEFT_OUT_MODULES].join('|')})\\b`);

/** @types/node's index files: the one for current TypeScript and those under typesVersions (ts5.6/). */
const NODE_INDEX = /[\\/]node_modules[\\/]@types[\\/]node[\\/](ts[0-9.]+[\\/])?index\.d\.ts$/;

/** Diagnostics that a left-out declaration can cause: a name, namespace, member or module not found. */
const NOT_FOUND_CODES = new Set([2304, 2305, 2307, 2503, 2552, 2580, 2591, 2592, 2694, 2724]);

const state = { full: false, indexFiles: new Set<string>(), globalNames: undefined as Set<string> | undefined };

/** The index's text without its references to the LEFT_OUT files (the text unchanged if it has none). */
export function withoutLeftOutReferences(text: string): string {
  return text.replace(/^\/\/\/ <reference path="(?:\.\.\/|\.\/)?([^"]+)\.d\.ts" \/>\r?\n/gm, (line, file: string) => (LEFT_OUT.includes(file) ? '' : line));
}

/** Makes `sys.readFile` (TypeScript's) read @types/node's index without the LEFT_OUT files, until `useFullNodeTypes`. */
export function withNodeTypesSubset(sys: { readFile(p: string, encoding?: string): string | undefined }): void {
  const readFile = sys.readFile;
  sys.readFile = (p: string, encoding?: string) => {
    const text = readFile.call(sys, p, encoding);
    if (text === undefined || state.full || !NODE_INDEX.test(p)) return text;
    state.indexFiles.add(p);
    return withoutLeftOutReferences(text);
  };
}

/** Whether the whole of Node's declarations is read now. */
export function fullNodeTypes(): boolean {
  return state.full;
}

/**
 * From now on Node's index is read whole: its parsed subset leaves `sourceFiles` (tslab's cache of parsed
 * files), so the next program reads it again with every reference. False when that was done already.
 */
export function useFullNodeTypes(sourceFiles: Map<string, unknown>): boolean {
  if (state.full) return false;
  state.full = true;
  for (const file of state.indexFiles) sourceFiles.delete(file);
  return true;
}

/** Whether a module name (`http`, `node:http`, `readline/promises`) is declared only by the LEFT_OUT files. */
export function isLeftOutModule(name: string): boolean {
  return LEFT_OUT_MODULES.has(name.replace(/^node:/, '').split('/')[0]);
}

/** Whether `text` (a cell, or the declarations of the cells before it) imports a LEFT_OUT module, by TypeScript's scanner. */
export function importsLeftOutModule(ts: typeof TS, text: string): boolean {
  if (!MENTIONS_LEFT_OUT_MODULE.test(text)) return false;
  return ts.preProcessFile(text, true, true).importedFiles.some((f) => isLeftOutModule(f.fileName));
}

/** Whether a cell's diagnostics name a module or global that only the LEFT_OUT files declare. */
export function failsOnLeftOutDeclaration(ts: typeof TS, diagnostics: readonly { code: number; messageText: string | TS.DiagnosticMessageChain }[]): boolean {
  for (const d of diagnostics) {
    if (!NOT_FOUND_CODES.has(d.code)) continue;
    const names = [...ts.flattenDiagnosticMessageText(d.messageText, '\n').matchAll(/'([^']+)'/g)].map((m) => m[1]);
    if (names.some((n) => (d.code === 2307 ? isLeftOutModule(n) : leftOutGlobalNames(ts).has(n)))) return true;
  }
  return false;
}

/**
 * The global names the LEFT_OUT files declare (a `declare global` block, a script's top level, the NodeJS
 * namespace's members), read from the files once: when the compiler's snapshot is built (compiler-process.ts),
 * else when a cell first fails on a name (~0.2 s).
 */
export function leftOutGlobalNames(ts: typeof TS): Set<string> {
  if (state.globalNames) return state.globalNames;
  const names = new Set<string>();
  const collect = (statements: readonly TS.Statement[]) => {
    for (const s of statements) {
      if (ts.isVariableStatement(s)) {
        for (const d of s.declarationList.declarations) if (ts.isIdentifier(d.name)) names.add(d.name.text);
      } else if (ts.isModuleDeclaration(s)) {
        // NodeJS is every file's namespace: only its members tell a left-out file's
        if (ts.isIdentifier(s.name) && s.name.text !== 'global' && s.name.text !== 'NodeJS') names.add(s.name.text);
        // a namespace's members (NodeJS.X) and a global block's declarations; an ambient module's body only
        // for the global blocks inside it
        if (s.body && ts.isModuleBlock(s.body)) {
          if (ts.isStringLiteral(s.name)) collect(s.body.statements.filter((b) => ts.isModuleDeclaration(b) && b.name.getText() === 'global'));
          else collect(s.body.statements);
        }
      } else if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s) || ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s) || ts.isEnumDeclaration(s)) && s.name) {
        names.add(s.name.text);
      }
    }
  };
  for (const index of state.indexFiles) {
    const dir = path.dirname(index).replace(/[\\/]ts[0-9.]+$/, '');
    for (const file of LEFT_OUT) {
      let text: string;
      try {
        text = fs.readFileSync(path.join(dir, `${file}.d.ts`), 'utf8');
      } catch {
        continue;
      }
      collect(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true).statements);
    }
  }
  state.globalNames = names;
  return names;
}
