/** fitToFolder on a tf.data.Dataset: the dataset is read once per epoch, plus one element for its batch size. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fitToFolder } from '../../src/folders/fit-to-folder.ts';
import { readRunJson } from '../../src/node.ts';
import { tf } from '../../src/tf.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-dataset-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('fitToFolder on a dataset', () => {
  it('reads its first batch once for its batch size, then once per epoch; the record states that size', async () => {
    let passes = 0;
    const ds = tf.data.generator(function* () {
      passes++;
      for (let b = 0; b < 3; b++) yield { xs: tf.fill([6, 3], b * 0.1 + 0.2), ys: tf.oneHot(tf.tensor1d([0, 1, 0, 1, 1, 0], 'int32'), 2) };
    }) as unknown as tf.data.Dataset<{ xs: tf.Tensor; ys: tf.Tensor }>;
    const model = tf.sequential({
      layers: [tf.layers.dense({ units: 2, inputShape: [3], activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })],
    });
    const dir = join(root, 'run');
    // Only the record is checked: no figures (drawing them was most of this test's time).
    await fitToFolder(model, ds, { dir, epochs: 2, optimizer: 'sgd:lr=0.1', loss: 'categoricalCrossentropy', figures: false });
    expect(passes).toBe(1 + 2);
    expect(readRunJson(dir).config.batchSize).toBe(6);
    model.dispose();
  });
});
