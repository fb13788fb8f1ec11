// Issue 35: the automatic bad-input sweep over the public API. Every public callable (sweep-api.ts enumerates
// them from src/index.ts) with a valid example (sweep-examples.ts) is called with each argument, and each field
// of an options argument, replaced in turn by bad values (sweep-probe.ts: NaN, ±∞, 0, −1, 1e308, 1e9, [], a
// wrong-rank tensor, a NaN tensor, a string, undefined, null, {}, a disposed tensor, a non-Rng generator — the
// kinds that fit the argument's type). Probes run in a pool of child processes with a capped heap; a probe
// past PROBE_MS is a hang (the worker is killed and replaced), a worker that dies is a crash. The sweep fails
// on a hang, a crash, a leaked tensor, NaN from finite input, a valid example that does not run, or fewer than
// 98% of the answered bad inputs being an Error naming the function and the argument.
// The valid examples are in examples/models.ts (ll.models) and examples/library.ts (the rest), merged in
// sweep-examples.ts. Outcomes accepted for a callable are in ALLOWED, each with its reason (NaN propagating
// through a forward pass or a training loss rather than costing a sync per call; a check's row reporting a NaN
// side as failed; a derivation named by its title and line; ll.check's feedback on a wrong answer). Callables
// left out are in NOT_SWEPT, each with its reason: private and protected methods JavaScript still lists,
// abstract bases swept through their subclasses (LocationScale, Widget), methods that always throw by design,
// and calls that cannot run in a probe (ll.input needs a front end; a plotly PNG needs Chromium; loadFashionMnist's
// default split takes 15 s; switching the native kernels would change the worker). ml-matrix's Matrix is not
// re-exported (ll.math.Matrix is its type only): its 178 methods are a third-party API this sweep could not hold
// to ours (Matrix.eye(1e9) kills the process, its errors name no argument), and the library takes number[][].
// Every public callable is one or the other: a new export without an example fails the first test below.
// Last full run: 835 callables, 749 swept, 86 in NOT_SWEPT; 9,020 probes; 0 hangs, crashes, leaks or NaN from finite
// input; 99.9% of 7,269 answered bad inputs named (6 are not: NaN passed by leapfrog and svgd at a step size of 1e308,
// by rotation2d and spreadIndices), 189 allow-listed. The README's "Bad inputs" quotes these numbers.
import { expect } from 'chai';
import { fork, type ChildProcess } from 'child_process';
import os from 'os';
import path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { publicCallables, parameterNames, type Callable } from './sweep-api';
import { exampleFor, instanceFor, allowance, NOT_SWEPT } from './sweep-examples';
import { kindsFor, type Probe, type Verdict, type Outcome } from './sweep-probe';
import { disposeResult } from './runner';
import { scratchFolder } from './examples/library';
import fs from 'fs';

const PROBE_MS = 8000;
const STARTUP_MS = 60000;
const WORKERS = Math.max(1, Math.min(2, os.cpus().length));
/** the most bad kinds tried per argument or field; which ones rotates deterministically with the argument's position */
const KINDS_PER_ARGUMENT = 6;

const isPlainObject = (v: unknown) => !!v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;

/** A deterministic choice of k of the kinds: a rotation by a hash of the probe's place, so every kind is tried across the API. */
function sample<T>(xs: T[], k: number, key: string): T[] {
  if (xs.length <= k) return xs;
  let h = 2166136261;
  for (const ch of key) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return Array.from({ length: k }, (_, i) => xs[(h + i) % xs.length]);
}

/** The probes of one callable: its valid call, then each argument and options field with the bad kinds of its type. */
function plan(c: Callable): Probe[] {
  const self = c.kind === 'method' ? instanceFor(c) : undefined;
  const args = exampleFor(c)!(self);
  const probes: Probe[] = [{ id: c.id, arg: -1 }];
  args.forEach((a, i) => {
    for (const bad of sample(kindsFor(a), KINDS_PER_ARGUMENT, `${c.id}/${i}`)) probes.push({ id: c.id, arg: i, bad });
    if (isPlainObject(a)) {
      for (const [field, v] of Object.entries(a as object)) {
        for (const bad of sample(kindsFor(v), Math.ceil(KINDS_PER_ARGUMENT / 2), `${c.id}/${i}/${field}`)) probes.push({ id: c.id, arg: i, field, bad });
      }
    }
  });
  disposeResult(args);
  if (self && typeof self.dispose === 'function') self.dispose(); else disposeResult(self);
  return probes;
}

function runPool(probes: Probe[]): Promise<Verdict[]> {
  const verdicts: Verdict[] = new Array(probes.length);
  let next = 0, done = 0;
  return new Promise((resolve) => {
    const startWorker = () => {
      const child: ChildProcess = fork(path.join(__dirname, 'sweep-worker.ts'), [], {
        execArgv: ['--require', 'tsx/cjs', '--max-old-space-size=1024'],
        env: { ...process.env, LATENT_QUIET: '1' }, stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      });
      let current = -1, timer: NodeJS.Timeout | undefined, over = false;
      const finish = (i: number, v: Verdict) => {
        if (verdicts[i]) return;
        verdicts[i] = v;
        if (++done === probes.length) resolve(verdicts);
      };
      const replace = (outcome: Outcome, detail: string) => {
        if (over) return;
        over = true;
        clearTimeout(timer);
        child.kill('SIGKILL');
        if (current >= 0) finish(current, { outcome, detail, ms: PROBE_MS });
        if (next < probes.length) startWorker();
      };
      const send = () => {
        if (next >= probes.length) { over = true; clearTimeout(timer); child.kill(); return; }
        current = next++;
        clearTimeout(timer);
        timer = setTimeout(() => replace('hang', `still running after ${PROBE_MS} ms`), PROBE_MS);
        child.send(probes[current]);
      };
      timer = setTimeout(() => replace('crash', 'the worker did not start'), STARTUP_MS);
      child.on('message', (m: { type: string; verdict?: Verdict }) => {
        if (m.type === 'ready') send();
        else if (m.type === 'verdict') { finish(current, m.verdict!); send(); }
      });
      child.on('exit', (code, signal) => {
        // the files its valid calls saved (figures, a checkpoint) go with it
        if (child.pid) fs.rmSync(scratchFolder(child.pid), { recursive: true, force: true });
        replace('crash', `the worker died (code ${code}, signal ${signal})`);
      });
    };
    for (let w = 0; w < WORKERS; w++) startWorker();
  });
}

