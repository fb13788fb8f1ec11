// Checkpoints of a DCGAN: its configuration, the training record and sample metrics in the header, the weights as
// float32 tensors (the library's checkpoint format, src/checkpoints/checkpoint.ts).
import { loadModelCheckpoint, loaderRng, writeCheckpoint } from './checkpoint';
import { DCGAN, DCGANConfig } from '../models/gan/dcgan';
import { checkedMeta, type TrainingRecord } from './training-record';
import { contract, instance, record, str } from '../validation/contract';

/** A DCGAN checkpoint's header: the configuration, the run, and its samples' scores (no likelihood: a GAN has none). */
export interface DCGANMeta extends TrainingRecord {
  config: DCGANConfig;
  /** the classifier's sample metrics of `samples` samples: confident share, Fréchet distance to the test digits, classes covered */
  sampleMetrics?: { samples: number; confidentShare: number; confidentShareSE: number; frechetDistance: number; classesCovered: number; classHistogram: number[] };
}

const SAVE = contract('saveDCGAN', { dir: str(), model: instance(DCGAN, 'a DCGAN'), meta: { ...record('an object of JSON fields'), optional: true } });
const LOAD = contract('loadDCGAN', { dirOrFile: str() });

/**
 * Writes dir/checkpoint.llck for the model; `meta` (JSON) is kept beside the config.
 * @example ll.models.saveDCGAN('/tmp/dcgan', gan, { steps: 3000 });
 */
export function saveDCGAN(dir: string, model: DCGAN, meta: Record<string, unknown> = {}): string {
  SAVE.check(arguments);
  return writeCheckpoint(dir, {
    meta: { ...meta, kind: 'DCGAN', config: model.config },
    tensors: model.namedVariables.map(({ name, variable }) => ({ name, tensor: variable })),
  });
}

/**
 * The DCGAN saved in dir (or a checkpoint file) and the header's meta, typed (DCGANMeta).
 * @example const { model, meta } = ll.models.loadDCGAN(ll.data.checkpointPath('dcgan-mnist')); model.sample(ll.rng(0), 16); meta.sampleMetrics;
 */
export function loadDCGAN(dirOrFile: string): { model: DCGAN; meta: DCGANMeta } {
  LOAD.check(arguments);
  return loadModelCheckpoint(dirOrFile, 'DCGAN', 'loadDCGAN', (raw, assign) => {
    const meta = checkedMeta<DCGANMeta>(raw, 'loadDCGAN', dirOrFile, { config: 'object', sampleMetrics: 'object' }, ['config']);
    const model = new DCGAN(loaderRng(), meta.config);
    assign(model.namedVariables);
    return { model, meta };
  });
}
