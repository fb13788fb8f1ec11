import { expect } from 'chai';
import { execFileSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import { importsLeftOutModule, isLeftOutModule, LEFT_OUT, withoutLeftOutReferences } from '../../kernel/node-types-subset';
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
function compile(cells: string[], { subset = true, prevDecl = '' } = {}): { heapMB: number; cells: Cell[] } {
  const script = `
    const ts = require('@tslab/typescript-for-tslab');
    require('./kernel/resolve.ts').forwardTypeResolution(process.cwd());
    require('./kernel/node-doc-comments.ts').withoutNodeDocComments(ts.sys);
    require('./kernel/chained-ops.ts').withMergedChainedOps(ts.sys);
    const subset = require('./kernel/node-types-subset.ts');
    if (${subset}) subset.withNodeTypesSubset(ts.sys);
    const handle = require('./kernel/compiler-service.ts').createCompilerService();
    let decl = handle({ id: 1, op: 'convert', prevDecl: ${JSON.stringify(prevDecl)}, source: 'import * as ll from "latent-lab";\\nll.tf.scalar(1)' }).declOutput;
    global.gc(); global.gc();
    const heapMB = process.memoryUsage().heapUsed / 2 ** 20;
    const cells = ${JSON.stringify(cells)}.map((source, i) => {
      const r = handle({ id: 2 + i, op: 'convert', prevDecl: decl, source });
      if (r.declOutput) decl = r.declOutput;
      return { diagnostics: r.diagnostics.map((d) => d.code + ' ' + d.messageText), declOutput: r.declOutput, full: subset.fullNodeTypes() };
    });
    console.log(JSON.stringify({ heapMB, cells }));`;
  const out = execFileSync(process.execPath, ['--expose-gc', '-r', 'tsx/cjs', '-e', script], { cwd: root, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!);
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
      expect(after, index).to.include.members(['globals', 'buffer', 'fs', 'path', 'process', 'timers', 'events', 'stream', 'url', 'util']);
    }
    for (const f of LEFT_OUT) expect(fs.existsSync(path.join(NODE_TYPES, `${f}.d.ts`)), f).to.equal(true);
    expect(withoutLeftOutReferences('declare const x: number;\n')).to.equal('declare const x: number;\n');
  });

  it("name the modules those files declare, and find their imports by TypeScript's scanner, not in strings or comments", () => {
    for (const m of ['http', 'node:http', 'dns/promises', 'node:crypto', 'inspector', 'child_process']) expect(isLeftOutModule(m), m).to.equal(true);
    for (const m of ['fs', 'node:fs/promises', 'stream/promises', 'path', 'latent-lab', 'httpx']) expect(isLeftOutModule(m), m).to.equal(false);
    for (const code of ['import http from "http";', "import type { KeyObject } from 'node:crypto';", 'export * from "zlib";', 'const vm = await import("vm");', "const cp = require('child_process');"]) {
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
  });
});
