/**
 * What a batch is scored by, as TF.js's `compile` does: one loss per output of the model (the data
 * loss is their sum) and metrics per output, logged under TF.js's names:
 *
 *   loss: one spec for every output, a list (one per output), or { outputName: spec }
 *   metrics: a list for every output, or { outputName: list }; default `['accuracy']` for an output
 *            whose loss is a classification one (TF.js's `acc`), none for others
 *   names: `acc` (`accuracy`), `ce` (`crossentropy`), a name of `tf.metrics` (`mse`, `mae`,
 *          `precision`, …), or a function's name; `<output>_<name>` when the model has several outputs
 *
 * A metric is evaluated on the output's probabilities (the softmax of the logits the loss reads,
 * see forward.ts), averaged per sample over the epoch, as TF.js weights its batches.
 */

import { UsageError } from '../errors.ts';
import { outputNamesOf } from '../model/index.ts';
import { type Tensor, tf } from '../tf.ts';
import { type Loss, type LossSpec, lossOf } from './losses.ts';
import { nearest } from './option-keys.ts';

/** A metric function: per-sample values (or one value for the batch) of yPred against yTrue. */
export type MetricFn = (yTrue: Tensor, yPred: Tensor) => Tensor;
/** A metric as `fit` takes it: a name (`accuracy`, `acc`, `mse`, a name of `tf.metrics`, …) or a function. */
export type MetricSpec = string | MetricFn;

/** Losses: one for all outputs, one per output (in order), or by output name. */
export type LossOption = LossSpec | readonly LossSpec[] | Readonly<Record<string, LossSpec>>;
/** Metrics: one list for all outputs, or a list by output name. */
export type MetricsOption = readonly MetricSpec[] | Readonly<Record<string, readonly MetricSpec[]>>;

/** One metric of one output, resolved: the name it is logged under and its function. */
export interface Metric {
  /** The name TF.js logs it under: `acc`, `mse`, `out_a_acc`. */
  readonly name: string;
  /** The output it scores. */
  readonly output: number;
  /** Per-sample values (or the batch's one value) on the output's probabilities. */
  readonly fn: MetricFn;
  /** The spec as given, when it is a name (so worker threads can rebuild it). */
  readonly spec?: string;
}

/** What a batch is scored by (`objectiveOf`): one loss per output (the data loss is their sum) and the metrics. */
export interface Objective {
  /** One loss per output of the model. */
  readonly losses: readonly Loss[];
  /** Every output's metrics, in the order logged. */
  readonly metrics: readonly Metric[];
  /** The output names (for messages and TF.js's log names). */
  readonly outputs: readonly string[];
}

/** The metric names TF.js's `compile` takes besides `accuracy` and `crossentropy`. */
const TFJS_METRICS: Readonly<Record<string, MetricFn>> = {
  binaryAccuracy: tf.metrics.binaryAccuracy,
  categoricalAccuracy: tf.metrics.categoricalAccuracy,
  sparseCategoricalAccuracy: tf.metrics.sparseCategoricalAccuracy,
  precision: tf.metrics.precision,
  recall: tf.metrics.recall,
  categoricalCrossentropy: tf.metrics.categoricalCrossentropy,
  binaryCrossentropy: tf.metrics.binaryCrossentropy,
  mse: tf.metrics.MSE,
  MSE: tf.metrics.MSE,
  meanSquaredError: tf.metrics.MSE,
  mae: tf.metrics.meanAbsoluteError,
  MAE: tf.metrics.meanAbsoluteError,
  meanAbsoluteError: tf.metrics.meanAbsoluteError,
  mape: tf.metrics.MAPE,
  MAPE: tf.metrics.MAPE,
  meanAbsolutePercentageError: tf.metrics.MAPE,
  cosine: tf.metrics.cosineProximity,
  cosineProximity: tf.metrics.cosineProximity,
};

/** Class indices of sparse labels, [n]. */
const indices = (y: Tensor) => tf.cast(tf.reshape(y, [-1]), 'int32');

/** TF.js's `accuracy` for an output: binary (one unit), sparse (sparse labels) or categorical. */
function accuracyFor(loss: Loss, units: number | null): MetricFn {
  if (units === 1) return tf.metrics.binaryAccuracy;
  if (loss.name === 'sparseCategoricalCrossentropy') return (y, p) => tf.cast(tf.equal(indices(y), tf.argMax(p, -1)), 'float32');
  return tf.metrics.categoricalAccuracy;
}

