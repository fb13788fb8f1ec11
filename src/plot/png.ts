// A minimal PNG encoder (8-bit grayscale or RGB, no interlace) on Node's zlib: enough for digit grids
// and image-like tensors without a browser or a canvas library.
import zlib from 'zlib';
import { anything, checkKind, num, where, type Kind } from '../validation/contract';

// the pixel count is then bounded by pixels.length, checked against width·height·channels below
const SIDE: Kind = { ...num({ integer: true, min: 1 }), expected: 'a positive integer' };

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), Buffer.from(data)]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** Encodes pixels (row-major, `channels` bytes per pixel: 1 gray, 3 RGB) as a PNG file. */
export function encodePNG(pixels: Uint8Array, width: number, height: number, channels: 1 | 3 = 1): Buffer {
  checkKind(SIDE, width, 'width', 'encodePNG');
  checkKind(SIDE, height, 'height', 'encodePNG');
  if (pixels?.length !== width * height * channels) {
    checkKind(where(anything('bytes'), `have width × height × channels = ${width}×${height}×${channels} = ${width * height * channels} bytes`, (p: Uint8Array) => p?.length === width * height * channels || `got ${p?.length}`), pixels, 'pixels', 'encodePNG');
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = channels === 1 ? 0 : 2; // colour type
  const stride = width * channels;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter: none
    Buffer.from(pixels.buffer, pixels.byteOffset + y * stride, stride).copy(raw, y * (stride + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', new Uint8Array(0)),
  ]);
}

/** Width and height read back from a PNG's IHDR (used by tests and by callers that check sizes). */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const b = Buffer.from(png);
  if (b.length < 24 || b.readUInt32BE(0) !== 0x89504e47) throw new Error('pngSize: not a PNG file');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}
