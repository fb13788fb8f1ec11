// ll.data — Data: MNIST, IDX files, binarization, minibatches, toy 2-D sets.
export { ImageDataset } from '../data/image-dataset';
export { loadMnist, MNIST_TRAIN_FRACTION } from '../data/mnist';
export { parseIdx, readIdx, loadIdxImages } from '../data/idx';
export type { IdxArray } from '../data/idx';
export { dynamicBinarize, dynamicBinarizePixels, staticBinarize, thresholdBinarize } from '../data/binarize';
export { minibatches, stepBatches, batchesPerEpoch } from '../data/minibatches';
export { twoMoons, swissRoll, gaussianRing } from '../data/toy-2d';
// issue 18: Fashion-MNIST from Debian's dataset-fashion-mnist
export { loadFashionMnist, FASHION_MNIST_CLASSES, FASHION_MNIST_DIR } from '../data/fashion-mnist';
export { checkpointPath } from '../checkpoints/shipped';
