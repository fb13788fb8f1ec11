import { expect } from 'chai';
import fs from 'fs';
import path from 'path';
import { loadMnist } from '../../src/data/mnist';

describe('data: the embedded MNIST', () => {
  it("gives exactly the package's pixels as float32, class after class, split 80/20 within each class", () => {
    const dir = path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits');
    const all = loadMnist('all'), train = loadMnist('train'), test = loadMnist('test');
    let offset = 0, trainOffset = 0, testOffset = 0;
    for (let d = 0; d < 10; d++) {
      const raw = JSON.parse(fs.readFileSync(path.join(dir, `${d}.json`), 'utf8')).data as number[];
      const n = Math.floor(raw.length / 784), cut = Math.floor(n * 0.8);
      const expected = Float32Array.from(raw.slice(0, n * 784));
      expect(all.images.subarray(offset, offset + n * 784)).to.deep.equal(expected);
      expect(train.images.subarray(trainOffset, trainOffset + cut * 784)).to.deep.equal(expected.subarray(0, cut * 784));
      expect(test.images.subarray(testOffset, testOffset + (n - cut) * 784)).to.deep.equal(expected.subarray(cut * 784));
      offset += n * 784; trainOffset += cut * 784; testOffset += (n - cut) * 784;
    }
    expect([all.images.length, train.images.length, test.images.length]).to.deep.equal([offset, trainOffset, testOffset]);
    expect(train.count + test.count).to.equal(all.count);
  });

  it('gives each call its own pixels: a dataset changed in place leaves the next load as it was', () => {
    const first = loadMnist('test');
    const pixel = first.images[300];
    first.images.fill(0.5);
    expect(loadMnist('test').images[300]).to.equal(pixel);
  });
});
