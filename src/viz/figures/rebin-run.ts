/**
 * A run record with every histogram re-binned (all weights, each layer, each weight tensor) from
 * its fine histograms, so every figure and the report draw at the bins and range asked for —
 * `{ bins: 30, range: [-0.5, 0.5] }` — without retraining. Records without fine histograms
 * re-bin their 100-bin histograms (in proportion; exact only on their edges).
 */
import type { Histogram, LayerStats, RunRecord, WeightsSnapshot } from '../../formats/index.ts';
import { type BinningOptions, binnedHistogram, REFERENCE_BINNING } from './binning.ts';
import { NON_TRAINABLE } from './data.ts';

/**
 * `run` with its histograms re-binned at `binning` (see the file's comment); `run` is not changed.
 *
 * @example
 * histogramGridSpec(rebinRun(record, { bins: 30, range: [-0.5, 0.5] }))
 */
export function rebinRun(run: RunRecord, binning: Pick<BinningOptions, 'bins' | 'range'>): RunRecord {
  const o = { bins: binning.bins ?? REFERENCE_BINNING.bins, range: binning.range ?? REFERENCE_BINNING.range };
  const h = (s: WeightsSnapshot, layer: string, old: Histogram): Histogram => binnedHistogram(s, { ...o, layer }) ?? old;
  const layer = (s: WeightsSnapshot, l: LayerStats): LayerStats => ({
    ...l,
    histogram: h(s, l.name, l.histogram),
    ...(l.weights ? { weights: l.weights.map((w) => ({ ...w, histogram: h(s, w.name, w.histogram) })) } : {}),
  });
  const fixed = (s: WeightsSnapshot, l: LayerStats): LayerStats => ({ ...layer(s, { ...l, name: `${l.name}${NON_TRAINABLE}` }), name: l.name });
  const snap = <S extends WeightsSnapshot>(s: S): S => ({
    ...s,
    histogram: h(s, 'all', s.histogram),
    layers: s.layers.map((l) => layer(s, l)),
    ...(s.nonTrainable ? { nonTrainable: { ...s.nonTrainable, layers: s.nonTrainable.layers.map((l) => fixed(s, l)) } } : {}),
  });
  return { ...run, initial: snap(run.initial), epochs: run.epochs.map(snap) };
}
