/**
 * A batch larger than the training set, refused with one text wherever it is found: from the flags
 * alone (cli/flag-values.ts, before the library loads: `--train-size`, or the bundled MNIST's size
 * without `--data`) and once a `--data` folder is read (run.ts `checkedData`, before the backend
 * starts). Each says where the size comes from and what would be right:
 *
 *   --batch-size B is larger than the training set (N images): <where N comes from>; give a --batch-size of at most N[, or <more data>]
 */
import { UsageError } from 'penalty-explorer/errors';
import { MNIST_TRAIN_IMAGES } from '../data/bundled.ts';

/**
 * A UsageError when `batchSize` is larger than the training set: `--train-size` when given, else
 * the bundled MNIST's 60 000 images (without `--data`), else `images`, the training images of the
 * `--data` folder once read (before it is read, nothing is known: no error).
 *
 * @example
 * checkBatchSize(1000, 128, undefined)       // throws '--batch-size 1000 is larger than the training set (128 images): --train-size is 128; give a --batch-size of at most 128, or a larger --train-size'
 * checkBatchSize(64, undefined, 'my-set', 40) // throws '--batch-size 64 is larger than the training set (40 images): the training images of --data my-set; give a --batch-size of at most 40'
 */
export function checkBatchSize(batchSize: number, trainSize: number | undefined, data: string | undefined, images?: number): void {
  const [n, where, more] =
    trainSize !== undefined
      ? [trainSize, `--train-size is ${trainSize}`, 'a larger --train-size']
      : data === undefined
        ? [MNIST_TRAIN_IMAGES, 'the bundled MNIST, as no --data is given', undefined]
        : [images ?? Number.POSITIVE_INFINITY, `the training images of --data ${data}`, undefined];
  if (batchSize <= n) return;
  throw new UsageError(
    `--batch-size ${batchSize} is larger than the training set (${n} images): ${where}; give a --batch-size of at most ${n}${more ? `, or ${more}` : ''}`,
  );
}
