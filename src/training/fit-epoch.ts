/**
 * One epoch of `fit`, after the epochs before it are in `record`:
 *
 *   onEpochBegin (this library's, then TF.js's) ─► the batches (fit-batches.ts) ─► snapshot
 *   (evaluation, then every monitor: histograms, sparsity, per layer and weight, penalties, channel
 *   norms; a NaN/∞ weight stops the run: DivergedError) ─► the epoch's entry ─► its prune curve when
 *   asked for after it ─► in the record ─► TF.js's callbacks' onEpochEnd ─► this library's
 *   onEpochEnd, with TF.js's logs ─► the record, ended there (`endedEarly`) when a callback set
 *   `model.stopTraining`: one of TF.js's, before this library's see it; one of this library's, after
 *   they all saw it
 *
 * A run ended after this epoch gets the prune curve asked for after its last epoch now, measured to
 * the end even when a stop is asked meanwhile (else the epoch would go unwritten, its checkpoint one
 * epoch back, and a resume would train it again).
 */

import { NonFiniteWeightsError } from '../errors.ts';
import type { EpochRecord, RunRecord } from '../formats/index.ts';
import type { tf } from '../tf.ts';
import { DivergedError } from './diverged.ts';
import { metricsOf, orNull } from './evaluate.ts';
import { trainBatches } from './fit-batches.ts';
import { type FitRun, nextTurn } from './fit-run.ts';
import { pruneAfter } from './prune-curve.ts';
import { accuracyOf } from './step.ts';

/** Trains `epoch` and returns `record` with it (and ended there when a callback asked to stop). */
export async function trainEpoch(run: FitRun, epoch: number, record: RunRecord): Promise<RunRecord> {
  const { model, objective, options, ours, theirs, ctx, epochs } = run;
  const t0 = performance.now();
  for (const c of ours) await c.onEpochBegin?.(epoch, ctx);
  await theirs.epochBegin(epoch);
  const { sums: total, penaltySum, batches } = await trainBatches(run, epoch, record);
  const {
    snapshot: { batchLosses, batchNorms, ...measured },
    sections,
  } = await run.snapshot(epoch).catch((err: unknown) => {
    // A weight NaN or ±∞ while the losses stayed finite (a dead ReLU's bias at −∞): diverged too.
    throw err instanceof NonFiniteWeightsError ? new DivergedError(epoch, batches, `weight ${err.weight}`, record) : err;
  });
  // run@3's order: the snapshot, the epoch's training numbers, then the per-batch ones.
  const entry: EpochRecord = {
    ...measured,
    trainLoss: (total.scores[0] ?? NaN) / total.n,
    trainAcc: orNull(accuracyOf(objective, total.scores, total.n)),
    trainMetrics: metricsOf(objective, total.scores, total.n),
    seconds: (performance.now() - t0) / 1000,
    ...(batchNorms ? { batchNorms } : {}),
    ...(batchLosses ? { batchLosses } : {}),
    ...(sections ? { monitors: sections } : {}),
  };
  /**
   * The prune curve asked for after `epoch`, were `last` the run's last epoch; a stop asked
   * meanwhile stops it, unless `toTheEnd` (the curve of a run that ends with this epoch anyway).
   */
  const pruned = (last: number, toTheEnd = false) =>
    pruneAfter(
      model,
      epoch,
      last,
      { ...(options.prune === undefined ? {} : { prune: options.prune }), ...(run.validationData ? { validationData: run.validationData } : {}), objective },
      run.strategy,
      async (done, n) => {
        for (const c of ours) await c.onPruneProgress?.({ epoch, done, total: n }, ctx);
        await nextTurn();
        if (!toTheEnd) run.stopIfAsked(`while measuring the prune curve after epoch ${epoch}`);
      },
    );
  const curve = await pruned(epochs);
  let kept: RunRecord = { ...record, epochs: [...record.epochs, curve ? { ...entry, prune: curve } : entry] };
  /** The record ended after this epoch when a callback asked to stop, with the curve asked for after the last epoch (see above). */
  const endIfAsked = async (r: RunRecord): Promise<RunRecord> => {
    if (r.endedEarly || !theirs.stopRequested || epoch >= epochs) return r;
    const atEnd = curve ? undefined : await pruned(epoch, true);
    const ended = atEnd ? [...r.epochs.slice(0, -1), { ...entry, prune: atEnd }] : r.epochs;
    return { ...r, epochs: ended, endedEarly: { epoch, reason: `a callback stopped training after epoch ${epoch} (model.stopTraining)` } };
  };
  const logs = epochLogs(entry, penaltySum / total.n);
  // TF.js's callbacks first: when one stops training, this library's see the record ended here.
  await theirs.epochEnd(epoch, logs);
  kept = await endIfAsked(kept);
  for (const c of ours) await c.onEpochEnd?.(epoch, kept, { ...ctx, logs });
  // One of this library's callbacks may stop it too (its record then ends after they all saw it).
  return await endIfAsked(kept);
}

/** TF.js's logs of an epoch: `loss` is the data loss plus the penalties, per sample over the batches (as TF.js's own fit logs it). */
function epochLogs(e: EpochRecord, penalty: number): tf.Logs {
  const logs: Record<string, number> = { loss: e.trainLoss + penalty };
  for (const [k, v] of Object.entries(e.trainMetrics ?? {})) if (v !== null) logs[k] = v;
  if (e.testLoss !== null) logs['val_loss'] = e.testLoss;
  for (const [k, v] of Object.entries(e.testMetrics ?? {})) if (v !== null) logs[`val_${k}`] = v;
  return logs;
}
