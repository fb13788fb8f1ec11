// The sweep's valid calls for ll.models (every family of model, its layers and its functions): merged into
// sweep-examples.ts's tables. Same shapes: INSTANCES by class name, EXAMPLES by error name or '*.method',
// NOT_SWEPT and ALLOWED with their reasons. Sizes are the smallest that run each code path (a 2×2 image, a
// 4-pixel VAE, a 2-step schedule), so every probe stays far below the sweep's 8 s limit.
import fs from 'fs';
import os from 'os';
import path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import * as ll from '../../../src';
import { ImageDataset } from '../../../src/data/image-dataset';
import { saveTrainingCheckpoint, weightNames } from '../../../src/training/training-checkpoint';
import type { Outcome } from '../sweep-probe';

const m = ll.models;
const r = () => ll.rng(1);
/** Two binary rows of 4 pixels (the small VAEs' inputDim). */
const x4 = () => tf.tensor2d([[0, 1, 1, 0], [1, 0, 0, 1]]);
/** One binary 28×28 image as a row [1, 784] (the conv VAE and the VQ-VAE take MNIST's size). */
const x784 = () => tf.tensor2d([Array.from({ length: 784 }, (_, i) => (i % 3 === 0 ? 1 : 0))]);
/** Two points of 2-D data. */
const p2 = () => tf.tensor2d([[0.5, -0.2], [-1, 0.3]]);
/** A batch as ll.fit hands it to a model. */
const batchOf = (x: tf.Tensor2D) => ({ x, indices: Array.from({ length: x.shape[0] }, (_, i) => i) });
/** Two 2×2 single-channel images as rows [2, 4] of pixels in [0, 1]. */
const px4 = () => tf.tensor2d([[0, 0.5, 1, 0.25], [1, 0.75, 0, 0.5]]);
const schedule2 = () => m.DiffusionSchedule.linear(2);
/** What a model's prepareBatch makes of rows x (x freed), for its trainingLoss. */
const prepared = (model: any, x: tf.Tensor2D) => { const b = model.prepareBatch(ll.rng(3), batchOf(x)); x.dispose(); return b; };
/** Two 2×2 images as rows of values in (0, 1) (RealNVP's y, before the logit transform). */
const y4 = () => tf.tensor2d([[0.2, 0.5, 0.9, 0.4], [0.6, 0.3, 0.1, 0.7]]);

const vae = () => new m.VAE(ll.rng(1), { inputDim: 4, latentDim: 2, hiddenDim: 3 });
const convVae = () => new m.ConvVAE(ll.rng(1), { latent: 2, channels: [1, 1] });
const catVae = () => new m.CategoricalVAE(ll.rng(1), { inputDim: 4, latents: 2, categories: 3, hiddenDim: 3 });
const hvae = () => new m.HierarchicalVAE(ll.rng(1), { inputDim: 4, latentDims: [2, 2], hiddenDim: 3, topHiddenDim: 3 });
const richVae = () => new m.RichVAE(ll.rng(1), { inputDim: 4, latentDim: 2, hiddenDim: 3, flowLayers: 1, flow: 'planar', prior: { type: 'vampprior', pseudoInputs: 2 } });
const vqvae = () => new m.VQVAE(ll.rng(1), { codes: 3, codeDim: 2, channels: [1, 1] });
const codePrior = (positions = 4, codes = 3) => new m.CodePrior(ll.rng(1), { positions, codes, embedding: 2, hiddenDims: [4] });
const made = () => new m.MADE(ll.rng(1), { inputDim: 4, hiddenDims: [4] });
const unet = () => new m.UNet(ll.rng(1), { size: 2, channels: [2], groups: 1, embedding: 4 });
const ddpm = () => new m.ImageDDPM(unet(), schedule2());
const realNvp = () => new m.RealNVP(ll.rng(1), { shape: [2, 2, 1], scales: 1, couplings: 1, hidden: 2 });
const coupling = () => new m.ImageCoupling(ll.rng(1), { shape: [2, 2, 1], mask: 'checkerboard', parity: 0, hidden: 2 });
const timeMlp = () => new m.TimeMLP(ll.rng(1), 2, schedule2(), { hidden: 3, embedding: 4 });
const scoreNet = () => new m.ScoreNetwork(ll.rng(1), 2, { sigmas: [1, 0.5], hidden: 3 });
const velocityNet = () => new m.VelocityNetwork(ll.rng(1), 2, { hidden: 3 });
const flowDist = () => new m.FlowDistribution(2, [new m.ElementwiseAffine(2, { logScale: [0.1, -0.2], shift: [0.5, 0] })]);
const images4 = () => tf.tensor4d([0.1, 0.6, 0.3, 0.9, 0.2, 0.4, 0.8, 0.5], [2, 2, 2, 1]);
/** A tiny image data set: 6 2×2 images, two classes. */
const tinyImages = () => new ImageDataset(Float32Array.from({ length: 24 }, (_, i) => ((i * 7) % 5) / 4), Int32Array.from([0, 1, 0, 1, 0, 1]), [2, 2], 'tiny');
const mix1d = () => ({ weights: [0.3, 0.7], means: [-1, 2], sds: [0.5, 1] });

/**
 * A folder under the system's temporary folder, one per kind and the same in every run (save* write there, load*
 * read what was saved): a checkpoint is written atomically (a temporary file, then a rename), so the two workers
 * may share it, and the runs leave a few folders behind instead of one per probe.
 */
