import { expect } from 'chai';
import { spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import vm from 'vm';
import { root } from '../support/jupyter';

// The kernel as built (dist/kernel): the compiler process runs the bundled dist/kernel/compiler-process.js.
type CompilerModule = typeof import('../../kernel/compiler');
type SnapshotModule = typeof import('../../kernel/compiler-snapshot');
const dist = path.join(root, 'dist', 'kernel');
/* eslint-disable @typescript-eslint/no-var-requires */
const { Compiler } = require(path.join(dist, 'compiler.js')) as CompilerModule;
const { buildSnapshot, findSnapshot, writeCompilerBundle } = require(path.join(dist, 'compiler-snapshot.js')) as SnapshotModule;

/** The current snapshot: built here, or by a kernel that is building it now in the background (waited for). */
async function snapshot(): Promise<string> {
  for (let tries = 0; ; tries++) {
    const found = findSnapshot();
    if (found) return found;
    try {
      return await buildSnapshot();
    } catch (e) {
      if (!/another process is building/.test(String(e)) || tries > 300) throw e;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

type Converted = { output?: string; declOutput?: string; diagnostics: { messageText: string; start: number }[] };

/** The answers a compiler gives to the same cells: the import, a type error against Latent Lab, a plain cell. */
async function answers(compiler: InstanceType<CompilerModule['Compiler']>) {
  await compiler.ready;
  const imported = await compiler.call<Converted>({ op: 'convert', prevDecl: '', source: 'import * as ll from "latent-lab";' });
  const wrong = await compiler.call<Converted>({ op: 'convert', prevDecl: imported.declOutput ?? '', source: 'const s: string = ll.tf.scalar(1);' });
  const right = await compiler.call<Converted>({ op: 'convert', prevDecl: imported.declOutput ?? '', source: 'const t = ll.tf.scalar(2);\nt.shape' });
  const node = await compiler.call<Converted>({ op: 'convert', prevDecl: '', source: 'const n: number = process.pid;\nn.toFixed()' });
  const info = await compiler.call<string | undefined>({ op: 'inspect', prevDecl: imported.declOutput ?? '', source: 'll.tf.scalar', position: 9 });
  return { imported, wrong, right, node, info };
}

describe('kernel: the compiler from a V8 startup snapshot', function () {
  this.timeout(600_000);

  it('answers every cell as the compiler thread does: type errors against Latent Lab and Node stop a cell, the rest transpile', async function () {
    const saved = process.env.LATENT_COMPILER_SNAPSHOT;
    const blob = await snapshot();
    // A snapshot is code that runs: only its owner may write it or its folder (others may read it: a class's
    // shared install).
    expect(fs.statSync(blob).mode & 0o022, 'writable by its owner only').to.equal(0);
    expect(fs.statSync(path.dirname(blob)).mode & 0o022, 'its folder writable by its owner only').to.equal(0);
    const fromSnapshot = new Compiler();
    process.env.LATENT_COMPILER_SNAPSHOT = '0';
    const thread = new Compiler();
    if (saved === undefined) delete process.env.LATENT_COMPILER_SNAPSHOT;
    else process.env.LATENT_COMPILER_SNAPSHOT = saved;
    try {
      expect(fromSnapshot.kind).to.equal('process');
      expect(thread.kind).to.equal('thread');
      const a = await answers(fromSnapshot);
      const b = await answers(thread);
      expect(a.imported.diagnostics).to.deep.equal([]);
      expect(a.wrong.diagnostics.map((d) => d.messageText)).to.deep.equal(["Type 'Scalar' is not assignable to type 'string'."]);
      expect(a.right.diagnostics).to.deep.equal([]);
      expect(a.right.output).to.match(/exports\.t\.shape|t\.shape/);
      expect(a.node.diagnostics).to.deep.equal([]);
      expect(a.info).to.contain('scalar');
      expect(a).to.deep.equal(b);
    } finally {
      fromSnapshot.close();
      thread.close();
    }
  });

  it('is built from an ASCII script, so V8 keeps its source at one byte a character (TypeScript\'s comments hold curly apostrophes)', async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compiler-bundle-'));
    try {
      const file = path.join(dir, 'bundle.js');
      await writeCompilerBundle(file);
      const text = fs.readFileSync(file, 'utf8');
      const wide = [...text.matchAll(/[^\x00-\x7f]/g)].map((m) => text.slice(m.index! - 40, m.index! + 5));
      expect(wide, 'characters outside ASCII').to.deep.equal([]);
      // Still one script that parses; its comments are gone with the whitespace (the source V8 keeps: 9 → 6 MB).
      expect(() => new vm.Script(text, { filename: file })).not.to.throw();
      const typescript = fs.statSync(path.join(root, 'node_modules', '@tslab', 'typescript-for-tslab', 'lib', 'typescript.js')).size;
      expect(text.length, 'smaller than TypeScript alone as installed').to.be.below(typescript);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sleeps after an idle spell and wakes on the next request with the cell-defined modules; a replacement keeps them too', async function () {
    const blob = await snapshot();
    expect(blob).to.be.a('string');
    const saved = process.env.LATENT_COMPILER_IDLE_S;
    process.env.LATENT_COMPILER_IDLE_S = '1';
    let compiler = new Compiler();
    try {
      await compiler.ready;
      const defined = await compiler.call<unknown[]>({ op: 'addModule', name: 'shapes', source: '//%module shapes\nexport const side: number = 3;', meta: { module: 'shapes' } });
      expect(defined).to.deep.equal([]);
      const use = (source: string) => compiler.call<Converted>({ op: 'convert', prevDecl: '', source });
      expect((await use('import { side } from "./shapes";\nside * 2')).diagnostics).to.deep.equal([]);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(compiler.awake, 'asleep after 1 s without a request').to.equal(false);
      const wrong = await use('import { side } from "./shapes";\nconst s: string = side;');
      expect(compiler.awake).to.equal(true);
      expect(wrong.diagnostics.map((d) => d.messageText)).to.deep.equal(["Type 'number' is not assignable to type 'string'."]);
      compiler = compiler.replacement();
      expect((await use('import { side } from "./shapes";\nside + 1')).diagnostics).to.deep.equal([]);
      expect((await use('import { nothing } from "./shapes";')).diagnostics.map((d) => d.messageText)).to.deep.equal(['Module \'"./shapes"\' has no exported member \'nothing\'.']);
    } finally {
      compiler.close();
      if (saved === undefined) delete process.env.LATENT_COMPILER_IDLE_S;
      else process.env.LATENT_COMPILER_IDLE_S = saved;
    }
  });

  it('gives back Node\'s copy of the snapshot (57 MB) and still answers every kind of request after it', async function () {
    const blob = await snapshot();
    const compiler = new Compiler();
    try {
      await compiler.ready;
      const pid = (compiler as unknown as { child: { pid: number } }).child.pid;
      // The copy: an anonymous mapping that starts with bytes of the snapshot file (a malloc'd block).
      const head = fs.readFileSync(blob).subarray(0, 64 * 1024);
      const mem = fs.openSync(`/proc/${pid}/mem`, 'r');
      const copies: { size: number; rssKb: number }[] = [];
      try {
        let current: { start: number; size: number; anonymous: boolean } | undefined;
        for (const line of fs.readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
          const mapping = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ (\d+)\s*(.*)$/.exec(line);
          if (mapping) {
            const [start, end] = [parseInt(mapping[1], 16), parseInt(mapping[2], 16)];
            current = { start, size: end - start, anonymous: mapping[3] === 'rw-p' && mapping[4] === '0' && mapping[5] === '' };
            continue;
          }
          const rss = /^Rss:\s+(\d+) kB/.exec(line);
          if (!rss || !current?.anonymous || current.size < 16 << 20) continue;
          const probe = Buffer.alloc(64);
          fs.readSync(mem, probe, 0, 64, current.start + 16);
          if (head.indexOf(probe) >= 0) copies.push({ size: current.size, rssKb: Number(rss[1]) });
        }
      } finally {
        fs.closeSync(mem);
      }
      expect(copies, 'one mapping holds the copy').to.have.length(1);
      expect(copies[0].size, 'the copy is the snapshot\'s V8 data').to.be.above(0.8 * fs.statSync(blob).size);
      expect(copies[0].rssKb, 'resident pages of the copy (its first page holds malloc\'s header)').to.be.at.most(8);
      // Every kind of request after it: conversions building on one another, completion, inspection, a module.
      let prevDecl = '';
      for (let i = 0; i < 40; i++) {
        const c = await compiler.call<Converted>({ op: 'convert', prevDecl, source: i === 0 ? 'import * as ll from "latent-lab";' : i % 2 ? `const v${i} = ll.tf.scalar(${i});` : `v${i - 1}.add(${i})` });
        expect(c.diagnostics, `cell ${i}`).to.deep.equal([]);
        prevDecl = c.declOutput ?? prevDecl;
      }
      const completion = await compiler.call<{ candidates: string[] }>({ op: 'complete', prevDecl, source: 'v39.squ', position: 7 });
      expect(completion.candidates).to.include('square');
      expect(await compiler.call<string>({ op: 'inspect', prevDecl, source: 'll.tf.scalar', position: 9 })).to.contain('scalar');
      expect(await compiler.call<unknown[]>({ op: 'addModule', name: 'notes', source: 'export const note = 1;', meta: { module: 'notes' } })).to.deep.equal([]);
    } finally {
      compiler.close();
    }
  });

  it('leaves no compiler process behind when the kernel is killed', async function () {
    await snapshot();
    const script = `const { Compiler } = require(${JSON.stringify(path.join(dist, 'compiler.js'))});
      const c = new Compiler();
      c.ready.then(() => console.log(c.child.pid));
      setInterval(() => {}, 1000);`;
    const kernel = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = await new Promise<number>((resolve, reject) => {
      kernel.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim())));
      kernel.once('exit', (code) => reject(new Error(`exited (${code}) before its compiler was ready`)));
    });
    const alive = (p: number) => {
      try {
        return fs.readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1][0] !== 'Z';
      } catch {
        return false;
      }
    };
    expect(alive(pid), 'the compiler process runs').to.equal(true);
    kernel.kill('SIGKILL');
    const deadline = Date.now() + 20_000;
    while (alive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(alive(pid), 'the compiler process ends with its kernel (its IPC channel closed)').to.equal(false);
  });
});
