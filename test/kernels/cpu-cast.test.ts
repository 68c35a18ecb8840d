/**
 * TF.js 4.22's cpu `Cast` to a wider type (bool → int32 or float32, int32 → float32) keeps the
 * input's typed array under the new dtype: a `float32` tensor backed by a Uint8Array or Int32Array.
 * Moved to wasm, whose upload copies the array's bytes as float32, its values become
 * denormals (1 → 1.4e-45): labels made on cpu (`tf.cast(tf.greater(…), 'float32')`) and trained on
 * wasm gave `fit` wrong losses and accuracy without a word (initial test loss 0.82 where it is 0.60).
 * The library replaces cpu's Cast when it loads (`fixCpuKernels`) so such a cast gets an array of
 * its own dtype.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fit, selectBackend, tf } from '../../src/node.ts';

beforeAll(async () => {
  await selectBackend('wasm', { threads: 1 });
});

describe('a cast made on cpu, read on wasm', () => {
  it('keeps its values: bool → float32, bool → int32, int32 → float32', async () => {
    await tf.setBackend('cpu');
    const flags = tf.greater(tf.tensor1d([1, -1, 2, 0]), 0);
    const made = [tf.cast(flags, 'float32'), tf.cast(flags, 'int32'), tf.cast(tf.tensor1d([3, 0, -7, 1], 'int32'), 'float32')];
    await tf.setBackend('wasm');
    const read = made.map((t) => Array.from(tf.add(t, tf.zerosLike(t)).dataSync()));
    expect(read).toEqual([
      [1, 0, 1, 0],
      [1, 0, 1, 0],
      [3, 0, -7, 1],
    ]);
  });

  it('fit on wasm scores labels made on cpu as it scores the same labels made on wasm', async () => {
    const run = async (labelsOn: string) => {
      await tf.setBackend(labelsOn);
      const x = tf.randomNormal([32, 4], 0, 1, 'float32', 3);
      const y = tf.cast(tf.greater(tf.reshape(tf.slice(x, [0, 0], [32, 1]), [32]), 0), 'float32');
      await tf.setBackend('wasm');
      const model = tf.sequential({
        layers: [tf.layers.dense({ units: 2, inputShape: [4], activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })],
      });
      const record = await fit(model, { x, y }, { epochs: 1, batchSize: 16, seed: 1, loss: 'sparseCategoricalCrossentropy', validationData: [x, y] });
      return [record.initial.testLoss, record.initial.testAcc, record.epochs[0]!.testLoss];
    };
    expect(await run('cpu')).toEqual(await run('wasm'));
  });
});