const scratch = (name: string) => { const dir = path.join(os.tmpdir(), 'latent-lab-sweep', name); fs.mkdirSync(dir, { recursive: true }); return dir; };
const saved: Record<string, string> = {};
/** A checkpoint of a tiny model, written once per process (the load probes read it). */
function savedCheckpoint(kind: 'ddpm' | 'realnvp' | 'vqvae' | 'vae' | 'dcgan' | 'pixelcnn'): string {
  if (saved[kind]) return saved[kind];
  const dir = scratch(kind);
  if (kind === 'ddpm') { const d = ddpm(); m.saveDDPM(dir, d); d.net.dispose(); }
  if (kind === 'dcgan') { const g = dcgan(); m.saveDCGAN(dir, g); g.dispose(); }
  if (kind === 'pixelcnn') { const p = pixelCnn(); m.savePixelCNN(dir, p); p.dispose(); }
  if (kind === 'realnvp') { const f = realNvp(); m.saveRealNVP(dir, f); f.dispose(); }
  if (kind === 'vqvae') { const v = vqvae(), p = codePrior(49, 3); m.saveVQVAE(dir, v, p); v.dispose(); p.dispose(); }
  if (kind === 'vae') {
    // the training checkpoint ll.fit writes: the model's config in the header, its weights as model/<name>
    const v = vae();
    saveTrainingCheckpoint(dir, { kind: 'training', config: v.config, step: 1, rng: ll.rng(0).getState(), order: null as never, optimizer: [], losses: [1], terms: {}, epochs: [], seconds: 0 },
      { weights: weightNames(v).map(({ name, variable }) => ({ name, tensor: variable })), optimizer: [], average: [] });
    v.dispose();
  }
  saved[kind] = dir;
  return dir;
}

const energyNet = () => new m.EnergyNetwork(ll.rng(1), 2, { hidden: 3 });
/** E(x) = ‖x‖²/2 row by row: x [n, 2] → [n]. */
const quadraticEnergy = (x: tf.Tensor2D) => tf.tidy(() => tf.mul(tf.sum(tf.square(x), 1), 0.5)) as tf.Tensor1D;
/**
 * An energy model whose dispose also frees what it was given (its energy network; NCE's noise distribution's
 * tensors): the models leave those to their caller, and in a probe the example is the caller.
 */
function owning<T extends object>(model: T, owned: unknown[]): T {
  const own = (model as { dispose?: () => void }).dispose?.bind(model);
  (model as { dispose: () => void }).dispose = () => {
    own?.();
    for (const o of owned) {
      if (o instanceof m.EnergyNetwork) o.dispose();
      else tf.dispose(Object.values(o as object).filter((v) => v instanceof tf.Tensor));
    }
  };
  return model;
}
const noise2d = () => new ll.MultivariateNormal({ loc: [0, 0], covariance: [[2, 0], [0, 2]] });
const contrastiveDivergence = () => { const e = energyNet(); return owning(new m.ContrastiveDivergence(ll.rng(1), e, { chains: 3, steps: 1 }), [e]); };
const nce = () => { const e = energyNet(), q = noise2d(); return owning(new m.NoiseContrastiveEstimation(e, q, { ratio: 2 }), [e, q]); };
const energyScoreMatching = () => { const e = energyNet(); return owning(new m.EnergyScoreMatching(e, { sigma: 0.1 }), [e]); };
const gan2d = () => new m.GAN2D(ll.rng(1), { latentDim: 2, hidden: 3, dim: 2 });
const dcgan = () => new m.DCGAN(ll.rng(1), { latent: 2, channels: [1, 1] });
const pixelCnn = () => new m.PixelCNN(ll.rng(1), { height: 2, width: 2, channels: 2, layers: 1, firstKernel: 3, kernel: 3 });
const gatedPixelCnn = () => new m.GatedPixelCNN(ll.rng(1), { height: 2, width: 2, channels: 2, layers: 1, firstKernel: 3, kernel: 3 });
const standardNormal1d = (x: number) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
const shiftedNormal1d = (x: number) => standardNormal1d(x - 1);

export const INSTANCES: Record<string, () => any> = {
  ConvVAE: convVae,
  CategoricalVAE: catVae,
  HierarchicalVAE: hvae,
  RichVAE: richVae,
  VQVAE: vqvae,
  VectorQuantizer: () => new m.VectorQuantizer(ll.rng(1), 3, 2),
  CodePrior: () => codePrior(),
  MADE: made,
  UNet: unet,
  ImageDDPM: () => ddpm(),
  Conv2d: () => new m.Conv2d(ll.rng(1), 1, 2, 3, 'c'),
  GroupNorm: () => new m.GroupNorm(2, 1, 'gn'),
  RealNVP: realNvp,
  ImageCoupling: coupling,
  Squeeze: () => new m.Squeeze(),
  ElementwiseAffine: () => new m.ElementwiseAffine(2, { logScale: [0.1, -0.2], shift: [0.5, 0] }),
  LinearLU: () => new m.LinearLU(ll.rng(1), 2),
  Planar: () => new m.Planar(ll.rng(1), 2),
  Permutation: () => new m.Permutation([1, 0]),
  AffineCoupling: () => new m.AffineCoupling(ll.rng(1), [1, 0], 3),
  Chain: () => new m.Chain([new m.Permutation([1, 0]), new m.ElementwiseAffine(2, { shift: [0.5, 0] })]),
  FlowDistribution: flowDist,
  IAFStep: () => new m.IAFStep(ll.rng(1), 2, 3, 4, 'iaf'),
  TimeMLP: timeMlp,
  VelocityNetwork: velocityNet,
  ScoreNetwork: scoreNet,
  // the families added in issue 30 (energy, GAN, PixelCNN), the callables whose probes already pass
  EnergyNetwork: energyNet,
  GAN2D: gan2d,
  DCGAN: dcgan,
  PixelCNN: pixelCnn,
  GatedPixelCNN: gatedPixelCnn,
  ContrastiveDivergence: contrastiveDivergence,
  NoiseContrastiveEstimation: nce,
  EnergyScoreMatching: energyScoreMatching,
  MaskedConv2d: () => new m.MaskedConv2d(ll.rng(1), 1, 2, 3, 'A', 'first', 'sweep'),
};

