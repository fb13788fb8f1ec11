// Checkpoints of a model, its optimizer and its generator, as one file written atomically: the
// bytes go to a temporary file which is then renamed over checkpoint.llck, so a crash during a save
// leaves the last good checkpoint intact (and the next save removes the temporary file it left).
// Layout: "LLCK" · uint32 header length · JSON header · float32 tensors in header order. The header
// (version 2) holds the sha256 of the tensor bytes: a changed byte in the weights would otherwise load
// as a plausible number, or as NaN, without a word.
import * as tf from '@tensorflow/tfjs-core';
import crypto from 'crypto';
import fs from 'fs';
import path from 'path';
import { Rng } from '../random/rng';
import { checkKind, tensor as tensor_, where } from '../validation/contract';

const MAGIC = 'LLCK';
export const CHECKPOINT_FILE = 'checkpoint.llck';

export interface CheckpointContent {
  /** anything JSON: the model's config, the epoch, the training history, the generator state */
  meta: Record<string, unknown>;
  tensors: { name: string; tensor: tf.Tensor }[];
}

export interface LoadedCheckpoint {
  meta: Record<string, unknown>;
  tensors: Map<string, tf.Tensor>;
}

/** Writes dir/checkpoint.llck (creating dir), replacing any previous one only once the new one is complete. */
export function writeCheckpoint(dir: string, content: CheckpointContent, hooks: { beforeRename?: () => void } = {}): string {
  fs.mkdirSync(dir, { recursive: true });
  const entries = content.tensors.map(({ name, tensor }) => {
    if (tensor.dtype !== 'float32') checkKind(where(tensor_(), 'be float32 (only float32 is stored)', (t: tf.Tensor) => `got ${t.dtype}`), tensor, `content.tensors['${name}']`, 'writeCheckpoint');
    return { name, shape: tensor.shape, data: tensor.dataSync() as Float32Array };
  });
  const body = entries.map((e) => Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength));
  const header = Buffer.from(JSON.stringify({
    version: 2, meta: content.meta, tensors: entries.map((e) => ({ name: e.name, shape: e.shape })), sha256: sha256(body),
  }), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  const parts = [Buffer.from(MAGIC, 'ascii'), len, header, ...body];
  const file = path.join(dir, CHECKPOINT_FILE);
  removeStaleTemporaries(dir);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      for (const p of parts) fs.writeSync(fd, p);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    hooks.beforeRename?.();
    fs.renameSync(tmp, file);
  } catch (e) {
    // a failed save (a full disk, an exception) leaves the previous checkpoint and no half-written copy
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  return file;
}

function sha256(parts: Buffer[]): string {
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

/** Whether a process with this id is running (EPERM: it runs under another user). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes checkpoint.llck.<pid>.tmp files left by a save that was interrupted (the process killed, the
 * machine stopped): a checkpoint is as large as the model, and each interrupted save would otherwise leave
 * one behind. A temporary file of a process still running is another save in progress and is kept.
 */
function removeStaleTemporaries(dir: string): void {
  const pattern = new RegExp(`^${CHECKPOINT_FILE.replace('.', '\\.')}\\.(\\d+)\\.tmp$`);
  for (const name of fs.readdirSync(dir)) {
    const m = pattern.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || !processAlive(pid)) fs.rmSync(path.join(dir, name), { force: true });
  }
}

/** Copies a checkpoint's tensors into variables by local name; a missing or misshapen one is an error. */
export function assignWeights(vars: { name: string; variable: tf.Variable }[], ck: LoadedCheckpoint, source: string): void {
  for (const { name, variable } of vars) {
    const t = ck.tensors.get(name);
    if (!t) throw new Error(`${source}: the checkpoint has no tensor '${name}'`);
    if (t.shape.join() !== variable.shape.join()) throw new Error(`${source}: tensor '${name}' has shape [${t.shape}], the model expects [${variable.shape}]`);
    variable.assign(t);
  }
}

/**
 * Loads a model saved with `meta.kind === kind`: reads the checkpoint, lets `build` construct the model
 * from the header's meta and copy the weights in with `assign` (by local name, optionally under a prefix),
 * and frees the read tensors. A checkpoint of another kind is an error naming `who` and the file.
 * @example const c = loadModelCheckpoint(dir, 'ImageClassifier', 'ImageClassifier.load',
 *            (meta, assign) => { const m = new ImageClassifier(loaderRng(), savedConfig(meta.config)); assign(m.namedVariables); return m; });
 */
