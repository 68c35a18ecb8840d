/**
 * The penalty curves of runs for the penalty-shape figures, from their records — reading a record
 * never evaluates or imports code named in it:
 *
 *   each run's distinct per-weight penalties (config.weights; `none` for a run without any)
 *   ─► the curve training stored in the record (config.penaltyCurves), cut to the range
 *   ─► or, for a record from before curves were stored, a built-in penalty sampled here (the
 *      library's own code) ─► otherwise listed in `missing` (a user penalty of an old record)
 */

import type { PenaltyCurve, PenaltyInfo, RunRecord } from '../formats/index.ts';
import { penalty, penaltyCatalog, samplePenaltyCurve, splitProxFlag } from '../penalties/index.ts';
import { parseSpec } from '../registry/index.ts';

export interface PenaltyCurveOptions {
  /** The range of w; default [−1, 1]. */
  readonly range?: readonly [number, number];
  /** Samples over the range of a built-in penalty sampled here; default 201 (so 0 is one of them). */
  readonly points?: number;
}

/** The distinct penalties of a run, in order (`none` for a run without any: the flat baseline next to the others). */
function penaltiesOf(run: RunRecord): PenaltyInfo[] {
  const found = [...new Map(run.config.weights.flatMap((w) => (w.penalty ? [[w.penalty.spec, w.penalty] as const] : []))).values()];
  return found.length ? found : [{ spec: 'none', strength: null, formula: '0', source: 'builtin' }];
}

/** The stored curve of a penalty of the run cut to the range, if the record has one. */
function stored(run: RunRecord, spec: string, range: readonly [number, number]): PenaltyCurve | undefined {
  const curve = run.config.penaltyCurves?.find((c) => c.spec === spec);
  if (!curve) return undefined;
  const eps = 1e-9 * (range[1] - range[0]);
  return { ...curve, points: curve.points.filter((p) => p.w >= range[0] - eps && p.w <= range[1] + eps) };
}

/** A built-in penalty of the spec sampled here (never a user's: its code is not this library's). */
function builtin(spec: string, range: readonly [number, number], points: number): PenaltyCurve | undefined {
  try {
    const base = splitProxFlag(spec).spec;
    if (!penaltyCatalog.get(parseSpec(base).name)?.builtin) return undefined;
    return samplePenaltyCurve(penalty(spec), range, points);
  } catch {
    // A spec the catalogue does not read (TF.js's own, in an old record): not drawn.
    return undefined;
  }
}

/** Each distinct penalty of `runs` (every weight's, not only one per run) over the range; those the records cannot show in `missing`. */
export async function penaltyCurves(runs: readonly RunRecord[], options: PenaltyCurveOptions = {}): Promise<{ curves: PenaltyCurve[]; missing: string[] }> {
  const range = options.range ?? [-1, 1];
  const points = options.points ?? 201;
  const curves: PenaltyCurve[] = [];
  const missing: string[] = [];
  for (const run of runs) {
    for (const { spec } of penaltiesOf(run)) {
      if (curves.some((c) => c.spec === spec) || missing.includes(spec)) continue;
      const curve = stored(run, spec, range) ?? builtin(spec, range, points);
      if (curve) curves.push(curve);
      else missing.push(spec);
    }
  }
  return { curves, missing };
}