export const EXAMPLES: Record<string, (self?: any) => unknown[]> = {
  // issue 30 (flows): the probability-flow ODE's log-density and a mixture's flow-matching velocity
  probabilityFlowLogDensity: () => [r(), (x: tf.Tensor2D, sigma: number) => tf.tidy(() => tf.div(tf.neg(x), 1 + sigma * sigma)), p2(),
    { sigmaMin: 0.1, sigmaMax: 1, prior: new ll.MultivariateNormal({ loc: [0, 0], covariance: [[2, 0], [0, 2]] }), steps: 2, trace: 'hutchinson', probes: 2 }],
  mixtureFlowVelocity: () => [0.5, [0.3, -1], { weights: [0.5, 0.5], means: [[-2, 0], [2, 0]], sds: [0.3, 0.3] }],
  // the MLP VAE's training hooks and bounds
  'VAE.prepareBatch': () => [r(), batchOf(x4())],
  'VAE.trainingLoss': () => [r(), { x: x4() }, { type: 'iwae', samples: 2 }],
  'VAE.renyiBound': () => [r(), x4(), { alpha: 0.5, samples: 2 }],
  'VAE.logWeights': () => [r(), x4(), { samples: 2 }],
  // the conv VAE (28×28, one channel per level)
  ConvVAE: () => [r(), { latent: 2, channels: [1, 1] }],
  'ConvVAE.encode': () => [x784()],
  'ConvVAE.decode': () => [tf.tensor2d([[0.5, -0.5]])],
  'ConvVAE.elbo': () => [r(), x784()],
  'ConvVAE.posterior': () => [x784()],
  'ConvVAE.logJoint': () => [x784(), tf.zeros([2, 1, 2])],
  'ConvVAE.logWeights': () => [r(), x784(), { samples: 2 }],
  'ConvVAE.loss': () => [r(), x784()],
  'ConvVAE.sample': () => [r(), 2],
  'ConvVAE.trainingLoss': () => [r(), batchOf(x784())],
  // the categorical VAE
  CategoricalVAE: () => [r(), { inputDim: 4, latents: 2, categories: 3, hiddenDim: 3, temperature: { start: 1, min: 0.5, rate: 0.01 } }],
  'CategoricalVAE.logQ': () => [x4()],
  'CategoricalVAE.codes': () => [x4()],
  'CategoricalVAE.decodeLogits': () => [tf.tidy(() => tf.oneHot(tf.tensor2d([[0, 2], [1, 1]], undefined, 'int32') as tf.Tensor2D, 3).toFloat())],
  'CategoricalVAE.klToUniform': () => [tf.tidy(() => tf.logSoftmax(tf.tensor3d([[[0, 1, 2], [1, 0, 0]]])))],
  'CategoricalVAE.elbo': () => [r(), x4(), { samples: 2 }],
  'CategoricalVAE.trainingLoss': () => [r(), batchOf(x4()), { estimator: 'score-function' }],
  'CategoricalVAE.afterStep': () => [r(), batchOf(x4()), 3],
  'CategoricalVAE.sample': () => [r(), 2],
  // the two-layer hierarchical VAE
  HierarchicalVAE: () => [r(), { inputDim: 4, latentDims: [2, 2], hiddenDim: 3, topHiddenDim: 3 }],
  'HierarchicalVAE.encode1': () => [x4()],
  'HierarchicalVAE.encode2': () => [tf.tensor2d([[0.5, -0.5], [0, 1]])],
  'HierarchicalVAE.prior1': () => [tf.tensor2d([[0.5, -0.5], [0, 1]])],
  'HierarchicalVAE.decode': () => [tf.tensor2d([[0.5, -0.5], [0, 1]])],
  'HierarchicalVAE.elboTerms': () => [r(), x4(), { samples: 2 }],
  'HierarchicalVAE.elbo': () => [r(), x4(), { samples: 2 }],
  'HierarchicalVAE.logJoint': () => [x4(), tf.zeros([2, 2, 4])],
  'HierarchicalVAE.posterior': () => [x4()],
  'HierarchicalVAE.logWeights': () => [r(), x4(), { samples: 2 }],
  'HierarchicalVAE.iwae': () => [r(), x4(), { samples: 2 }],
  'HierarchicalVAE.trainingLoss': () => [r(), batchOf(x4()), { type: 'iwae', samples: 2 }],
  'HierarchicalVAE.loss': () => [r(), x4(), { type: 'elbo', samples: 2 }],
  'HierarchicalVAE.sample': () => [r(), 2],
  'HierarchicalVAE.activeUnits': () => [x4(), 0.01],
  // the VAE with a flow posterior and a learned prior
  RichVAE: () => [r(), { inputDim: 4, latentDim: 2, hiddenDim: 3, flowLayers: 1, flow: 'iaf', iafHidden: 4, prior: { type: 'mixture', components: 2 } }],
  'RichVAE.trainingLoss': () => [r(), batchOf(x4()), { type: 'iwae', samples: 2 }],
  'RichVAE.logPrior': () => [tf.tensor2d([[0.5, -0.5], [0, 1]])],
  'RichVAE.flowParameters': () => [x4()],
  'RichVAE.samplePosterior': () => [r(), x4(), 2],
  'RichVAE.logJoint': () => [x4(), tf.zeros([2, 2, 2])],
  'RichVAE.posterior': () => [x4()],
  'RichVAE.logWeights': () => [r(), x4(), { samples: 2 }],
  'RichVAE.elbo': () => [r(), x4(), { samples: 2 }],
  'RichVAE.iwae': () => [r(), x4(), { samples: 2 }],
  'RichVAE.loss': () => [r(), x4(), { type: 'elbo', samples: 2 }],
  'RichVAE.sample': () => [r(), 2],
  // the VQ-VAE, its codebook and its prior
  VQVAE: () => [r(), { codes: 3, codeDim: 2, channels: [1, 1], beta: 0.25, restartEvery: 2 }],
  'VQVAE.encode': () => [x784()],
  'VQVAE.decode': () => [tf.zeros([49, 2])],
  'VQVAE.encodeCodes': () => [x784()],
  'VQVAE.decodeCodes': () => [tf.zeros([1, 49], 'int32')],
  'VQVAE.reconstruct': () => [x784()],
  'VQVAE.lossTerms': () => [x784()],
  'VQVAE.loss': () => [x784()],
  'VQVAE.trainingLoss': () => [r(), batchOf(x784())],
  'VQVAE.afterStep': () => [r(), batchOf(x784()), 2],
  'VQVAE.codeUsage': () => [x784()],
  'VQVAE.sample': () => [r(), 2, codePrior(49, 3)],
  'VQVAE.logLikelihoodBound': () => [x784(), codePrior(49, 3)],
  VectorQuantizer: () => [r(), 3, 2],
  'VectorQuantizer.nearest': () => [tf.tensor2d([[0.1, -0.2], [0.3, 0]])],
  'VectorQuantizer.lookup': () => [tf.tensor1d([0, 2], 'int32')],
  'VectorQuantizer.quantize': () => [tf.tensor2d([[0.1, -0.2], [0.3, 0]])],
  'VectorQuantizer.restart': () => [r(), [0, 2, 1], tf.tensor2d([[0.1, -0.2], [0.3, 0]])],
  CodePrior: () => [r(), { positions: 4, codes: 3, embedding: 2, hiddenDims: [4] }],
  'CodePrior.logits': () => [tf.tensor2d([[0, 1, 2, 1], [2, 2, 0, 1]], undefined, 'int32')],
  'CodePrior.logProb': () => [tf.tensor2d([[0, 1, 2, 1], [2, 2, 0, 1]], undefined, 'int32')],
  'CodePrior.loss': () => [tf.tensor2d([[0, 1, 2, 1], [2, 2, 0, 1]], undefined, 'int32')],
  'CodePrior.sample': () => [r(), 2],
  'CodePrior.trainingLoss': () => [r(), batchOf(tf.tensor2d([[0, 1, 2, 1], [2, 2, 0, 1]], undefined, 'int32'))],
  // MADE
  MADE: () => [r(), { inputDim: 4, hiddenDims: [4], direct: true }],
  'MADE.logits': () => [x4()],
  'MADE.logProb': () => [x4()],
  'MADE.trainingLoss': () => [r(), batchOf(x4())],
  'MADE.loss': () => [r(), x4()],
  'MADE.sample': () => [r(), 2],
  // the image DDPM, its U-Net and layers
  UNet: () => [r(), { size: 2, imageChannels: 1, channels: [2], groups: 1, embedding: 4 }],
  'UNet.apply': () => [images4(), tf.tensor1d([1, 2])],
  ImageDDPM: () => [unet(), schedule2()],
  'ImageDDPM.toModel': () => [px4()],
  'ImageDDPM.epsHat': () => [images4(), [1, 2]],
  'ImageDDPM.loss': () => [r(), images4()],
  'ImageDDPM.prepareBatch': () => [r(), batchOf(px4())],
  'ImageDDPM.trainingLoss': (self: any) => [r(), prepared(self, px4())],
  'ImageDDPM.samplingSteps': () => [2],
  'ImageDDPM.sample': () => [r(), 2, { steps: 2, clip: true, eta: 0.5, frames: [1] }],
  'ImageDDPM.dequantize': () => [r(), px4()],
  'ImageDDPM.elbo': () => [r(), px4(), { method: 'sampled', draws: 2 }],
  'ImageDDPM.bitsPerDim': () => [r(), px4(), { method: 'exact' }],
  Conv2d: () => [r(), 1, 2, 3, 'c'],
  'Conv2d.apply': () => [tf.zeros([1, 2, 2, 1])],
  GroupNorm: () => [2, 1, 'gn'],
  'GroupNorm.apply': () => [tf.tensor4d([0.1, 0.6, 0.3, 0.9, 0.2, 0.4, 0.8, 0.5], [1, 2, 2, 2]), 'silu'],
  // flows on images
  RealNVP: () => [r(), { shape: [2, 2, 1], scales: 1, couplings: 1, hidden: 2, alpha: 0.05, identityInit: false }],
  'RealNVP.forward': () => [y4()],
  'RealNVP.inverse': () => [tf.tensor2d([[0.5, -0.5, 1, 0], [0, 0.2, -1, 0.3]])],
  'RealNVP.logProb': () => [y4()],
  'RealNVP.dequantize': () => [r(), px4()],
  'RealNVP.loss': () => [r(), px4()],
  'RealNVP.bitsPerDim': () => [r(), px4(), { batchSize: 1 }],
  'RealNVP.sample': () => [r(), 2, { temperature: 0.7 }],
  'RealNVP.trainingLoss': () => [r(), batchOf(px4())],
  ImageCoupling: () => [r(), { shape: [2, 2, 2], mask: 'channel', parity: 1, hidden: 2, identityInit: false }],
  'ImageCoupling.forward': () => [images4()],
  'ImageCoupling.inverse': () => [images4()],
  Squeeze: () => [],
  'Squeeze.forward': () => [tf.zeros([1, 2, 2, 1])],
  'Squeeze.inverse': () => [tf.zeros([1, 1, 1, 4])],
  'LogitTransform.inverse': () => [tf.fill([1, 2, 2, 1], 0.3)],
  // flows on points
  ElementwiseAffine: () => [2, { logScale: [0.1, -0.2], shift: [0.5, 0] }],
  LinearLU: () => [r(), 2, [1, 0]],
  Planar: () => [r(), 2],
  Permutation: () => [[1, 0]],
  AffineCoupling: () => [r(), [1, 0], 3],
  Chain: () => [[new m.Permutation([1, 0]), new m.ElementwiseAffine(2, { shift: [0.5, 0] })]],
  'ElementwiseAffine.forward': () => [p2()],
  'ElementwiseAffine.inverse': () => [p2()],
  'LinearLU.forward': () => [p2()],
  'LinearLU.inverse': () => [p2()],
  'Planar.forward': () => [p2()],
  'Planar.inverse': () => [p2()],
  'Permutation.forward': () => [p2()],
  'Permutation.inverse': () => [p2()],
  'AffineCoupling.forward': () => [p2()],
  'AffineCoupling.inverse': () => [p2()],
  'Chain.forward': () => [p2()],
  'Chain.inverse': () => [p2()],
  FlowDistribution: () => [2, [new m.Permutation([1, 0])]],
  'FlowDistribution.logProb': () => [p2()],
  'FlowDistribution.trainingLoss': () => [r(), batchOf(p2())],
  planarStep: () => [p2(), tf.tensor2d([[0.5, 0.1], [0.2, -0.3]]), tf.tensor2d([[1, 0], [0, 1]]), tf.tensor1d([0, 0.5])],
  // a flow without weights: the sweep frees a replaced argument's tensors only a few objects deep
  dequantizedFlow: () => [new m.FlowDistribution(2, [new m.Permutation([1, 0])])],
  fitICA: () => [r(), [[0.5, -0.2], [1, 0.3], [-0.4, 0.8], [0.2, -1], [1.5, 0.1]], { prior: 'logistic', steps: 3, learningRate: 0.3 }],
  IAFStep: () => [r(), 2, 3, 4, 'iaf'],
  'IAFStep.forward': () => [tf.tensor2d([[0.5, -0.5], [0, 1]]), tf.tensor2d([[0.1, 0.2, 0.3], [0, -1, 1]])],
  // diffusion on points
  'DiffusionSchedule.epsFromX0': () => [tf.tensor2d([[0.5, -0.5]]), tf.tensor2d([[0.4, -0.3]]), 2],
  'DiffusionSchedule.x0FromEps': () => [tf.tensor2d([[0.5, -0.5]]), tf.tensor2d([[0.4, -0.3]]), 2],
  'DiffusionSchedule.scoreFromX0': () => [tf.tensor2d([[0.5, -0.5]]), tf.tensor2d([[0.4, -0.3]]), 2],
  TimeMLP: () => [r(), 2, schedule2(), { hidden: 3, embedding: 4, predict: 'x0' }],
  'TimeMLP.input': () => [p2(), tf.tensor1d([1, 2])],
  'TimeMLP.network': () => [tf.zeros([2, 6])],
  'TimeMLP.output': () => [p2(), tf.tensor1d([1, 2])],
  'TimeMLP.x0Hat': () => [p2(), 2],
  'TimeMLP.prepareBatch': () => [r(), batchOf(p2()), 'x0'],
  'TimeMLP.trainingLoss': (self: any) => [r(), prepared(self, p2()), 'simple'],
  denoisingLoss: () => [r(), timeMlp(), p2(), 'weighted'],
  ancestralSample: () => [r(), (xt: tf.Tensor2D) => tf.mul(xt, 0.5) as tf.Tensor2D, schedule2(), { samples: 2, dim: 2 }],
  diffusionElbo: () => [r(), p2(), (xt: tf.Tensor2D) => tf.mul(xt, 0.5) as tf.Tensor2D, schedule2()],
  optimalDenoiser: () => [mix1d(), schedule2()],
  denoisingChain: (self: any) => { const d = ddpm(); const res = d.sample(ll.rng(2), 1, { steps: 2, frames: [1, 2] }); d.net.dispose(); return [res, [2, 1]]; },
  ScoreNetwork: () => [r(), 2, { sigmas: [1, 0.5], hidden: 3 }],
  'ScoreNetwork.scoreAt': () => [p2(), tf.tensor1d([1, 0.5])],
  'ScoreNetwork.score': () => [p2(), 0.5],
  'ScoreNetwork.prepareBatch': () => [r(), batchOf(p2())],
  // its batch keeps x itself (freed with the batch)
  'ScoreNetwork.trainingLoss': (self: any) => [r(), self.prepareBatch(ll.rng(3), batchOf(p2()))],
  VelocityNetwork: () => [r(), 2, { hidden: 3 }],
  'VelocityNetwork.velocityAt': () => [p2(), tf.tensor1d([0.2, 0.7])],
  'VelocityNetwork.prepareBatch': () => [r(), batchOf(p2())],
  'VelocityNetwork.trainingLoss': (self: any) => [r(), prepared(self, p2())],
  flowMatchingSample: () => [r(), (x: tf.Tensor2D) => tf.neg(x) as tf.Tensor2D, 2, { dim: 2, steps: 3 }],
  gaussianFlowVelocity: () => [0.5, 0.3, { mean: 1, sd: 0.5 }],
  // the VAE's evaluation and views
  importanceSampledLogLikelihood: () => [r(), vae(), x4(), { samples: 4, batchSize: 1, chunk: 2 }],
  klPerDimension: () => [vae(), x4()],
  activeUnits: () => [vae(), x4(), { threshold: 0.01 }],
  datasetElbo: () => [r(), vae(), x4(), { batchSize: 1 }],
  priorSampleGrid: () => [r(), vae(), { samples: 2 }],
  interpolationGrid: () => [vae(), tf.tensor1d([0, 1, 1, 0]), tf.tensor1d([1, 0, 0, 1]), 3],
  traversalGrid: () => [vae(), [0, 1], 3],
  latentScatter: () => [vae(), x4(), [0, 1], [0, 1]],
  objectiveLabel: () => [{ type: 'renyi', alpha: 0.5, samples: 3 }],
  // the energy-based models
  EnergyNetwork: () => [r(), 2, { hidden: 3, confinement: 0.01 }],
  'EnergyNetwork.energy': () => [p2()],
  'EnergyNetwork.score': () => [p2()],
  ContrastiveDivergence: () => [r(), energyNet(), { chains: 4, steps: 2, stepSize: 0.01, restart: 0.05, initScale: 2, regularization: 0.001 }],
  EnergyScoreMatching: () => [energyNet(), { sigma: 0.1 }],
  'ContrastiveDivergence.prepareBatch': () => [r(), batchOf(p2())],
  'ContrastiveDivergence.trainingLoss': () => [r(), { x: p2(), negatives: tf.tensor2d([[0.1, 0.2], [-0.3, 0.4], [1, -1]]) }],
  NoiseContrastiveEstimation: () => [energyNet(), noise2d(), { ratio: 2 }],
  'NoiseContrastiveEstimation.prepareBatch': () => [r(), batchOf(p2())],
  'NoiseContrastiveEstimation.trainingLoss': () => [r(), { x: p2(), noise: tf.tensor2d([[0.1, 0.2], [-0.3, 0.4], [1, -1], [0, 0.5]]), logQData: tf.tensor1d([-2.5, -2.7]), logQNoise: tf.tensor1d([-2.5, -2.6, -3, -2.6]) }],
  'EnergyScoreMatching.prepareBatch': () => [r(), batchOf(p2())],
  'EnergyScoreMatching.trainingLoss': () => [r(), { x: p2(), eps: tf.tensor2d([[0.3, -0.1], [0.2, 0.5]]), sigma: tf.tensor1d([0.1, 0.1]) }],
  nceLoss64: () => [[0.5, -0.2], [-1, 0.3, -0.5, 0.1], 2],
  nceLoss: () => [tf.tensor1d([0.5, -0.2]), tf.tensor1d([-1, 0.3, -0.5, 0.1]), 2],
  annealedImportanceSampling: () => [r(), quadraticEnergy, { dim: 2, chains: 8, temperatures: 4, steps: 1, stepSize: 0.3, baseScale: 3 }],
  logPartitionByQuadrature: () => [quadraticEnergy, { xRange: [-4, 4], yRange: [-4, 4], panels: 2, order: 4 }],
  // the GANs
  GAN2D: () => [r(), { latentDim: 2, hidden: 3, dim: 2, slope: 0.2 }],
  'GAN2D.generate': () => [p2()],
  'GAN2D.logits': () => [p2()],
  'GAN2D.sample': () => [r(), 2],
  'GAN2D.afterStep': () => [r(), batchOf(p2()), 2],
  'GAN2D.discriminate': () => [p2()],
  'GAN2D.generatorGradientNorm': () => [p2(), 'minimax'],
  'GAN2D.prepareBatch': () => [r(), batchOf(p2()), { type: 'non-saturating' }],
  'GAN2D.trainingLoss': () => [r(), { x: p2(), z: p2(), u: tf.tensor2d([[0.3], [0.7]]) }, { type: 'wgan-gp', penalty: 10, train: 'both', criticSteps: 1 }],
  DCGAN: () => [r(), { latent: 2, channels: [1, 1] }],
  'DCGAN.generate': () => [tf.tensor2d([[0.5, -0.5]])],
  'DCGAN.logits': () => [x784()],
  'DCGAN.sample': () => [r(), 2],
  'DCGAN.prepareBatch': () => [r(), batchOf(x784())],
  'DCGAN.trainingLoss': () => [r(), { x: x784(), z: tf.tensor2d([[0.5, -0.5]]) }, { type: 'non-saturating' }],
  discriminatorLoss: () => [tf.tensor1d([0.5, 1]), tf.tensor1d([-0.5, 0.2])],
  generatorLoss: () => [tf.tensor1d([-0.5, 0.2]), 'non-saturating'],
  gradientPenalty: () => [(x: tf.Tensor2D) => tf.sum(tf.square(x), 1) as tf.Tensor1D, p2(), tf.tensor2d([[0, 0.1], [0.2, -0.3]]), tf.tensor2d([[0.3], [0.7]])],
  criticLoss: () => [tf.tensor1d([0.5, 1]), tf.tensor1d([-0.5, 0.2]), tf.scalar(0.1), 10],
  modeCoverage: () => [[[2, 0], [0, 2.1], [-1.9, 0]], [[2, 0], [0, 2], [-2, 0], [0, -2]], { radius: 0.5, minShare: 0.1 }],
  ringCenters: () => [4, 2],
  optimalDiscriminator: () => [standardNormal1d, shiftedNormal1d],
  ganValue: () => [standardNormal1d, shiftedNormal1d, () => 0.5, -10, 10],
  jensenShannon: () => [standardNormal1d, shiftedNormal1d, -10, 10],
  // the PixelCNNs on 2×2 images
  PixelCNN: () => [r(), { height: 2, width: 2, channels: 2, layers: 1, firstKernel: 3, kernel: 3 }],
  GatedPixelCNN: () => [r(), { height: 2, width: 2, channels: 2, layers: 1, firstKernel: 3, kernel: 3 }],
  'PixelCNN.sample': () => [r(), 2],
  'PixelCNN.logits': () => [x4()],
  'PixelCNN.logProb': () => [x4()],
  'GatedPixelCNN.logits': () => [x4()],
  'GatedPixelCNN.logProb': () => [x4()],
  'PixelCNN.trainingLoss': () => [r(), batchOf(x4())],
  'PixelCNN.inputGradient': () => [tf.tensor2d([[0, 1, 1, 0]]), 2],
  'GatedPixelCNN.sample': () => [r(), 2],
  'GatedPixelCNN.trainingLoss': () => [r(), batchOf(x4())],
  'GatedPixelCNN.inputGradient': () => [tf.tensor2d([[0, 1, 1, 0]]), 2],
  MaskedConv2d: () => [r(), 1, 2, 3, 'A', 'first', 'sweep'],
  'MaskedConv2d.apply': () => [images4()],
  rasterMask: () => [3, 1, 2, 'B'],
  saveDCGAN: () => [scratch('dcgan-save'), dcgan(), { note: 'sweep' }],
  savePixelCNN: () => [scratch('pixelcnn-save'), pixelCnn(), { note: 'sweep' }],
  compareTrainingObjectives: () => [r(), tinyImages(), tinyImages(), { objectives: [{ type: 'elbo' }], steps: 1, latentDim: 2, hiddenDim: 3, batchSize: 2, testPoints: 2, evalSamples: 3, elboSamples: 2, progress: false }],
  // checkpoints: written to and read from this process's temporary folders
  saveDDPM: () => [scratch('ddpm-save'), ddpm(), { note: 'sweep' }],
  saveRealNVP: () => [scratch('realnvp-save'), realNvp(), { note: 'sweep' }],
  saveVQVAE: () => [scratch('vqvae-save'), vqvae(), codePrior(49, 3), { note: 'sweep' }],
  loadDDPM: () => [savedCheckpoint('ddpm')],
  loadRealNVP: () => [savedCheckpoint('realnvp')],
  loadVQVAE: () => [savedCheckpoint('vqvae')],
  loadVAE: () => [savedCheckpoint('vae')],
  loadDCGAN: () => [savedCheckpoint('dcgan')],
  loadPixelCNN: () => [savedCheckpoint('pixelcnn')],
};

