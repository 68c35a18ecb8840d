/**
 * Training any `tf.LayersModel` with the project's step, and recording what its weights do:
 *
 *   checks: the model, option keys (option-keys.ts; the keys: fit-options.ts), the backend's
 *      synchronous read-back (checkReadBack; wasm's training kernels registered first), the
 *      monitors, whole numbers and a dataset's batch size (fit-checks.ts), a record continued: its seed, monitors and weights' names (fit-resume.ts), the data against
 *      the model (fit-split.ts), loss and metrics per output, the prune options, something
 *      trainable, constraints, every penalty attributable and within float32's range at the
 *      untrained weights, random layers seedable, the gradients option, what autodiff cannot train
 *   ─► optimiser (fit-optimizer.ts: spec, transform chain or tf.Optimizer, default Adam, with
 *      per-layer controls) ─► `validationSplit` applied (fit-split.ts)
 *   ─► config (fit-config.ts; a record continued: its own; fitToFolder's, computed before it claimed the folder: `fitAfter`) ─► onTrainBegin (this library's, then
 *      TF.js's, then the monitors')
 *   ─► epoch 0: evaluate + weight snapshot of the untrained model ─► onEpochEnd(0)
 *      (a record continued: its epochs instead, fit-resume.ts)
 *   ─► for each epoch left (fit-epoch.ts): onEpochBegin ─► batches (fit-batches.ts) ─► snapshot
 *      ─► prune curve when asked for ─► record ─► TF.js's callbacks' onEpochEnd ─► onEpochEnd (this
 *      library's) ─► a callback may stop training (TF.js's `model.stopTraining`: the record ends
 *      there, `endedEarly`, that epoch's prune curve then as the last epoch's; stopped by one of
 *      TF.js's, this library's callbacks get that ended record in their onEpochEnd)
 *   ─► onTrainEnd (TF.js's, then this library's)
 *   `signal` aborted ─► InterruptedError at the next safe point: before the first batch, after the
 *   current batch, a prune evaluation or the epoch's callbacks (never between a step's parts); the
 *   prune curve of a run a callback ended is measured to the end (the run ends there anyway: fit
 *   returns its record)
 *
 * Callbacks are this library's (`FitCallback`: they get the record) or TF.js's own
 * (`tf.callbacks.earlyStopping`, any `tf.CustomCallback`: they get TF.js's `logs`, `loss`, `acc`,
 * `val_loss`, `val_acc`, …, with TF.js's 0-based epoch numbers).
 *
 * Returns the run record (the schema of `run.json`). Continuing a record (`from`) starts after its
 * last epoch; with the restored weights and optimiser state (see penalty-explorer/node's run
 * folders) the run ends with the same weights as an uninterrupted one.
 *
 * @example
 * const record = await fit(model, { x, y }, {
 *   epochs: 5, batchSize: 64, optimizer: 'adamw:lr=1e-3,wd=1e-4', loss: 'sparseCategoricalCrossentropy',
 *   validationData: [xTest, yTest],
 * });
 * record.epochs.at(-1)?.sparsity.lt1e3;   // share of |w| < 1e-3 after the last epoch
 */

import { InterruptedError, UsageError } from '../errors.ts';
import { RUN_FORMAT, type RunConfig, type RunRecord, type WeightsSnapshot } from '../formats/index.ts';
import { checkReadBack, useTrainingKernels } from '../kernels/index.ts';
import { checkInventory } from '../model/index.ts';
import { checkMonitors, defaultMonitors, type MonitorContext, type MonitoredFields, MonitorRun, type Predictions, type Scores } from '../monitor/index.ts';
import { tf } from '../tf.ts';
import { checkConstraints, hasConstraints } from './constraints.ts';
import { checkDifferentiable } from './differentiable.ts';
import { evaluate, metricNames, orNull } from './evaluate.ts';
import { checkGradientsOption, checkTrainable, wholeNumber, withBatchSizeOf } from './fit-checks.ts';
import { runConfig } from './fit-config.ts';
import { type DatasetBatch, datasetBatches, type FitData, type TensorData, tensorBatches } from './fit-data.ts';
import { trainEpoch } from './fit-epoch.ts';
import { optimizerOf } from './fit-optimizer.ts';
import { DEFAULT_BATCH, FIT_OPTION_KEYS, type FitCallback, type FitContext, type FitOptions, NOT_SUPPORTED } from './fit-options.ts';
import { checkContinued, continuedConfig, continuedRecord, seedOf } from './fit-resume.ts';
import type { FitRun, Snapshot } from './fit-run.ts';
import { splitOf, splitSizes } from './fit-split.ts';
import { localGradients } from './gradients.ts';
import { checkModelArgument } from './model-argument.ts';
import { type Objective, objectiveOf } from './objective.ts';
import { checkOptionKeys } from './option-keys.ts';
import { checkUntrainedWeights } from './penalty-range.ts';
import { checkPruneOptions } from './prune-curve.ts';
import { checkSeededRandom, drawsRandom } from './seeded-random.ts';
import { isTfCallback, type TfCallback, TfCallbacks } from './tfjs-callbacks.ts';

