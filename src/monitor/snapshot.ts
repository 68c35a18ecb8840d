/**
 * The weights' state of any model, as recorded after each epoch (and at epoch 0):
 *
 *   every layer with weights ─► each weight tensor: kind (kernel / bias / other), histogram, sparsity
 *                            ─► the layer: all its weights together, its penalty term
 *                            ─► its kernel's output-channel norms
 *   all weights flattened together ─► one histogram (100 bins over [−1, 1], a density) and sparsity
 *   each weight tensor ─► fine histograms (1000 linear bins, 240 log10|w| bins; see fine.ts) for re-binning
 *   each weight tensor, layer and all weights ─► percentiles (min, 7 … 93 %, max; see percentiles.ts)
 *
 * "All weights" are every weight tensor of every layer (kernels, biases, and others such as a
 * batch normalisation's), downloaded once each.
 */
import { tf } from '../tf.ts';
import type { ChannelNorms, LayerStats, WeightKind, WeightsSnapshot } from '../record/schema.ts';
import { channelNorms, kernelOf, normsOfValues } from './norms.ts';
import { fineHistogram, logAbsHistogram } from './fine.ts';
import { mergeSorted, percentilesOfSorted, sortedValues } from './percentiles.ts';
import { histogram, sparsity } from './stats.ts';

/** `kernel` for names ending in kernel (`conv2d_1/kernel`, `…/depthwise_kernel`), `bias`, else `other`. */
export function weightKind(name: string): WeightKind {
  const last = name.split('/').at(-1) ?? name;
  return /kernel(_\d+)?$/.test(last) ? 'kernel' : /bias(_\d+)?$/.test(last) ? 'bias' : 'other';
}

/** What the snapshot says about the model's evaluation: mean loss and accuracy, null when not measured. */
export interface Scores {
  readonly loss: number | null;
  readonly acc: number | null;
}

/**
 * The snapshot of `model` after `epoch`. `projected`: per kernel name, the share of channels a
 * constraint changed during the epoch (from the steps' measurements).
 */
export function snapshotWeights(model: tf.LayersModel, epoch: number, scores: Scores, projected?: Readonly<Record<string, number>>): WeightsSnapshot {
  const all: Float32Array[] = [];
  const layers: LayerStats[] = [];
  const norms: ChannelNorms[] = [];
  const sortedLayers: Float32Array[] = [];
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
    const sorted = values.map((v) => sortedValues([v]));
    const sortedLayer = mergeSorted(sorted);
    sortedLayers.push(sortedLayer);
    layers.push({
      name: layer.name,
      count: values.reduce((s, v) => s + v.length, 0),
      histogram: histogram(values),
      sparsity: sparsity(values),
      penalty,
      weights: layer.weights.map((w, i) => {
        const v = values[i] as Float32Array;
        return {
          name: w.originalName,
          kind: weightKind(w.originalName),
          shape: [...w.shape] as number[],
          histogram: histogram([v]),
          sparsity: sparsity([v]),
          fine: fineHistogram([v]),
          logAbs: logAbsHistogram([v]),
          percentiles: percentilesOfSorted(sorted[i] as Float32Array),
        };
      }),
      percentiles: percentilesOfSorted(sortedLayer),
    });
  }
  const percentiles = percentilesOfSorted(mergeSorted(sortedLayers));
  return { epoch, testLoss: scores.loss, testAcc: scores.acc, histogram: histogram(all), sparsity: sparsity(all), percentiles, layers, norms };
}
