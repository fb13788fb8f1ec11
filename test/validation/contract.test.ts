// The shared validator's relations (issue 28 item 4, issue 35): a kind sees the call's other arguments, the
// receiver and the sizes named in shapes, so checks that relate arguments are declared, not hand-written.
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, arrayOf, checkKind, contract, num, optional, options, tensor, where } from '../../src/validation/contract';

const thrown = (f: () => void): string => {
  try { f(); } catch (e) { expect(e).to.be.instanceOf(ArgumentError); return (e as Error).message; }
  throw new Error('expected an ArgumentError');
};

describe('contract relations: arguments checked against each other and against the receiver', () => {
  it('a shape with a size read from the receiver names the function, the argument and both shapes', () => {
    const C = contract('Model.encode', { x: tensor({ shape: ['B', (c) => c.self.inputDim] }) });
    const model = { inputDim: 4 };
    tf.tidy(() => {
      expect(() => C.check([tf.zeros([3, 4])], undefined, model)).not.to.throw();
      expect(thrown(() => C.check([tf.zeros([3, 5])], undefined, model))).to.equal('Model.encode: x must have shape [B, 4], got [3,5]');
      expect(thrown(() => C.check([tf.zeros([4])], undefined, model))).to.equal('Model.encode: x must have shape [B, 4], got [4]');
      expect(thrown(() => C.check(['abc'], undefined, model))).to.equal("Model.encode: x must be a live tensor and have shape [B, 4], got 'abc'");
    });
  });

  it('a size named in one argument binds it for the next, and the message gives the bound value', () => {
    const C = contract('f', { x: tensor({ shape: ['B', 'D'] }), t: tensor({ shape: ['B'] }) });
    tf.tidy(() => {
      expect(() => C.check([tf.zeros([3, 2]), tf.zeros([3])])).not.to.throw();
      expect(thrown(() => C.check([tf.zeros([3, 2]), tf.zeros([2])]))).to.equal('f: t must have shape [3], got [2]');
    });
  });

  it('alternative shapes and a leading wildcard', () => {
    const C = contract('g', { z: tensor({ shape: [['K', 'B', 2], ['B', 2]] }), y: tensor({ shape: ['...', 2] }) });
    tf.tidy(() => {
      expect(() => C.check([tf.zeros([5, 3, 2]), tf.zeros([1, 1, 2])])).not.to.throw();
      expect(() => C.check([tf.zeros([3, 2]), tf.zeros([2])])).not.to.throw();
      expect(thrown(() => C.check([tf.zeros([3, 3]), tf.zeros([2])]))).to.equal('g: z must have shape [K, B, 2] or [B, 2], got [3,3]');
      expect(thrown(() => C.check([tf.zeros([3, 2]), tf.zeros([2, 3])]))).to.equal('g: y must have shape [..., 2], got [2,3]');
    });
  });

  it('the shape of another argument', () => {
    const C = contract('h', { x: tensor({ rank: 2 }), score: tensor({ like: 'x' }) });
    tf.tidy(() => {
      expect(() => C.check([tf.zeros([3, 2]), tf.ones([3, 2])])).not.to.throw();
      expect(thrown(() => C.check([tf.zeros([3, 2]), tf.ones([2, 3])]))).to.equal('h: score must have the shape of x, [3,2], got [2,3]');
    });
  });

  it('where: a relation in words, computed from the other arguments; inside an options bag it sees the other fields', () => {
    const C = contract('cavi', {
      mu: arrayOf(num(), { minLength: 1 }),
      init: optional(where(arrayOf(num()), (c) => `have the length of mu (${(c.args.mu as number[]).length})`, (v: number[], c) => v.length === (c.args.mu as number[]).length)),
      options: optional(options({ dim: num({ integer: true, min: 1 }), samples: where(num({ integer: true }), (c) => `be ≥ dim + 1 = ${(c.args.dim as number) + 1}`, (v: number, c) => v >= (c.args.dim as number) + 1) })),
    });
    expect(() => C.check([[1, 2], [0, 0]])).not.to.throw();
    expect(() => C.check([[1, 2], undefined, { dim: 2, samples: 3 }])).not.to.throw();
    expect(thrown(() => C.check([[1, 2], [0]]))).to.equal('cavi: init must have the length of mu (2), got [0]');
    expect(thrown(() => C.check([[1, 2], undefined, { dim: 2, samples: 2 }]))).to.equal('cavi: samples must be ≥ dim + 1 = 3, got 2 (in options)');
    // the base kind is checked first, in its own words
    expect(thrown(() => C.check([[1, 2], ['a']]))).to.equal("cavi: init[0] must be a finite number, got 'a'");
  });

  it('checkKind relates a value a callback returned, with the context given', () => {
    const out = tf.zeros([3, 1]);
    expect(thrown(() => checkKind(tensor({ shape: [4], must: 'map [4, 2] to [4]' }), out, 'logDensity', 'hmc'))).to.equal('hmc: logDensity must map [4, 2] to [4], got [3,1]');
    expect(() => checkKind(tensor({ shape: [(c) => c.self.n] }), tf.zeros([3]), 'x', 'm', { self: { n: 3 } })).not.to.throw();
    tf.dispose(out);
  });
});
