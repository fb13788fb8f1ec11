// The one training loop. A model says what it minimizes (a Trainable: its variables and the loss of one
// minibatch); fit owns the rest — the seeded minibatch order, dynamic binarization of image batches, the
// optimizer (FusedAdam where the native kernels run) and its learning-rate schedule, live progress, the
// exponential average of the weights, checkpoints from which a run resumes exactly, interruption between steps
// (the kernel's cancellation check), and freeing every tensor it made — and returns the record of the run.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random/rng';
import { ImageDataset } from '../data/image-dataset';
import { progress as startProgress, Progress } from '../display/progress';
import { throwIfInterrupted } from '../display/interruption';
import { anything, bool, contract, count, func, Kind, num, oneOf, options as optionsKind, str, tensor } from '../validation/contract';
import { checkKind, describeAny, where } from '../validation/contract';
import { learningRateAt, LearningRateSchedule } from './learning-rate';
import type { Batch, LossWithTerms, Trainable, TrainingData } from './trainable';
import { BatchSource } from './batch-source';
import { MinibatchOrder } from './minibatch-order';
import { makeOptimizer, OptimizerName, optimizerState, restoreOptimizerState, setLearningRate } from './optimizer';
import { WeightAverage } from './weight-average';
import { hasCheckpoint, saveTrainingCheckpoint, TrainingCheckpointMeta, weightNames, withTrainingCheckpoint } from './training-checkpoint';

/** Where and how often fit saves the run (weights, optimizer, generator, minibatch order, record). */
export interface FitCheckpoint {
  /** the folder of checkpoint.llck */
  dir: string;
  /** save every this many steps (default: every epoch's worth, ⌈N/B⌉); always after the last step */
  every?: number;
  /** continue from the checkpoint in dir when there is one (the same numbers as a run never stopped) */
  resume?: boolean;
}

/** What onStep is told after each step. */
export interface StepInfo {
  /** the step just taken, 1-based (counting a resumed checkpoint's steps) */
  step: number;
  /** the epoch it belongs to, 1-based: ⌈step / ⌈N/B⌉⌉ */
  epoch: number;
  /** its loss (before the update) */
  loss: number;
  /** the model's named loss terms and afterStep numbers at this step */
  terms: Record<string, number>;
  /** seconds of training so far */
  seconds: number;
  /** runs f with the averaged weights θ̄ in the model (and puts θ back); just f without `ema` */
  averaged: <R>(f: () => R) => R;
}

/** One finished pass over the data. */
export interface EpochRecord {
  epoch: number;
  /** the mean loss of the epoch's steps */
  loss: number;
  seconds: number;
  msPerStep: number;
}

/** The record of a run. */
export interface FitResult {
  /** the loss of every step, from step 1 (a resumed run's include the checkpoint's) */
  losses: number[];
  /** the model's named terms per step (empty for a model without them) */
  terms: Record<string, number[]>;
  /** every finished epoch */
  epochs: EpochRecord[];
  /** the steps taken in all (a resumed run counts the checkpoint's) */
  steps: number;
  /** the step this call started from: 0, or the checkpoint's */
  startStep: number;
  /** this call's seconds of training */
  seconds: number;
  /** this call's milliseconds per step */
  msPerStep: number;
}

/** fit's options; `O` is the model's objective (VAE: { type: 'iwae', samples: 5 }, …). */
export interface FitOptions<O = never> {
  /** the number of optimizer steps (give steps or epochs) */
  steps?: number;
  /** full passes over the data, ⌈N/B⌉ steps each (give steps or epochs) */
  epochs?: number;
  /** seeds the one generator of the run: minibatch order, binarization, the model's noise */
  seed: number;
  /** B, rows per minibatch (default 128) */
  batchSize?: number;
  /** a constant rate (default 1e-3) or a schedule { peak, steps, warmupSteps, decay } (learningRateAt) */
  learningRate?: number | LearningRateSchedule;
  /**
   * 'adam' (default: FusedAdam where the native kernels run, tf.train.adam otherwise), 'sgd', or a tfjs optimizer
   * of your own (e.g. tf.train.rmsprop(1e-3): its own rate unless learningRate is given; it stays yours to dispose)
   */
  optimizer?: OptimizerName | tf.Optimizer;
  /** the model's objective options, passed to its prepareBatch and trainingLoss */
  objective?: O;
  /** decay d of the weight average θ̄ ← d_k θ̄ + (1 − d_k) θ, d_k = min(d, (1 + k)/(10 + k)); the model ends with θ̄ */
  ema?: number;
  /** called after every step */
  onStep?: (info: StepInfo) => void;
  /** called after every finished epoch */
  onEpoch?: (record: EpochRecord) => void;
  /** live progress (default true); a string is its title */
  progress?: boolean | string;
  /** save the run to a folder (and resume from it) */
  checkpoint?: FitCheckpoint;
}

