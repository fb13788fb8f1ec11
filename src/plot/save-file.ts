// Writes a file whole or not at all: to a temporary name in the same folder, then a rename.
import fs from 'fs';
import path from 'path';

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
