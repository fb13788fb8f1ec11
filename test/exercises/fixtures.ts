// The cheat suite's class: for every assignment the instructor and the student versions, for assignment 1
// an honest classmate (victim) and the cheats, for assignments 3 and 5 a cheat each. Used by assignments.test.ts and, through make-class.ts, by
// bench/grade_class.py (a class of any size made of these submissions).
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { root, runPython } from '../support/jupyter';

export const sourceOf = (cell: { source: string | string[] }) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source);
export interface Cell { cell_type: string; source: string | string[]; metadata: Record<string, any>; outputs?: unknown[]; execution_count?: null }
export interface Nb { cells: Cell[]; metadata: Record<string, any> }
export const read = (p: string): Nb => JSON.parse(fs.readFileSync(p, 'utf8'));
export const A1 = 'a1-exact-inference-and-importance-sampling.ipynb';
export const SOURCES = path.join(root, 'notebooks', 'exercises');
export const assignments = fs.readdirSync(SOURCES).filter((f) => f.endsWith('.ipynb')).sort();

export const gradeId = (c: Cell): string | undefined => c.metadata?.latent_lab?.grade;
export const clone = (nb: Nb): Nb => JSON.parse(JSON.stringify(nb));
export const code = (source: string): Cell => ({ cell_type: 'code', source, metadata: {}, outputs: [], execution_count: null });
/** Replaces text in the cell that contains `find` (which must be there). */
export function edit(nb: Nb, find: string, replace: string): Nb {
  const cell = nb.cells.find((c) => sourceOf(c).includes(find));
  if (!cell) throw new Error(`no cell contains ${find}`);
  cell.source = sourceOf(cell).replace(find, replace);
  return nb;
}
/** Inserts cells after the notebook's import cell. */
export function afterImport(nb: Nb, ...cells: Cell[]): Nb {
  const k = nb.cells.findIndex((c) => sourceOf(c).includes('await ll.ready()'));
  nb.cells.splice(k + 1, 0, ...cells);
  return nb;
}