const trainableKind: Kind = {
  expected: 'a trainable model (an object with variables and trainingLoss(rng, batch))',
  test: (v) => {
    const m = v as Partial<Trainable<unknown, unknown>> | null;
    if (!m || typeof m !== 'object' || typeof m.trainingLoss !== 'function') return `got ${describeAny(v)}`;
    const vars = m.variables;
    if (!Array.isArray(vars) || vars.length === 0 || vars.some((x) => !(x instanceof tf.Variable) || x.isDisposed)) return 'its variables must be a non-empty array of live tf.Variables';
    return undefined;
  },
};

const NO_NAN = tensor({ noNaN: true });
const dataKind: Kind = {
  expected: 'an ImageDataset, points as a non-empty number[][] of rows of one length, or a live 2-D tensor of rows',
  test: (v) => {
    if (v instanceof ImageDataset) return v.count > 0 ? undefined : 'got an empty ImageDataset';
    // one reduction for NaN: a NaN row would surface steps later as a NaN loss blamed on the learning rate
    if (v instanceof tf.Tensor) return !v.isDisposed && v.rank === 2 && v.shape[0] > 0 && v.shape[1] > 0 ? NO_NAN.test(v, 'data', 'fit') as string | undefined : `got ${describeAny(v)}`;
    if (!Array.isArray(v) || v.length === 0) return `got ${describeAny(v)}`;
    const d = Array.isArray(v[0]) ? v[0].length : -1;
    for (let i = 0; i < v.length; i++) {
      const row = v[i];
      if (!Array.isArray(row) || row.length !== d || d === 0) return `got row ${i} = ${describeAny(row)} (every row needs ${d > 0 ? d : 'the same number of'} numbers)`;
      for (let j = 0; j < d; j++) if (typeof row[j] !== 'number' || !Number.isFinite(row[j])) return `got ${describeAny(row[j])} at [${i}][${j}]`;
    }
    return undefined;
  },
};

const optimizerKind: Kind = {
  expected: 'a tfjs optimizer (tf.train.adam(…), …)',
  // tf.Optimizer's Symbol.hasInstance accepts any object with minimize and applyGradients
  test: (v) => (typeof v === 'object' && v !== null && v instanceof tf.Optimizer ? undefined : `got ${describeAny(v)}`),
};

const scheduleKind = optionsKind({
  peak: num({ above: 0, max: 10 }), steps: count({ max: 1e9 }), warmupSteps: count({ min: 0, max: 1e9 }), decay: str(['constant', 'cosine']),
}, { required: ['peak', 'steps'] });

const FIT = contract('fit', {
  model: trainableKind,
  data: dataKind,
  options: optionsKind({
    steps: count({ max: 1e9 }), epochs: count({ max: 1e6 }), seed: num({ integer: true, min: 0 }), batchSize: count({ max: 1e6 }),
    learningRate: oneOf(num({ above: 0, max: 10 }), scheduleKind), optimizer: oneOf(str(['adam', 'sgd']), optimizerKind), objective: anything('the model\'s objective options'),
    ema: num({ min: 0, below: 1 }), onStep: func(), onEpoch: func(), progress: oneOf(bool(), str()),
    checkpoint: optionsKind({ dir: str(), every: count({ max: 1e9 }), resume: bool() }, { required: ['dir'] }),
  }, { required: ['seed'] }),
});

/** The tensors in a prepared batch: a tensor, or an object's (or array's) tensor values one level down. */
function tensorsOf(v: unknown): tf.Tensor[] {
  if (v instanceof tf.Tensor) return [v];
  if (!v || typeof v !== 'object') return [];
  return Object.values(v as object).flatMap((x) => (x instanceof tf.Tensor ? [x] : Array.isArray(x) ? x.filter((y): y is tf.Tensor => y instanceof tf.Tensor) : []));
}

function modelTitle(model: object): string {
  const name = model.constructor?.name;
  return name && name !== 'Object' ? `training ${name}` : 'training';
}

