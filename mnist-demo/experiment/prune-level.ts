/**
 * The prune level a run's record reaches within an accuracy loss (the library's `pruneLevelWithin`),
 * for `penx summary` and `penx prune`, with a curve that cannot be read refused by name: a curve's
 * level 0 is the trained model, whose test accuracy every level is compared with, so a curve whose
 * level 0 has none (only an edited run.json has such a curve) refuses the command, naming the file
 * and the field to fix:
 *
 *   `runs/a/run.json: epochs[0].prune.global[0].testAcc is null: …; penx summary refused: remove that curve's "prune" …`
 *
 * A curve of a model of several outputs that an older penx measured (before prune curves recorded
 * each output's accuracy) is not an edited one: said so, with what to do (train the run again).
 *
 * @example
 * pruneLevelOf({ file: 'runs/a/run.json', record, index: 0, scope: 'global', command: 'penx summary' }, curve.global, 0.5).point.level;   // e.g. 80
 */
import { DataError, PruneCurveError, type PrunePoint, pruneLevelWithin, type RunRecord } from 'penalty-explorer';

/** Where a prune curve is in a record, and the command reading it. */
export interface CurveAt {
  /** The record's file, e.g. `runs/a/run.json`. */
  readonly file: string;
  /** The record the curve is in (what its snapshots say of the model's outputs). */
  readonly record: RunRecord;
  /** The index in the record's `epochs` of the epoch the curve was measured after. */
  readonly index: number;
  readonly scope: 'global' | 'perLayer';
  /** The command reading it, e.g. `penx prune`. */
  readonly command: string;
}

/** `pruneLevelWithin(points, maxDrop)`; its PruneCurveError (level 0 without a test accuracy) said as a DataError naming `at`'s file and field. */
export function pruneLevelOf(at: CurveAt, points: readonly PrunePoint[], maxDrop: number): ReturnType<typeof pruneLevelWithin> {
  try {
    return pruneLevelWithin(points, maxDrop, { run: at.record });
  } catch (err) {
    if (!(err instanceof PruneCurveError)) throw err;
    const where = `${at.file}: epochs[${at.index}].prune.${at.scope}${err.field} ${err.problem}`;
    if (err.measuredBeforeOutputAccuracies)
      throw new DataError(
        `${where}: the model has several outputs, whose accuracies the run's epochs record (testMetrics) but this prune curve's points do not, as an older penx measured prune curves; ` +
          `${at.command} refused: train the run again with this penx: its prune curve then records each output's accuracy`,
      );
    throw new DataError(
      `${where}: the prune curve has no test accuracy of the trained model (level 0) to compare its levels with; ` +
        `${at.command} refused: remove that curve's "prune" from the record, or train the run again`,
    );
  }
}
