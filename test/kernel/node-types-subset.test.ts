import { expect } from 'chai';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { importsLeftOutModule, isLeftOutModule, LEFT_OUT, withoutLeftOutReferences } from '../../kernel/node-types-subset';
import { inFreshNode } from '../support/fresh-node';
import { root } from '../support/jupyter';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const ts = require('@tslab/typescript-for-tslab') as typeof import('typescript');
const NODE_TYPES = path.join(root, 'node_modules', '@types', 'node');

type Cell = { diagnostics: string[]; declOutput?: string; full: boolean };

/**
 * A compiler service as the kernel's compiler runs it (Node's declarations read through the subset hook), in a
 * fresh Node: the hook changes TypeScript's sys for the whole process. Converts the cells in turn after the
 * library's import, from `prevDecl`; answers each cell's diagnostics and whether the full declarations were read,
 * and the heap in use after the import.
 */
function compile(cells: string[], { subset = true, prevDecl = '', modules = [] as { name: string; source: string }[] } = {}): { heapMB: number; cells: Cell[] } {
  const script = `
    const ts = require('@tslab/typescript-for-tslab');
    require('./kernel/resolve.ts').forwardTypeResolution(process.cwd());
    require('./kernel/node-doc-comments.ts').withoutNodeDocComments(ts.sys);
    require('./kernel/chained-ops.ts').withMergedChainedOps(ts.sys);
    const subset = require('./kernel/node-types-subset.ts');
    if (${subset}) subset.withNodeTypesSubset(ts.sys);
    const handle = require('./kernel/compiler-service.ts').createCompilerService();
    for (const m of ${JSON.stringify(modules)}) handle({ id: 0, op: 'addModule', name: m.name, source: m.source, meta: {} });
    let decl = handle({ id: 1, op: 'convert', prevDecl: ${JSON.stringify(prevDecl)}, source: 'import * as ll from "latent-lab";\\nll.tf.scalar(1)' }).declOutput;
    global.gc(); global.gc();
    const heapMB = process.memoryUsage().heapUsed / 2 ** 20;
    const cells = ${JSON.stringify(cells)}.map((source, i) => {
      const r = handle({ id: 2 + i, op: 'convert', prevDecl: decl, source });
      if (r.declOutput) decl = r.declOutput;
      return { diagnostics: r.diagnostics.map((d) => d.code + ' ' + d.messageText), declOutput: r.declOutput, full: subset.fullNodeTypes() };
    });
    console.log(JSON.stringify({ heapMB, cells }));`;
  return inFreshNode(script, { nodeArgs: ['--expose-gc'] });
}

/** Cells using Node's common APIs, each declaring what it computes so that a type read as `any` would show. */
const NODE_PROBES = [
  'const out = process.stdout; const wrote = process.stdout.write("x\\n"); const errWrote = process.stderr.write("");',
  'const cols = process.stdout.columns; const tty = process.stdout.isTTY; const mem = process.memoryUsage(); const t = process.hrtime.bigint();',
  'const env = process.env.HOME; const argv = process.argv; const cwd = process.cwd(); const up = process.uptime(); process.on("exit", () => 1);',
  'const buf = Buffer.from("abc"); const hex = buf.toString("hex"); const sub = buf.subarray(1); const joined = Buffer.concat([buf, sub]);',
  'const timer = setTimeout(() => 1, 10); clearTimeout(timer); const iv = setInterval(() => 1, 10); clearInterval(iv); const im = setImmediate(() => 1);',
  'import fs from "fs"; const text = fs.readFileSync("x", "utf8"); const stat = fs.statSync("."); const dir = fs.readdirSync("."); const ws = fs.createWriteStream("/dev/null");',
  'import { readFile } from "fs/promises"; const pending = readFile("x");',
  'import path from "path"; const joinedPath = path.join("a", "b"); const parsed = path.parse("/a/b.c");',
  'import os from "os"; const cpus = os.cpus(); const free = os.freemem();',
  'import { EventEmitter, once } from "events"; const em = new EventEmitter(); const onced = once(em, "x");',
  'import { Readable, Transform } from "stream"; const readable = Readable.from([1, 2]); const piped = readable.pipe(new Transform());',
  'import { inspect, promisify, format } from "util"; const shown = inspect({ a: 1 }); const later = promisify(setTimeout); const f = format("%d", 1);',
  'import { URL, fileURLToPath } from "url"; const u = new URL("http://x/y"); const p2 = fileURLToPath("file:///a");',
  'import { performance } from "perf_hooks"; const now = performance.now(); const mark = performance.mark("m");',
  'import { Worker, isMainThread } from "worker_threads"; const main = isMainThread;',
  'import { createInterface as _unused } from "events" as never;',
  'const enc = new TextEncoder().encode("x"); const dec = new TextDecoder().decode(enc); const cloned = structuredClone({ a: 1 });',
  'const ac = new AbortController(); const aborted = ac.signal.aborted; const res = fetch("http://x").then((r) => r.status); queueMicrotask(() => 1);',
  'import * as ll from "latent-lab"; const png = ll.lineChart({ series: { y: [1] } }).png();',
].filter((cell) => !cell.includes(' as never'));

