// Checkpoints under what goes wrong in practice: tfjs's own Adam, corrupted bytes, interrupted saves.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { VAE, fit, rng } from '../../src';
import { FusedAdam } from '../../src/backend/fused-adam';
import { ImageDataset } from '../../src/data/image-dataset';
import { loadVAE } from '../../src/checkpoints/vae';
import { readCheckpoint, writeCheckpoint, CHECKPOINT_FILE, loadModelCheckpoint } from '../../src/checkpoints/checkpoint';
import { values } from '../support/tensors';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-checkpoint-'));

/** A tiny data set of 4×4 images (fast to train on), drawn from a fixed seed. */
function tinyImages(count: number, seed: number): ImageDataset {
  const g = rng(seed);
  const images = Float32Array.from({ length: count * 16 }, () => g.nextUniform());
  return new ImageDataset(images, new Int32Array(count), [4, 4], 'tiny');
}

describe('checkpoints/checkpoint', () => {
  it("fit checkpoints over several epochs with tfjs's Adam (whose moments are live variables)", async () => {
    const data = tinyImages(16, 1);
    const dir = path.join(tmp, 'tfjs-adam');
    // a tfjs Adam of the test's own each run (fit leaves an optimizer it was given to its owner)
    const adams: tf.Optimizer[] = [];
    const tfjsAdam = () => { const o = tf.train.adam(1e-3); adams.push(o); return o; };
    const straight = new VAE(rng(3), { inputDim: 16, latentDim: 2, hiddenDim: 8 });
    await fit(straight, data, { epochs: 3, seed: 4, batchSize: 8, progress: false, optimizer: tfjsAdam() });
    const m = new VAE(rng(3), { inputDim: 16, latentDim: 2, hiddenDim: 8 });
    const r = await fit(m, data, { epochs: 3, seed: 4, batchSize: 8, progress: false, optimizer: tfjsAdam(), checkpoint: { dir } });
    expect(r.epochs).to.have.length(3);
    // checkpointing must not change the run: the same weights as without checkpoints
    m.variables.forEach((v, i) => expect(values(v), v.name).to.deep.equal(values(straight.variables[i])));
    const { model: back, meta } = loadVAE(dir);
    expect(meta.step).to.equal(6);
    back.variables.forEach((v, i) => expect(values(v), v.name).to.deep.equal(values(m.variables[i])));
    // and resuming from epoch 2's state with tfjs's Adam continues exactly
    const dir2 = path.join(tmp, 'tfjs-adam-resume');
    const first = new VAE(rng(3), { inputDim: 16, latentDim: 2, hiddenDim: 8 });
    await fit(first, data, { epochs: 2, seed: 4, batchSize: 8, progress: false, optimizer: tfjsAdam(), checkpoint: { dir: dir2 } });
    const resumed = new VAE(rng(3), { inputDim: 16, latentDim: 2, hiddenDim: 8 });
    const rr = await fit(resumed, data, { epochs: 3, seed: 4, batchSize: 8, progress: false, optimizer: tfjsAdam(), checkpoint: { dir: dir2, resume: true } });
    expect(rr.startStep).to.equal(4);
    resumed.variables.forEach((v, i) => expect(values(v), v.name).to.deep.equal(values(straight.variables[i])));
    [straight, m, back, first, resumed].forEach((x) => x.dispose());
    adams.forEach((o) => o.dispose());
  });

  it("a training checkpoint written before the models took their generator (its config holds the initial weights' seed) loads and resumes", async () => {
    const data = tinyImages(16, 2);
    const dir = path.join(tmp, 'old-config');
    const first = new VAE(rng(3), { inputDim: 16, latentDim: 2, hiddenDim: 8 });
    await fit(first, data, { steps: 2, seed: 4, batchSize: 8, progress: false, checkpoint: { dir } });
    // the header as such a run wrote it: the same config with `seed` in it
    const ck = readCheckpoint(dir);
    const config = { ...(ck.meta.config as object), seed: 3 };
    writeCheckpoint(dir, { meta: { ...ck.meta, config }, tensors: [...ck.tensors].map(([name, tensor]) => ({ name, tensor })) });
    ck.tensors.forEach((t) => t.dispose());
    const { model: back, meta } = loadVAE(dir);
    expect(meta.config).to.not.have.property('seed');
    back.variables.forEach((v, i) => expect(values(v), v.name).to.deep.equal(values(first.variables[i])));
    // ll.fit resumes from it: the config without the seed is the model's
    const resumed = new VAE(rng(3), { inputDim: 16, latentDim: 2, hiddenDim: 8 });
    const r = await fit(resumed, data, { steps: 3, seed: 4, batchSize: 8, progress: false, checkpoint: { dir, resume: true } });
    expect(r.startStep).to.equal(2);
    [first, back, resumed].forEach((x) => x.dispose());
  });

  it('FusedAdam.isFusedAdam tells FusedAdam from tfjs optimizers, which instanceof cannot', () => {
    const tfjsAdam = tf.train.adam(1e-3);
    expect(tfjsAdam instanceof FusedAdam, 'tfjs duck-types instanceof').to.equal(true);
    expect(FusedAdam.isFusedAdam(tfjsAdam)).to.equal(false);
    expect(FusedAdam.isFusedAdam(new FusedAdam(1e-3))).to.equal(true);
    tfjsAdam.dispose();
  });

  /** A checkpoint of two small tensors in a fresh directory; returns the file. */
  function smallCheckpoint(name: string): string {
    const a = tf.tensor1d([1, 2, 3]), b = tf.tensor2d([[0.5, -0.5]]);
    const file = writeCheckpoint(path.join(tmp, name), { meta: { epoch: 7, note: 'x' }, tensors: [{ name: 'a', tensor: a }, { name: 'b', tensor: b }] });
    tf.dispose([a, b]);
    return file;
  }

  it('a corrupt byte in the JSON header is an error naming the file and the reason (not a bare SyntaxError)', () => {
    const file = smallCheckpoint('corrupt-json');
    const buf = fs.readFileSync(file);
    buf[8] = '}'.charCodeAt(0); // the header's opening brace
    fs.writeFileSync(file, buf);
    const before = tf.memory().numTensors;
    expect(() => readCheckpoint(file)).to.throw(`readCheckpoint: ${file} has a corrupt header (`);
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('an altered weight byte is caught by the checksum (it loaded silently, possibly as NaN)', () => {
    const file = smallCheckpoint('altered-weight');
    const buf = fs.readFileSync(file);
    buf[buf.length - 1] = 0xff; // the last float's high byte: now NaN
    fs.writeFileSync(file, buf);
    const before = tf.memory().numTensors;
    expect(() => readCheckpoint(file)).to.throw(`readCheckpoint: ${file} is corrupt: its weights do not match the sha256 checksum`);
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('an intact checkpoint still reads back exactly', () => {
    const back = readCheckpoint(smallCheckpoint('intact'));
    expect(back.meta).to.deep.equal({ epoch: 7, note: 'x' });
    expect(values(back.tensors.get('a')!)).to.deep.equal([1, 2, 3]);
    expect(values(back.tensors.get('b')!)).to.deep.equal([0.5, -0.5]);
    back.tensors.forEach((t) => t.dispose());
  });

  it('the next save removes the temporary file an interrupted save left behind', () => {
    const file = smallCheckpoint('interrupted');
    const dir = path.dirname(file);
    // a process that has exited: its save was interrupted
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
    const stale = path.join(dir, `${CHECKPOINT_FILE}.${deadPid}.tmp`);
    fs.writeFileSync(stale, Buffer.alloc(1 << 16));
    // a save that fails before its rename cleans up after itself too
    const t = tf.tensor1d([4]);
    expect(() => writeCheckpoint(dir, { meta: {}, tensors: [{ name: 'a', tensor: t }] }, { beforeRename: () => { throw new Error('simulated crash'); } })).to.throw('simulated crash');
    expect(fs.existsSync(stale), 'stale temporary removed').to.equal(false);
    expect(fs.readdirSync(dir)).to.deep.equal([CHECKPOINT_FILE]);
    writeCheckpoint(dir, { meta: {}, tensors: [{ name: 'a', tensor: t }] });
    expect(fs.readdirSync(dir)).to.deep.equal([CHECKPOINT_FILE]);
    t.dispose();
  });

  it('loadModelCheckpoint: builds from the meta, assigns by (prefixed) name, frees what it read, and names the caller on a wrong kind or a missing tensor', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-ck-kind-'));
    const w = tf.tensor1d([1, 2, 3]);
    writeCheckpoint(dir, { meta: { kind: 'Toy', size: 3 }, tensors: [{ name: 'toy/w', tensor: w }] });
    const before = tf.memory().numTensors;
    const v = loadModelCheckpoint(dir, 'Toy', 'loadToy', (meta, assign) => {
      const variable = tf.tidy(() => tf.variable(tf.zeros([meta.size as number])));
      assign([{ name: 'w', variable }], 'toy/');
      return variable;
    });
    expect(Array.from(v.dataSync())).to.deep.equal([1, 2, 3]);
    expect(tf.memory().numTensors).to.equal(before + 1);   // the variable only
    expect(() => loadModelCheckpoint(dir, 'ImageDDPM', 'loadDDPM', () => 0)).to.throw(`loadDDPM: ${dir} holds a 'Toy', not an ImageDDPM`);
    expect(() => loadModelCheckpoint(dir, 'Toy', 'loadToy', (_, assign) => assign([{ name: 'w', variable: v }]))).to.throw("the checkpoint has no tensor 'w'");
    expect(tf.memory().numTensors).to.equal(before + 1);
    tf.dispose([w, v]);
  });
});

describe('checkpoints/checkpoint: bad inputs named', () => {
  it('writeCheckpoint refuses a tensor that is not float32, naming it, before writing anything', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'll-ck-int-'));
    const ints = tf.tensor1d([1, 2], 'int32');
    expect(() => writeCheckpoint(dir, { meta: {}, tensors: [{ name: 'counts', tensor: ints }] } as never)).to.throw("writeCheckpoint: content.tensors['counts'] must be float32 (only float32 is stored), got int32");
    expect(fs.existsSync(path.join(dir, CHECKPOINT_FILE))).to.equal(false);
    ints.dispose(); fs.rmSync(dir, { recursive: true, force: true });
  });
});
