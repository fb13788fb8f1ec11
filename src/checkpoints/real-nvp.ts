// Checkpoints of a RealNVP: its configuration and anything the caller adds in the header, the weights
// as float32 tensors (the library's checkpoint format, src/checkpoints/checkpoint.ts).
import { loadModelCheckpoint, loaderRng, savedConfig, writeCheckpoint } from './checkpoint';
import { RealNVP } from '../models/flows/real-nvp';
import { checkedMeta, type RealNVPMeta } from './training-record';
import { contract, instance, optional, record, str } from '../validation/contract';

// a folder (or file) path, the model, and a JSON-able header
const SAVE = contract('saveRealNVP', { dir: str(), model: instance(RealNVP), meta: optional(record('an object (JSON) for the header')) });
const LOAD = contract('loadRealNVP', { dirOrFile: str() });

/**
 * Writes dir/checkpoint.llck for the model; `meta` (JSON) is kept beside the config.
 * @example ll.models.saveRealNVP('/tmp/realnvp', flow, { steps: 100 });
 */
export function saveRealNVP(dir: string, model: RealNVP, meta: Record<string, unknown> = {}): string {
  SAVE.check(arguments);
  return writeCheckpoint(dir, {
    meta: { ...meta, kind: 'RealNVP', config: model.config },
    tensors: model.namedVariables.map(({ name, variable }) => ({ name, tensor: variable })),
  });
}

/**
 * The model saved in dir (or a checkpoint file) and the header's meta, typed (RealNVPMeta: the configuration,
 * the training record, the test bits/dim; a field of the wrong type is an error naming it).
 * @example const { model, meta } = ll.models.loadRealNVP(ll.data.checkpointPath('realnvp-mnist')); model.sample(ll.rng(0), 16); meta.testBitsPerDim?.value;
 */
export function loadRealNVP(dirOrFile: string): { model: RealNVP; meta: RealNVPMeta } {
  LOAD.check(arguments);
  return loadModelCheckpoint(dirOrFile, 'RealNVP', 'loadRealNVP', (raw, assign) => {
    const meta = checkedMeta<RealNVPMeta>(raw, 'loadRealNVP', dirOrFile, { config: 'object', testBitsPerDim: 'object', confidentShare: 'objects' }, ['config']);
    const config = savedConfig(meta.config);
    const model = new RealNVP(loaderRng(), config);
    assign(model.namedVariables);
    return { model, meta: { ...meta, config } };
  });
}