/**
 * Converts each notebook's code cells in order (each from the declarations of the cells before it that
 * converted), then the probes, in a fresh Node with or without the subset: every cell's diagnostics, code and
 * declarations, and whether the whole of Node's declarations was read by the end.
 */
function convertAll(subset: boolean): { cells: unknown[]; full: boolean } {
  const notebooks = ['notebooks', path.join('notebooks', 'exercises')].flatMap((dir) =>
    fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith('.ipynb')).sort().map((f) => path.join(root, dir, f)));
  const runs = notebooks.map((file) => (JSON.parse(fs.readFileSync(file, 'utf8')).cells as { cell_type: string; source: string | string[] }[])
    .filter((c) => c.cell_type === 'code').map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source))
    .filter((source) => !/^\s*(%%|\/\/%)/.test(source)));
  runs.push(NODE_PROBES);
  const input = path.join(os.tmpdir(), `node-types-cells-${process.pid}-${subset}.json`);
  fs.writeFileSync(input, JSON.stringify(runs));
  const script = `
    const ts = require('@tslab/typescript-for-tslab');
    require('../kernel/resolve.ts').forwardTypeResolution(process.cwd());
    require('../kernel/node-doc-comments.ts').withoutNodeDocComments(ts.sys);
    require('../kernel/chained-ops.ts').withMergedChainedOps(ts.sys);
    const subset = require('../kernel/node-types-subset.ts');
    if (${subset}) subset.withNodeTypesSubset(ts.sys);
    const handle = require('../kernel/compiler-service.ts').createCompilerService();
    const cells = [];
    for (const run of JSON.parse(require('fs').readFileSync(${JSON.stringify(input)}, 'utf8'))) {
      let prevDecl = '';
      for (const source of run) {
        const r = handle({ id: 1, op: 'convert', prevDecl, source });
        cells.push([r.diagnostics.map((d) => d.code + ' ' + d.messageText), r.output, r.declOutput]);
        if (!r.diagnostics.length && r.declOutput !== undefined) prevDecl = r.declOutput;
      }
    }
    console.log(JSON.stringify({ cells, full: subset.fullNodeTypes() }));`;
  try {
    return inFreshNode(script, { cwd: path.join(root, 'notebooks') });
  } finally {
    fs.rmSync(input, { force: true });
  }
}

