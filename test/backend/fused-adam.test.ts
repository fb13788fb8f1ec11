// FusedAdam (native and JavaScript paths) against tf.train.adam; in-place updates never touch a tensor
// that shares a variable's memory; state round-trips; no tensors leak across a step.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { FusedAdam } from '../../src/backend/fused-adam';
import { values } from '../support/tensors';
import { withoutNative } from '../support/native';

describe('FusedAdam', () => {
  it('FusedAdam takes the same steps as tf.train.adam, and its state round-trips', async () => {
    const make = () => [tf.variable(tf.tensor1d([1, -2, 3]), true, `fa/${Math.random()}`), tf.variable(tf.tensor2d([[0.5, 0.1]]), true, `fb/${Math.random()}`)];
    const loss = (vs: tf.Variable[]) => () => tf.tidy(() => tf.add(tf.sum(tf.square(tf.sub(vs[0], 0.3))), tf.sum(tf.pow(vs[1], 4))) as tf.Scalar);
    const a = make(), b = make();
    const ref = tf.train.adam(0.05), fused = new FusedAdam(0.05);
    for (let i = 0; i < 25; i++) {
      ref.minimize(loss(a), false, a);
      fused.minimize(loss(b), false, b);
    }
    a.forEach((v, i) => values(v).forEach((x, j) => expect(values(b[i])[j]).to.be.closeTo(x, 1e-5)));
    const state = await fused.getWeights();
    // a restored optimizer continues exactly like the original, on other variables in the same order
    const copy = new FusedAdam(0.05);
    await copy.setWeights(state);
    const c = b.map((v, i) => tf.variable(v.clone(), true, `fc${i}/${Math.random()}`));
    fused.minimize(loss(b), false, b);
    copy.minimize(loss(c), false, c);
    b.forEach((v, i) => expect(values(c[i])).to.deep.equal(values(v)));
    tf.dispose([...a, ...b, ...c, ...state.map((w) => w.tensor)]);
    expect(() => new FusedAdam(-1)).to.throw('learningRate must be positive');
    const it0 = tf.scalar(0, 'int32');
    let refused = '';
    await new FusedAdam(0.05).setWeights([{ name: 'iter', tensor: it0 }, { name: 'w', tensor: it0 }]).catch((e: Error) => { refused = e.message; });
    expect(refused).to.equal("FusedAdam.setWeights: weights must be [iter, first moments…, second moments…], as getWeights gives, got 2 entries, the first named 'iter'");
    it0.dispose();
  });

  it('the JavaScript path (no native kernels) takes the same steps as the native one', () => {
    const make = (tag: string) => [tf.variable(tf.tensor1d([1, -2, 3]), true, `fj/${tag}/${Math.random()}`), tf.variable(tf.tensor2d([[0.5, 0.1]]), true, `fj2/${tag}/${Math.random()}`)];
    const loss = (vs: tf.Variable[]) => () => tf.tidy(() => tf.add(tf.sum(tf.square(tf.sub(vs[0], 0.3))), tf.sum(tf.pow(vs[1], 4))) as tf.Scalar);
    const a = make('native'), b = make('js');
    const native = new FusedAdam(0.05), js = new FusedAdam(0.05);
    for (let i = 0; i < 10; i++) {
      native.minimize(loss(a), false, a);
      withoutNative(() => js.minimize(loss(b), false, b));
    }
    // the JavaScript path rounds once per weight (float64 inside), the native one after every operation
    a.forEach((v, i) => values(v).forEach((x, j) => expect(values(b[i])[j]).to.be.closeTo(x, 1e-5)));
    tf.dispose([...a, ...b]);
  });

  it("updates in place, but never a tensor that shares a variable's memory (a clone)", () => {
    const v = tf.variable(tf.tensor1d([1, 2, 3]), true, `fs/${Math.random()}`);
    const snapshot = v.clone(); // shares v's memory in tfjs
    const opt = new FusedAdam(0.1);
    opt.minimize(() => tf.sum(tf.square(v)) as tf.Scalar, false, [v]);
    expect(values(snapshot)).to.deep.equal([1, 2, 3]);
    expect(values(v).every((x, i) => x < [1, 2, 3][i])).to.equal(true);
    // a second step updates the (now unshared) memory in place, and creates no tensors
    const before = tf.memory().numTensors;
    opt.minimize(() => tf.sum(tf.square(v)) as tf.Scalar, false, [v]);
    expect(tf.memory().numTensors).to.equal(before);
    tf.dispose([v, snapshot]);
  });

  it('names a gradient that does not fit its variable', () => {
    const v = tf.variable(tf.tensor1d([1, 2, 3]), true, `fe/${Math.random()}`);
    const opt = new FusedAdam(0.1);
    const bad = tf.ones([2]);
    expect(() => opt.applyGradients({ [v.name]: bad })).to.throw(`the gradient of ${v.name} has 2 entries, the variable 3`);
    expect(values(v)).to.deep.equal([1, 2, 3]);
    tf.dispose([v, bad]);
  });
});