/** Train `model` on `data` with the project's step; returns the run record. */
export function fit(model: tf.LayersModel, data: FitData, given: FitOptions): Promise<RunRecord> {
  return fitWith(model, data, given);
}

/** What fitToFolder did already before it calls `fitAfter`, so fit does not do it again. */
export interface FitDone {
  /** The weights `model` starts from are checked (checkUntrainedWeights): not read back and checked a second time. */
  readonly weightsChecked: boolean;
  /**
   * The config a fresh run's record gets (runConfig of the same model, data and options, `info.startedAt` as given):
   * used as it is, its penalties' curves not sampled a second time (a user's penalty 401 calls of it; a built-in's one,
   * samplePenaltyCurve); a continued record (`from`) keeps its own.
   */
  readonly config?: RunConfig;
}

/** `fit`, with what the caller did already (`done`) not done again. */
export function fitAfter(model: tf.LayersModel, data: FitData, given: FitOptions, done: FitDone): Promise<RunRecord> {
  return fitWith(model, data, given, done);
}

async function fitWith(model: tf.LayersModel, data: FitData, given: FitOptions, done?: FitDone): Promise<RunRecord> {
  const weightsChecked = done?.weightsChecked ?? false;
  checkModelArgument(model, 'fit');
  checkOptionKeys(given, FIT_OPTION_KEYS, 'fit', NOT_SUPPORTED);
  useTrainingKernels();
  checkReadBack();
  const options = await withBatchSizeOf(data, given);
  checkMonitors(options.monitors ?? []);
  const epochs = wholeNumber(options.epochs, 'epochs', 1);
  const batchSize = wholeNumber(options.batchSize ?? DEFAULT_BATCH, 'batch size', 1);
  const seed = seedOf(options);
  checkContinued(model, options, epochs);
  const objective = objectiveOf(model, options.loss, options.metrics);
  const sizes = splitSizes(model, data, options);
  const n = Number.isNaN(sizes.train) ? Infinity : sizes.train;
  if (batchSize > n) throw new UsageError(`batch size ${batchSize} is larger than the training data (${n} samples); give at most ${n}`);
  checkPruneOptions(options.prune, sizes.validation > 0, epochs);
  const stopIfAsked = (where: string) => {
    if (options.signal?.aborted) throw new InterruptedError(`stopped ${where}`);
  };
  checkTrainable(model);
  checkConstraints(model);
  checkInventory(model);
  // A continued run's weights are restored by a callback before its first batch: not these.
  // Weights NaN or ±∞, or a λ·penalty NaN, ±∞ or past float32's range at them: refused, not a divergence at batch 1.
  if (!options.from && !weightsChecked) checkUntrainedWeights(model);
  if (drawsRandom(model)) checkSeededRandom();
  checkGradientsOption(model, options);
  const strategy = options.gradients ?? localGradients;
  // A continued run with every epoch done takes no step: no gradient to probe (seconds on TF.js's cpu backend).
  if (!options.from || options.from.epochs.length < epochs) checkDifferentiable(model, strategy);
  const { optimizer, owned } = optimizerOf(model, options);
  // From here on the tensors `validationSplit` made (and the optimiser fit made) are disposed at the end.
  const { train, validation, made } = splitOf(model, data, options);
  const source = train ? tensorBatches(train, batchSize, seed, options.shuffle ?? true) : datasetBatches(model, data as tf.data.Dataset<DatasetBatch>);
  const ctx: FitContext = { model, optimizer };
  const ours = (options.callbacks ?? []).filter((c): c is FitCallback => !isTfCallback(c));
  const theirs = new TfCallbacks((options.callbacks ?? []).filter((c) => isTfCallback(c)) as unknown as TfCallback[], model, {
    epochs,
    initialEpoch: options.from?.epochs.length ?? 0,
    samples: source.samples,
    steps: source.count,
    batchSize,
    doValidation: validation !== undefined,
    metrics: logNames(objective, validation !== undefined),
  });
  const validationData: TensorData | undefined = validation ? { x: [...validation.xs], y: [...validation.ys] } : undefined;
  // The default monitors write the record's own fields; the user's, sections of their own.
  const monitors = new MonitorRun<MonitoredFields>(defaultMonitors({ trackNorms: options.trackNorms ?? 'epoch' }), options.monitors ?? [], options.signal);
  // The evaluation's outputs are kept (until the monitors have seen them) only when a monitor wants them.
  const predictions = monitors.wantsTestPredictions;
  const scoresOf = async (): Promise<Scores & { predictions?: Predictions[] }> => {
    if (!validation) return { loss: null, acc: null };
    const r = await evaluate(model, validationData as TensorData, { objective, gradients: strategy, predictions });
    return { loss: orNull(r.loss), acc: r.acc, metrics: r.metrics, ...(r.predictions ? { predictions: r.predictions } : {}) };
  };
  const watched: MonitorContext = { model, ...(validation ? { validationData: { x: validation.xs, y: validation.ys } } : {}) };
  /** A snapshot of the model after `epoch`: its evaluation, then every monitor's section. */
  const snapshot = async (epoch: number): Promise<Snapshot> => {
    const { predictions: testPredictions, ...scores } = await scoresOf();
    const { fields, monitors: sections } = await monitors.epochEnd(epoch, watched, testPredictions);
    const s = { epoch, testLoss: scores.loss, testAcc: scores.acc, ...(scores.metrics ? { testMetrics: scores.metrics } : {}), ...fields } as WeightsSnapshot &
      Partial<MonitoredFields>;
    return { snapshot: s, sections };
  };
  const run: FitRun = {
    model,
    optimizer,
    objective,
    strategy,
    source,
    seed,
    epochs,
    options,
    ours,
    theirs,
    monitors,
    watched,
    validationData,
    measure: hasConstraints(model),
    ctx,
    snapshot,
    stopIfAsked,
  };
  try {
    const config = options.from ? continuedConfig(options.from, epochs, options) : (done?.config ?? runConfig(model, data, options));
    for (const c of ours) await c.onTrainBegin?.({ config, resumedAfter: options.from?.epochs.length ?? 0 }, ctx);
    await theirs.trainBegin();
    await monitors.trainBegin(watched);
    let record: RunRecord;
    if (options.from) record = continuedRecord(options.from, config);
    else {
      const { snapshot: initial, sections } = await snapshot(0);
      record = { format: RUN_FORMAT, config, initial: { ...initial, ...(sections ? { monitors: sections } : {}) }, epochs: [] };
      for (const c of ours) await c.onEpochEnd?.(0, record, ctx);
    }
    stopIfAsked('before the first batch');
    for (let epoch = record.epochs.length + 1; epoch <= epochs; epoch++) {
      record = await trainEpoch(run, epoch, record);
      if (record.endedEarly) break;
      if (epoch < epochs) stopIfAsked(`after epoch ${epoch}`);
    }
    await theirs.trainEnd(record);
    for (const c of ours) await c.onTrainEnd?.(record, ctx);
    return record;
  } finally {
    theirs.release();
    if (owned) optimizer.dispose();
    tf.dispose(made);
  }
}

/** The names TF.js logs an epoch under: loss, the metrics (and per-output losses), and their val_ twins. */
function logNames(objective: Objective, validation: boolean): string[] {
  const names = ['loss', ...metricNames(objective)];
  return validation ? [...names, ...names.map((n) => `val_${n}`)] : names;
}
