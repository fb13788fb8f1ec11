import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { CHUNK_OUTPUTS, mapRows, rowsPerChunk } from '../../src/ops/in-chunks';
import { rng } from '../../src';

describe('ops/in-chunks: work over many rows a few at a time', () => {
  it('rowsPerChunk: ⌊2²¹ / outputs per row⌋, at least one', () => {
    expect(rowsPerChunk(784 * 32)).to.equal(Math.floor(CHUNK_OUTPUTS / (784 * 32)));
    expect(rowsPerChunk(1)).to.equal(CHUNK_OUTPUTS);
    expect(rowsPerChunk(CHUNK_OUTPUTS * 3)).to.equal(1);
  });

  it('mapRows gives f(x) for a row-wise f, with a last chunk shorter than the rest, and leaves no tensor behind', () => {
    const x = rng(4).normal([23, 5]);
    const w = rng(5).normal([5, 3]);
    const f = (rows: tf.Tensor) => tf.tanh(tf.matMul(rows as tf.Tensor2D, w));
    const whole = f(x);
    const before = tf.memory().numTensors;
    let calls = 0;
    const chunked = mapRows(x, 7, (rows) => { calls++; return f(rows); });
    expect(tf.memory().numTensors, 'only the result is new').to.equal(before + 1);
    expect(calls).to.equal(4);   // 7 + 7 + 7 + 2
    expect(chunked.shape).to.deep.equal([23, 3]);
    const [a, b] = [whole.dataSync(), chunked.dataSync()];
    for (let i = 0; i < a.length; i++) expect(b[i]).to.be.closeTo(a[i], 1e-6);
    const once = mapRows(x, 100, (rows) => { calls++; return f(rows); });
    expect(calls, 'one pass when the rows fit').to.equal(5);
    expect(Array.from(once.dataSync())).to.deep.equal(Array.from(a));
    tf.dispose([x, w, whole, chunked, once]);
  });

  it('mapRows frees the chunks done so far when f throws', () => {
    const x = tf.ones([10, 2]);
    const before = tf.memory().numTensors;
    let calls = 0;
    expect(() => mapRows(x, 3, (rows) => { if (++calls === 3) throw new Error('third chunk'); return tf.mul(rows, 2); })).to.throw('third chunk');
    expect(tf.memory().numTensors).to.equal(before);
    x.dispose();
  });
});