/** Private methods (TypeScript private; JavaScript still lists them) and calls that always throw by design. */
const PRIVATE = 'private (TypeScript private; JavaScript still lists it)';
export const NOT_SWEPT: Record<string, string> = {
  ...Object.fromEntries([
    'DiffusionSchedule.check', 'ImageDDPM.imageShape', 'ImageDDPM.prepare', 'ImageDDPM.batchLoss', 'MADE.checkX', 'MADE.sampleOneHiddenLayer',
    'CodePrior.checkCodes', 'RichVAE.boundArgs', 'VectorQuantizer.checkZ', 'CategoricalVAE.checkX', 'CategoricalVAE.hardSample', 'VQVAE.checkX',
    'VQVAE.checkPrior', 'ConvVAE.checkX', 'HierarchicalVAE.meanLogStd', 'HierarchicalVAE.topPrior', 'HierarchicalVAE.split',
    'HierarchicalVAE.boundArgs', 'VAE.boundArgs', 'LinearLU.logDetW', 'Planar.uHat', 'AffineCoupling.st', 'FlowDistribution.standardBase', 'RealNVP.checkRows',
    'ImageCoupling.st', 'ImageCoupling.net', 'GAN2D.mlp', 'GAN2D.scores', 'DCGAN.logitsOf', 'PixelCNN.logitImage',
    'PixelCNN.logitsOf', 'PixelCNN.pixelProbabilities', 'GatedPixelCNN.logitsOf', 'GatedPixelCNN.pixelProbabilities',
  ].map((k) => [k, PRIVATE])),
  'FlowDistribution.entropy': 'always throws, naming itself: a flow has no closed-form entropy',
  'FlowDistribution.mean': 'always throws, naming itself: no closed form',
  'FlowDistribution.variance': 'always throws, naming itself: no closed form',
};

