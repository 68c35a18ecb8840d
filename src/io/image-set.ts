/**
 * An image data set in the MNIST format (Node only): a folder with training and test images and
 * labels as IDX files, each gzipped or not — MNIST, Fashion-MNIST, KMNIST, EMNIST (whose files
 * carry a prefix, e.g. `emnist-letters-train-images-idx3-ubyte.gz`) are all this format.
 *
 *   folder ─► the four files (by their standard suffixes) ─► IDX checks ─► consistent shapes and counts
 *          ─► pixels scaled to [0, 1], seeded subsets (kept in file order, so subsets nest)
 *
 * Images are [n, rows, cols] (grey) or [n, rows, cols, channels]; classes = largest label + 1.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../errors.ts';
import { permutation } from '../training/index.ts';
import { readIdx } from './idx.ts';

/** One split of an image set (training or test): images as floats in [0, 1] and their labels. */
export interface ImageSplit {
  /** count × (rows·cols·channels) pixels in [0, 1], row-major, channels last. */
  readonly images: Float32Array;
  /** One class index per image. */
  readonly labels: Uint8Array;
  /** Images in the split. */
  readonly count: number;
}

/** An image set in IDX files (`loadImageSet`): its training and test splits, image shape and class count. */
export interface ImageSet {
  readonly train: ImageSplit;
  readonly test: ImageSplit;
  /** Per-image shape, channels last: [rows, cols, channels]. */
  readonly shape: [number, number, number];
  /** Classes: one more than the largest label. */
  readonly classes: number;
  /** Where it came from, for the run record. */
  readonly source: string;
}

/** `loadImageSet`'s options: seeded subsets of either split, and the set's name in the record. */
export interface ImageSetOptions {
  /** Train on a seeded subset of this many images (default all). */
  readonly trainSize?: number;
  /** Test on a seeded subset of this many images (default all). */
  readonly testSize?: number;
  /** Seed of the subsets' choice (default 42). */
  readonly seed?: number;
  /** How the set is named in the record (default the folder). */
  readonly source?: string;
}

/** The standard name endings of the four files (a prefix such as `emnist-letters-` is allowed). */
export const IDX_FILES = {
  trainImages: /train-images-idx[34]-ubyte(\.gz)?$/,
  trainLabels: /train-labels-idx1-ubyte(\.gz)?$/,
  testImages: /(t10k|test)-images-idx[34]-ubyte(\.gz)?$/,
  testLabels: /(t10k|test)-labels-idx1-ubyte(\.gz)?$/,
} as const;

const EXPECTED = 'train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (each may be gzipped, and carry a prefix)';

/** The names the files are expected under, for messages. */
const NAMES: Record<keyof typeof IDX_FILES, string> = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
};

function locate(dir: string, names: readonly string[], key: keyof typeof IDX_FILES, what: string): string {
  const pattern = IDX_FILES[key];
  const found = names.filter((n) => pattern.test(n));
  if (found.length === 0) throw new DataError(`${dir} has no ${what} file (${NAMES[key]}, or .gz); a data folder needs ${EXPECTED}`);
  if (found.length > 1) throw new DataError(`${dir} has several ${what} files (${found.join(', ')}); keep one`);
  return join(dir, found[0] as string);
}

interface RawSplit {
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly n: number;
  readonly shape: [number, number, number];
  readonly imagesPath: string;
  readonly labelsPath: string;
}

function readRaw(imagesPath: string, labelsPath: string): RawSplit {
  const images = readIdx(imagesPath, [3, 4]);
  const labels = readIdx(labelsPath, 1);
  const [n, rows, cols, channels = 1] = images.dims as [number, number, number, number?];
  if (n === 0) throw new DataError(`${imagesPath}: holds 0 images; expected at least one`);
  if (labels.dims[0] !== n) throw new DataError(`${labelsPath}: ${labels.dims[0]} labels for ${n} images in ${imagesPath}; expected the same count`);
  return { images: images.data, labels: labels.data, n, shape: [rows, cols, channels], imagesPath, labelsPath };
}

function subset(raw: RawSplit, size: number | undefined, seed: number): ImageSplit {
  if (size !== undefined && (!Number.isInteger(size) || size < 1 || size > raw.n)) {
    throw new DataError(`subset size ${size} is not available: ${raw.imagesPath} has ${raw.n} images; expected a whole number from 1 to ${raw.n}`);
  }
  const count = size ?? raw.n;
  const pixels = raw.shape[0] * raw.shape[1] * raw.shape[2];
  const chosen = size === undefined ? null : Array.from(permutation(raw.n, seed).subarray(0, count)).sort((a, b) => a - b);
  const out = new Float32Array(count * pixels);
  const outLabels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const src = chosen ? (chosen[i] as number) : i;
    const px = raw.images.subarray(src * pixels, (src + 1) * pixels);
    for (let j = 0; j < pixels; j++) out[i * pixels + j] = (px[j] as number) / 255;
    outLabels[i] = raw.labels[src] as number;
  }
  return { images: out, labels: outLabels, count };
}

/**
 * The image set in `dir`, checked: test images the shape of the training images, a label per image.
 *
 * @example
 * const set = loadImageSet('data/fashion', { trainSize: 6000 });   // set.shape = [28, 28, 1], set.classes = 10
 */
export function loadImageSet(dir: string, options: ImageSetOptions = {}): ImageSet {
  if (!existsSync(dir)) throw new DataError(`data folder ${dir} does not exist; give the folder that holds the four IDX files (${EXPECTED})`);
  if (!statSync(dir).isDirectory()) throw new DataError(`${dir} is a file, not a folder; give the folder that holds the four IDX files (${EXPECTED})`);
  const names = readdirSync(dir);
  const train = readRaw(locate(dir, names, 'trainImages', 'training images'), locate(dir, names, 'trainLabels', 'training labels'));
  const test = readRaw(locate(dir, names, 'testImages', 'test images'), locate(dir, names, 'testLabels', 'test labels'));
  if (train.shape.join() !== test.shape.join()) {
    throw new DataError(`${test.imagesPath}: images are ${test.shape.join('×')}, the training images ${train.shape.join('×')}; expected the same shape`);
  }
  const seed = options.seed ?? 42;
  let classes = 0;
  for (const raw of [train, test]) for (const l of raw.labels) classes = Math.max(classes, l + 1);
  return {
    train: subset(train, options.trainSize, seed),
    test: subset(test, options.testSize, seed + 1),
    shape: train.shape,
    classes,
    source: options.source ?? dir,
  };
}
