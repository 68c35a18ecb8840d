/**
 * The prune curve of a model: test accuracy when the k % smallest |w| of its kernels are set to 0,
 * over all kernels together (global) and in each kernel apart (per layer), with the size of the
 * weights stored sparse at each level:
 *
 *   kernels downloaded once ─► for each level and scope: pruned copies (monitor/prune.ts)
 *     ─► assigned to the variables ─► evaluate (the gradient strategy's threads) ─► sizes (monitor/sparse.ts)
 *   ─► finally every kernel assigned its original values again (bit for bit)
 *
 * Prunable weights are the trainable kernels (weights named `…kernel`, and an Embedding's
 * `…embeddings`); biases and other weights stay, and are counted dense in the sizes.
 *
 * @example
 * const curve = await pruneCurve(model, { x: xTest, y: yTest }, { loss: 'sparseCategoricalCrossentropy' });
 * curve.global.find((p) => p.level === 90)?.testAcc;   // accuracy with 90 % of the kernel weights at 0
 */

import { PruneCurveError, UsageError } from '../errors.ts';
import {
  type Accuracy,
  accuraciesOf,
  outputAccuracies,
  type PruneCurve,
  type PrunePoint,
  pointsLackOutputAccuracies,
  type RunRecord,
} from '../formats/index.ts';
import { checkReadBack } from '../kernels/index.ts';
import { uniqueWeights } from '../model/index.ts';
import { type NamedWeights, PRUNE_LEVELS, pruneSmallest, sizeOf, sortedMagnitudes, weightKind, zeroShare } from '../monitor/index.ts';
import { tf } from '../tf.ts';
import { evaluate } from './evaluate.ts';
import type { TensorData } from './fit-data.ts';
import type { GradientStrategy } from './gradients.ts';
import type { LossOption, Objective } from './objective.ts';

/** `pruneCurve`'s options: how to score (loss or objective), whose threads evaluate, the levels, progress. */
export interface PruneCurveOptions {
  /** The data loss; default categorical cross-entropy. */
  readonly loss?: LossOption;
  /** The loss and metrics as `objectiveOf` made them (instead of `loss`). */
  readonly objective?: Objective;
  /** Whose threads evaluate (default this thread). */
  readonly gradients?: GradientStrategy;
  /** Percent levels, each in [0, 100); default PRUNE_LEVELS. */
  readonly levels?: readonly number[];
  /** Called after each measured point: `done` of `total` evaluations of the data. */
  readonly onProgress?: (done: number, total: number) => void | Promise<void>;
}

/** The levels, checked: finite, 0 ≤ k < 100, ascending without repeats. */
export function checkLevels(levels: readonly number[]): number[] {
  for (const k of levels)
    if (!Number.isFinite(k) || k < 0 || k >= 100) throw new UsageError(`prune level ${k} is not allowed; expected a percent ≥ 0 and < 100`);
  return [...new Set(levels)].sort((a, b) => a - b);
}

/** The model's prunable weights: its trainable kernels, each once (a tied one too). */
export function prunableWeights(model: tf.LayersModel): tf.LayerVariable[] {
  return uniqueWeights(model, true).filter((lv) => weightKind(lv.originalName) === 'kernel');
}

function assign(vars: readonly tf.LayerVariable[], values: readonly Float32Array[]): void {
  tf.tidy(() => vars.forEach((lv, i) => (lv.read() as tf.Variable).assign(tf.tensor(values[i] as Float32Array, lv.shape as number[]))));
}

/**
 * Measure the prune curve of `model` on `data` (see the file's comment); the weights are as before
 * afterwards. On a backend whose synchronous read-back is wrong: ReadBackError, nothing measured.
 */
