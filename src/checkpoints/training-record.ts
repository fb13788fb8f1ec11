// What a checkpoint's header says about the run that made it, typed: the pretrain recipes (scripts/pretrain.ts)
// write these fields, the loaders check them and hand them back with their types, so a notebook reads
// `meta.trainingSeconds / 60` and never casts an unknown. A field a checkpoint saved by hand does not have is
// undefined; a field of the wrong type is an error naming the file and the field (never a NaN in a table).
import type { UNetConfig } from '../models/layers/unet';
import type { RealNVPConfig } from '../models/flows/real-nvp';
import type { VQVAEConfig } from '../models/vae/vq-vae';
import type { CodePriorConfig } from '../models/autoregressive/code-prior';
import type { PixelCNNConfig } from '../models/autoregressive/pixel-cnn';

/** A mean with its standard error over n values (the library's Estimate). */
type MeanWithSE = { value: number; se: number; n: number };

/** The fields every training run records (all optional: a checkpoint written by hand may hold none). */
export interface TrainingRecord {
  /** the data set trained on: 'mnist', 'fashion-mnist' */
  dataset?: string;
  /** optimizer steps taken */
  steps?: number;
  /** wall-clock seconds of training */
  trainingSeconds?: number;
  /** CPU seconds of training (user + system of the process) */
  trainingCpuSeconds?: number;
  /** the first losses, for the test that the recipe reproduces them */
  firstLosses?: number[];
  /** the recipe that made the checkpoint (scripts/pretrain.ts's RECIPES entry) */
  recipe?: Record<string, unknown>;
  /** the kind of model ('ImageDDPM', 'RealNVP', 'VQVAE', …) */
  kind?: string;
  /** anything else the caller saved */
  [field: string]: unknown;
}

/** One point of a sample-quality curve recorded during training. */
export interface QualityPoint {
  seconds: number;
  cpuSeconds?: number;
  step: number;
  /** the classifier's confident share of samples, with its standard error */
  share: number;
  se: number;
}

/** An ImageDDPM checkpoint's header: the U-Net, the β schedule and the training record with its quality curve. */
export interface DDPMMeta extends TrainingRecord {
  unet: UNetConfig;
  betas: number[];
  /** this data set's minibatch recipe (scripts/pretrain.ts's RECIPES.ddpm.train entry), when recorded */
  train?: { seed: number; batchSize: number; emaDecay: number };
  /** the threads the training ran on (LATENT_THREADS), when recorded */
  threads?: number;
  curve?: QualityPoint[];
}

/** A RealNVP checkpoint's header: its configuration, the test bits/dim and the confident share at each temperature. */
export interface RealNVPMeta extends TrainingRecord {
  config: RealNVPConfig;
  testBitsPerDim?: MeanWithSE;
  confidentShare?: { temperature: number; share: number; se: number }[];
}

/** A VQ-VAE checkpoint's header: both configurations, the prior's run, the codebook restarts and the test numbers. */
export interface VQVAEMeta extends TrainingRecord {
  vqvae: VQVAEConfig;
  prior: CodePriorConfig;
  priorSteps?: number;
  priorSeconds?: number;
  firstPriorLosses?: number[];
  restarts?: { step: number; count: number }[];
  test?: { reconstructionNats: number; priorNats: MeanWithSE; priorBits: number; perplexity: number; used: number; unigramNats: number };
}

/** A PixelCNN checkpoint's header: its configuration, the training record and the test bits/dim. */
export interface PixelCNNMeta extends TrainingRecord {
  config: PixelCNNConfig;
  testBitsPerDim?: MeanWithSE;
}

type FieldType = 'number' | 'string' | 'numbers' | 'object' | 'objects';
const RECORD_FIELDS: Record<string, FieldType> = {
  dataset: 'string', steps: 'number', trainingSeconds: 'number', trainingCpuSeconds: 'number', firstLosses: 'numbers', recipe: 'object', kind: 'string',
};

function typeOk(v: unknown, t: FieldType): boolean {
  switch (t) {
    case 'number': return typeof v === 'number' && Number.isFinite(v);
    case 'string': return typeof v === 'string';
    case 'numbers': return Array.isArray(v) && v.every((x) => typeof x === 'number');
    case 'object': return !!v && typeof v === 'object' && !Array.isArray(v);
    case 'objects': return Array.isArray(v) && v.every((x) => !!x && typeof x === 'object');
  }
}

/**
 * The header's meta as the typed record M, after checking the training record's fields and `extra` (each
 * present field of the declared type; `required` ones present): an error names `who`, the file and the field.
 *
 * @example
 * ```ts
 * const meta = checkedMeta<DDPMMeta>(ck.meta, 'loadDDPM', dir, { unet: 'object', betas: 'numbers', curve: 'objects' }, ['unet', 'betas']);
 * meta.trainingSeconds / 60;   // a number (or undefined), no cast
 * ```
 */
export function checkedMeta<M extends TrainingRecord>(meta: Record<string, unknown>, who: string, file: string,
  extra: Record<string, FieldType> = {}, required: string[] = []): M {
  const fields = { ...RECORD_FIELDS, ...extra };
  for (const name of required) {
    if (meta[name] === undefined) throw new Error(`${who}: the checkpoint at ${file} has no '${name}' in its header`);
  }
  for (const [name, t] of Object.entries(fields)) {
    const v = meta[name];
    if (v !== undefined && !typeOk(v, t)) {
      throw new Error(`${who}: the checkpoint at ${file} has '${name}' = ${JSON.stringify(v)?.slice(0, 60)} in its header, expected ${t === 'numbers' ? 'an array of numbers' : t === 'objects' ? 'an array of objects' : `a ${t}`}`);
    }
  }
  return meta as M;
}
