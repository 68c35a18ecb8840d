/**
 * Real run records with fine histograms, log10|w| histograms and percentiles, made by `fit` on a
 * small dense model (cpu backend, a second or so): one run per penalty, same data and seed. L1
 * with a large strength and plain SGD drives weights toward 0 within a few epochs. Each run measures
 * its prune curve after the last epoch (or after the epochs `pruneEpochs` names).
 */
import { fit, penalty, type RunRecord, tf } from '../../../src/index.ts';

function data(n: number) {
  let s = 7;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const x = Array.from({ length: n * 6 }, rand);
  const labels = Array.from({ length: n }, (_, i) => (x[6 * i]! + x[6 * i + 1]! > 0 ? 1 : 0) + (x[6 * i + 2]! > 0.3 ? 1 : 0));
  return { x: tf.tensor2d(x, [n, 6]), y: tf.tensor1d(labels, 'float32') };
}

/** One run per penalty spec (e.g. `none`, `l1:1e-2`), `epochs` epochs of 128 samples. */
export async function fineRuns(specs: readonly string[], epochs = 3, pruneEpochs: readonly number[] | 'last' | 'all' = 'last'): Promise<RunRecord[]> {
  const { x, y } = data(128);
  const runs: RunRecord[] = [];
  for (const spec of specs) {
    const reg = spec === 'none' ? undefined : penalty(spec);
    const model = tf.sequential({
      name: 'tiny',
      layers: [
        tf.layers.dense({
          name: 'hidden',
          units: 16,
          inputShape: [6],
          activation: 'relu',
          kernelInitializer: tf.initializers.randomNormal({ stddev: 0.3, seed: 1 }),
          ...(reg ? { kernelRegularizer: reg } : {}),
        }),
        tf.layers.dense({
          name: 'out',
          units: 3,
          activation: 'softmax',
          kernelInitializer: tf.initializers.randomNormal({ stddev: 0.3, seed: 2 }),
          ...(reg ? { kernelRegularizer: penalty(spec) } : {}),
        }),
      ],
    });
    runs.push(
      await fit(
        model,
        { x, y },
        {
          epochs,
          batchSize: 32,
          optimizer: 'sgd:lr=0.1',
          loss: 'sparseCategoricalCrossentropy',
          validationData: { x, y },
          prune: { epochs: pruneEpochs },
          name: spec.replace(/[:=,]/g, '_'),
        },
      ),
    );
    model.dispose();
  }
  tf.dispose([x, y]);
  return runs;
}