export function loadModelCheckpoint<R>(dirOrFile: string, kind: string, who: string,
  build: (meta: Record<string, unknown>, assign: (vars: { name: string; variable: tf.Variable }[], prefix?: string) => void) => R): R {
  const ck = readCheckpoint(dirOrFile);
  try {
    if (ck.meta.kind !== kind) throw new Error(`${who}: ${dirOrFile} holds a '${String(ck.meta.kind)}', not ${/^[AEIOU]/.test(kind) ? 'an' : 'a'} ${kind}`);
    return build(ck.meta, (vars, prefix = '') =>
      assignWeights(vars.map(({ name, variable }) => ({ name: prefix + name, variable })), ck, dirOrFile));
  } finally {
    ck.tensors.forEach((t) => t.dispose());
  }
}

/**
 * The generator a loader builds a model with before copying the checkpoint's weights over the initial ones: the
 * initial weights are all overwritten, so the draw does not matter; it is fixed (ll.rng(0)) so a load is repeatable.
 */
export function loaderRng(): Rng {
  return new Rng(0);
}

/**
 * A model config as a checkpoint's header saved it, for the model's constructor: headers written before the models
 * took their generator as an argument also hold the `seed` of the initial weights, which the loaded weights replace.
 * @example const vae = new VAE(loaderRng(), savedConfig<VAEConfig>(meta.config));
 */
export function savedConfig<T>(config: T): T {
  if (!config || typeof config !== 'object' || !('seed' in config)) return config;
  const { seed: _seed, ...rest } = config as T & { seed?: unknown };
  return rest as T;
}

/** Reads dir/checkpoint.llck (or a file path); every inconsistency is an error naming the file. */
export function readCheckpoint(dirOrFile: string): LoadedCheckpoint {
  const file = fs.existsSync(dirOrFile) && fs.statSync(dirOrFile).isDirectory() ? path.join(dirOrFile, CHECKPOINT_FILE) : dirOrFile;
  if (!fs.existsSync(file)) throw new Error(`readCheckpoint: no checkpoint at ${file}`);
  const buf = fs.readFileSync(file);
  if (buf.length < 8 || buf.toString('ascii', 0, 4) !== MAGIC) throw new Error(`readCheckpoint: ${file} is not a Latent Lab checkpoint`);
  const hlen = buf.readUInt32LE(4);
  if (8 + hlen > buf.length) throw new Error(`readCheckpoint: ${file} is truncated (header)`);
  let header: { version?: number; meta: Record<string, unknown>; tensors: { name: string; shape: number[] }[]; sha256?: string };
  try {
    header = JSON.parse(buf.toString('utf8', 8, 8 + hlen));
  } catch (e) {
    throw new Error(`readCheckpoint: ${file} has a corrupt header (${(e as Error).message})`);
  }
  if (!header || typeof header !== 'object' || !Array.isArray(header.tensors) || header.tensors.some((t) => !t || typeof t.name !== 'string' || !Array.isArray(t.shape))) {
    throw new Error(`readCheckpoint: ${file} has a corrupt header (no valid tensor list)`);
  }
  // every size is checked before any tensor is made, so a bad file leaves no tensors behind
  let off = 8 + hlen;
  const spans: { name: string; shape: number[]; start: number; n: number }[] = [];
  for (const { name, shape } of header.tensors) {
    if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`readCheckpoint: ${file} has a corrupt header (tensor '${name}' has shape [${shape}])`);
    const n = shape.reduce((a, b) => a * b, 1);
    if (off + 4 * n > buf.length) throw new Error(`readCheckpoint: ${file} is truncated (tensor '${name}')`);
    spans.push({ name, shape, start: off, n });
    off += 4 * n;
  }
  if (off !== buf.length) throw new Error(`readCheckpoint: ${file} has ${buf.length - off} unexpected trailing bytes`);
  // version 1 files have no checksum; every file written now does
  if (header.version !== 1) {
    if (typeof header.sha256 !== 'string') throw new Error(`readCheckpoint: ${file} has no checksum in its header`);
    if (sha256([buf.subarray(8 + hlen)]) !== header.sha256) {
      throw new Error(`readCheckpoint: ${file} is corrupt: its weights do not match the sha256 checksum in its header (the file was altered after it was written)`);
    }
  }
  const tensors = new Map<string, tf.Tensor>();
  for (const { name, shape, start, n } of spans) {
    const data = new Float32Array(n);
    Buffer.from(data.buffer).set(buf.subarray(start, start + 4 * n));
    tensors.set(name, tf.tensor(data, shape, 'float32'));
  }
  return { meta: header.meta, tensors };
}
