/**
 * The weights' state of any model, as recorded after each epoch (and at epoch 0):
 *
 *   inventory (every weight, wherever TF.js keeps it; nested models' layers by their path)
 *   each weight tensor ─► kind (kernel / bias / other), trainable or not, histogram, sparsity,
 *                         fine histograms (1000 linear bins, 240 log10|w| bins; see fine.ts),
 *                         percentiles (min, 7 … 93 %, max; see percentiles.ts), its λ·penalty
 *   each layer ─► its trainable weights together (and apart, its non-trainable ones), its penalty
 *              ─► its kernel's output-channel norms (whichever axis holds them: norms.ts)
 *   all trainable weights flattened together ─► one histogram (100 bins over [−1, 1], a density),
 *   sparsity, percentiles; the non-trainable ones the same, apart; Σ penalties = penaltyLoss
 *
 * Every weight is downloaded once and read in one pass (tally.ts: histograms, sparsity, fine histograms,
 * the counts its percentiles are selected by), the layers' and all weights' numbers added up from the
 * weights' tallies; no value is sorted. The penalties are summed in float64 (penalty-sums.ts). A NaN or
 * infinite weight cannot be measured: it stops the snapshot, naming the weight (checkMeasurable).
 */

import { NonFiniteWeightsError } from '../errors.ts';
import {
  type ChannelNorms,
  type LayerStats,
  type Metrics,
  type NonTrainableStats,
  type WeightStats,
  type WeightsSnapshot,
  weightKind,
} from '../formats/index.ts';
import { checkReadBack } from '../kernels/index.ts';
import { inventory, type WeightEntry, weightKeys } from '../model/index.ts';
import type { tf } from '../tf.ts';
import { channelLayout, channelNorms, normsOfValues } from './norms.ts';
import { penaltySums } from './penalty-sums.ts';
import { addTallies, fineOfTally, histogramOfTally, percentilesOfTally, sparsityOfTally, type Tally, tallyValues } from './tally.ts';

/** A weight's kind by its name: formats' `weightKind`, the one rule of what a kernel is. */
export { weightKind };

/** What the snapshot says about the model's evaluation: mean loss and accuracy, null when not measured, and the metrics. */
export interface Scores {
  readonly loss: number | null;
  readonly acc: number | null;
  readonly metrics?: Metrics;
}

/**
 * Throws a NonFiniteWeightsError (a DataError) naming the weight when some of its values are NaN
 * or ±∞ (a diverged model; TF.js's own `fit` trains on through them): a NaN has no bin, no
 * magnitude and no order, so the histograms, sparsity and percentiles would silently leave it out,
 * and an infinite weight's norm and percentiles are numbers JSON cannot hold (they would be
 * written as null, "not measured").
 *
 * @example
 * checkMeasurable('dense/kernel', new Float32Array([1, NaN]))   // throws: 1 of its 2 values are NaN or infinite
 */
export function checkMeasurable(name: string, values: ArrayLike<number>): void {
  let bad = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) bad++;
  throwIfNonFinite(name, bad, values.length);
}

/** checkMeasurable's error, for `bad` NaN or infinite values of `count`. */
function throwIfNonFinite(name: string, bad: number, count: number): void {
  if (bad > 0)
    throw new NonFiniteWeightsError(
      name,
      `weight ${name}: ${bad} of its ${count} values are NaN or infinite (the model has diverged), so its histogram, sparsity and norms cannot be measured; lower the learning rate or the penalty`,
    );
}

/** A weight's values and their tally (tally.ts). */
interface Measured {
  readonly values: Float32Array;
  readonly tally: Tally;
}

interface Part extends Measured {
  readonly stats: WeightStats;
}

/** A layer's weights (those of `parts`) together, with their values and tallies kept for the totals. */
interface Group {
  readonly stats: LayerStats;
  readonly tally: Tally;
  readonly values: readonly Float32Array[];
  readonly tallies: readonly Tally[];
}

function group(name: string, parts: readonly Part[]): Group {
  const values = parts.map((p) => p.values);
  const tallies = parts.map((p) => p.tally);
  const tally = addTallies(tallies);
  const stats: LayerStats = {
    name,
    count: tally.count,
    histogram: histogramOfTally(tally),
    sparsity: sparsityOfTally(tally),
    penalty: parts.reduce((s, p) => s + (p.stats.penalty ?? 0), 0),
    weights: parts.map((p) => p.stats),
    percentiles: percentilesOfTally(values, tallies),
  };
  return { stats, tally, values, tallies };
}

