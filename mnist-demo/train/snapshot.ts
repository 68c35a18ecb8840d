/** The weights' state of a model as recorded after each epoch: all weights together, and per layer. */
import { tf } from '../../src/index.ts';
import type { ChannelNorms, LayerStats, WeightsSnapshot } from '../run-record.ts';
import { channelNorms, kernelOf, normsOfValues } from './norms.ts';
import { histogram, sparsity } from './stats.ts';

/** `projected`: per kernel name, the share of channels a constraint changed during the epoch. */
export function snapshotWeights(model: tf.LayersModel, epoch: number, test: { loss: number; acc: number }, projected?: Readonly<Record<string, number>>): WeightsSnapshot {
  const all: Float32Array[] = [];
  const layers: LayerStats[] = [];
  const norms: ChannelNorms[] = [];
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const values = layer.weights.map((w) => w.read().dataSync() as Float32Array);
    all.push(...values);
    const kernel = kernelOf(layer);
    if (kernel) {
      const channels = kernel.shape[kernel.shape.length - 1] ?? 1;
      norms.push(channelNorms(layer.name, normsOfValues(values[layer.weights.indexOf(kernel)] as Float32Array, channels), projected?.[kernel.originalName]));
    }
    const terms = layer.calculateLosses();
    const penalty = terms.reduce((s, t) => s + (t.dataSync()[0] ?? 0), 0);
    tf.dispose(terms);
    layers.push({
      name: layer.name,
      count: values.reduce((s, v) => s + v.length, 0),
      histogram: histogram(values),
      sparsity: sparsity(values),
      penalty,
    });
  }
  return { epoch, testLoss: test.loss, testAcc: test.acc, histogram: histogram(all), sparsity: sparsity(all), layers, norms };
}
