// Checkpoints of a PixelCNN: its configuration and anything the caller adds in the header, the weights as
// float32 tensors (the library's checkpoint format, src/checkpoints/checkpoint.ts). The masks are not stored:
// they follow from the configuration.
import { loadModelCheckpoint, loaderRng, writeCheckpoint } from './checkpoint';
import { PixelCNN } from '../models/autoregressive/pixel-cnn';
import { checkedMeta, type PixelCNNMeta } from './training-record';
import { contract, instance, record, str } from '../validation/contract';

const SAVE = contract('savePixelCNN', { dir: str(), model: instance(PixelCNN, 'a PixelCNN'), meta: { ...record('an object of JSON fields'), optional: true } });
const LOAD = contract('loadPixelCNN', { dirOrFile: str() });

/**
 * Writes dir/checkpoint.llck for the model; `meta` (JSON) is kept beside the config.
 * @example ll.models.savePixelCNN('/tmp/pixelcnn', cnn, { steps: 400 });
 */
export function savePixelCNN(dir: string, model: PixelCNN, meta: Record<string, unknown> = {}): string {
  SAVE.check(arguments);
  return writeCheckpoint(dir, {
    meta: { ...meta, kind: 'PixelCNN', config: model.config },
    tensors: model.namedVariables.map(({ name, variable }) => ({ name, tensor: variable })),
  });
}

/**
 * The model saved in dir (or a checkpoint file) and the header's meta, typed (PixelCNNMeta: the configuration,
 * the training record, the test bits/dim; a field of the wrong type is an error naming it).
 * @example const { model, meta } = ll.models.loadPixelCNN(ll.data.checkpointPath('pixelcnn-mnist')); model.logProb(x); meta.trainingSeconds;
 */
export function loadPixelCNN(dirOrFile: string): { model: PixelCNN; meta: PixelCNNMeta } {
  LOAD.check(arguments);
  return loadModelCheckpoint(dirOrFile, 'PixelCNN', 'loadPixelCNN', (raw, assign) => {
    const meta = checkedMeta<PixelCNNMeta>(raw, 'loadPixelCNN', dirOrFile, { config: 'object', testBitsPerDim: 'object' }, ['config']);
    const model = new PixelCNN(loaderRng(), meta.config);
    assign(model.namedVariables);
    return { model, meta };
  });
}