export async function pruneCurve(model: tf.LayersModel, data: TensorData, options: PruneCurveOptions = {}): Promise<PruneCurve> {
  checkReadBack();
  const t0 = performance.now();
  const levels = checkLevels(options.levels ?? PRUNE_LEVELS);
  const vars = prunableWeights(model);
  if (vars.length === 0) throw new UsageError(`model ${model.name} has no trainable kernel to prune`);
  const prunable = new Set(vars.map((lv) => lv.originalName));
  const originals = vars.map((lv) => (lv.read().dataSync() as Float32Array).slice());
  const others: NamedWeights[] = uniqueWeights(model)
    .filter((lv) => !prunable.has(lv.originalName))
    .map((lv) => ({ name: lv.originalName, shape: lv.shape as number[], values: lv.read().dataSync() as Float32Array }));
  const n = originals.reduce((s, v) => s + v.length, 0);
  const evalOptions = {
    ...(options.loss ? { loss: options.loss } : {}),
    ...(options.objective ? { objective: options.objective } : {}),
    ...(options.gradients ? { gradients: options.gradients } : {}),
  };

  // Level 0 is measured once for both scopes.
  const total = 2 * levels.length - (levels.includes(0) ? 1 : 0);
  let done = 0;
  const measure = async (level: number, pruned: Float32Array[]): Promise<PrunePoint> => {
    assign(vars, pruned);
    const { loss, acc, metrics } = await evaluate(model, data, evalOptions);
    await options.onProgress?.(++done, total);
    const kernels = vars.map((lv, i) => ({ name: lv.originalName, shape: lv.shape as number[], values: pruned[i] as Float32Array }));
    const shares = pruned.map(zeroShare);
    const zeros = pruned.reduce((s, v, i) => s + (shares[i] as number) * v.length, 0);
    return {
      level,
      testLoss: Number.isFinite(loss) ? loss : null,
      testAcc: acc,
      // A model of several outputs has no single accuracy: each output's is in its metrics, as a snapshot's.
      ...(outputAccuracies(metrics).length ? { testMetrics: metrics } : {}),
      zeros: zeros / n,
      layers: kernels.map((k, i) => ({ name: k.name, zeros: shares[i] as number })),
      size: sizeOf([...kernels, ...others], (name) => prunable.has(name)),
    };
  };

  try {
    const sortedAll = sortedMagnitudes(originals);
    const sortedEach = originals.map((v) => sortedMagnitudes([v]));
    const global: PrunePoint[] = [];
    const perLayer: PrunePoint[] = [];
    for (const level of levels) global.push(await measure(level, pruneSmallest(originals, level, sortedAll)));
    for (const level of levels) {
      // Level 0 prunes nothing in either scope: the same model, measured once.
      perLayer.push(
        level === 0
          ? (global[0] as PrunePoint)
          : await measure(
              level,
              originals.map((v, i) => pruneSmallest([v], level, sortedEach[i])[0] as Float32Array),
            ),
      );
    }
    return { weights: n, global, perLayer, seconds: (performance.now() - t0) / 1000 };
  } finally {
    assign(vars, originals);
  }
}

/** When `fit` measures the prune curve: after the last epoch (`true`), or the epochs and levels given. */
export interface PruneOptions {
  /** Epochs after which to measure: numbers, `last` (default) or `all`. */
  readonly epochs?: readonly number[] | 'last' | 'all';
  /** Percent levels; default PRUNE_LEVELS. */
  readonly levels?: readonly number[];
}

/** What `fit`'s options say about pruning, checked before training: a UsageError without validation data or with bad levels. */
export function checkPruneOptions(prune: boolean | PruneOptions | undefined, hasValidation: boolean, epochs?: number): void {
  if (prune === undefined || prune === false) return;
  if (!hasValidation) throw new UsageError('the prune curve needs validation data (validationData) to measure accuracy on');
  if (typeof prune === 'object') {
    checkLevels(prune.levels ?? PRUNE_LEVELS);
    if (Array.isArray(prune.epochs)) {
      for (const e of prune.epochs) {
        if (!Number.isInteger(e) || e < 1) throw new UsageError(`prune epoch ${e} is not allowed; expected a whole number ≥ 1`);
        if (epochs !== undefined && e > epochs)
          throw new UsageError(`prune epoch ${e} is after the run's last epoch (${epochs}); give epochs from 1 to ${epochs}`);
      }
    }
  }
}

/** True when `prune` asks for the curve after `epoch` of a run of `last` epochs. */
export function prunesAfter(prune: boolean | PruneOptions | undefined, epoch: number, last: number): boolean {
  if (prune === undefined || prune === false) return false;
  const epochs = prune === true ? 'last' : (prune.epochs ?? 'last');
  return epochs === 'all' || (epochs === 'last' ? epoch === last : epochs.includes(epoch));
}

