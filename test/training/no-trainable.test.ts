/**
 * A model with no trainable weight has nothing to train: fit and fitToFolder refuse it with a
 * UsageError saying so (TF.js's own message comes from deep in its gradients), and fitToFolder
 * before it makes its folder.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { fitToFolder } from '../../src/folders/fit-to-folder.ts';
import { fit } from '../../src/training/index.ts';

const tmp = mkdtempSync(join(tmpdir(), 'penx-no-trainable-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const frozen = () =>
  tf.sequential({
    name: 'frozen',
    layers: [tf.layers.dense({ units: 3, inputShape: [4], trainable: false }), tf.layers.batchNormalization(), tf.layers.dense({ units: 1, trainable: false })],
  });
const data = () => ({ x: tf.ones([8, 4]), y: tf.ones([8, 1]) });

describe('a model with no trainable weights', () => {
  it('fit refuses it, saying there is nothing to train', async () => {
    const model = frozen();
    model.layers[1]!.trainable = false;
    const err = await fit(model, data(), { epochs: 1, batchSize: 4, loss: 'meanSquaredError' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/model frozen has no trainable weights \(all 8 of its weight tensors are frozen\)/);
  });

  it('fitToFolder refuses it before it makes the folder', async () => {
    const model = frozen();
    model.layers[1]!.trainable = false;
    const dir = join(tmp, 'run');
    await expect(fitToFolder(model, data(), { dir, epochs: 1, batchSize: 4, loss: 'meanSquaredError', figures: false })).rejects.toThrow(
      /no trainable weights/,
    );
    expect(existsSync(dir)).toBe(false);
  });
});
