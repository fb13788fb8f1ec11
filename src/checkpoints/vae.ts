// A VAE back from the checkpoint ll.fit wrote while training it (fit's `checkpoint` option): the header holds the
// model's config and the training record (steps, losses, epochs, the generator's state), the tensors the weights as
// `model/<name>` (src/training/training-checkpoint.ts).
import { loadModelCheckpoint, loaderRng, savedConfig } from './checkpoint';
import { VAE, VAEConfig } from '../models/vae/vae';
import { weightNames, type TrainingCheckpointMeta } from '../training/training-checkpoint';
import { contract, str } from '../validation/contract';

const LOAD = contract('loadVAE', { dirOrFile: str() });

/**
 * The VAE in a training checkpoint (dir or file) and the header: its config, the step it was saved at, the losses so far.
 * @example
 * ```ts
 * await ll.fit(vae, train, { epochs: 5, seed: 0, checkpoint: { dir: 'runs/vae' } });
 * const { model, meta } = ll.models.loadVAE('runs/vae');   // meta.step, meta.losses
 * ```
 */
export function loadVAE(dirOrFile: string): { model: VAE; meta: TrainingCheckpointMeta } {
  LOAD.check(arguments);
  return loadModelCheckpoint(dirOrFile, 'training', 'loadVAE', (raw, assign) => {
    const meta = raw as unknown as TrainingCheckpointMeta;
    const config = meta.config as VAEConfig | undefined;
    if (!config || typeof config !== 'object' || typeof config.inputDim !== 'number' || typeof config.latentDim !== 'number') {
      throw new Error(`loadVAE: ${dirOrFile} holds the training checkpoint of another model (no VAE config in its header)`);
    }
    const saved = savedConfig(config);
    const model = new VAE(loaderRng(), saved);
    try {
      assign(weightNames(model), 'model/');
    } catch (e) {
      model.dispose();
      throw e;
    }
    return { model, meta: { ...meta, config: saved } };
  });
}