/**
 * Trains a model: minibatch steps of the optimizer on the model's loss, seeded end to end.
 *
 *     θ_k = θ_{k−1} − lr_k · Adam_k(∇_θ L(θ_{k−1}; x_{b_k})),   b_k the k-th minibatch of a seeded permutation per epoch
 *
 * The minibatch loss is an unbiased estimate of the data set's mean loss (each epoch visits every row once,
 * D22), so the steps follow its gradient on average. The model says what L is (`Trainable`: its variables and
 * trainingLoss); fit draws everything random from one generator seeded by `seed` — the order, the
 * binarization of image batches (x_b ~ Bernoulli(pixels), fresh each time, for a model with binaryPixels), and
 * the model's own noise — so the same seed gives the same losses. An interrupted cell stops it between steps;
 * every tensor it made is freed, also on an error.
 *
 * Shapes: data is an ImageDataset (batches of pixels [B, H·W] with their labels), points number[][] [N, d], or
 * a 2-D tensor [N, P] (batches are its rows, dtype kept); B = batchSize (default 128), the last batch of an
 * epoch smaller.
 *
 * @param model  what to train: the library's models (VAE, ConvVAE, ImageDDPM, RealNVP, VQVAE, CodePrior, MADE,
 *   FlowDistribution, TimeMLP, ScoreNetwork, VelocityNetwork, ImageClassifier, …) or any object with
 *   `variables` and `trainingLoss(rng, batch)`
 * @param data  the training data
 * @param options  `seed` and one of `steps` / `epochs` (required); `batchSize` (128), `learningRate` (1e-3, or a
 *   schedule), `optimizer` ('adam'), `objective` (the model's), `ema`, `onStep`, `onEpoch`, `progress`
 *   (true), `checkpoint` ({ dir, every, resume })
 * @returns the losses of every step, the model's loss terms, the finished epochs, steps and seconds
 * @example
 * ```ts
 * const vae = new ll.VAE(ll.rng(0), { inputDim: 784, latentDim: 16 });
 * const run = await ll.fit(vae, ll.loadMnist('train'), { epochs: 5, seed: 0 });
 * run.epochs.map((e) => -e.loss);   // the training ELBO per epoch (nats per digit), rising
 * await ll.fit(vae, train, { steps: 500, seed: 1, objective: { type: 'iwae', samples: 5 } });
 * ```
 */
export function fit<P, O>(model: Trainable<P, O>, data: TrainingData, options: FitOptions<O>): Promise<FitResult> {
  FIT.check(arguments);
  if ((options.steps === undefined) === (options.epochs === undefined)) {
    checkKind(where(anything(), 'give exactly one of steps and epochs', (o: FitOptions<O>) => `got ${o.steps === undefined ? 'neither' : `steps ${o.steps} and epochs ${o.epochs}`}`), options, 'options', 'fit');
  }
  if (typeof options.learningRate === 'object') learningRateAt(options.learningRate, 1);
  const size = data instanceof ImageDataset ? data.dim : data instanceof tf.Tensor ? data.shape[1] : data[0].length;
  if (typeof model.dim === 'number' && model.dim !== size) {
    const named = model.constructor?.name && model.constructor.name !== 'Object' ? ` (${model.constructor.name})` : '';
    checkKind(where(anything(), `have rows of ${model.dim} values, as the model${named} takes`, () => `got rows of ${size}`), data, 'data', 'fit');
  }
  return run(model, data, options);
}