describe('bad inputs: the automatic sweep over every public callable (issue 35)', function () {
  this.timeout(600_000);
  const callables = publicCallables();
  // SWEEP_ONLY=GAN2D,ganValue sweeps those callables (a class name takes its methods) while fixing them
  const only = process.env.SWEEP_ONLY?.split(',');
  const swept = callables.filter((c) => exampleFor(c) && !NOT_SWEPT[c.name] && (!only || only.some((o) => c.name === o || c.name.startsWith(`${o}.`))));
  let probes: Probe[] = [];
  let verdicts: Verdict[] = [];
  let seconds = 0;

  before(async () => {
    const t0 = Date.now();
    const before = tf.memory().numTensors;
    probes = swept.flatMap(plan);
    expect(tf.memory().numTensors, 'planning the probes left tensors').to.equal(before);
    verdicts = await runPool(probes);
    fs.rmSync(scratchFolder(process.pid), { recursive: true, force: true });
    seconds = (Date.now() - t0) / 1000;
    const count = (o: Outcome) => verdicts.filter((v) => v.outcome === o).length;
    const argsProbed = new Set(probes.filter((p) => p.arg >= 0).map((p) => `${p.id}/${p.arg}/${p.field ?? ''}`)).size;
    // the numbers the README quotes
    console.log(`      sweep: ${callables.length} public callables, ${swept.length} swept (${argsProbed} arguments and options fields), ${probes.length} probes in ${seconds.toFixed(0)} s on ${WORKERS} workers; ` +
      (['named', 'returned', 'unnamed', 'nan-passed', 'nan-from-finite', 'leak', 'hang', 'crash', 'example-broken'] as Outcome[]).map((o) => `${o} ${count(o)}`).join(', ') +
      `; ${probes.filter((p, i) => allowance(callables.find((x) => x.id === p.id)!, verdicts[i].outcome)).length} allow-listed; not swept: ${callables.length - swept.length} (no valid example yet, or listed in NOT_SWEPT)`);
    const named = count('named'), answered = named + verdicts.filter((v, i) => (v.outcome === 'unnamed' || v.outcome === 'nan-passed') && !allowance(callables.find((x) => x.id === probes[i].id)!, v.outcome)).length;
    console.log(`      sweep: ${(100 * named / answered).toFixed(1)}% of ${answered} refused or passed-through bad inputs named the function and the argument`);
    // SWEEP_VERBOSE=1 lists the probes answered without a named error (the next ones to fix)
    if (process.env.SWEEP_VERBOSE) probes.forEach((p, i) => { if (['unnamed', 'nan-passed'].includes(verdicts[i].outcome)) console.log(`        ${p.id} arg ${p.arg} ${p.field ?? ''} ${p.bad}: ${verdicts[i].outcome}: ${verdicts[i].detail.slice(0, 160)}`); });
  });

  const describeProbe = (p: Probe) => {
    const c = callables.find((x) => x.id === p.id)!;
    const name = p.arg < 0 ? 'the valid call' : `${p.field ?? parameterNames(c)[p.arg] ?? `argument ${p.arg + 1}`} = ${p.bad}`;
    return `${c.name}(${name})`;
  };
  const failures = (outcomes: Outcome[]) => probes
    .map((p, i) => ({ p, v: verdicts[i] }))
    .filter(({ p, v }) => outcomes.includes(v.outcome) && !allowance(callables.find((x) => x.id === p.id)!, v.outcome))
    .map(({ p, v }) => `${describeProbe(p)}: ${v.outcome}: ${v.detail}`);

  it('every public callable has a valid example or a reason in NOT_SWEPT (a new export is swept, or says why not)', () => {
    const missing = callables.filter((c) => !exampleFor(c) && !NOT_SWEPT[c.name]).map((c) => c.id);
    expect(missing, 'public callables with neither a valid example (examples/models.ts, examples/library.ts) nor a reason in NOT_SWEPT').to.deep.equal([]);
  });
  it('every swept callable has a valid example that runs without NaN or leak', () => {
    expect(failures(['example-broken']), 'broken examples').to.deep.equal([]);
  });
  it('no probe hangs or kills its process', () => {
    expect(failures(['hang', 'crash'])).to.deep.equal([]);
  });
  it('no probe leaves a tensor behind, the error path included', () => {
    expect(failures(['leak'])).to.deep.equal([]);
  });
  it('no NaN comes out of finite input', () => {
    expect(failures(['nan-from-finite'])).to.deep.equal([]);
  });
  it('at least 98% of the bad inputs that are refused or passed through get an Error naming the function and the argument', () => {
    const named = verdicts.filter((v) => v.outcome === 'named').length;
    const rest = failures(['unnamed', 'nan-passed']);
    const share = named / (named + rest.length);
    expect(share, `${(100 * share).toFixed(1)}% named; the others:\n${rest.join('\n')}`).to.be.at.least(0.98);
  });
});
