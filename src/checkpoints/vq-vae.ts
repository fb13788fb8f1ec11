// Checkpoints of a VQ-VAE with the prior fit over its codes, as one file: both configurations and anything
// the caller adds in the header, the weights as float32 tensors ('vqvae/…' and 'prior/…'; the library's
// checkpoint format, src/checkpoints/checkpoint.ts: atomic write, sha256 of the weights checked on load).
import { loadModelCheckpoint, loaderRng, savedConfig, writeCheckpoint } from './checkpoint';
import { VQVAE } from '../models/vae/vq-vae';
import { CodePrior } from '../models/autoregressive/code-prior';
import { checkKind, contract, instance, optional, record, str } from '../validation/contract';

// a folder (or file) path, the models, and a JSON-able header
const SAVE = contract('saveVQVAE', { dir: str(), model: instance(VQVAE), prior: instance(CodePrior), meta: optional(record('an object (JSON) for the header')) });
const LOAD = contract('loadVQVAE', { dirOrFile: str() });
import { checkedMeta, type VQVAEMeta } from './training-record';

/**
 * Writes dir/checkpoint.llck for the VQ-VAE and its code prior; `meta` (JSON) is kept beside the configs.
 * @example saveVQVAE('data/checkpoints/vqvae-mnist', model, prior, { steps: 3000 });
 */
export function saveVQVAE(dir: string, model: VQVAE, prior: CodePrior, meta: Record<string, unknown> = {}): string {
  SAVE.check(arguments);
  checkKind(instance(VQVAE), model, 'model', 'saveVQVAE');
  checkKind(instance(CodePrior), prior, 'prior', 'saveVQVAE');
  return writeCheckpoint(dir, {
    meta: { ...meta, kind: 'VQVAE', vqvae: model.config, prior: prior.config },
    tensors: [
      ...model.namedVariables.map(({ name, variable }) => ({ name: `vqvae/${name}`, tensor: variable })),
      ...prior.namedVariables.map(({ name, variable }) => ({ name: `prior/${name}`, tensor: variable })),
    ],
  });
}

/**
 * The VQ-VAE and code prior saved in dir (or a checkpoint file) and the header's meta, typed (VQVAEMeta: both
 * configurations, the two training runs, the codebook restarts, the test numbers; a wrong type is an error naming it).
 * @example const { model, prior, meta } = loadVQVAE(ll.data.checkpointPath('vqvae-mnist'));
 *          model.sample(ll.rng(0), 16, prior).pixels   // [16, 784]
 */
export function loadVQVAE(dirOrFile: string): { model: VQVAE; prior: CodePrior; meta: VQVAEMeta } {
  LOAD.check(arguments);
  return loadModelCheckpoint(dirOrFile, 'VQVAE', 'loadVQVAE', (raw, assign) => {
    const meta = checkedMeta<VQVAEMeta>(raw, 'loadVQVAE', dirOrFile, {
      vqvae: 'object', prior: 'object', priorSteps: 'number', priorSeconds: 'number', firstPriorLosses: 'numbers', restarts: 'objects', test: 'object',
    }, ['vqvae', 'prior']);
    const vqvae = savedConfig(meta.vqvae), priorConfig = savedConfig(meta.prior);
    const model = new VQVAE(loaderRng(), vqvae), prior = new CodePrior(loaderRng(), priorConfig);
    assign(model.namedVariables, 'vqvae/');
    assign(prior.namedVariables, 'prior/');
    return { model, prior, meta: { ...meta, vqvae, prior: priorConfig } };
  });
}