/** The compiled modules that export `name`, as a student would require them: by package path, by file and through node_modules. */
export function answerModules(name: string): string[] {
  const dist = path.join(root, 'dist', 'src');
  const files: string[] = [];
  const walk = (d: string) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => {
    const f = path.join(d, e.name);
    if (e.isDirectory()) walk(f);
    else if (e.name.endsWith('.js') && new RegExp(`exports\\.${name} = `).test(fs.readFileSync(f, 'utf8'))) files.push(f);
  });
  walk(dist);
  expect(files.length, `no module of dist/src exports ${name}`).to.be.greaterThan(0);
  return files.flatMap((f) => {
    const rel = path.relative(root, f);
    return [`latent-lab/${rel.replace(/\.js$/, '')}`, f, path.join(root, 'node_modules', 'latent-lab', rel)];
  });
}
/** Generates the student and instructor versions into `out` and writes the class into `subs`. */
export function writeClass(out: string, subs: string): void {
  const r = runPython('tools/assignments.py', ['generate', '--out', out]);
  expect(r.status, r.output).to.equal(0);
  fs.mkdirSync(subs, { recursive: true });
  for (const f of assignments) {
    fs.copyFileSync(path.join(out, 'instructor', f), path.join(subs, `instructor-${f}`));
    fs.copyFileSync(path.join(out, 'student', f), path.join(subs, `student-${f}`));
  }
  const inst = read(path.join(out, 'instructor', A1));
  const stud = read(path.join(out, 'student', A1));
  const save = (name: string, nb: Nb) => fs.writeFileSync(path.join(subs, `${name}.ipynb`), JSON.stringify(nb));
  save('victim', inst); // an honest classmate: full marks, whatever the others try

  // Graded cells edited (body `1`), deleted, moved, re-pointed (100 points) and a new one worth 1000.
  const cells = clone(stud);
  const g11 = cells.cells.find((c) => gradeId(c) === 'ex1.1')!;
  g11.source = '1';
  cells.cells = cells.cells.filter((c) => gradeId(c) !== 'ex1.2');
  const k13 = cells.cells.findIndex((c) => gradeId(c) === 'ex1.3');
  const [g13] = cells.cells.splice(k13, 1);
  g13.metadata.latent_lab.points = 100;
  cells.cells.splice(2, 0, g13);
  cells.cells.push({ ...code('1'), metadata: { latent_lab: { grade: 'ex9', points: 1000 } } });
  save('cheat-cells', cells);

  // Patched checker and globals, wrong answers.
  const globals = afterImport(clone(stud), code([
    '(ll as any).check = () => console.log("✓ all good");',
    'Math.abs = () => 0; Math.max = () => 0; Number.isFinite = () => true;',
    '(Array.prototype as any).findIndex = () => -1; (Array.prototype as any).toJSON = function () { return [1.75]; };',
    'console.log = () => {}; process.exit = (() => {}) as any;',
  ].join('\n')));
  edit(globals, 'throw new Error("not implemented yet: write your solution here");', 'return [0.2, 0.6, 0.2];');
  edit(globals, 'throw new Error("not implemented yet: write your solution here");', 'return 1.75;');
  edit(globals, 'throw new Error("not implemented yet: write your solution here");', 'return 4;');
  save('cheat-globals', globals);

  // process.exit in an unrelated cell and in a solution, and a memory blow-up: the kernel survives or is restarted.
  const exit = afterImport(clone(inst), code('process.exit(0);'), code('const hog: number[][] = []; while (true) hog.push(new Array(1e6).fill(1.5));'));
  edit(exit, 'const logJoint = weights.map(', 'process.exit(0);\n  const logJoint = weights.map(');
  save('cheat-exit', exit);

  // A print flood and a loop in a timer (unrelated cells), a plain average for 1.2, an infinite loop in 1.3.
  const loops = afterImport(clone(inst), code('for (let i = 0; i < 20000; i++) console.log("debug line", i);'),
    code('setTimeout(() => { while (true) {} }, 0);'), code('console.log("the cell after the timer");'));
  edit(loops, 'return w.reduce((s, wi, i) => s + wi * values[i], 0) / total;', 'return values.reduce((a, b) => a + b, 0) / values.length;');
  edit(loops, 'return w.reduce((a, b) => a + b, 0) ** 2 / w.reduce((a, b) => a + b * b, 0);', 'while (true) {}');
  save('cheat-loops', loops);

  // The library's reference returned as the answer (1.1, 1.3); the sandbox: the source notebook read
  // (1.2), the instructor folder and a classmate's submission written (unrelated cell).
  const lib = clone(inst);
  edit(lib, 'const logJoint = weights.map(', 'return ll.models.mixturePosterior64({ weights, means, sds }, x);\n  const logJoint = weights.map(');
  edit(lib, 'const m = Math.max(...logWeights);\n  const w = logWeights.map((l) => Math.exp(l - m));\n  return w.reduce((a, b) => a + b, 0) ** 2',
    'return ll.infer.weightDiagnostics(logWeights).ess;\n  const m = Math.max(...logWeights);\n  const w = logWeights.map((l) => Math.exp(l - m));\n  return w.reduce((a, b) => a + b, 0) ** 2');
  edit(lib, 'const total = w.reduce((a, b) => a + b, 0);',
    `const stolen = fs.readFileSync(${JSON.stringify(path.join(SOURCES, A1))}, "utf8");\n  const total = w.reduce((a, b) => a + b, 0);`);
  afterImport(lib, code([
    'import fs from "fs";',
    'for (const [file, text] of [[' + JSON.stringify(path.join(subs, 'victim.ipynb')) + ', "{}"], [' + JSON.stringify(path.join(root, 'build', 'pwned-by-homework.txt')) + ', "x"]]) {',
    '  try { fs.writeFileSync(file, text); console.log("wrote", file); } catch (e) { console.log("denied", (e as Error).message); }',
    '}',
  ].join('\n')));
  save('cheat-library-and-files', lib);

  // The answer's own module required by path (the library's internal file, through the package name, the
  // repository path and node_modules/latent-lab, which is a symlink to the repository), and the source
  // notebook read through that symlink (1.2); 1.3 is honest.
  const deep = clone(inst);
  const tries = JSON.stringify(answerModules('mixturePosterior64'));
  edit(deep, 'const logJoint = weights.map(', [
    `for (const p of ${tries}) {`,
    '    try { const f = require(p).mixturePosterior64; if (typeof f === "function") return f({ weights, means, sds }, x); }',
    '    catch (e) { console.log("denied", p, (e as Error).message); }',
    '  }',
    '  throw new Error("no deep import worked");',
    '  const logJoint = weights.map(',
  ].join('\n'));
  edit(deep, 'const total = w.reduce((a, b) => a + b, 0);',
    `const stolen = require("fs").readFileSync(${JSON.stringify(path.join(root, 'node_modules', 'latent-lab', 'notebooks', 'exercises', A1))}, "utf8");\n  const total = w.reduce((a, b) => a + b, 0);`);
  save('cheat-deep-import', deep);

  writeIsolationCheats(stud, inst, subs);
  writeLaterAssignmentCheats(out, subs);

  fs.writeFileSync(path.join(subs, 'garbage-a1.ipynb'), 'this is not a notebook');
  fs.writeFileSync(path.join(subs, 'empty-a1.ipynb'), '');
  fs.writeFileSync(path.join(subs, 'notes.txt'), 'my homework is in my other notebook');
}

