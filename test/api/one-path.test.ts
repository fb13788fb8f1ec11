// Issue 28: one way to each name. Every export of `import * as ll from "latent-lab"` is reached by one path:
// its namespace (ll.dist, ll.infer, …) or, for the notebook's toolkit, the top level. The only second paths
// are the README's short list of flat names for the most used ("One path to each name"): each of those is
// the very same object (or type) as in exactly one namespace. Two walks: the module object at run time (every
// function, class and object by identity) and the type checker's exports (types and interfaces too, by the
// declaration they resolve to), so neither a re-exported value nor a re-exported type has a second name.
import { expect } from 'chai';
import fs from 'fs';
import path from 'path';
import ts from 'typescript';
import * as ll from '../../src';

const root = path.resolve(__dirname, '..', '..');
const srcDir = path.join(root, 'src') + path.sep;

/** The README's two lists: the toolkit (flat only) and the flat names with their one namespace. */
export function documentedFlatNames(): { toolkit: string[]; aliases: Map<string, string> } {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const section = /\n### One path to each name\n([\s\S]*?)(?=\n#)/.exec(readme);
  if (!section) throw new Error('README.md has no "### One path to each name" section');
  const line = (start: string) => {
    const l = section[1].split('\n').find((s) => s.startsWith(start));
    if (!l) throw new Error(`README's "One path to each name" has no line starting "${start}"`);
    return l;
  };
  const toolkit = [...line('- the toolkit').split(':').slice(1).join(':').matchAll(/`ll\.(\w+)`/g)].map((m) => m[1]);
  const aliases = new Map<string, string>();
  for (const m of line('- the most used').matchAll(/`ll\.(\w+)`\s*\(`ll\.(\w+)`\)/g)) aliases.set(m[1], m[2]);
  return { toolkit, aliases };
}

/** The namespaces, from src/index.ts's `export * as x from …` lines. */
function namespaceNames(): Set<string> {
  const index = fs.readFileSync(path.join(root, 'src', 'index.ts'), 'utf8');
  return new Set([...index.matchAll(/^export \* as (\w+) from/gm)].map((m) => m[1]));
}

/** Every path ('ll.dist.Normal') under which each run-time object (function, class, object) is reachable. */
function runtimePaths(): Map<unknown, string[]> {
  const namespaces = namespaceNames();
  const paths = new Map<unknown, string[]>();
  const add = (v: unknown, p: string) => {
    // a re-export of a name its module no longer has is undefined here: tsc reports it, it is not a second path
    if (v === undefined) return;
    // numbers and strings have no identity: two constants with equal values are not one export
    if ((typeof v !== 'function' && typeof v !== 'object') || v === null) v = p;
    paths.set(v, [...(paths.get(v) ?? []), p]);
  };
  const top = ll as unknown as Record<string, unknown>;
  for (const key of Object.keys(top)) {
    if (namespaces.has(key)) {
      const ns = top[key] as Record<string, unknown>;
      for (const name of Object.keys(ns)) add(ns[name], `ll.${key}.${name}`);
    } else add(top[key], `ll.${key}`);
  }
  return paths;
}

let cachedTypePaths: Map<ts.Symbol, string[]> | undefined;

/** Every path under which each exported declaration (value or type) is reachable, by the type checker. */
function typePaths(): Map<ts.Symbol, string[]> {
  if (cachedTypePaths) return cachedTypePaths;
  const config = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const prog = ts.createProgram([path.join(root, 'src', 'index.ts')], { ...parsed.options, noEmit: true, incremental: false });
  const checker = prog.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(prog.getSourceFile(path.join(root, 'src', 'index.ts'))!)!;
  const paths = new Map<ts.Symbol, string[]>();
  const visit = (moduleSym: ts.Symbol, prefix: string, depth: number) => {
    for (const exported of checker.getExportsOfModule(moduleSym)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const p = `${prefix}${exported.name}`;
      // an export that does not resolve is the compiler's error to report (tsc), not a second name
      if (!symbol.declarations?.length) continue;
      const file = symbol.declarations?.[0]?.getSourceFile().fileName;
      const ourModule = (symbol.flags & ts.SymbolFlags.ValueModule) && file && path.resolve(file).startsWith(srcDir);
      if (ourModule && depth === 0) visit(symbol, `${p}.`, 1);
      else paths.set(symbol, [...(paths.get(symbol) ?? []), p]);
    }
  };
  visit(moduleSymbol, 'll.', 0);
  cachedTypePaths = paths;
  return paths;
}

/** What breaks the rule, given each export's paths. */
function violations(all: string[][], toolkit: string[], aliases: Map<string, string>): string[] {
  const bad: string[] = [];
  for (const ps of all) {
    const flat = ps.filter((p) => p.split('.').length === 2).map((p) => p.slice(3));
    const nested = ps.filter((p) => p.split('.').length === 3);
    if (ps.length === 1) {
      if (flat.length === 1 && !toolkit.includes(flat[0]) && !aliases.has(flat[0])) bad.push(`ll.${flat[0]} is flat but in neither README list`);
      if (flat.length === 1 && aliases.has(flat[0])) bad.push(`ll.${flat[0]} is listed as also in ll.${aliases.get(flat[0])} but is only flat`);
      continue;
    }
    const name = flat[0];
    const ok = ps.length === 2 && flat.length === 1 && nested.length === 1 && aliases.has(name) && nested[0] === `ll.${aliases.get(name)}.${name}`;
    if (!ok) bad.push(`one export, ${ps.length} paths: ${ps.join(', ')}`);
  }
  return bad;
}

describe('one path to each name (issue 28)', function () {
  this.timeout(180_000);
  let toolkit: string[] = [], aliases = new Map<string, string>();
  before(() => ({ toolkit, aliases } = documentedFlatNames()));

  it('the README lists the flat names: the toolkit, and the most used with their one namespace', () => {
    expect(toolkit.length, 'toolkit names').to.be.greaterThan(5);
    expect(aliases.size, 'flat names also in a namespace').to.be.within(5, 30);
    const exported = new Set([...typePaths().values()].flat());
    const namespaces = namespaceNames();
    for (const name of [...toolkit, ...aliases.keys()]) expect(exported.has(`ll.${name}`), `ll.${name} (README) is not exported`).to.equal(true);
    for (const ns of aliases.values()) expect(namespaces.has(ns), `ll.${ns} (README) is not a namespace`).to.equal(true);
    for (const name of toolkit) expect(aliases.has(name), `ll.${name} is in both README lists`).to.equal(false);
  });

  it('no function, class or object is reachable under two names, except a listed flat name and its namespace', () => {
    const paths = runtimePaths();
    expect(paths.size, 'exports walked').to.be.greaterThan(300);
    const bad = violations([...paths.values()], toolkit, aliases);
    expect(bad, `${bad.length} exports break "one path to each name" (README):\n  ${bad.join('\n  ')}\n`).to.deep.equal([]);
  });

  it('no type or interface is reachable under two names either (the type checker\'s exports)', () => {
    const paths = typePaths();
    expect(paths.size, 'declarations walked').to.be.greaterThan(400);
    const bad = violations([...paths.values()], toolkit, aliases);
    expect(bad, `${bad.length} exports break "one path to each name" (README):\n  ${bad.join('\n  ')}\n`).to.deep.equal([]);
  });
});
