/**
 * Data-parallel evaluation (this thread's shard and a worker's) gives a monitor the evaluation's
 * predictions of every sample, in order: the one-thread evaluation's within float rounding, and
 * exactly the ones the recorded accuracy counted.
 */
import { describe, expect, it } from 'vitest';
import { localGradients, tf } from '../../src/node.ts';
import { objectiveOf } from '../../src/training/objective.ts';
import { expectTestAccOfPredictions } from '../fixtures/predictions.ts';
import { useShardWorkers } from '../fixtures/sharded.ts';

const make = () =>
  tf.sequential({
    layers: [
      tf.layers.dense({ units: 6, inputShape: [4], activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
const n = 37;
const data = (k: number, seed: number) => ({
  x: tf.randomUniform([k, 4], -1, 1, 'float32', seed),
  y: tf
    .oneHot(
      tf.tensor1d(
        Array.from({ length: k }, (_, i) => (i * 5 + seed) % 3),
        'int32',
      ),
      3,
    )
    .toFloat(),
});

describe('sharded evaluation: the predictions', () => {
  const workers = useShardWorkers(make, 1);

  it('are the one-thread evaluation’s, every shard’s rows in order, and their accuracy is the recorded testAcc', async () => {
    const m = make();
    const v = data(n, 7);
    const t = data(32, 3);
    const objective = objectiveOf(m, 'categoricalCrossentropy', ['accuracy']);
    const one = await localGradients.evaluate(m, { xs: [v.x], ys: [v.y] }, objective, true);
    const split = await workers().evaluate(m, { xs: [v.x], ys: [v.y] }, objective, true);
    expect(split.predictions?.map((p) => p.length)).toEqual([n * 3]);
    split.predictions![0]!.forEach((p, i) => expect(Math.abs(p - one.predictions![0]![i]!), `value ${i}`).toBeLessThan(1e-6));
    expect((await workers().evaluate(m, { xs: [v.x], ys: [v.y] }, objective)).predictions).toBeUndefined();

    await expectTestAccOfPredictions(m, { x: t.x, y: t.y }, v, { epochs: 2, batchSize: 16, loss: 'categoricalCrossentropy', gradients: workers() });
    tf.dispose([v.x, v.y, t.x, t.y]);
    m.dispose();
  }, 60_000);
});
