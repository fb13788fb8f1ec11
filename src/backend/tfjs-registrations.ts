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
 * Runs the union's Node bundle for its registrations (gradients, chained methods) without loading the
 * packages it only re-exports. Its module object is not put in Node's cache (see the file's header).
 */
export function registerGradientsAndChainedOps(): void {
  const fromHere = createRequire(__filename);
  const file = fromHere.resolve('@tensorflow/tfjs/dist/tf.node.js');
  const fromBundle = createRequire(file);
  const wrapped = vm.compileFunction(fs.readFileSync(file, 'utf8'), ['exports', 'require', 'module', '__filename', '__dirname'], { filename: file });
  const bundle = { exports: {} };
  const requireInBundle = (id: string) => (RE_EXPORTED_ONLY.has(id) ? {} : fromBundle(id));
  wrapped.call(bundle.exports, bundle.exports, requireInBundle, bundle, file, path.dirname(file));
}