function crossentropyFor(loss: Loss, units: number | null): MetricFn {
  if (units === 1) return tf.metrics.binaryCrossentropy;
  if (loss.name === 'sparseCategoricalCrossentropy') return (y, p) => tf.metrics.categoricalCrossentropy(tf.oneHot(indices(y), p.shape[p.rank - 1] ?? 1), p);
  return tf.metrics.categoricalCrossentropy;
}

/** One metric of output `output` (`prefix` is `<output>_` for a model of several outputs). */
function metricOf(spec: MetricSpec, output: number, loss: Loss, units: number | null, prefix: string): Metric {
  if (typeof spec === 'function') return { name: `${prefix}${spec.name || 'metric'}`, output, fn: spec };
  if (spec === 'accuracy' || spec === 'acc') return { name: `${prefix}acc`, output, fn: accuracyFor(loss, units), spec };
  if (spec === 'crossentropy' || spec === 'ce') return { name: `${prefix}ce`, output, fn: crossentropyFor(loss, units), spec };
  const fn = TFJS_METRICS[spec];
  if (!fn) {
    const known = ['accuracy', 'crossentropy', ...Object.keys(TFJS_METRICS)];
    throw new UsageError(`unknown metric '${spec}'${nearest(spec, known)}; expected one of ${known.join(', ')}, or a function (yTrue, yPred) => tensor`);
  }
  return { name: `${prefix}${spec}`, output, fn, spec };
}

/** `value` as given per output: one for all, a list of one per output, or by output name. */
function perOutput<T>(
  value: T | readonly T[] | Readonly<Record<string, T>>,
  outputs: readonly string[],
  isOne: (v: unknown) => v is T,
  what: string,
  example: string,
): T[] {
  if (isOne(value)) return outputs.map(() => value);
  if (Array.isArray(value)) {
    if (value.length !== outputs.length)
      throw new UsageError(
        `${what}: ${value.length} given for a model of ${outputs.length} output(s) (${outputs.join(', ')}); give one for each, in order, or ${example}`,
      );
    return value as T[];
  }
  const map = value as Readonly<Record<string, T>>;
  for (const k of Object.keys(map))
    if (!outputs.includes(k)) throw new UsageError(`${what}: the model has no output '${k}'${nearest(k, outputs)}; its outputs are ${outputs.join(', ')}`);
  return outputs.map((o) => {
    if (!(o in map)) throw new UsageError(`${what}: none given for output '${o}'; give one for each of ${outputs.join(', ')}`);
    return map[o] as T;
  });
}

const isLossSpec = (v: unknown): v is LossSpec => typeof v === 'string' || typeof v === 'function';

/**
 * The objective of `model` for `fit`'s `loss` and `metrics` options (see the file's comment); a
 * UsageError naming what is wrong.
 *
 * @example
 * objectiveOf(model, 'sparseCategoricalCrossentropy').metrics.map((m) => m.name)   // ['acc']
 */
export function objectiveOf(model: tf.LayersModel, loss: LossOption = 'categoricalCrossentropy', metrics?: MetricsOption): Objective {
  const outputs = outputNamesOf(model);
  const example = `{ ${outputs.map((o) => `${o}: …`).join(', ')} }`;
  const losses = perOutput(loss, outputs, isLossSpec, 'loss', example).map((l) => lossOf(l));
  const isList = (v: unknown): v is readonly MetricSpec[] => Array.isArray(v);
  const lists = metrics === undefined ? losses.map((l) => (l.correct ? ['accuracy'] : [])) : perOutput(metrics, outputs, isList, 'metrics', example);
  const prefix = (i: number) => (outputs.length > 1 ? `${outputs[i]}_` : '');
  const units = (i: number) => model.outputs[i]?.shape.at(-1) ?? null;
  return {
    losses,
    outputs,
    metrics: lists.flatMap((list, i) => list.map((m) => metricOf(m, i, losses[i] as Loss, units(i), prefix(i)))),
  };
}

/** The objective's names, when every loss and metric is named (so a worker thread can rebuild it); else undefined. */
export function namedObjective(o: Objective): { losses: string[]; metrics: Array<{ spec: string; output: number }> } | undefined {
  if (o.losses.some((l) => l.name === 'custom') || o.metrics.some((m) => m.spec === undefined)) return undefined;
  return { losses: o.losses.map((l) => l.name), metrics: o.metrics.map((m) => ({ spec: m.spec as string, output: m.output })) };
}