describe("kernel: Node's declarations, a subset until a cell needs the rest", function () {
  this.timeout(180_000);

  it("leave out exactly the listed files of @types/node's index, each of which exists", () => {
    for (const index of ['index.d.ts', path.join('ts5.6', 'index.d.ts')]) {
      const file = path.join(NODE_TYPES, index);
      if (!fs.existsSync(file)) continue;
      const text = fs.readFileSync(file, 'utf8');
      const refs = (t: string) => [...t.matchAll(/^\/\/\/ <reference path="(?:\.\.\/|\.\/)?([^"]+)\.d\.ts" \/>$/gm)].map((m) => m[1]);
      const before = refs(text), after = refs(withoutLeftOutReferences(text));
      expect(before.filter((f) => !after.includes(f)).sort(), index).to.deep.equal([...LEFT_OUT].sort());
      expect(after, index).to.include.members(['globals', 'buffer', 'fs', 'path', 'process', 'timers', 'events', 'stream', 'url', 'util', 'tty', 'net', 'async_hooks']);
    }
    for (const f of LEFT_OUT) expect(fs.existsSync(path.join(NODE_TYPES, `${f}.d.ts`)), f).to.equal(true);
    expect(withoutLeftOutReferences('declare const x: number;\n')).to.equal('declare const x: number;\n');
  });

  it("name the modules those files declare, and find their imports by TypeScript's scanner, not in strings or comments", () => {
    for (const m of ['http', 'node:http', 'readline/promises', 'node:crypto', 'inspector', 'child_process']) expect(isLeftOutModule(m), m).to.equal(true);
    for (const m of ['fs', 'node:fs/promises', 'stream/promises', 'path', 'latent-lab', 'httpx', 'net', 'dns/promises', 'async_hooks']) expect(isLeftOutModule(m), m).to.equal(false);
    for (const code of ['import http from "http";', "import type { KeyObject } from 'node:crypto';", 'export * from "zlib";', 'const vm = await import("vm");', "const cp = require('child_process');", 'let s: import("node:http").Server;']) {
      expect(importsLeftOutModule(ts, code), code).to.equal(true);
    }
    for (const code of ['const url = "http://x";', '// import http from "http"', 'import fs from "fs";', 'const t = "test";']) {
      expect(importsLeftOutModule(ts, code), code).to.equal(false);
    }
  });

  it("type a cell with Buffer, process and timers from the subset, 10 MB and more below the whole declarations' heap", () => {
    const cell = 'const b: Buffer = Buffer.from("x");\nconst env: string | undefined = process.env.HOME;\nconst t = setTimeout(() => b.length, 1);';
    const subset = compile([cell]), whole = compile([cell], { subset: false });
    expect(subset.cells[0]).to.include({ full: false }).and.to.have.property('diagnostics').that.deep.equals([]);
    expect(whole.cells[0].diagnostics).to.deep.equal([]);
    expect(whole.heapMB - subset.heapMB, 'MB of heap saved after the library\'s import').to.be.above(10);
  });

  it('read the whole of them for a cell that imports a left-out module or uses a global only they declare, and only then', () => {
    const { cells } = compile([
      'undefinedThing + 1',
      'import http from "node:http";\nconst server: http.Server = http.createServer();',
      'const n: number = server;',
    ]);
    expect(cells[0]).to.deep.include({ diagnostics: ["2304 Cannot find name 'undefinedThing'."], full: false });
    expect(cells[1]).to.deep.include({ diagnostics: [], full: true });
    expect(cells[2].diagnostics[0], 'the server is typed, not any').to.match(/^2322 Type 'Server<.*' is not assignable to type 'number'/);
    const global = compile(['const id: string = crypto.randomUUID();']);
    expect(global.cells[0]).to.deep.include({ diagnostics: [], full: true });
  });

  it("read the whole of them for a compiler started again on a notebook whose earlier cells imported one", () => {
    const first = compile(['import http from "http";\nconst server = http.createServer();']);
    const again = compile(['const n: number = server;'], { prevDecl: first.cells[0].declOutput! });
    expect(again.cells[0].diagnostics[0]).to.match(/^2322 Type 'Server<.*' is not assignable to type 'number'/);
    // a notebook with a module of its own: the new compiler is given the module before any cell
    const withModule = compile(['const n: number = server;'], { prevDecl: first.cells[0].declOutput!, modules: [{ name: 'helpers', source: 'export const two = 2;' }] });
    expect(withModule.cells[0].diagnostics[0]).to.match(/^2322 Type 'Server<.*' is not assignable to type 'number'/);
  });

  it('convert every code cell of the lecture and homework notebooks, and cells using Node\'s common APIs, as the whole declarations do', () => {
    const subset = convertAll(true), whole = convertAll(false);
    expect(subset.full, 'no notebook cell needed the rest of Node\'s declarations').to.equal(false);
    expect(subset.cells.length).to.be.above(500);
    const differing = subset.cells.map((c, i) => [i, c, whole.cells[i]]).filter(([, a, b]) => JSON.stringify(a) !== JSON.stringify(b));
    expect(differing.slice(0, 3), `${differing.length} cells convert differently`).to.deep.equal([]);
    // the probes type what they use: no error, and process.stdout.write is a method (not a missing member, not any)
    const probes = subset.cells.slice(-NODE_PROBES.length) as [string[], string, string][];
    probes.forEach(([diagnostics], i) => expect(diagnostics, NODE_PROBES[i]).to.deep.equal([]));
    expect(probes[0][2]).to.match(/declare const wrote: boolean;/);
  });
});
