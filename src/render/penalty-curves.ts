/**
 * The penalty curves of runs for the penalty-shape figures, from their records — reading a record
 * never evaluates or imports code named in it:
 *
 *   each run's distinct per-weight penalties (config.weights; `none` for a run without any)
 *   ─► the curve training stored in the record (config.penaltyCurves), cut to the range
 *   ─► or, for a record from before curves were stored, a built-in penalty sampled here (the
 *      library's own code) ─► otherwise listed in `missing` (a user penalty of an old record)
 */

import type { PenaltyCurve, RunRecord } from '../formats/index.ts';
import { penalty, penaltyCatalog, samplePenaltyCurve } from '../penalties/index.ts';
import { parsePenaltySpec } from '../registry/index.ts';
import { storedPenaltyCurves } from '../viz/index.ts';

/** `penaltyCurves`' options: the range of w drawn, and how finely a built-in penalty is sampled. */
export interface PenaltyCurveOptions {
  /** The range of w; default [−1, 1]. */
  readonly range?: readonly [number, number];
  /** Samples over the range of a built-in penalty sampled here; default 201 (so 0 is one of them). */
  readonly points?: number;
}

/** A built-in penalty of the spec sampled here (never a user's: its code is not this library's). */
function builtin(spec: string, range: readonly [number, number], points: number): PenaltyCurve | undefined {
  try {
    if (!penaltyCatalog.get(parsePenaltySpec(spec).name)?.builtin) return undefined;
    return samplePenaltyCurve(penalty(spec), range, points);
  } catch {
    // A spec the catalogue does not read (TF.js's own, in an old record): not drawn.
    return undefined;
  }
}

/** Each distinct penalty of `runs` (every weight's, not only one per run) over the range; those the records cannot show in `missing`. */
export async function penaltyCurves(runs: readonly RunRecord[], options: PenaltyCurveOptions = {}): Promise<{ curves: PenaltyCurve[]; missing: string[] }> {
  const range = options.range ?? [-1, 1];
  return storedPenaltyCurves(runs, range, (spec) => builtin(spec, range, options.points ?? 201));
}
