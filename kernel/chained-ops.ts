// TensorFlow.js declares each of its 137 chained tensor methods (x.add(y)) in a file of its own
// (public/chained_ops/*.d.ts), as an augmentation of the module tensor.d.ts. Every cell is a new TypeScript
// program with a new checker, and every new checker merged those 137 augmentations again and walked 138 more
// files: after the library's import, a quarter of a cell's compile (environment.md). The compiler reads them
// as what they amount to — one interface Tensor in tensor.d.ts, merged with its class — and the file that
// imports them all without its imports. The types are the same: every member of Tensor has the same
// signature either way (test/kernel/chained-ops.test.ts), and all the lecture and homework notebooks' cells
// convert to the same code, declarations and diagnostics. Files not in the form below are read as they are.

type ReadFile = (p: string, encoding?: string) => string | undefined;

/** The file that imports every chained method's declaration (Latent Lab's backend.ts imports its types). */
export const CHAINED_OPS_INDEX = /[\\/]@tensorflow[\\/]tfjs-core[\\/]dist[\\/]public[\\/]chained_ops[\\/]register_all_chained_ops\.d\.ts$/;
/** The module they augment. */
export const TENSOR_DECLARATIONS = /[\\/]@tensorflow[\\/]tfjs-core[\\/]dist[\\/]tensor\.d\.ts$/;

const IMPORT_SIDE_EFFECT = /^import '\.\/([A-Za-z0-9_]+)';$/gm;
/**
 * One chained method's file, whole: its license and amd-module line in either order, its imports (names, then
 * a path from tfjs-core's dist), the augmentation.
 */
const CHAINED_OP_FILE =
  /^(?:\s*(?:\/\*[\s\S]*?\*\/|\/\/\/ <amd-module [^\n]*))*\s*((?:import \{[^}]*\} from '\.\.\/\.\.\/[A-Za-z0-9_/]+';\n)*)declare module '\.\.\/\.\.\/tensor' \{\n {4}interface Tensor<R extends Rank = Rank> \{\n([\s\S]*?)\n {4}\}\n\}\s*$/;
const IMPORT_NAMES = /^import \{([^}]*)\} from '\.\.\/\.\.\/([A-Za-z0-9_/]+)';$/gm;

/** Names tensor.d.ts binds at its top level, each with the module it imports it from ('' for its own). */
function boundNames(tensorText: string): Map<string, string> {
  const bound = new Map<string, string>();
  for (const m of tensorText.matchAll(/^import \{([^}]*)\} from '\.\/([A-Za-z0-9_/]+)';$/gm)) {
    for (const name of m[1].split(',').map((s) => s.trim()).filter(Boolean)) bound.set(name, m[2]);
  }
  for (const m of tensorText.matchAll(/^export (?:declare )?(?:abstract )?(?:class|interface|type|function|enum|const|let|var) ([A-Za-z0-9_$]+)/gm)) {
    bound.set(m[1], '');
  }
  return bound;
}

/**
 * What tensor.d.ts gains: the imports its chained methods need that it lacks, and `export interface
 * Tensor<R extends Rank = Rank> { … }` with every method of every file `indexText` imports, in its order.
 * Undefined when a file is missing or not in the form above, or a name it imports means something else in
 * tensor.d.ts: then nothing is changed.
 */
export function chainedMethodDeclarations(indexText: string, tensorText: string, readOp: (name: string) => string | undefined): string | undefined {
  const bound = boundNames(tensorText);
  if (!/^export declare class Tensor<R extends Rank = Rank> /m.test(tensorText) || bound.get('Rank') !== 'types') return undefined;
  const imports = new Map<string, string[]>();
  const members: string[] = [];
  const names = [...indexText.matchAll(IMPORT_SIDE_EFFECT)].map((m) => m[1]);
  if (names.length === 0) return undefined;
  for (const name of names) {
    const text = readOp(name);
    const file = text === undefined ? null : CHAINED_OP_FILE.exec(text);
    if (!file) return undefined;
    for (const m of file[1].matchAll(IMPORT_NAMES)) {
      for (const imported of m[1].split(',').map((s) => s.trim()).filter(Boolean)) {
        if (!/^[A-Za-z0-9_$]+$/.test(imported)) return undefined; // `a as b`: not this form
        const has = bound.get(imported);
        if (has === m[2]) continue;
        if (has !== undefined) return undefined;
        bound.set(imported, m[2]);
        imports.set(m[2], [...(imports.get(m[2]) ?? []), imported]);
      }
    }
    members.push(`    // public/chained_ops/${name}.d.ts\n${file[2].replace(/^ {4}/gm, '')}`);
  }
  const importLines = [...imports].map(([from, list]) => `import { ${list.join(', ')} } from './${from}';\n`).join('');
  return `\n// Read by Latent Lab's kernel with the chained methods' augmentations (public/chained_ops) merged here.\n${importLines}` +
    `export interface Tensor<R extends Rank = Rank> {\n${members.join('\n')}\n}\n`;
}

/** `indexText` with its imports blanked, lines kept; still a module (Latent Lab imports its types). */
function withoutImports(indexText: string): string {
  let first = true;
  return indexText.replace(IMPORT_SIDE_EFFECT, () => {
    const line = first ? 'export {};' : '';
    first = false;
    return line;
  });
}

/** Makes `sys.readFile` (TypeScript's) read tfjs-core's chained methods as one interface in tensor.d.ts. */
export function withMergedChainedOps(sys: { readFile: ReadFile }): void {
  const readFile = sys.readFile;
  const read = (p: string, encoding?: string) => readFile.call(sys, p, encoding);
  // Computed on each read of either file (each is read once per compiler, ~140 small reads), not kept: a
  // snapshot's compiler re-reads tensor.d.ts when an install has rewritten it (compiler-process.ts).
  const declarations = (dist: string) => {
    const index = read(`${dist}/public/chained_ops/register_all_chained_ops.d.ts`);
    const tensor = read(`${dist}/tensor.d.ts`);
    if (index === undefined || tensor === undefined) return undefined;
    return chainedMethodDeclarations(index, tensor, (name) => read(`${dist}/public/chained_ops/${name}.d.ts`));
  };
  sys.readFile = (p: string, encoding?: string) => {
    const text = read(p, encoding);
    if (text === undefined) return text;
    if (TENSOR_DECLARATIONS.test(p)) {
      const extra = declarations(p.slice(0, -'/tensor.d.ts'.length));
      return extra === undefined ? text : text + extra;
    }
    if (CHAINED_OPS_INDEX.test(p)) {
      const dist = p.slice(0, -'/public/chained_ops/register_all_chained_ops.d.ts'.length);
      return declarations(dist) === undefined ? text : withoutImports(text);
    }
    return text;
  };
}
