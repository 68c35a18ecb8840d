/**
 * The batches of one epoch of `fit`, in the seeded order:
 *
 *   TF.js's callbacks' onBatchBegin ─► trainStep (loss + penalties ─► gradients ─► transforms ─►
 *   optimiser ─► constraints; random ops seeded from (seed, epoch, batch)) ─► a NaN/∞ loss stops the
 *   run (DivergedError) ─► monitors' onBatchEnd ─► TF.js's callbacks' onBatchEnd ─► this library's
 *   onBatchEnd (running means so far) ─► a turn of the event loop ─► `signal` aborted: InterruptedError
 *
 * Returns the epoch's sums: the data loss and metrics' (`addScores`), the penalties' (per sample) and
 * the number of batches; an epoch of no batch is a DataError.
 */

import { DataError } from '../errors.ts';
import type { RunRecord } from '../formats/index.ts';
import { tf } from '../tf.ts';
import { addScores, type BatchScores } from './batch-math.ts';
import { lossDiverged } from './diverged.ts';
import { tensorsOf } from './fit-data.ts';
import type { BatchProgress } from './fit-options.ts';
import { type FitRun, nextTurn } from './fit-run.ts';
import { mixSeeds } from './seeded-random.ts';
import { accuracyOf, trainStep } from './step.ts';

/** What an epoch's batches sum to. */
export interface EpochSums {
  /** Σ of the data loss and metrics over the samples, and the samples (`n`). */
  readonly sums: BatchScores;
  /** Σ over the batches of λ·penalty × the batch's samples. */
  readonly penaltySum: number;
  readonly batches: number;
}

/** Trains the batches of `epoch`; `record` (the epochs before it) is what a DivergedError keeps. */
export async function trainBatches(run: FitRun, epoch: number, record: RunRecord): Promise<EpochSums> {
  const { model, optimizer, objective, source, options, theirs, ours, ctx } = run;
  let sums: BatchScores = { scores: [], n: 0 };
  let [penaltySum, batches] = [0, 0];
  for await (const batch of source.batches(epoch)) {
    let r: Awaited<ReturnType<typeof trainStep>>;
    try {
      await theirs.batchBegin(batches, batch);
      r = await trainStep(model, optimizer, [...batch.xs], [...batch.ys], {
        objective,
        gradients: run.strategy,
        measureConstraints: run.measure,
        seed: mixSeeds(run.seed, epoch, batches),
        ...(options.controls?.freeze ? { frozen: options.controls.freeze } : {}),
      });
    } finally {
      if (source.owned) tf.dispose(tensorsOf(batch));
    }
    batches++;
    if (!Number.isFinite(r.dataLoss) || !Number.isFinite(r.penaltyLoss)) {
      throw lossDiverged(epoch, batches, r, record);
    }
    sums = sums.n === 0 ? r.sums : addScores([sums, r.sums]);
    penaltySum += r.penaltyLoss * r.sums.n;
    await run.monitors.batchEnd({ epoch, batch: batches, dataLoss: r.dataLoss, penaltyLoss: r.penaltyLoss, projected: r.projected }, run.watched);
    const progress: BatchProgress = {
      epoch,
      epochs: run.epochs,
      batch: batches,
      batches: source.count,
      dataLoss: (sums.scores[0] ?? NaN) / sums.n,
      penaltyLoss: penaltySum / sums.n,
      accuracy: accuracyOf(objective, sums.scores, sums.n),
    };
    await theirs.batchEnd(batches - 1, r);
    for (const c of ours) await c.onBatchEnd?.(progress, ctx);
    // A turn of the event loop: signals (Ctrl-C) and messages are seen during an epoch too.
    await nextTurn();
    run.stopIfAsked(`in epoch ${epoch} after batch ${batches}`);
  }
  if (batches === 0) throw new DataError(`the training data gave no batches in epoch ${epoch}`);
  return { sums, penaltySum, batches };
}
