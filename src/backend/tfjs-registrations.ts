// TensorFlow.js's gradients and chained tensor methods (x.add(y)), registered without the rest of the union
// package. tfjs-core's CommonJS build registers neither; the union's Node bundle (@tensorflow/tfjs,
// dist/tf.node.js) registers both into the one tfjs-core every package shares (its registries and Tensor class
// live on the global object), but it also requires tfjs-layers, -converter, -data and -backend-webgl only to
// re-export them: ~13 MB of a kernel's memory (environment.md, "The kernel's memory") for packages no part of
// Latent Lab uses and `ll.tf` (tfjs-core) does not reach. So the bundle runs here as Node would run it, with
// those four answered by empty objects. A student who requires '@tensorflow/tfjs' later gets the whole union
// from Node's own loader: it registers the same gradients and methods again, silently (tfjs warns of an
// overridden gradient only in its debug mode), ReLU's stock gradient then replacing the native one
// (elementwise-kernel.ts: the same values, one pass more).
import fs from 'fs';
import { createRequire } from 'module';
import path from 'path';
import vm from 'vm';

/** The union's packages that its bundle only re-exports. */
const RE_EXPORTED_ONLY = new Set(['@tensorflow/tfjs-layers', '@tensorflow/tfjs-converter', '@tensorflow/tfjs-data', '@tensorflow/tfjs-backend-webgl']);

/**
 * A script's text as V8 keeps it at one byte a character, for a file whose few characters beyond Latin-1 (the
 * union bundle: one '≤' in a comment) would double its 1.3 MB: they are escaped, which means the same (in a
 * comment it is text, in a string or a name the same character), and the text is read back as Latin-1
 * (String.prototype.replace keeps its subject's two-byte form).
 */
export function oneByteSource(file: string): string {
  const escaped = fs.readFileSync(file, 'utf8').replace(/[^\x00-\xff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return Buffer.from(escaped, 'latin1').toString('latin1');
}

/**
 * Runs the union's Node bundle for its registrations (gradients, chained methods) without loading the
 * packages it only re-exports. Its module object is not put in Node's cache (see the file's header).
 */
export function registerGradientsAndChainedOps(): void {
  const fromHere = createRequire(__filename);
  const file = fromHere.resolve('@tensorflow/tfjs/dist/tf.node.js');
  const fromBundle = createRequire(file);
  const source = oneByteSource(file);
  const wrapped = vm.compileFunction(source, ['exports', 'require', 'module', '__filename', '__dirname'], { filename: file });
  const bundle = { exports: {} };
  const requireInBundle = (id: string) => (RE_EXPORTED_ONLY.has(id) ? {} : fromBundle(id));
  wrapped.call(bundle.exports, bundle.exports, requireInBundle, bundle, file, path.dirname(file));
}
