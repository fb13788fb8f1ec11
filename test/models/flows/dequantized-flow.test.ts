// The dequantized flow's training loss: an unbiased estimate of −E_u log p(x + u − 1), the negative of the
// evaluator's bound (D46); with the identity flow both have a closed form.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { rng } from '../../../src';
import { estimateMean } from '../../../src/check/monte-carlo';
import { ElementwiseAffine } from '../../../src/models/flows/layers';
import { FlowDistribution } from '../../../src/models/flows/flow-distribution';
import { dequantizedFlow } from '../../../src/models/flows/dequantized-flow';

describe('models/flows/dequantized-flow: training a flow on binary data', () => {
  it('the loss has mean −E_u log N(x + u − 1; 0, I), in closed form for the identity flow, within 4 SE', () => {
    const flow = new FlowDistribution(2, [new ElementwiseAffine(2)]);
    const model = dequantizedFlow(flow);
    const x = tf.tensor2d([[1, 0], [0, 0], [1, 1]]);
    const r = rng(1);
    const losses = Array.from({ length: 2000 }, () => { const l = model.trainingLoss(r, { x, indices: [0, 1, 2] }) as tf.Scalar; const v = l.dataSync()[0]; l.dispose(); return v; });
    const e = estimateMean(losses);
    // E y² for y ~ U[x − 1, x): (x³ − (x − 1)³)/3, i.e. 1/3 for x ∈ {0, 1}
    const exact = 2 * (0.5 * Math.log(2 * Math.PI) + 0.5 / 3);
    expect(Math.abs(e.value - exact)).to.be.at.most(4 * e.se);
    expect(model.variables).to.have.length(2);
    const wrong = tf.zeros([2, 3]) as tf.Tensor2D;
    expect(() => model.trainingLoss(r, { x: wrong, indices: [0, 1] })).to.throw('dequantizedFlow: x must have shape [batch, 2], got [2,3]');
    tf.dispose([x, wrong]);
  });
});
