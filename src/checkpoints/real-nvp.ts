// Checkpoints of a RealNVP: its configuration and anything the caller adds in the header, the weights
// as float32 tensors (the library's checkpoint format, src/checkpoints/checkpoint.ts).
import { loadModelCheckpoint, writeCheckpoint } from './checkpoint';
import { RealNVP, RealNVPConfig } from '../models/flows/real-nvp';

/**
 * Writes dir/checkpoint.llck for the model; `meta` (JSON) is kept beside the config.
 * @example ll.models.saveRealNVP('/tmp/realnvp', flow, { steps: 100 });
 */
export function saveRealNVP(dir: string, model: RealNVP, meta: Record<string, unknown> = {}): string {
  return writeCheckpoint(dir, {
    meta: { ...meta, kind: 'RealNVP', config: model.config },
    tensors: model.namedVariables.map(({ name, variable }) => ({ name, tensor: variable })),
  });
}

/**
 * The model saved in dir (or a checkpoint file) and the header's meta.
 * @example const { model, meta } = ll.models.loadRealNVP(ll.data.checkpointPath('realnvp-mnist')); model.sample(ll.rng(0), 16);
 */
export function loadRealNVP(dirOrFile: string): { model: RealNVP; meta: Record<string, unknown> } {
  return loadModelCheckpoint(dirOrFile, 'RealNVP', 'loadRealNVP', (meta, assign) => {
    const model = new RealNVP(meta.config as RealNVPConfig);
    assign(model.namedVariables);
    return { model, meta };
  });
}
