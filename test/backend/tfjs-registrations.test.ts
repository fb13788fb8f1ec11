import { expect } from 'chai';
import { inFreshNode } from '../support/fresh-node';

/** Runs `code` in a fresh Node with the library's sources loaded as `ll`, and returns what it printed as JSON. */
function withLibrary(code: string): any {
  const script = `const ll = require('./src/index.ts'); (async () => { ${code} })().catch((e) => { console.error(e); process.exit(1); });`;
  return inFreshNode(script, { env: { ...process.env, LATENT_QUIET: '1' } });
}

describe('backend: TensorFlow.js registrations without the union package\'s other parts', () => {
  it('gradients and chained methods work, while tfjs-layers, -converter, -data, -backend-webgl, vega and resvg stay unloaded', function () {
    this.timeout(120000);
    const r = withLibrary(`
      await ll.ready();
      const x = ll.tf.tensor1d([1, 2, 3]);
      const grad = ll.tf.grad((v) => v.square().sum())(x);      // d/dx Σx² = 2x, through a chained method
      const loaded = Object.keys(require.cache).filter((k) => /tfjs-(layers|converter|data|backend-webgl)|[\\\\/](vega|vega-lite|@resvg|cli-progress)[\\\\/]/.test(k));
      const before = loaded.length;
      const png = await ll.lineChart({ series: { y: [1, 2, 3] } }).png();
      const vegaAfter = Object.keys(require.cache).filter((k) => /[\\\\/]vega[\\\\/]/.test(k)).length;
      console.log(JSON.stringify({ grad: Array.from(grad.dataSync()), sum: Array.from(x.add(x).dataSync()), loaded, pngBytes: png.length, vegaAfter }));
    `);
    expect(r.grad).to.deep.equal([2, 4, 6]);
    expect(r.sum).to.deep.equal([2, 4, 6]);
    expect(r.loaded, 'modules loaded by ready() that no cell asked for').to.deep.equal([]);
    expect(r.pngBytes, 'a chart still renders, loading vega at that moment').to.be.above(1000);
    expect(r.vegaAfter).to.be.above(0);
  });

  it('a student who requires the whole union afterwards gets it, layers included, and gradients still work', function () {
    this.timeout(120000);
    const r = withLibrary(`
      await ll.ready();
      const union = require('@tensorflow/tfjs');
      const x = ll.tf.tensor1d([3]);
      const g = ll.tf.grad((v) => v.relu().mul(v).sum())(x);     // d/dx x·relu(x) = 2x for x > 0
      console.log(JSON.stringify({ layers: typeof union.layers.dense, sequential: typeof union.sequential, g: Array.from(g.dataSync()) }));
    `);
    expect(r).to.deep.equal({ layers: 'function', sequential: 'function', g: [6] });
  });

  it('keeps the union bundle\'s source at one byte a character (its one \'≤\' escaped): 1.3 MB, not 2.7', function () {
    this.timeout(120000);
    const r = inFreshNode<{ length: number; grown: number; same: boolean }>(`
      const { oneByteSource } = require('./src/backend/tfjs-registrations.ts');
      const file = require.resolve('@tensorflow/tfjs/dist/tf.node.js');
      // In V8's heap, or outside it (Node makes a long Latin-1 text an external string).
      const kept = () => { const m = process.memoryUsage(); return m.heapUsed + m.external; };
      global.gc();
      const before = kept();
      const source = oneByteSource(file);
      /x/.test('x');   // V8 keeps the last regular expression's subject (RegExp.$_): here the file's text
      global.gc();
      global.gc();     // the Buffer read back from goes with a second collection
      const grown = kept() - before;
      const original = require('fs').readFileSync(file, 'utf8');
      const same = new Function(source).toString().length > 0 && original.includes('\u2264') && !source.includes('\u2264');
      console.log(JSON.stringify({ length: source.length, grown, same }));
    `, { nodeArgs: ['--expose-gc'] });
    expect(r.same, 'the original holds a \'≤\', the source an escape that parses').to.equal(true);
    // One byte a character or two: the bounds lie halfway to either side (other memory moves by ~0.1 MB meanwhile).
    expect(r.grown, 'bytes the kept source takes (two a character would be 2.7 MB)').to.be.within(0.5 * r.length, 1.5 * r.length);
  });
});