export const A3 = 'a3-the-vae.ipynb';
export const A5 = 'a5-mcmc-and-beyond-the-elbo.ipynb';

/** Assignments 3 and 5: the library's answers as solutions (5.2, 5.3) beside honest work (5.1, 5.4); MNIST's files
 * replaced by blank digits before anything loads them (3.5's grader trains on them, but scores on test images
 * given from the reference run), beside honest 3.1–3.4. */
function writeLaterAssignmentCheats(out: string, subs: string): void {
  const save = (name: string, nb: Nb) => fs.writeFileSync(path.join(subs, `${name}.ipynb`), JSON.stringify(nb));
  const a5 = read(path.join(out, 'instructor', A5));
  edit(a5, '  let qq = q.slice(), pp = p.slice();', '  return ll.infer.leapfrog64(grad, q, p, eps, L);\n  let qq = q.slice(), pp = p.slice();');
  edit(a5, '  const half = Math.floor(draws[0].length / 2);', '  return ll.infer.rHat(draws, { method: "split" });\n  const half = Math.floor(draws[0].length / 2);');
  save('cheat-a5-library', a5);

  const a3 = afterImport(read(path.join(out, 'instructor', A3)), code([
    'const fsm: any = require("fs");',
    'const readFile = fsm.readFileSync;',
    'fsm.readFileSync = function (this: unknown, p: any, ...rest: any[]) {',
    '  if (String(p).includes("digits")) return JSON.stringify({ data: new Array(784 * 1000).fill(0) });',
    '  return readFile.call(this, p, ...rest);',
    '};',
  ].join('\n')));
  save('cheat-a3-blank-mnist', a3);
}

/** Replaces the stub (or the solution) of the function `name` in its cell with `code`. */
function body(nb: Nb, name: string, code: string): Nb {
  const cell = nb.cells.find((c) => sourceOf(c).includes(`function ${name}(`));
  if (!cell) throw new Error(`no cell defines ${name}`);
  const src = sourceOf(cell);
  const open = src.indexOf('{', src.indexOf(`function ${name}(`));
  cell.source = `${src.slice(0, open + 1)}\n${code}\n}\n`;
  return nb;
}

/** A native addon (a shared object whose constructor runs on load) that probes the box from C and writes
 * what it saw into its working directory; compiled here with the machine's cc. */
