// Loading @tensorflow/tfjs-node or -gpu: the build scripts/tfjs-node.sh makes against the machine's TensorFlow
// (build/tfjs-node/npm, outside the project's node_modules so that `npm ci` never prunes it), else one installed
// next to Latent Lab by npm. Loading it registers tfjs's 'tensorflow' backend on the project's tfjs-core.
import fs from 'fs';
import path from 'path';

export type TfjsNodePackage = '@tensorflow/tfjs-node' | '@tensorflow/tfjs-node-gpu';

/** The project's root: the nearest folder above this file whose package.json is latent-lab's. */
function projectRoot(): string | undefined {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    try {
      if (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name === 'latent-lab') return dir;
    } catch {
      // no package.json here, or not JSON: keep walking up
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Where scripts/tfjs-node.sh installs its build: an npm prefix under build/. */
export function tfjsNodeBuildPrefix(): string | undefined {
  const root = projectRoot();
  return root && path.join(root, 'build', 'tfjs-node', 'npm');
}

/**
 * Resolves the package: setup's build first, then Node's ordinary lookup from here. Throws Node's
 * "Cannot find module" (which ready() treats as "not installed") when neither has it.
 */
export function resolveTfjsNode(pkg: TfjsNodePackage): string {
  const prefix = tfjsNodeBuildPrefix();
  return require.resolve(pkg, { paths: [...(prefix ? [prefix] : []), __dirname] });
}

/**
 * Loads the package, which registers the 'tensorflow' backend. TensorFlow's C++ logging is set to warnings
 * and above unless TF_CPP_MIN_LOG_LEVEL is set (its per-process CPU-feature notice is not a student's concern).
 */
export function loadTfjsNode(pkg: TfjsNodePackage): void {
  const resolved = resolveTfjsNode(pkg);
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '1';
  require(resolved);
}
