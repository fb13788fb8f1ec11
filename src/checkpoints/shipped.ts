// Where the project's shipped checkpoints live: data/checkpoints/<name> at the package root, made by
// `npm run pretrain` (scripts/pretrain.ts) and committed. Found from this file's location, so it works
// from src/ (tsx, tests) and from dist/ (the notebooks' compiled package) alike.
import fs from 'fs';
import { checkKind, str, where } from '../validation/contract';

const NAME = where({ ...str(), expected: "a checkpoint's folder name like 'ddpm-mnist'" }, "be a checkpoint's folder name like 'ddpm-mnist'", (n: string) => /^[a-z0-9-]+$/.test(n) || `got ${JSON.stringify(n)}`);
import path from 'path';

function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'latent-lab') return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`checkpointPath: no latent-lab package.json above ${__dirname}`);
    dir = up;
  }
}

/**
 * The folder of a shipped checkpoint, e.g. checkpointPath('ddpm-mnist') → …/data/checkpoints/ddpm-mnist;
 * an error naming `npm run pretrain` when it is missing.
 */
export function checkpointPath(name: string): string {
  checkKind(NAME, name, 'name', 'checkpointPath');
  const dir = path.join(packageRoot(), 'data', 'checkpoints', name);
  if (!fs.existsSync(path.join(dir, 'checkpoint.llck'))) throw new Error(`checkpointPath: no checkpoint '${name}' in ${path.dirname(dir)}; make it with \`npm run pretrain\``);
  return dir;
}