export function probeAddon(dir: string, source: string, victim: string, outside: string): Buffer {
  const c = path.join(dir, 'probe.c');
  fs.writeFileSync(c, `#include <stdio.h>
#include <unistd.h>
#include <dirent.h>
#include <ctype.h>
static const char *can(const char *p, const char *mode) { FILE *f = fopen(p, mode); if (!f) return "no"; fclose(f); return "yes"; }
__attribute__((constructor)) static void probe(void) {
  FILE *out = fopen("addon-report.txt", "w");
  int procs = 0; DIR *d = opendir("/proc"); struct dirent *e;
  if (!out) return;
  while (d && (e = readdir(d))) if (isdigit((unsigned char)e->d_name[0])) procs++;
  if (d) closedir(d);
  fprintf(out, "addon ran: uid=%d source=%s victim=%s outside=%s procs=%d", (int)getuid(),
          can(${JSON.stringify(source)}, "r"), can(${JSON.stringify(victim)}, "a"), can(${JSON.stringify(outside)}, "w"), procs);
  fclose(out);
}
`);
  const so = path.join(dir, 'probe.node');
  const r = spawnSync('cc', ['-shared', '-fPIC', '-o', so, c], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cc failed: ${r.stderr}`);
  return fs.readFileSync(so);
}

/** The cheats against the grading kernel's JavaScript world and its box (README, Homework). */
function writeIsolationCheats(stud: Nb, inst: Nb, subs: string): void {
  const save = (name: string, nb: Nb) => fs.writeFileSync(path.join(subs, `${name}.ipynb`), JSON.stringify(nb));

  // Later cells rewritten: through the kernel's executor (1.3 and 1.1 made to call the library's answer),
  // through vm.Script (1.1), and the graded cell's record rewritten on its way to the kernel's I/O worker (1.2:
  // every check "got" the visible expected value). The student's world never holds a right answer to echo.
  const rewrite = afterImport(clone(stud), code([
    'const kpath: any = require("path");',
    'const kexec: any = require(kpath.join(kpath.dirname(process.argv[1]), "executor.js"));',
    'const origExecute = kexec.Executor.prototype.execute;',
    'kexec.Executor.prototype.execute = function (this: any, source: string, count: number) {',
    '  if (source.includes("__GRADER_")) source = source.split("effectiveSampleSize(").join("((lw: any) => (ll as any).infer.weightDiagnostics(lw).ess)(");',
    '  return origExecute.call(this, source, count);',
    '};',
    'const vmod: any = require("vm");',
    'const OrigScript = vmod.Script;',
    'vmod.Script = function (code: string, opts: any) {',
    '  if (typeof code === "string" && code.includes("__GRADER_")) code = code.replace(/(\\b\\w+\\.)?mixturePosterior\\(/g, "((w, m, s, x) => ll.models.mixturePosterior64({ weights: w, means: m, sds: s }, x))(");',
    '  return new OrigScript(code, opts);',
    '};',
    'vmod.Script.prototype = OrigScript.prototype;',
    'const wt: any = require("worker_threads");',
    'const origPost = wt.Worker.prototype.postMessage;',
    'wt.Worker.prototype.postMessage = function (this: any, m: any, ...rest: any[]) {',
    '  if (m && typeof m.text === "string" && m.text.includes("@@LLGRADE") && m.text.includes("not implemented yet")) {',
    '    const forged = { records: [0, 1, 2, 3].map(() => ({ name: "self-normalized estimate", hidden: false, got: [1.75], gotType: "number" })), error: null };',
    '    m = { ...m, text: m.text.replace(/@@LLGRADE .*/, "@@LLGRADE " + JSON.stringify(forged)) };',
    '  }',
    '  return origPost.call(this, m, ...rest);',
    '};',
  ].join('\n')));
  save('cheat-rewrite', rewrite);

  // A lazy answer object that echoes what the graded cell computes next (1.1), the old per-run nonce read
  // from the call stack to forge a record (1.2), and a lone UTF-16 surrogate in an error message (1.3).
  const echo = clone(stud);
  body(echo, 'mixturePosterior', [
    '  const g: any = globalThis as any;',
    '  if (!g.__echo) {',
    '    g.__echo = { last: null };',
    '    const map = Array.prototype.map;',
    '    (Array.prototype as any).map = function (this: any, ...a: any[]) { const r = (map as any).apply(this, a); if (r.length === weights.length) g.__echo.last = r; return r; };',
    '  }',
    '  const k = weights.length;',
    '  return new Proxy(new Array(k).fill(1 / k), { get(t: any, p: any) { const l = g.__echo.last; return l && p !== "length" && p in l ? l[p] : t[p]; } });',
  ].join('\n'));
  body(echo, 'selfNormalized', [
    '  let src = "";',
    '  try { src = String((selfNormalized as any).caller); } catch (e) { src = String(new Error().stack); }',
    '  const nonce = (src.match(/[0-9a-f]{32}/) || [""])[0];',
    '  const rec = { records: [0, 1, 2, 3].map(() => ({ name: "self-normalized estimate", hidden: false, got: [1.75], gotType: "number" })), error: null };',
    '  console.log("\\n@@LLGRADE " + (nonce ? nonce + " " : "") + JSON.stringify(rec));',
    '  return 1.75;',
  ].join('\n'));
  body(echo, 'effectiveSampleSize', '  throw new Error("lone \\ud800 surrogate in an error message");');
  save('cheat-echo', echo);

  // Out of the box: a worker started with empty execArgv (outside Node's permission model) and a native
  // addon probe the file system (the source notebook, a path climbing out of a package folder with "..", a
  // classmate's submission, the project), /proc (the grader's processes) and the other submissions'
  // folders; 1.1 reports what they saw as its error. 1.2 and 1.3 are honest.
  const source = path.join(root, 'notebooks', 'exercises', A1);
  const victim = path.join(subs, 'victim.ipynb');
  const cdir = fs.mkdtempSync(path.join(os.tmpdir(), 'll-addon-'));
  const addon = probeAddon(cdir, source, victim, path.join(root, 'build', 'pwned-by-addon.txt'));
  fs.rmSync(cdir, { recursive: true, force: true });
  const probe = [
    'const fs = require("fs"), path = require("path"), { parentPort } = require("worker_threads");',
    'const r = {};',
    'const t = (k, f) => { try { r[k] = f(); } catch (e) { r[k] = "E:" + (e.code || e.name); } };',
    't("perm", () => typeof process.permission);',
    't("uid", () => process.getuid());',
    `t("source", () => fs.readFileSync(${JSON.stringify(source)}, "utf8").length);`,
    `t("climb", () => fs.readFileSync("node_modules/esbuild/../../notebooks/exercises/${A1}", "utf8").length);`,
    `t("victim", () => { fs.writeFileSync(${JSON.stringify(victim)}, "{}"); return "written"; });`,
    `t("outside", () => { fs.writeFileSync(${JSON.stringify(path.join(root, 'build', 'pwned-by-worker.txt'))}, "x"); return "written"; });`,
    't("procs", () => fs.readdirSync("/proc").filter((d) => /^\\d+$/.test(d)).map((d) => { try { return fs.readFileSync("/proc/" + d + "/cmdline", "utf8").split("\\0").slice(0, 2).join(" "); } catch (e) { return "?"; } }));',
    't("parent", () => fs.readFileSync("/proc/" + process.ppid + "/cmdline", "utf8").split("\\0")[0]);',
    't("tmp", () => fs.readdirSync("/tmp"));',
    't("siblings", () => fs.readdirSync(path.dirname(process.cwd())));',
    't("ifaces", () => Object.keys(require("os").networkInterfaces()));',
    'parentPort.postMessage(r);',
  ].join('\n');
  const escape = afterImport(clone(inst), code([
    'const { Worker } = require("worker_threads");',
    `const workerReport: any = await new Promise((resolve) => {`,
    `  const w = new Worker(${JSON.stringify(probe)}, { eval: true, execArgv: [] });`,
    '  w.on("message", resolve);',
    '  w.on("error", (e: any) => resolve({ error: String(e) }));',
    '});',
  ].join('\n')), code([
    'const fs2: any = require("fs");',
    `fs2.writeFileSync("probe.node", Buffer.from(${JSON.stringify(addon.toString('base64'))}, "base64"));`,
    'try { require(require("path").resolve("probe.node")); } catch (e) { /* not a Node module: its constructor has run */ }',
    'let addonReport = "";',
    'try { addonReport = fs2.readFileSync("addon-report.txt", "utf8"); } catch (e: any) { addonReport = "no report: " + e.message; }',
  ].join('\n')));
  body(escape, 'mixturePosterior', '  throw new Error("REPORT " + JSON.stringify({ worker: workerReport, addon: addonReport }));');
  save('cheat-escape', escape);
}
