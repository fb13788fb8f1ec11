import { expect } from 'chai';
import fs from 'fs';
import path from 'path';
import { chainedMethodDeclarations, withMergedChainedOps } from '../../kernel/chained-ops';
import { root } from '../support/jupyter';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const ts = require('@tslab/typescript-for-tslab') as typeof import('typescript');

const dist = path.join(root, 'node_modules', '@tensorflow', 'tfjs-core', 'dist');
const opsDir = path.join(dist, 'public', 'chained_ops');
const indexText = fs.readFileSync(path.join(opsDir, 'register_all_chained_ops.d.ts'), 'utf8');
const tensorText = fs.readFileSync(path.join(dist, 'tensor.d.ts'), 'utf8');
const readOp = (name: string) => fs.readFileSync(path.join(opsDir, `${name}.d.ts`), 'utf8');

/** Every member of tfjs-core's Tensor, as the checker types it, and the program's file count, reading through `readFile`. */
function tensorMembers(readFile: (p: string) => string | undefined) {
  const probe = path.join(root, '__chained_ops_probe__.ts');
  const probeText =
    "import { Tensor } from '@tensorflow/tfjs-core';\n" +
    "import type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';\n" +
    'declare const t: Tensor;\nexport {};\n';
  const options = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, types: [], noEmit: true };
  const host = ts.createCompilerHost(options);
  const read = (p: string) => (p === probe ? probeText : readFile(p));
  host.readFile = read;
  host.fileExists = (p) => p === probe || fs.existsSync(p);
  host.getSourceFile = (p, version) => {
    const text = read(p);
    return text === undefined ? undefined : ts.createSourceFile(p, text, version);
  };
  const program = ts.createProgram({ rootNames: [probe], options, host });
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(probe)!;
  const decl = file.statements.find(ts.isVariableStatement)!.declarationList.declarations[0];
  const type = checker.getTypeAtLocation(decl.name);
  const members = new Map<string, string>();
  for (const p of checker.getPropertiesOfType(type)) {
    members.set(p.name, checker.typeToString(checker.getTypeOfSymbolAtLocation(p, decl), decl, ts.TypeFormatFlags.NoTruncation));
  }
  const errors = ts.getPreEmitDiagnostics(program, file).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  return { members, files: program.getSourceFiles().length, errors };
}

describe("kernel: tfjs-core's chained methods read as one interface", function () {
  this.timeout(120_000);

  it('give Tensor every member with the same type as the 137 augmentations do, from 137 fewer files', () => {
    const sys = { readFile: (p: string) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined) };
    const original = tensorMembers(sys.readFile);
    withMergedChainedOps(sys);
    const merged = tensorMembers(sys.readFile);
    const methods = [...indexText.matchAll(/^import '\.\/([A-Za-z0-9_]+)';$/gm)].length;
    expect(methods).to.equal(137);
    expect(original.errors).to.deep.equal([]);
    expect(merged.errors).to.deep.equal([]);
    expect(original.members.has('conv2d') && original.members.has('add') && original.members.has('dataSync')).to.equal(true);
    expect([...merged.members.keys()].sort()).to.deep.equal([...original.members.keys()].sort());
    for (const [name, type] of original.members) expect(merged.members.get(name), name).to.equal(type);
    expect(original.files - merged.files).to.equal(methods);
  });

  it("keep tensor.d.ts's lines where they were and import only what it lacks", () => {
    const extra = chainedMethodDeclarations(indexText, tensorText, readOp)!;
    expect(extra).to.be.a('string');
    expect(extra).to.not.match(/\bRank\b.*from/); // tensor.d.ts imports Rank from ./types already
    expect(extra).to.match(/^import \{[^}]*\bTensorLike\b[^}]*\} from '\.\/types';$/m);
    expect(extra).to.match(/^import \{ ExplicitPadding \} from '\.\/ops\/conv_util';$/m);
    expect(extra.match(/^\s*\/\/ public\/chained_ops\//gm)!.length).to.equal(137);
  });

  describe('leave both files as they are when the declarations are not in the form it merges', () => {
    const files = new Map<string, string>();
    const fake = (edit: (name: string, text: string) => string) => {
      files.clear();
      files.set(`${dist}/tensor.d.ts`, tensorText);
      files.set(`${opsDir}/register_all_chained_ops.d.ts`, indexText);
      for (const m of indexText.matchAll(/^import '\.\/([A-Za-z0-9_]+)';$/gm)) files.set(`${opsDir}/${m[1]}.d.ts`, edit(m[1], readOp(m[1])));
      const sys = { readFile: (p: string) => files.get(p) };
      withMergedChainedOps(sys);
      return sys;
    };
    const unchanged = (sys: { readFile(p: string): string | undefined }) => {
      expect(sys.readFile(`${dist}/tensor.d.ts`)).to.equal(tensorText);
      expect(sys.readFile(`${opsDir}/register_all_chained_ops.d.ts`)).to.equal(indexText);
    };

    it('merges the real files (the control)', () => {
      const sys = fake((_, text) => text);
      expect(sys.readFile(`${dist}/tensor.d.ts`)!.length).to.be.greaterThan(tensorText.length);
      const index = sys.readFile(`${opsDir}/register_all_chained_ops.d.ts`)!;
      expect(index).to.not.match(/^import '/m);
      expect(index.split('\n').length).to.equal(indexText.split('\n').length);
    });

    it('one file with a statement besides its augmentation', () => {
      unchanged(fake((name, text) => (name === 'mod' ? `${text}export declare function extra(): void;\n` : text)));
    });

    it('one file missing', () => {
      const sys = fake((_, text) => text);
      files.delete(`${opsDir}/sign.d.ts`);
      unchanged(sys);
    });

    it('a name imported from a module other than the one tensor.d.ts has it from', () => {
      unchanged(fake((name, text) => (name === 'abs' ? text.replace("import { Rank } from '../../types';", "import { Rank } from '../../other_types';") : text)));
    });

    it('an import renamed', () => {
      unchanged(fake((name, text) => (name === 'abs' ? text.replace('import { Rank }', 'import { Rank as R0 }') : text)));
    });
  });
});