/** NaN in a tensor propagates (IEEE) through a forward pass that runs in every training step: checking it would cost a sync per step. */
const FORWARD = 'a forward pass used in every training step: NaN propagates (IEEE) rather than costing a sync per call to check';
const LOSS = "the training loss (ll.fit calls it every step): NaN propagates rather than costing a sync per step, and ll.fit reports a NaN loss naming the step";
const FLOW = "a flow's pass, in every training step of the flow (its log-density is one inverse pass): NaN propagates (IEEE) rather than costing a sync per layer";
const nanPassed = (reason: string, names: string[]) => Object.fromEntries(names.map((n) => [n, { 'nan-passed': reason }]));
export const ALLOWED: Record<string, Partial<Record<Outcome, string>>> = {
  ...nanPassed(FORWARD, [
    'ConvVAE.encode', 'ConvVAE.decode', 'ConvVAE.logJoint', 'CategoricalVAE.logQ', 'CategoricalVAE.decodeLogits', 'CategoricalVAE.klToUniform',
    'HierarchicalVAE.prior1', 'HierarchicalVAE.decode', 'HierarchicalVAE.logJoint', 'RichVAE.logPrior', 'RichVAE.flowParameters', 'RichVAE.logJoint',
    'MADE.logits', 'VQVAE.decode', 'VectorQuantizer.quantize',
    'UNet.apply', 'GroupNorm.apply', 'ImageDDPM.toModel', 'ImageDDPM.epsHat', 'ImageDDPM.dequantize', 'TimeMLP.input', 'TimeMLP.output', 'TimeMLP.x0Hat',
    'TimeMLP.prepareBatch', 'DCGAN.prepareBatch', 'EnergyScoreMatching.prepareBatch', 'VelocityNetwork.velocityAt', 'DiffusionSchedule.epsFromX0', 'DiffusionSchedule.x0FromEps', 'DiffusionSchedule.scoreFromX0',
    'EnergyNetwork.energy', 'EnergyNetwork.score', 'GAN2D.logits', 'GAN2D.discriminate', 'DCGAN.generate',
    'PixelCNN.logits', 'PixelCNN.logProb', 'GatedPixelCNN.logits', 'GatedPixelCNN.logProb',
    'ScoreNetwork.scoreAt', 'ScoreNetwork.score',
  ]),
  ...nanPassed(LOSS, [
    'ConvVAE.elbo', 'ConvVAE.loss', 'HierarchicalVAE.elboTerms', 'HierarchicalVAE.elbo', 'HierarchicalVAE.iwae', 'HierarchicalVAE.trainingLoss', 'HierarchicalVAE.loss',
    'RichVAE.elbo', 'RichVAE.loss', 'MADE.trainingLoss', 'MADE.loss', 'VQVAE.lossTerms', 'VQVAE.loss', 'VQVAE.trainingLoss',
    'ImageDDPM.loss', 'ImageDDPM.trainingLoss', 'denoisingLoss', 'VelocityNetwork.trainingLoss', 'FlowDistribution.trainingLoss', 'RealNVP.loss',
    'discriminatorLoss', 'generatorLoss', 'criticLoss', 'gradientPenalty', 'nceLoss', 'GAN2D.trainingLoss', 'DCGAN.trainingLoss',
    'PixelCNN.trainingLoss', 'GatedPixelCNN.trainingLoss', 'EnergyScoreMatching.trainingLoss', 'NoiseContrastiveEstimation.trainingLoss',
    'ContrastiveDivergence.trainingLoss',
    'ScoreNetwork.trainingLoss',
  ]),
  ...nanPassed(FLOW, [
    'AffineCoupling.forward', 'AffineCoupling.inverse', 'Chain.forward', 'Chain.inverse', 'ElementwiseAffine.inverse', 'LinearLU.forward', 'LinearLU.inverse',
    'Permutation.forward', 'Permutation.inverse', 'Planar.forward', 'Planar.inverse', 'planarStep', 'IAFStep.forward', 'Squeeze.forward', 'Squeeze.inverse',
    'ImageCoupling.forward', 'ImageCoupling.inverse', 'LogitTransform.inverse', 'RealNVP.forward', 'RealNVP.inverse', 'RealNVP.logProb', 'RealNVP.dequantize',
    'FlowDistribution.logProb',
  ]),
};
