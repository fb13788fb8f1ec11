// Writes a file whole or not at all: to a temporary name in the same folder, then a rename.
import fs from 'fs';
import path from 'path';
import { str, where, type Kind } from '../validation/contract';

/**
 * A file a figure's save() can write: a string ending in one of `allowed` (without the dot), in a folder that
 * exists — checked before anything is rendered, so a wrong name costs nothing and writes nothing.
 */
export function savePath(allowed: string[], what: string): Kind {
  const list = allowed.map((e) => '.' + e).join(', ');
  const ext = where(str(), `end in ${list} (${what} saves to ${list})`, (f: string) => allowed.includes(path.extname(f).toLowerCase().slice(1)) || `got '${f}'`);
  return where(ext, 'be in a folder that exists', (f: string) => fs.existsSync(path.dirname(path.resolve(f))) || `got '${f}': the folder ${path.dirname(path.resolve(f))} does not exist`);
}

export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) throw new Error(`save: the folder ${dir} does not exist`);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

export function extensionOf(file: string, allowed: string[], what: string): string {
  const ext = path.extname(file).toLowerCase().slice(1);
  if (!allowed.includes(ext)) throw new Error(`save: ${what} saves to ${allowed.map((e) => '.' + e).join(', ')}; got '${file}'`);
  return ext;
}
