/**
 * The weight range a view request may ask for: within the histograms each chosen run recorded, in
 * every snapshot — the fine histograms ([−2, 2]) where a snapshot has them for every weight, else
 * the recorded 100-bin histograms (records written before fine histograms: [−1, 1]). Weights beyond
 * them are counted, not placed, so a wider range would draw them as none: refused (400), as
 * `penx plot` refuses it.
 */
import type { Histogram, RunRecord, WeightsSnapshot } from '../formats/index.ts';
import { QueryError } from './view-query.ts';

/** A span of weights, and whether it is the fine histograms' (else the recorded histograms'). */
interface Placed {
  readonly lo: number;
  readonly hi: number;
  readonly fine: boolean;
}

/** Where a snapshot's histograms place weights: its fine histograms' span when every weight has one, else its recorded histograms'. */
function placedIn(s: WeightsSnapshot): Placed[] {
  const weights = s.layers.flatMap((l) => l.weights ?? []);
  if (weights.length && weights.every((w) => w.fine)) return weights.map((w) => ({ lo: w.fine?.lo ?? 0, hi: w.fine?.hi ?? 0, fine: true }));
  const recorded: Histogram[] = [s.histogram, ...s.layers.map((l) => l.histogram), ...weights.map((w) => w.histogram)];
  return recorded.map((h) => ({ lo: h.lo, hi: h.hi, fine: false }));
}

/**
 * The span every snapshot of `run` places weights in (the narrowest of its histograms'), or
 * undefined for a record without histograms.
 *
 * @example
 * placedRange(run)   // { lo: -2, hi: 2, fine: true }; a record without fine histograms: { lo: -1, hi: 1, fine: false }
 */
export function placedRange(run: RunRecord): Placed | undefined {
  const all = [run.initial, ...run.epochs].flatMap(placedIn);
  if (!all.length) return undefined;
  const lo = all.reduce((m, p) => Math.max(m, p.lo), -Infinity);
  const hi = all.reduce((m, p) => Math.min(m, p.hi), Infinity);
  // Fine when the histograms that set its ends are the fine ones.
  return { lo, hi, fine: all.every((p) => p.fine || (p.lo < lo && p.hi > hi)) };
}

/**
 * A QueryError when `range` reaches past where a chosen run's histograms place weights (`placedRange`),
 * saying within what it must be and why.
 *
 * @example
 * checkRange([-3, 3], [['cmp/l1', run]])   // throws: range must be within -2,2, the range of the recorded fine histograms …; got -3,3
 * checkRange([-1.5, 1.5], [['old', oldRun]])   // throws: range must be within -1,1, the range of the histograms "old" recorded (…); got -1.5,1.5
 */
export function checkRange(range: readonly [number, number], runs: ReadonlyArray<readonly [id: string, run: RunRecord]>): void {
  for (const [id, run] of runs) {
    const span = placedRange(run);
    if (!span || (range[0] >= span.lo && range[1] <= span.hi)) continue;
    const what = span.fine
      ? 'the range of the recorded fine histograms'
      : `the range of the histograms ${JSON.stringify(id)} recorded (it has no fine histograms)`;
    throw new QueryError(`range must be within ${span.lo},${span.hi}, ${what} (weights beyond it are counted, not placed); got ${range.join(',')}`);
  }
}
