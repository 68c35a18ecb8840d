/**
 * fit and trainStep given something other than a model — the Promise `attachToKernels` returns,
 * passed without `await` as the README once said it returned a model — refuse it saying what to
 * do, where they failed deep inside ("Cannot read properties of undefined (reading 'map')").
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { attachToKernels, fit, penalty, tf, trainStep } from '../../src/index.ts';

const model = () => tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
const x = tf.zeros([4, 3]);
const y = tf.zeros([4, 2]);

describe('a training entry point given no model', () => {
  it('fit: a Promise of a model (attachToKernels without await) is refused, saying to await it', async () => {
    const pending = attachToKernels(model(), { penalty: penalty('l1') });
    const error = await fit(pending as unknown as tf.LayersModel, { x, y }, { epochs: 1, loss: 'meanSquaredError' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(
      'fit was given a Promise, not a model: await it first (attachToKernels, tf.loadLayersModel and loadModel return a Promise of the model)',
    );
    // Awaited, the same model trains.
    await expect(fit(await pending, { x, y }, { epochs: 1, batchSize: 4, loss: 'meanSquaredError' })).resolves.toMatchObject({ epochs: [{ epoch: 1 }] });
  });

  it('trainStep: the same', async () => {
    const pending = attachToKernels(model(), { penalty: penalty('l1') });
    await expect(trainStep(pending as unknown as tf.LayersModel, tf.train.sgd(0.1), x, y, { loss: 'meanSquaredError' })).rejects.toThrow(
      /^trainStep was given a Promise, not a model: await it first/,
    );
  });

  it('fit: anything else is refused, naming what it needs', async () => {
    for (const [given, what] of [
      [{}, 'object'],
      [undefined, 'undefined'],
      [null, 'null'],
    ] as const)
      await expect(fit(given as unknown as tf.LayersModel, { x, y }, { epochs: 1 })).rejects.toThrow(
        `fit needs a tf.LayersModel (tf.sequential, tf.model, …) as its first argument; got ${what}`,
      );
  });
});
