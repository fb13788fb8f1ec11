// Checkpoints of a model, its optimizer and its generator, as one file written atomically: the
// bytes go to a temporary file which is then renamed over checkpoint.llck, so a crash during a save
// leaves the last good checkpoint intact. Layout: "LLCK" · uint32 header length · JSON header ·
// float32 tensors in header order.
import * as tf from '@tensorflow/tfjs-core';
import fs from 'fs';
import path from 'path';

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
    if (tensor.dtype !== 'float32') throw new Error(`writeCheckpoint: tensor '${name}' is ${tensor.dtype}; only float32 is stored`);
    return { name, shape: tensor.shape, data: tensor.dataSync() as Float32Array };
  });
  const header = Buffer.from(JSON.stringify({ version: 1, meta: content.meta, tensors: entries.map((e) => ({ name: e.name, shape: e.shape })) }), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  const parts = [Buffer.from(MAGIC, 'ascii'), len, header, ...entries.map((e) => Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength))];
  const file = path.join(dir, CHECKPOINT_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    for (const p of parts) fs.writeSync(fd, p);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  hooks.beforeRename?.();
  fs.renameSync(tmp, file);
  return file;
}

/** Reads dir/checkpoint.llck (or a file path); every inconsistency is an error naming the file. */
export function readCheckpoint(dirOrFile: string): LoadedCheckpoint {
  const file = fs.existsSync(dirOrFile) && fs.statSync(dirOrFile).isDirectory() ? path.join(dirOrFile, CHECKPOINT_FILE) : dirOrFile;
  if (!fs.existsSync(file)) throw new Error(`readCheckpoint: no checkpoint at ${file}`);
  const buf = fs.readFileSync(file);
  if (buf.length < 8 || buf.toString('ascii', 0, 4) !== MAGIC) throw new Error(`readCheckpoint: ${file} is not a Latent Lab checkpoint`);
  const hlen = buf.readUInt32LE(4);
  if (8 + hlen > buf.length) throw new Error(`readCheckpoint: ${file} is truncated (header)`);
  const header = JSON.parse(buf.toString('utf8', 8, 8 + hlen)) as { meta: Record<string, unknown>; tensors: { name: string; shape: number[] }[] };
  let off = 8 + hlen;
  const tensors = new Map<string, tf.Tensor>();
  for (const { name, shape } of header.tensors) {
    const n = shape.reduce((a, b) => a * b, 1);
    if (off + 4 * n > buf.length) {
      tensors.forEach((t) => t.dispose());
      throw new Error(`readCheckpoint: ${file} is truncated (tensor '${name}')`);
    }
    const data = new Float32Array(n);
    Buffer.from(data.buffer).set(buf.subarray(off, off + 4 * n));
    tensors.set(name, tf.tensor(data, shape, 'float32'));
    off += 4 * n;
  }
  if (off !== buf.length) {
    tensors.forEach((t) => t.dispose());
    throw new Error(`readCheckpoint: ${file} has ${buf.length - off} unexpected trailing bytes`);
  }
  return { meta: header.meta, tensors };
}
