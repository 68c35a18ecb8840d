/**
 * What the report's views beyond the histogram need, computed in Node (see ../pages/report-views.ts): per
 * run, layer (and `all`) and epoch, the shares of log10|w| bins (5 per decade over the decades any
 * run has weights in) with the share of exact zeros, and the percentiles of w. Four significant
 * digits keep the page small.
 */

import { type RunRecord, snapshots } from '../../formats/index.ts';
import { logAbsCounts, logAbsShares, occupiedDecades, selectionPercentiles } from '../figures/index.ts';

/** One epoch's log10|w| histogram: shares per bin (bin k starts at decades[0] + k/perDecade) and of exact zeros. */
export interface LogAbsCell {
  readonly shares: number[];
  readonly zero: number;
}

/** One run's data for the views: per layer and epoch, log10|w| shares and percentiles. */
export interface RunViewsModel {
  /** Per layer (and `all`), indexed by epoch; null where not recorded. */
  readonly logAbs: Record<string, Array<LogAbsCell | null>>;
  /** Per layer (and `all`), indexed by epoch: min, 7, 16, 31, 50, 69, 84, 93 %, max; null where not recorded. */
  readonly percentiles: Record<string, Array<number[] | null>>;
}

/** The views' data of every run, on one log10|w| grid (see the file's comment). */
export interface ViewsModel {
  /** The log10|w| grid shared by all runs; absent when no run recorded log10|w| histograms. */
  readonly logAbs?: { readonly decades: [number, number]; readonly perDecade: number };
  readonly runs: RunViewsModel[];
}

const PER_DECADE = 5;
const round4 = (x: number) => Number(x.toPrecision(4));

/** The views' data of `runs` over `layers` (and `all`) and `epochs` (see the file's comment). */
export function viewsModel(runs: readonly RunRecord[], layers: readonly string[], epochs: readonly number[]): ViewsModel {
  const all = runs.flatMap((run) => snapshots(run).flatMap((s) => layers.flatMap((l) => logAbsCounts(s, l) ?? [])));
  const decades = all.length ? occupiedDecades(all) : undefined;
  const perRun = runs.map((run): RunViewsModel => {
    const byEpoch = new Map(snapshots(run).map((s) => [s.epoch, s]));
    const each = <T>(f: (layer: string, epoch: number) => T | null): Record<string, Array<T | null>> =>
      Object.fromEntries(layers.map((layer) => [layer, epochs.map((e) => f(layer, e))]));
    return {
      logAbs: each((layer, e) => {
        const s = byEpoch.get(e);
        const c = s && decades ? logAbsCounts(s, layer) : undefined;
        if (!c || !decades) return null;
        const shares = logAbsShares(c, PER_DECADE, decades)
          .slice(0, -1)
          .map((r) => round4(r.share));
        return { shares, zero: round4(c.zeros / Math.max(1, c.count)) };
      }),
      percentiles: each((layer, e) => {
        const s = byEpoch.get(e);
        const p = s && selectionPercentiles(s, layer);
        return p ? p.values.map(round4) : null;
      }),
    };
  });
  return { ...(decades ? { logAbs: { decades, perDecade: PER_DECADE } } : {}), runs: perRun };
}