/** Several layers' weights flattened together. */
function together(groups: readonly Group[]) {
  const tally = addTallies(groups.map((g) => g.tally));
  return {
    histogram: histogramOfTally(tally),
    sparsity: sparsityOfTally(tally),
    percentiles: percentilesOfTally(
      groups.flatMap((g) => g.values),
      groups.flatMap((g) => g.tallies),
    ),
  };
}

/** What the weights look like in a snapshot: its fields measured from the weights. */
export type WeightStatistics = Omit<WeightsSnapshot, 'epoch' | 'testLoss' | 'testAcc' | 'testMetrics' | 'monitors'>;

/**
 * The snapshot of `model` after `epoch`, with its evaluation's `scores`. `projected`: per kernel
 * key (`weightKeys`), the share of channels a constraint changed during the epoch (from the steps' measurements).
 */
export function snapshotWeights(model: tf.LayersModel, epoch: number, scores: Scores, projected?: Readonly<Record<string, number>>): WeightsSnapshot {
  return {
    epoch,
    testLoss: scores.loss,
    testAcc: scores.acc,
    ...(scores.metrics ? { testMetrics: scores.metrics } : {}),
    ...weightStatistics(model, projected),
  };
}

/**
 * What the weights of `model` look like now (the statistics of `snapshotWeights`); read with
 * `dataSync`, so a backend whose synchronous read-back is wrong is refused first (ReadBackError).
 */
export function weightStatistics(model: tf.LayersModel, projected?: Readonly<Record<string, number>>): WeightStatistics {
  checkReadBack();
  const inv = inventory(model);
  const keys = weightKeys(model);
  const downloaded = new Map<tf.LayerVariable, Measured>();
  const measured = (w: WeightEntry): Measured => {
    let m = downloaded.get(w.variable);
    if (!m) {
      const values = w.variable.read().dataSync() as Float32Array;
      const tally = tallyValues(values);
      throwIfNonFinite(w.name, tally.nonFinite, tally.count);
      m = { values, tally };
      downloaded.set(w.variable, m);
    }
    return m;
  };
  const penalties = penaltySums(inv.weights, (w) => measured(w).values);
  const trained: Group[] = [];
  const fixed: Group[] = [];
  const norms: ChannelNorms[] = [];
  for (const entry of inv.layers) {
    const parts = entry.weights.map((w): Part => {
      const { values, tally } = measured(w);
      const penalty = penalties.get(w);
      const stats: WeightStats = {
        name: w.name,
        kind: weightKind(w.name),
        shape: [...w.variable.shape] as number[],
        trainable: w.trainable,
        ...(penalty === undefined ? {} : { penalty }),
        histogram: histogramOfTally(tally),
        sparsity: sparsityOfTally(tally),
        fine: fineOfTally(tally, 'linear'),
        logAbs: fineOfTally(tally, 'log10abs'),
        percentiles: percentilesOfTally([values], [tally]),
      };
      return { values, tally, stats };
    });
    const layout = channelLayout(entry.layer);
    const k = layout ? entry.weights.findIndex((w) => w.variable === layout.kernel) : -1;
    if (layout && k >= 0) {
      const values = (parts[k] as Part).values;
      norms.push(
        channelNorms(entry.name, normsOfValues(values, layout.channels, layout.inner), projected?.[keys.get(layout.kernel) ?? layout.kernel.originalName]),
      );
    }
    const mine = parts.filter((p) => p.stats.trainable);
    const theirs = parts.filter((p) => !p.stats.trainable);
    if (mine.length) trained.push(group(entry.name, mine));
    if (theirs.length) fixed.push(group(entry.name, theirs));
  }
  const nonTrainable: NonTrainableStats | undefined = fixed.length
    ? { count: fixed.reduce((s, g) => s + g.stats.count, 0), ...together(fixed), layers: fixed.map((g) => g.stats) }
    : undefined;
  return {
    ...together(trained),
    layers: trained.map((g) => g.stats),
    ...(nonTrainable ? { nonTrainable } : {}),
    norms,
    penaltyLoss: [...penalties.values()].reduce((s, v) => s + v, 0),
  };
}
