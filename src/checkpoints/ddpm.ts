// Checkpoints of an ImageDDPM: the U-Net's configuration, the schedule's β_1…β_T and anything the
// caller adds in the header, the weights as float32 tensors (the library's checkpoint format,
// src/checkpoints/checkpoint.ts: atomic write, sha256 of the weights checked on load).
import { DiffusionSchedule } from '../models/diffusion/schedule';
import { loadModelCheckpoint, loaderRng, savedConfig, writeCheckpoint } from './checkpoint';
import { UNet } from '../models/layers/unet';
import { ImageDDPM } from '../models/diffusion/ddpm';
import { checkedMeta, type DDPMMeta } from './training-record';
import { contract, instance, optional, record, str } from '../validation/contract';

// a folder (or file) path, the model, and a JSON-able header
const SAVE = contract('saveDDPM', { dir: str(), model: instance(ImageDDPM), meta: optional(record('an object (JSON) for the header')) });
const LOAD = contract('loadDDPM', { dirOrFile: str() });

/** Writes dir/checkpoint.llck for the model; `meta` (JSON) is kept beside the config. */
export function saveDDPM(dir: string, model: ImageDDPM, meta: Record<string, unknown> = {}): string {
  SAVE.check(arguments);
  return writeCheckpoint(dir, {
    meta: { ...meta, kind: 'ImageDDPM', unet: model.net.config, betas: Array.from(model.schedule.betas.slice(1)) },
    tensors: model.net.namedVariables.map(({ name, variable }) => ({ name, tensor: variable })),
  });
}

/**
 * The model saved in dir (or a checkpoint file) and the header's meta, typed (DDPMMeta: the U-Net, the β's, the
 * training record and its sample-quality curve; a field of the wrong type is an error naming it).
 * @example const { model, meta } = loadDDPM('data/ddpm-mnist'); model.sample(ll.rng(0), 16, { steps: 100 }); meta.trainingSeconds / 60;
 */
export function loadDDPM(dirOrFile: string): { model: ImageDDPM; meta: DDPMMeta } {
  LOAD.check(arguments);
  return loadModelCheckpoint(dirOrFile, 'ImageDDPM', 'loadDDPM', (raw, assign) => {
    const meta = checkedMeta<DDPMMeta>(raw, 'loadDDPM', dirOrFile, { unet: 'object', betas: 'numbers', curve: 'objects' }, ['unet', 'betas']);
    const unet = savedConfig(meta.unet);
    const net = new UNet(loaderRng(), unet);
    assign(net.namedVariables);
    return { model: new ImageDDPM(net, new DiffusionSchedule(meta.betas)), meta: { ...meta, unet } };
  });
}
