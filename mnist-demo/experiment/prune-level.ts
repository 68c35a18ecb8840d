/**
 * The prune level a run's record reaches within an accuracy loss (the library's `pruneLevelWithin`),
 * for `penx summary` and `penx prune`, with a curve that cannot be read refused by name: a curve's
 * level 0 is the trained model, whose test accuracy every level is compared with, so a curve whose
 * level 0 has none (only an edited run.json has such a curve) refuses the command, naming the file
 * and the field to fix:
 *
 *   `runs/a/run.json: epochs[0].prune.global[0].testAcc is null: …; penx summary refused: remove that curve's "prune" …`
 *
 * @example
 * pruneLevelOf({ file: 'runs/a/run.json', index: 0, scope: 'global', command: 'penx summary' }, curve.global, 0.5).point.level;   // e.g. 80
 */
import { DataError, PruneCurveError, type PrunePoint, pruneLevelWithin } from 'penalty-explorer';

/** Where a prune curve is in a record, and the command reading it. */
export interface CurveAt {
  /** The record's file, e.g. `runs/a/run.json`. */
  readonly file: string;
  /** The index in the record's `epochs` of the epoch the curve was measured after. */
  readonly index: number;
  readonly scope: 'global' | 'perLayer';
  /** The command reading it, e.g. `penx prune`. */
  readonly command: string;
}

/** `pruneLevelWithin(points, maxDrop)`; its PruneCurveError (level 0 without a test accuracy) said as a DataError naming `at`'s file and field. */
export function pruneLevelOf(at: CurveAt, points: readonly PrunePoint[], maxDrop: number): ReturnType<typeof pruneLevelWithin> {
  try {
    return pruneLevelWithin(points, maxDrop);
  } catch (err) {
    if (!(err instanceof PruneCurveError)) throw err;
    throw new DataError(
      `${at.file}: epochs[${at.index}].prune.${at.scope}${err.field} ${err.problem}: the prune curve has no test accuracy of the trained model (level 0) to compare its levels with; ` +
        `${at.command} refused: remove that curve's "prune" from the record, or train the run again`,
    );
  }
}
