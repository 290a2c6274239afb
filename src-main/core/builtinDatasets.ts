import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FASHION_MNIST_CLASS_NAMES } from '../../src-shared/domain/classNames';
import { idxContentHash, idxFiles } from '../engine/data/load';
import type { NewDataset } from '../store/datasets';
import { resourcesDir } from './paths';

/** Where Debian's dataset-fashion-mnist package installs the IDX files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/**
 * The content hash of some files: `compute()` reads and hashes them. Opening a workspace passes
 * a hasher that reuses the hash kept for unchanged files (fileHashCache.ts), since every command
 * opens one.
 */
export type FileHasher = (paths: readonly string[], compute: () => string) => string;

const hashEveryTime: FileHasher = (_paths, compute) => compute();

/**
 * Datasets shipped in resources/datasets, registered in every workspace on open, and Fashion-MNIST
 * when its files are installed. Their shape is written here and checked against the real files by
 * test/integration/core/builtinDatasets.test.ts.
 */
export function builtinDatasets(
  fashionMnistDir: string = FASHION_MNIST_DIR,
  hashFiles: FileHasher = hashEveryTime,
): NewDataset[] {
  const digitsPath = join(resourcesDir(), 'datasets', 'digits.csv.gz');
  const contentHash = hashFiles([digitsPath], () =>
    createHash('sha256').update(readFileSync(digitsPath)).digest('hex'),
  );
  return [
    {
      name: 'digits',
      kind: 'builtin',
      contentHash,
      samples: 1797,
      featureShape: [8, 8],
      classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      locator: { kind: 'csv', path: digitsPath, featureShape: [8, 8], contentHash },
      provenance: {
        title: 'Optical Recognition of Handwritten Digits (UCI), as shipped by scikit-learn',
        creators: 'E. Alpaydin, C. Kaynak (1998)',
        licence: 'CC BY 4.0',
        source: 'https://doi.org/10.24432/C50P49',
        file: 'resources/datasets/digits.csv.gz',
      },
    },
    ...fashionMnist(fashionMnistDir, hashFiles),
  ];
}

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf 2017): 60,000 training and 10,000 test 28×28 greyscale
 * images of 10 clothing classes, as Debian's dataset-fashion-mnist installs them. One dataset:
 * the training files' rows, then the t10k files' (the test part of DomainSpec split 'standard').
 * Absent when the files are not installed.
 */
export function fashionMnist(dir: string, hashFiles: FileHasher = hashEveryTime): NewDataset[] {
  const locatorFiles = {
    train: {
      images: join(dir, 'train-images-idx3-ubyte.gz'),
      labels: join(dir, 'train-labels-idx1-ubyte.gz'),
    },
    test: {
      images: join(dir, 't10k-images-idx3-ubyte.gz'),
      labels: join(dir, 't10k-labels-idx1-ubyte.gz'),
    },
  };
  const paths = idxFiles(locatorFiles);
  if (!paths.every((p) => existsSync(p))) return [];
  const contentHash = hashFiles(paths, () => idxContentHash(paths.map((p) => readFileSync(p))));
  return [
    {
      name: 'fashion-mnist',
      kind: 'builtin',
      contentHash,
      samples: 70_000,
      featureShape: [28, 28],
      classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      locator: { kind: 'idx', ...locatorFiles, featureShape: [28, 28], contentHash, scale: 255 },
      provenance: {
        title: 'Fashion-MNIST (train 60,000 + t10k 10,000 images), as packaged by Debian',
        creators:
          'H. Xiao, K. Rasul, R. Vollgraf (2017), Zalando Research: Fashion-MNIST: a Novel Image ' +
          'Dataset for Benchmarking Machine Learning Algorithms, arXiv:1708.07747',
        licence: 'MIT',
        source: 'https://github.com/zalandoresearch/fashion-mnist',
        file: dir,
        classes: FASHION_MNIST_CLASS_NAMES.map((name, label) => `${label} ${name}`).join(', '),
      },
    },
  ];
}