async function run<P, O>(model: Trainable<P, O>, data: TrainingData, options: FitOptions<O>): Promise<FitResult> {
  const rng = new Rng(options.seed);
  const source = new BatchSource(data, model.binaryPixels === true);
  const order = new MinibatchOrder(source.count, options.batchSize ?? 128);
  const perEpoch = order.batchesPerEpoch;
  const total = options.steps ?? options.epochs! * perEpoch;
  const schedule = typeof options.learningRate === 'object' ? options.learningRate : undefined;
  const own = options.optimizer === undefined || typeof options.optimizer === 'string';
  const optimizer = own ? makeOptimizer((options.optimizer as OptimizerName | undefined) ?? 'adam', schedule ? learningRateAt(schedule, 1) : (options.learningRate as number | undefined) ?? 1e-3)
    : options.optimizer as tf.Optimizer;
  if (!own && typeof options.learningRate === 'number') setLearningRate(optimizer, options.learningRate);
  const variables = model.variables;
  const average = options.ema ? new WeightAverage(variables, options.ema) : undefined;
  const averaged = <R>(f: () => R): R => (average ? average.averaged(f) : f());
  const ck = options.checkpoint;
  const every = ck?.every ?? perEpoch;
  const losses: number[] = [];
  const terms: Record<string, number[]> = {};
  const epochs: EpochRecord[] = [];
  let step = 0, priorSeconds = 0;
  let bar: Progress | undefined;
  const t0 = Date.now();
  try {
    if (ck?.resume && hasCheckpoint(ck.dir)) {
      await withTrainingCheckpoint(ck.dir, 'fit', model as unknown as { variables: tf.Variable[] }, async (meta, t) => {
        weightNames(model).forEach(({ variable }, i) => variable.assign(t.weights[i].tensor));
        await restoreOptimizerState(optimizer, meta.optimizer, t.optimizer);
        if (average) {
          if (t.average.length !== variables.length) throw new Error(`fit: the checkpoint in ${ck.dir} has no weight average (it was saved without ema)`);
          average.tensors.forEach((a, i) => a.assign(t.average[i]));
        }
        rng.setState(meta.rng);
        order.restore(meta.order);
        losses.push(...meta.losses);
        for (const [k, v] of Object.entries(meta.terms)) terms[k] = [...v];
        epochs.push(...meta.epochs);
        step = meta.step;
        priorSeconds = meta.seconds;
      });
    }
    const startStep = step;
    if (options.progress !== false && total > step) {
      bar = startProgress({ total: total - step, title: typeof options.progress === 'string' ? options.progress : modelTitle(model), ...(options.epochs ? { epochs: options.epochs } : {}) });
    }
    let epochStart = Date.now();
    while (step < total) {
      throwIfInterrupted();
      const batch = source.batch(rng, order.next(rng));
      let prepared: P | undefined;
      let loss: number;
      const stepTerms: Record<string, number> = {};
      try {
        // the data set rides along for the model, out of reach of tf.tidy's walk over what prepareBatch returns
        if (batch.dataset) Object.defineProperty(batch, 'dataset', { value: batch.dataset, enumerable: false });
        prepared = model.prepareBatch ? tf.tidy(() => model.prepareBatch!(rng, batch, options.objective) as unknown as tf.TensorContainer) as unknown as P : batch as unknown as P;
        if (schedule) setLearningRate(optimizer, learningRateAt(schedule, step + 1));
        let parts: [string, tf.Scalar][] = [];
        const cost = optimizer.minimize(() => {
          const out = model.trainingLoss(rng, prepared!, options.objective);
          if (out instanceof tf.Tensor) return out;
          const withTerms = out as LossWithTerms;
          parts = Object.entries(withTerms.terms).map(([k, v]) => [k, tf.keep(v)]);
          return withTerms.loss;
        }, true, variables)!;
        loss = cost.dataSync()[0];
        cost.dispose();
        for (const [k, v] of parts) { stepTerms[k] = v.dataSync()[0]; v.dispose(); }
        if (!Number.isFinite(loss)) throw new Error(`fit: the loss became ${loss} at step ${step + 1} (epoch ${Math.ceil((step + 1) / perEpoch)}); lower the learning rate`);
        step++;
        const extra = model.afterStep?.(rng, batch, step);
        if (extra) Object.assign(stepTerms, extra);
      } finally {
        tf.dispose([...new Set([batch.x, ...(prepared === undefined || (prepared as unknown) === batch ? [] : tensorsOf(prepared))])]);
      }
      average?.update(step);
      losses.push(loss);
      // a term a step did not report is NaN there, so that every term has one entry per step
      for (const [k, v] of Object.entries(stepTerms)) (terms[k] ??= new Array(step - 1).fill(NaN)).push(v);
      for (const [k, v] of Object.entries(terms)) if (v.length < step) v.push(NaN);
      const epoch = Math.ceil(step / perEpoch);
      const seconds = priorSeconds + (Date.now() - t0) / 1000;
      bar?.update(step - startStep, options.epochs ? { epoch, loss } : { loss });
      options.onStep?.({ step, epoch, loss, terms: stepTerms, seconds, averaged });
      if (step % perEpoch === 0) {
        const now = Date.now(), done = losses.slice(step - perEpoch, step);
        const record: EpochRecord = { epoch, loss: done.reduce((a, b) => a + b, 0) / done.length, seconds: (now - epochStart) / 1000, msPerStep: (now - epochStart) / Math.min(perEpoch, step - startStep) };
        epochStart = now;
        epochs.push(record);
        options.onEpoch?.(record);
      }
      if (ck && (step % every === 0 || step === total)) {
        const state = await optimizerState(optimizer);
        try {
          const meta: TrainingCheckpointMeta = {
            kind: 'training', step, rng: rng.getState(), order: order.state(), optimizer: state.names, losses, terms, epochs,
            seconds: priorSeconds + (Date.now() - t0) / 1000,
            ...((model as { config?: unknown }).config !== undefined ? { config: (model as { config?: unknown }).config } : {}),
          };
          saveTrainingCheckpoint(ck.dir, meta, {
            weights: weightNames(model).map(({ name, variable }) => ({ name, tensor: variable })),
            optimizer: state.tensors, average: average ? average.tensors : [],
          });
        } finally {
          state.release();
        }
      }
    }
    const seconds = (Date.now() - t0) / 1000, taken = step - startStep;
    return { losses, terms, epochs, steps: step, startStep, seconds, msPerStep: taken > 0 ? (1000 * seconds) / taken : 0 };
  } finally {
    bar?.done();
    if (own) optimizer.dispose();
    source.dispose();
    average?.finish();
  }
}