/** The prune curve `fit` records after `epoch`, or undefined when not asked for then. */
export async function pruneAfter(
  model: tf.LayersModel,
  epoch: number,
  last: number,
  options: { prune?: boolean | PruneOptions; validationData?: TensorData; objective?: Objective },
  gradients: GradientStrategy,
  onProgress?: PruneCurveOptions['onProgress'],
): Promise<PruneCurve | undefined> {
  if (!prunesAfter(options.prune, epoch, last) || !options.validationData) return undefined;
  const levels = typeof options.prune === 'object' ? options.prune.levels : undefined;
  return pruneCurve(model, options.validationData, {
    gradients,
    ...(options.objective ? { objective: options.objective } : {}),
    ...(levels ? { levels } : {}),
    ...(onProgress ? { onProgress } : {}),
  });
}

/** Which prune: the k % smallest of all kernels together, or of each kernel apart. */
export type PruneScope = 'global' | 'layer';

/**
 * Set the `level` % smallest |w| of the model's trainable kernels to 0, in place (what a point of
 * the prune curve measured); returns the names of the weights pruned.
 *
 * @example
 * pruneWeights(model, 90);   // 90 % of all kernel weights are 0 now
 */
export function pruneWeights(model: tf.LayersModel, level: number, scope: PruneScope = 'global'): string[] {
  checkLevels([level]);
  const vars = prunableWeights(model);
  const values = vars.map((lv) => lv.read().dataSync() as Float32Array);
  assign(vars, scope === 'global' ? pruneSmallest(values, level) : values.map((v) => pruneSmallest([v], level)[0] as Float32Array));
  return vars.map((lv) => lv.originalName);
}

/**
 * The point of a prune curve (`global` or `perLayer`) at the largest level whose test accuracy is
 * at most `maxDrop` percentage points below the trained model's (the first point, level 0), and
 * that first point; for a model of several outputs, the largest level where each output's accuracy
 * is (`accuraciesOf`). A PruneCurveError (a DataError naming the field) when the curve has no
 * accuracy at level 0, or an output without one there; given the `run` the curve is of, one that says
 * so when the curve was measured before prune curves recorded each output's accuracy
 * (`pointsLackOutputAccuracies`: its `measuredBeforeOutputAccuracies`).
 *
 * Formula: level = max { k : 100 · (acc_o(0) − acc_o(k)) ≤ maxDrop for every output o }
 *
 * @example
 * const { point } = pruneLevelWithin(record.epochs.at(-1)!.prune!.global, 0.5, { run: record });   // point.level: e.g. 80
 */
export function pruneLevelWithin(
  points: readonly PrunePoint[],
  maxDrop: number,
  of: { readonly run?: RunRecord } = {},
): { point: PrunePoint; trained: PrunePoint } {
  const trained = points[0];
  if (trained === undefined) throw new PruneCurveError('[0]', 'is missing');
  if (trained.level !== 0) throw new PruneCurveError('[0].level', `is ${trained.level}, not 0`);
  const base = accuraciesOf(trained);
  if (base.length === 0) throw new PruneCurveError('[0].testAcc', 'is null', of.run !== undefined && pointsLackOutputAccuracies(of.run, points));
  const missing = base.find((a) => a.acc === null);
  if (missing) throw new PruneCurveError('[0].testMetrics', `has no accuracy of output ${JSON.stringify(missing.output)}`);
  const within = points.filter((p) => {
    const accs = accuraciesOf(p);
    return base.every((b) => {
      const acc = accs.find((a) => a.output === b.output)?.acc ?? null;
      return acc !== null && 100 * ((b.acc as number) - acc) <= maxDrop + 1e-9;
    });
  });
  return { point: within.at(-1) ?? trained, trained };
}

/** An accuracy of a prune point and of the trained model, by output (none for a model of one output), and the points lost: 100 × (trained − pruned). */
export interface AccuracyDrop extends Accuracy {
  readonly trainedAcc: number | null;
  readonly drop: number | null;
}

/**
 * What pruning to `point` costs in accuracy against `trained` (level 0): the model's, or each output's.
 *
 * @example
 * accuracyDrops(point, trained)   // [{ acc: 0.97, trainedAcc: 0.98, drop: 1 }], or per output: [{ output: 'digit', … }, { output: 'parity', … }]
 */
export function accuracyDrops(point: PrunePoint, trained: PrunePoint): AccuracyDrop[] {
  const before = accuraciesOf(trained);
  return accuraciesOf(point).map((a) => {
    const trainedAcc = before.find((b) => b.output === a.output)?.acc ?? null;
    return { ...a, trainedAcc, drop: a.acc === null || trainedAcc === null ? null : 100 * (trainedAcc - a.acc) };
  });
}
