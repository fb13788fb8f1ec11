// Node's declarations (@types/node and its undici-types: 2.4 MB, most of it doc comments) are read by the
// compiler thread with their /** … */ comments blanked, lines kept: parsing those comments was a fifth of
// the first program's build, which every start and restart waits for. The declarations parse to the same
// syntax tree (test/kernel/node-doc-comments.test.ts, file by file); Shift-Tab on a Node API shows its
// signature without Node's prose. Latent Lab's and TensorFlow.js's doc comments are kept.

/** Declaration files whose doc comments are blanked: Node's own. */
export const NODE_DECLARATIONS = /[\\/]node_modules[\\/](@types[\\/]node|undici-types)[\\/].*\.d\.ts$/;

/** `text` with every /** … *\/ comment replaced by its line breaks (line numbers stay right). */
export function blankDocComments(text: string): string {
  return text.replace(/\/\*\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ''));
}

/** Makes `sys.readFile` (TypeScript's) blank the doc comments of Node's declarations. */
export function withoutNodeDocComments(sys: { readFile(p: string, encoding?: string): string | undefined }): void {
  const readFile = sys.readFile;
  sys.readFile = (p: string, encoding?: string) => {
    const text = readFile.call(sys, p, encoding);
    return text !== undefined && NODE_DECLARATIONS.test(p) ? blankDocComments(text) : text;
  };
}
