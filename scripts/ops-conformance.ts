// tfjs-core's own op test suite, as it ships in npm (@tensorflow/tfjs-core/dist/**/*_test.js, the jasmine specs
// tfjs's backends run in their CI), run against Latent Lab's backends: a foreign conformance suite for our native
// kernels, and a check of tfjs-node built by scripts/tfjs-node.sh.
//   npm run ops:conformance                       # wasm stock, wasm + native kernels, tfjs-node (when built)
//   npm run ops:conformance -- --only wasm-native # one configuration
// Each configuration runs in its own process (jasmine's globals, one backend per engine) and writes
// build/ops-conformance/<configuration>.json; the summary lists every failing spec, and separately the specs that
// fail with our native kernels but pass on stock wasm (a native kernel's bug) — environment.md explains each.
// jasmine (4.2, tfjs's own version) is installed into build/ops-conformance/ on first use, not into the project.
import { spawnSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import { resolveTfjsNode } from '../src/backend/tfjs-node';

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'build', 'ops-conformance');

interface Configuration { name: string; env: Record<string, string>; what: string }
const CONFIGURATIONS: Configuration[] = [
  { name: 'wasm-stock', env: { LATENT_BACKEND: 'wasm', LATENT_NATIVE: '0' }, what: 'tfjs-backend-wasm, stock kernels' },
  { name: 'wasm-native', env: { LATENT_BACKEND: 'wasm' }, what: "tfjs-backend-wasm with Latent Lab's native kernels (the default)" },
  { name: 'node', env: { LATENT_BACKEND: 'node' }, what: 'tfjs-node on TensorFlow 2.21 (scripts/tfjs-node.sh)' },
];

interface Failure { name: string; message: string }
interface Report { configuration: string; backend: string; detail: string; specs: number; passed: number; failed: Failure[]; excluded: number; seconds: number }

function ensureJasmine(): string {
  const dir = path.join(OUT, 'node_modules', 'jasmine');
  if (!fs.existsSync(dir)) {
    fs.mkdirSync(OUT, { recursive: true });
    if (!fs.existsSync(path.join(OUT, 'package.json'))) fs.writeFileSync(path.join(OUT, 'package.json'), '{ "private": true }\n');
    console.log('ops:conformance: installing jasmine 4.2.1 into build/ops-conformance/');
    const r = spawnSync('npm', ['install', '--prefix', OUT, '--no-audit', '--no-fund', '--loglevel=error', 'jasmine@4.2.1'], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('ops:conformance: npm could not install jasmine 4.2.1 (needs the npm registry once)');
  }
  return dir;
}

/**
 * Specs left out, with the reason: they test tfjs-core itself or the test harness, not a backend's kernels
 * (version strings, the memory accounting of auto-GC'd backends, browser-only paths, the harness's own specs).
 */
const NOT_KERNEL_SPECS: [RegExp, string][] = [
  [/^version /, 'compares version strings of packages'],
  [/^(browser_util|device_util|environment|flags|hash_util|jasmine_util|kernel_registry|profiler|test_util|util|serialization|types)\b/i, 'tests tfjs-core itself, not a kernel'],
];

/** The worker: one configuration in this process. */
async function worker(configuration: string): Promise<void> {
  process.env.LATENT_QUIET = '1';
  const started = Date.now();
  const Jasmine = require(ensureJasmine());
  const runner = new Jasmine({ projectBaseDir: ROOT });
  runner.loadConfig({ spec_files: [], random: false });
  runner.exitOnCompletion = false;
  // the library's own backend choice, native kernels included, as a notebook makes it
  const backend = require('../src/backend/backend');
  await backend.ready();
  const info = backend.backendInfo();
  const tf = require('@tensorflow/tfjs-core');
  // tfjs-core's CommonJS bundle registers neither gradients nor chained ops; the specs need both
  require('@tensorflow/tfjs-core/dist/register_all_gradients');
  require('@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops');
  const jasmineUtil = require('@tensorflow/tfjs-core/dist/jasmine_util');
  jasmineUtil.setTestEnvs([{ name: configuration, backendName: tf.getBackend(), flags: {}, isDataSync: true }]);
  require('@tensorflow/tfjs-core/dist/tests');
  let excluded = 0;
  const env = (globalThis as any).jasmine.getEnv();
  env.configure({
    random: false,
    specFilter: (spec: any) => {
      const name: string = spec.getFullName();
      if (NOT_KERNEL_SPECS.some(([re]) => re.test(name))) { excluded++; return false; }
      return true;
    },
  });
  const failed: Failure[] = [];
  let specs = 0, passed = 0;
  env.clearReporters();
  env.addReporter({
    specDone: (r: any) => {
      if (r.status === 'excluded' || r.status === 'pending') return;
      specs++;
      if (r.status === 'passed') passed++;
      else failed.push({ name: r.fullName, message: String(r.failedExpectations?.[0]?.message ?? r.status).split('\n')[0].slice(0, 300) });
    },
  });
  process.on('unhandledRejection', (e) => failed.push({ name: '(unhandled rejection)', message: String(e).slice(0, 300) }));
  await runner.execute();
  const report: Report = { configuration, backend: info.tfName, detail: info.native?.detail ?? info.tensorflow ?? '', specs, passed, failed, excluded, seconds: Math.round((Date.now() - started) / 1000) };
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, `${configuration}.json`), JSON.stringify(report, null, 1));
  console.log(`RESULT ${configuration}: ${passed} of ${specs} specs passed, ${failed.length} failed (${report.seconds} s)`);
  process.exit(0);
}

