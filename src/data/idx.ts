// The IDX format of MNIST and Fashion-MNIST (raw or gzip): magic [0, 0, type, ndims], then ndims
// big-endian uint32 sizes, then the data. Truncated files, bad magic numbers and shape mismatches
// are errors that say which file and what was expected.
import fs from 'fs';
import zlib from 'zlib';
import { ImageDataset } from './image-dataset';
import { contract, instance, optional, str, where } from '../validation/contract';

// a file that is missing is the argument's problem; a file with the wrong contents is reported as I/O, naming the file
const FILE = where(str(), 'name a file that exists', (f: string) => fs.existsSync(f) || `got '${f}': there is no such file`);
const PARSE = contract('parseIdx', { input: instance(Uint8Array, 'a Buffer of IDX data (fs.readFileSync(file))'), source: optional(str()) });
const READ = contract('readIdx', { file: FILE });
const LOAD_IMAGES = contract('loadIdxImages', { imagesFile: FILE, labelsFile: FILE, name: optional(str()) });

const TYPES: Record<number, { name: string; bytes: number; read: (b: Buffer, o: number) => number }> = {
  0x08: { name: 'uint8', bytes: 1, read: (b, o) => b.readUInt8(o) },
  0x09: { name: 'int8', bytes: 1, read: (b, o) => b.readInt8(o) },
  0x0b: { name: 'int16', bytes: 2, read: (b, o) => b.readInt16BE(o) },
  0x0c: { name: 'int32', bytes: 4, read: (b, o) => b.readInt32BE(o) },
  0x0d: { name: 'float32', bytes: 4, read: (b, o) => b.readFloatBE(o) },
  0x0e: { name: 'float64', bytes: 8, read: (b, o) => b.readDoubleBE(o) },
};

export interface IdxArray {
  dtype: string;
  shape: number[];
  data: Float64Array | Uint8Array;
}

/** Parses an IDX buffer (gzip-compressed or not); `source` names it in errors. */
export function parseIdx(input: Buffer, source = 'parseIdx: IDX data'): IdxArray {
  PARSE.check(arguments);
  let buf = input;
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = zlib.gunzipSync(buf);
    } catch (e) {
      throw new Error(`${source}: gzip data is corrupt or truncated (${(e as Error).message})`);
    }
  }
  if (buf.length < 4) throw new Error(`${source}: truncated: ${buf.length} bytes, not even a magic number`);
  if (buf[0] !== 0 || buf[1] !== 0) throw new Error(`${source}: wrong magic number 0x${buf.readUInt32BE(0).toString(16).padStart(8, '0')} (expected 0x0000TTNN)`);
  const type = TYPES[buf[2]];
  if (!type) throw new Error(`${source}: unknown IDX data type 0x${buf[2].toString(16)}`);
  const ndims = buf[3];
  if (ndims < 1) throw new Error(`${source}: zero dimensions`);
  if (buf.length < 4 + 4 * ndims) throw new Error(`${source}: truncated header`);
  const shape = Array.from({ length: ndims }, (_, i) => buf.readUInt32BE(4 + 4 * i));
  const count = shape.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * ndims;
  const expected = start + count * type.bytes;
  if (buf.length < expected) throw new Error(`${source}: truncated: shape [${shape}] needs ${expected} bytes, the file has ${buf.length}`);
  if (type.name === 'uint8') return { dtype: 'uint8', shape, data: new Uint8Array(buf.buffer, buf.byteOffset + start, count) };
  const data = new Float64Array(count);
  for (let i = 0; i < count; i++) data[i] = type.read(buf, start + i * type.bytes);
  return { dtype: type.name, shape, data };
}

/**
 * Reads an IDX file (the format of MNIST's original files) into its dtype, shape and values.
 *
 * @param file  a path to an uncompressed .idx file
 * @example
 * ```ts
 * const { shape, data } = ll.data.readIdx('data/train-images-idx3-ubyte');   // shape [60000, 28, 28]
 * ```
 */
export function readIdx(file: string): IdxArray {
  READ.check(arguments);
  return parseIdx(fs.readFileSync(file), file);
}

/**
 * Images [n, h, w] (uint8, scaled to [0, 1]) and labels [n] from a pair of IDX files, e.g. MNIST's or
 * Fashion-MNIST's train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz.
 */
export function loadIdxImages(imagesFile: string, labelsFile: string, name = imagesFile): ImageDataset {
  LOAD_IMAGES.check(arguments);
  const img = readIdx(imagesFile);
  const lab = readIdx(labelsFile);
  // the files' contents, not the arguments, are wrong here: an I/O error naming the file
  if (img.shape.length !== 3) throw new Error(`${imagesFile}: holds an array of shape [${img.shape}], not images [n, h, w]`);
  if (lab.shape.length !== 1) throw new Error(`${labelsFile}: holds an array of shape [${lab.shape}], not labels [n]`);
  if (img.shape[0] !== lab.shape[0]) throw new Error(`${imagesFile} has ${img.shape[0]} images but ${labelsFile} has ${lab.shape[0]} labels`);
  const pixels = Float32Array.from(img.data as ArrayLike<number>, (v) => v / 255);
  return new ImageDataset(pixels, Int32Array.from(lab.data as ArrayLike<number>), [img.shape[1], img.shape[2]], name);
}
