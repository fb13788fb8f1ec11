import { expect } from 'chai';
import { PerformanceObserver, constants } from 'perf_hooks';
import vm from 'vm';
import { answer, collectWhenIdle, createCompilerService, fullCollection, warmUpWhenIdle } from '../../kernel/compiler-service';
import { CellSourceMap } from '../../kernel/source-map';
import type { CompilerRequest } from '../../kernel/compiler';

type Converted = {
  output?: string;
  outputMap?: string;
  declOutput?: string;
  hasToplevelAwait?: boolean;
  lastExpressionVar?: string;
  diagnostics: { messageText: string }[];
};

describe('kernel: the compiler service', function () {
  let handle: (request: CompilerRequest) => unknown;
  let nextId = 1;
  const convert = (prevDecl: string, source: string) => {
    const r = answer(handle, { id: nextId++, op: 'convert', prevDecl, source });
    if (!r.ok) throw new Error(r.error);
    return r.result as Converted;
  };
  /** Runs a converted cell as the executor does (CommonJS, `exports` shared between cells). */
  const run = (c: Converted, exports: Record<string, unknown>) =>
    new vm.Script(`(function (exports, require) {\n${c.output}\n})`).runInThisContext()(exports, require);

  before(() => {
    handle = createCompilerService();
  });

  it('emits each cell as CommonJS in one emit: imports, enums, namespaces and earlier cells\' names work when run', () => {
    const exports: Record<string, unknown> = {};
    const first = convert('', 'import { join } from "path";\nimport * as os from "os";\nenum Colour { Red, Green }\n' +
      'namespace Box { export const side = 2; }\nlet count = 1;');
    expect(first.diagnostics).to.deep.equal([]);
    expect(first.output).to.match(/require\("path"\)/);
    expect(first.output).not.to.match(/^\s*import /m);
    run(first, exports);
    const second = convert(first.declOutput ?? '', 'count += Colour.Green + Box.side;\njoin("a", "b") + os.EOL.length + count');
    expect(second.diagnostics).to.deep.equal([]);
    run(second, exports);
    expect(exports[second.lastExpressionVar!]).to.equal(`a/b${require('os').EOL.length}4`);
    expect(exports.count).to.equal(4);
  });

  it('still stops a type error before it runs, and flags a top-level await', () => {
    const wrong = convert('', 'const s: string = 1;');
    expect(wrong.output).to.equal(undefined);
    expect(wrong.diagnostics.map((d) => d.messageText).join()).to.match(/not assignable to type 'string'/);
    const awaiting = convert('', 'const v = await Promise.resolve(3);\nv');
    expect(awaiting.diagnostics).to.deep.equal([]);
    expect(awaiting.hasToplevelAwait).to.equal(true);
  });

  it('maps a position in the run JavaScript back to the cell line through its one source map', () => {
    const c = convert('', 'const a = 1;\nconst b = 2;\nthrow new Error("line 3");');
    const lines = c.output!.split('\n');
    const at = lines.findIndex((l) => l.includes('throw new Error'));
    const map = new CellSourceMap(c.outputMap!, 1);
    expect(map.cellPosition(at, lines[at].indexOf('throw'))).to.deep.equal({ line: 2, column: 0 });
  });

  it('hands back the declarations it was given, kernel globals left out, for a cell that declares nothing; keeps what a declaring cell adds', () => {
    const declared = convert('', 'import * as path from "path";\nconst a = 1;\nfunction f(x: number) { return x + a; }\ninterface Point { x: number }');
    expect(declared.diagnostics).to.deep.equal([]);
    const prev = declared.declOutput!;
    expect(prev).to.match(/declare const a = 1;/).and.match(/interface Point/).and.match(/import \* as path/);
    for (const source of ['1 + 2', 'f(a) * 2', 'console.log(path.sep)', '{ const inner = 3; inner }']) {
      const c = convert(prev, source);
      expect(c.diagnostics, source).to.deep.equal([]);
      expect(c.declOutput, source).to.equal(prev);
    }
    // No top-level name, yet a declaration of its own: the notebook's declarations gain it.
    const exporting = convert(prev, 'export default 3');
    expect(exporting.diagnostics).to.deep.equal([]);
    expect(exporting.declOutput).to.match(/export default _default;/).and.match(/declare const a = 1;/);
    // A cell that redeclares a name replaces its declaration; the rest stays.
    const redeclared = convert(prev, 'const a = "text";');
    expect(redeclared.declOutput).to.match(/declare const a = "text";/).and.not.match(/declare const a = 1;/);
    expect(redeclared.declOutput).to.match(/declare function f/);
    expect(convert(redeclared.declOutput!, 'a.toUpperCase()').diagnostics).to.deep.equal([]);
  });

  it('checks a cell importing Latent Lab against tfjs-core alone: chained methods typed, no tfjs-layers/-data/-converter/-webgl declarations', () => {
    /* eslint-disable @typescript-eslint/no-var-requires */
    const { createConverter } = require('tslab/dist/converter') as typeof import('tslab/dist/converter');
    const converter = createConverter({ isJS: false, isBrowser: false }) as ReturnType<typeof createConverter> & {
      languageContext(prevDecl: string, src: string): { program: { getSourceFiles(): { fileName: string }[] } };
    };
    try {
      const imported = converter.convert('', 'import * as ll from "latent-lab";');
      expect(imported.diagnostics).to.deep.equal([]);
      const chained = converter.convert(imported.declOutput ?? '', 'const t = ll.tf.scalar(1).add(ll.tf.scalar(2)).square();\nconst n: number = t;');
      expect(chained.diagnostics.map((d) => d.messageText)).to.deep.equal(["Type 'Tensor<Rank>' is not assignable to type 'number'."]);
      const files = converter.languageContext(imported.declOutput ?? '', '1').program.getSourceFiles().map((f) => f.fileName);
      expect(files.filter((f) => f.includes('/tfjs-core/'))).to.have.length.above(300);
      expect(files.filter((f) => /\/@tensorflow\/tfjs(-layers|-data|-converter|-backend-webgl|-backend-cpu|-backend-wasm)?\//.test(f))).to.deep.equal([]);
    } finally {
      converter.close();
    }
  });

  it('collects its garbage once no request has come for a second, not while requests keep coming', async () => {
    let collections = 0;
    const replied = collectWhenIdle(() => collections++);
    for (let i = 0; i < 4; i++) {
      replied();
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    expect(collections, 'a collection while requests came every 0.4 s').to.equal(0);
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect(collections).to.equal(1);
  });

  it('the collection it runs is a full (major) garbage collection', async () => {
    const kinds: number[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) kinds.push((e as unknown as { detail: { kind: number } }).detail.kind);
    });
    observer.observe({ entryTypes: ['gc'] });
    try {
      fullCollection()();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(kinds).to.include(constants.NODE_PERFORMANCE_GC_MAJOR);
    } finally {
      observer.disconnect();
    }
  });

  describe('warming up after a cell that changes the program', () => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    /** A service that records what it was asked (and answers a declaration file like the converter's). */
    const recording = () => {
      const seen: CompilerRequest[] = [];
      return { seen, handle: (r: CompilerRequest) => { seen.push(r); return { declOutput: 'declare const kept: number;\n', diagnostics: [] }; } };
    };
    const request = (source: string, prevDecl = ''): CompilerRequest => ({ id: 1, op: 'convert', prevDecl, source });

    it('compiles throwaway cells against the notebook\'s declarations once no request has come for a while, then stops', async () => {
      const { seen, handle: h } = recording();
      const warmUp = warmUpWhenIdle(h, 6, 20);
      warmUp.after(request('import * as ll from "latent-lab";'), { declOutput: 'import * as ll from "latent-lab";\n', diagnostics: [] });
      expect(seen, 'nothing before the quiet time').to.have.length(0);
      await sleep(150);
      expect(seen).to.have.length(6);
      for (const r of seen) {
        expect(r.op).to.equal('convert');
        expect((r as { prevDecl: string }).prevDecl, 'the declarations the next real cell will see').to.equal('import * as ll from "latent-lab";\n');
      }
      // a cell that imports nothing, once warm: no more throwaway cells
      warmUp.after(request('1 + 1', 'x'), { declOutput: 'x', diagnostics: [] });
      await sleep(100);
      expect(seen).to.have.length(6);
    });

    it('never compiles one between the cells of a run: a request cancels it, and it resumes after a quiet spell', async () => {
      const { seen, handle: h } = recording();
      const warmUp = warmUpWhenIdle(h, 6, 30);
      warmUp.after(request('1 + 1'), undefined);
      for (let i = 0; i < 8; i++) {
        // a run of cells 10 ms apart: each request cancels, each reply schedules again
        await sleep(10);
        warmUp.cancel();
        warmUp.after(request(`${i}`), undefined);
      }
      expect(seen, 'compiled between the cells of a run').to.have.length(0);
      await sleep(200);
      expect(seen).to.have.length(6);
    });

    it('leaves nothing of its cells in the notebook: the next real cell sees only the real declarations', async () => {
      const first = convert('', 'const kept = 1');
      const warmUp = warmUpWhenIdle(handle, 4, 5);
      warmUp.after(request('const kept = 1'), first);
      await sleep(500);
      expect(convert(first.declOutput!, 'kept + 1').diagnostics).to.have.length(0);
      const leaked = convert(first.declOutput!, 'kept + __warmUp').diagnostics.map((d) => d.messageText).join('\n');
      expect(leaked).to.match(/Cannot find name '__warmUp'/);
    });

    it('a throwaway cell that throws ends the warm-up and nothing else', async () => {
      let calls = 0;
      const warmUp = warmUpWhenIdle(() => { calls++; throw new Error('broken'); }, 6, 10);
      warmUp.after(request('1 + 1'), undefined);
      await sleep(100);
      expect(calls).to.equal(1);
    });
  });
});