/** The specs tfjs-node's own test runner leaves out (its dist/run_tests.js IGNORE_LIST), as known upstream gaps. */
function tfjsNodeIgnoreList(): string[] {
  try {
    const dir = path.dirname(path.dirname(resolveTfjsNode('@tensorflow/tfjs-node')));
    const source = fs.readFileSync(path.join(dir, 'dist', 'run_tests.js'), 'utf8');
    // its comments hold apostrophes ("doesn't"): drop them before reading the quoted names
    const list = (source.match(/var IGNORE_LIST = \[([\s\S]*?)\];/)?.[1] ?? '').replace(/\/\/.*$/gm, '');
    return [...list.matchAll(/'([^']*)'/g)].map((m) => m[1].replace('test-tensorflow ', ''));
  } catch {
    return [];
  }
}

/** Why a spec failed, as a category: the kernel a backend lacks, an upstream ignore-list entry, or the message's start. */
function category(f: Failure, configuration: string, ignored: string[]): string {
  const missing = f.message.match(/Kernel '(\w+)' not registered for backend/);
  if (missing) return 'kernel not implemented by the backend';
  const plain = f.name.replace(` ${configuration} `, ' ');
  if (configuration === 'node' && ignored.some((i) => plain.includes(i.replace(/ \{\} /, ' {} ')))) return "in tfjs-node's own ignore list (dist/run_tests.js)";
  return f.message.replace(/-?\d+(\.\d+)?(e[-+]?\d+)?/g, '#').slice(0, 80);
}

function summary(reports: Report[]): string {
  const lines: string[] = [];
  const ignored = tfjsNodeIgnoreList();
  const byName = new Map(reports.map((r) => [r.configuration, r]));
  for (const r of reports) {
    lines.push(`\n## ${r.configuration} (${r.backend}; ${r.detail}): ${r.passed} of ${r.specs} passed, ${r.failed.length} failed, ${r.seconds} s`);
    const groups = new Map<string, Failure[]>();
    for (const f of r.failed) groups.set(category(f, r.configuration, ignored), [...(groups.get(category(f, r.configuration, ignored)) ?? []), f]);
    for (const [why, fs_] of [...groups].sort((a, b) => b[1].length - a[1].length)) {
      const kernels = [...new Set(fs_.map((f) => f.message.match(/Kernel '(\w+)'/)?.[1]).filter(Boolean))];
      lines.push(`- ${fs_.length} × ${why}${kernels.length ? `: ${kernels.join(', ')}` : ''}`);
      for (const f of fs_) lines.push(`    ✗ ${f.name} — ${f.message}`);
    }
  }
  const stock = byName.get('wasm-stock'), ours = byName.get('wasm-native');
  if (stock && ours) {
    // spec names carry the configuration's name; compare them without it
    const key = (f: Failure, configuration: string) => f.name.replace(` ${configuration} `, ' ');
    const stockFailed = new Set(stock.failed.map((f) => key(f, 'wasm-stock')));
    const oursFailed = new Set(ours.failed.map((f) => key(f, 'wasm-native')));
    const regressions = ours.failed.filter((f) => !stockFailed.has(key(f, 'wasm-native')));
    const fixed = stock.failed.filter((f) => !oursFailed.has(key(f, 'wasm-stock')));
    lines.push(`\n## wasm-native against wasm-stock: ${regressions.length} spec(s) fail only with the native kernels, ${fixed.length} only without them`);
    for (const f of regressions) lines.push(`    ✗ ${f.name} — ${f.message}`);
    for (const f of fixed) lines.push(`    ✓ ${f.name}`);
  }
  return lines.join('\n');
}

function main(): void {
  const args = process.argv.slice(2);
  const workerAt = args.indexOf('--worker');
  if (workerAt >= 0) {
    worker(args[workerAt + 1]).catch((e) => { console.error(e); process.exit(1); });
    return;
  }
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? args[onlyAt + 1].split(',') : undefined;
  const unknown = only?.filter((o) => !CONFIGURATIONS.some((c) => c.name === o));
  if (unknown?.length) throw new Error(`ops:conformance: --only must name configurations among ${CONFIGURATIONS.map((c) => c.name).join(', ')}, got ${unknown.join(', ')}`);
  ensureJasmine();
  const reports: Report[] = [];
  for (const c of CONFIGURATIONS) {
    if (only && !only.includes(c.name)) continue;
    console.log(`ops:conformance: ${c.name} — ${c.what}`);
    const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', __filename, '--worker', c.name], {
      cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28,
      // tfjs-core's jasmine_util requires jasmine-core from tfjs-core's own folder: NODE_PATH lets it find ours
      env: { ...process.env, ...c.env, NODE_PATH: path.join(OUT, 'node_modules') },
    });
    const line = `${r.stdout}`.split('\n').find((l) => l.startsWith('RESULT '));
    if (!line) {
      const why = `${r.stdout}${r.stderr}`.split('\n').filter((l) => /Error|unavailable/.test(l)).slice(0, 3).join(' | ');
      console.log(`  did not run: ${why || `exit ${r.status}`}`);
      continue;
    }
    console.log(`  ${line.slice('RESULT '.length)}`);
    reports.push(JSON.parse(fs.readFileSync(path.join(OUT, `${c.name}.json`), 'utf8')));
  }
  const text = summary(reports);
  console.log(text);
  fs.writeFileSync(path.join(OUT, 'summary.md'), `# tfjs-core's op specs on Latent Lab's backends\n${text}\n`);
  console.log(`\nops:conformance: written to build/ops-conformance/summary.md (${reports.map((r) => `${r.configuration} ${r.seconds} s`).join(', ')})`);
}

main();
