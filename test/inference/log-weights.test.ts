// NaN and +∞ log-weights: errors naming the function and the argument, not all-NaN summaries.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { Normal, rng } from '../../src';
import { weightDiagnostics, logMarginalIS, importanceSampling } from '../../src/inference/importance-sampling';
import { logMeanExp64, logSumExp64, logMeanExp } from '../../src/math/log-space';
import { values } from '../support/tensors';

describe('inference: NaN and infinite log-weights', () => {
  it('weightDiagnostics rejects NaN and +∞, naming the argument and the index', () => {
    expect(() => weightDiagnostics([0, NaN, 1])).to.throw('weightDiagnostics: logWeights must not contain NaN, got NaN at index 1');
    expect(() => weightDiagnostics([0, Infinity, 1])).to.throw('weightDiagnostics: logWeights must not contain +∞');
  });

  it('weightDiagnostics with some −∞ (zero weights) is finite: ESS and max weight over the others', () => {
    const d = weightDiagnostics([0, -Infinity, 0]);
    expect(d.ess).to.be.closeTo(2, 1e-12);
    expect(d.maxWeight).to.be.closeTo(0.5, 1e-12);
    expect(d.logWeightMean).to.equal(0);
    expect(Number.isNaN(d.logWeightSd)).to.equal(false);
  });

  it('logMarginalIS and importanceSampling name themselves when the target returns NaN or +∞', () => {
    const nanTarget = (z: tf.Tensor) => tf.fill([z.shape[0]], NaN);
    const infTarget = (z: tf.Tensor) => tf.fill([z.shape[0]], Infinity);
    const x1 = tf.zeros([1]);
    const before = tf.memory().numTensors;
    expect(() => logMarginalIS(rng(1), { x: x1, logJoint: (_x, z) => tf.fill([z.shape[0], 1], NaN), proposal: new Normal(0, 1), samples: 10 })).to.throw('logMarginalIS: logWeights (log target − proposal.logProb) must not contain NaN');
    expect(() => logMarginalIS(rng(1), { x: x1, logJoint: (_x, z) => tf.fill([z.shape[0], 1], Infinity), proposal: new Normal(0, 1), samples: 10 })).to.throw('logMarginalIS: logWeights (log target − proposal.logProb) must not contain +∞');
    expect(() => importanceSampling(rng(1), { logTarget: nanTarget, f: (z) => z, proposal: new Normal(0, 1), samples: 10 }))
      .to.throw('importanceSampling: logWeights (log target − proposal.logProb) must not contain NaN');
    // the two Normals' parameters are the only tensors left
    expect(tf.memory().numTensors - before).to.equal(6);
  });

  it('logMeanExp64 and logSumExp64 reject NaN; +∞ gives +∞; the tensor logMeanExp keeps NaN in its own row', () => {
    expect(() => logMeanExp64([0, NaN])).to.throw('logMeanExp64: xs must not contain NaN, got NaN at index 1');
    expect(() => logSumExp64([NaN])).to.throw('logSumExp64: xs must not contain NaN');
    expect(logMeanExp64([0, Infinity])).to.equal(Infinity);
    const x = tf.tensor2d([[0, Infinity], [0, NaN], [0, 0]]);
    const r = values(logMeanExp(x, -1));
    expect(r[0]).to.equal(Infinity);
    expect(Number.isNaN(r[1])).to.equal(true);
    expect(r[2]).to.be.closeTo(0, 1e-7);
    x.dispose();
  });
});
