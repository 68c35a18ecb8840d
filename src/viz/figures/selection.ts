/**
 * What the histogram figures say about their weights and binning, and which epoch they default to:
 * `all weights`, `kernels`, `dense_1 (kernel and bias)`, `dense_1/kernel`; `100 bins over [−1, 1]`.
 */
import { type RunRecord, snapshots } from '../../formats/index.ts';
import { type BinningOptions, REFERENCE_BINNING } from './binning.ts';
import { lastEpoch } from './data.ts';
import { maxOf } from './extent.ts';
import { edge } from './format.ts';

/** The selection in words. */
export function selectionText(layer = 'all'): string {
  if (layer === 'all') return 'all weights';
  if (layer === 'kernels' || layer === 'biases') return `all ${layer}`;
  return layer.includes('/') ? layer : `${layer} (all its weights)`;
}

/** `100 bins over [−1, 1]`. */
export function binningText(options: BinningOptions): string {
  const [lo, hi] = options.range ?? REFERENCE_BINNING.range;
  return `${options.bins ?? REFERENCE_BINNING.bins} bins over [${edge(lo)}, ${edge(hi)}]`;
}

/** The epoch a figure of several runs shows by default: the last epoch of the longest run. */
export function defaultEpoch(runs: readonly RunRecord[]): number {
  return maxOf(runs.map(lastEpoch), 0);
}

/** The largest epoch any run reached, and every epoch 0..that. */
export function allEpochs(runs: readonly RunRecord[]): number[] {
  return Array.from({ length: defaultEpoch(runs) + 1 }, (_, e) => e);
}

/** Every epoch some run has a snapshot of (0: the untrained model), ascending. */
export function recordedEpochs(runs: readonly RunRecord[]): number[] {
  return [...new Set(runs.flatMap((r) => snapshots(r).map((s) => s.epoch)))].sort((a, b) => a - b);
}
