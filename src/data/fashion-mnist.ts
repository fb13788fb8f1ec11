// Fashion-MNIST (Xiao et al. 2017): 70,000 28×28 grayscale images of clothing in 10 classes, from
// Debian's dataset-fashion-mnist (IDX files in /usr/share/datasets/fashion-mnist; scripts/setup.sh
// installs it). LATENT_FASHION_MNIST_DIR points elsewhere. Splits are the published ones: 60,000
// training and 10,000 test images.
import fs from 'fs';
import path from 'path';
import { ImageDataset } from './image-dataset';
import { loadIdxImages } from './idx';
import { contract, optional, str } from '../validation/contract';

const LOAD = contract('loadFashionMnist', { split: optional({ ...str(['train', 'test']), expected: "'train' or 'test'" }) });

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** The class names, by label. */
export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

const cache = new Map<string, ImageDataset>();

/** Fashion-MNIST's 'train' (60,000) or 'test' (10,000) split, pixels in [0, 1]. */
export function loadFashionMnist(split: 'train' | 'test' = 'train'): ImageDataset {
  LOAD.check(arguments);
  const dir = process.env.LATENT_FASHION_MNIST_DIR || FASHION_MNIST_DIR;
  const prefix = split === 'train' ? 'train' : 't10k';
  const images = path.join(dir, `${prefix}-images-idx3-ubyte.gz`), labels = path.join(dir, `${prefix}-labels-idx1-ubyte.gz`);
  if (!fs.existsSync(images)) {
    throw new Error(`loadFashionMnist: no ${images}; install Debian's dataset-fashion-mnist (scripts/setup.sh does) or set LATENT_FASHION_MNIST_DIR`);
  }
  const key = `${dir}/${split}`;
  let d = cache.get(key);
  if (!d) { d = loadIdxImages(images, labels, `fashion-mnist-${split}`); cache.set(key, d); }
  return d;
}
