// A training run's checkpoint: everything that decides the next step — the weights, the optimizer's moments,
// the weight average, the generator's state, the place in the minibatch order — and the record so far (the
// losses, the epochs). Written in the library's checkpoint format (atomic, sha256-checked), so that a run
// stopped anywhere resumes with exactly the numbers it would have given, and the weights load as any model's do
// (`model/<name>` tensors and the model's config in the header: loadVAE reads a VAE's).
import * as tf from '@tensorflow/tfjs-core';
import fs from 'fs';
import path from 'path';
import { CHECKPOINT_FILE, readCheckpoint, savedConfig, writeCheckpoint } from '../checkpoints/checkpoint';
import type { RngState } from '../random/rng';
import type { MinibatchOrderState } from './minibatch-order';

/** The header of a training checkpoint. */
export interface TrainingCheckpointMeta {
  kind: 'training';
  /** the model's config, when it has one (a resumed run refuses a checkpoint of another config) */
  config?: unknown;
  /** the steps taken */
  step: number;
  rng: RngState;
  order: MinibatchOrderState;
  /** the optimizer's state names, in order (Adam: 'iter', then the moments by variable position) */
  optimizer: string[];
  losses: number[];
  terms: Record<string, number[]>;
  epochs: { epoch: number; loss: number; seconds: number; msPerStep: number }[];
  /** seconds of training up to this checkpoint */
  seconds: number;
}

/** The tensors of a training checkpoint, by role (each in the model's variable order). */
export interface TrainingTensors {
  weights: { name: string; tensor: tf.Tensor }[];
  optimizer: tf.Tensor[];
  average: tf.Tensor[];
}

/**
 * The trained variables under stable names, in the order of `variables`: the model's own namedVariables when they
 * name every one of them (a model may name more, such as a VAE's unused Gaussian log σ), else their positions.
 */
export function weightNames(model: { variables: tf.Variable[]; namedVariables?: { name: string; variable: tf.Variable }[] }): { name: string; variable: tf.Variable }[] {
  const vars = model.variables;
  const byVariable = new Map((model.namedVariables ?? []).map((n) => [n.variable, n.name] as const));
  return vars.every((v) => byVariable.has(v)) ? vars.map((variable) => ({ name: byVariable.get(variable)!, variable })) : vars.map((variable, i) => ({ name: String(i), variable }));
}

/** Whether dir holds a checkpoint. */
export function hasCheckpoint(dir: string): boolean {
  return fs.existsSync(path.join(dir, CHECKPOINT_FILE));
}

/** Writes dir/checkpoint.llck (atomically: a crash leaves the previous one). */
export function saveTrainingCheckpoint(dir: string, meta: TrainingCheckpointMeta, t: TrainingTensors): void {
  writeCheckpoint(dir, {
    meta: meta as unknown as Record<string, unknown>,
    tensors: [
      ...t.weights.map(({ name, tensor }) => ({ name: `model/${name}`, tensor })),
      ...t.optimizer.map((tensor, i) => ({ name: `optimizer/${i}`, tensor })),
      ...t.average.map((tensor, i) => ({ name: `average/${i}`, tensor })),
    ],
  });
}

/**
 * Reads a training checkpoint and hands its parts to `use`; the read tensors are freed after. A checkpoint of
 * another kind, another config, or with missing or misshapen weights is an error naming the file.
 */
export async function withTrainingCheckpoint<R>(dir: string, who: string, model: { variables: tf.Variable[]; config?: unknown; namedVariables?: { name: string; variable: tf.Variable }[] },
  use: (meta: TrainingCheckpointMeta, t: TrainingTensors) => Promise<R>): Promise<R> {
  const ck = readCheckpoint(dir);
  try {
    const meta = ck.meta as unknown as TrainingCheckpointMeta;
    if (meta.kind !== 'training') throw new Error(`${who}: ${dir} holds no training checkpoint (kind '${String(meta.kind)}')`);
    // a header written before the models took their generator also holds the config's old `seed`: not part of the model
    if (model.config !== undefined && JSON.stringify(savedConfig(meta.config)) !== JSON.stringify(model.config)) {
      throw new Error(`${who}: the checkpoint in ${dir} is for another model config (${JSON.stringify(meta.config)})`);
    }
    const weights = weightNames(model).map(({ name, variable }) => {
      const tensor = ck.tensors.get(`model/${name}`);
      if (!tensor) throw new Error(`${who}: the checkpoint in ${dir} has no weights for ${name}`);
      if (tensor.shape.join() !== variable.shape.join()) throw new Error(`${who}: the checkpoint in ${dir} has ${name} of shape [${tensor.shape}], the model needs [${variable.shape}]`);
      return { name, tensor };
    });
    const optimizer = meta.optimizer.map((name, i) => {
      const tensor = ck.tensors.get(`optimizer/${i}`);
      if (!tensor) throw new Error(`${who}: the checkpoint in ${dir} lacks optimizer state ${i} (${name})`);
      return tensor;
    });
    const average: tf.Tensor[] = [];
    for (let i = 0; ck.tensors.has(`average/${i}`); i++) average.push(ck.tensors.get(`average/${i}`)!);
    return await use(meta, { weights, optimizer, average });
  } finally {
    ck.tensors.forEach((t: tf.Tensor) => t.dispose());
  }
}
