/**
 * Channel norms of several runs side by side: rows = runs, columns = layers (each on its own norm
 * axis, shared down its column; one share axis everywhere), one histogram per cell of the
 * output-channel norms after one epoch (bars; default the last) over the initial ones (grey line).
 * How the norms move epoch by epoch is the norm curves' figure (`normCurvesSpec`).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { RunRecord } from '../../formats/index.ts';
import { runLabels, shownSpec } from './format.ts';
import { layerNormLimits, normsColumns } from './norms-columns.ts';
import { boundsSubtitle, type NormLimitOptions, normLayers, rowNormsNote } from './norms-data.ts';
import { emptyFigure, NO_NORMS } from './norms-grid.ts';
import { defaultEpoch } from './selection.ts';
import { CONFIG, figureHead } from './theme.ts';

/** `compareNormsGridSpec`'s options: the epoch drawn and the axes' limits. */
export interface CompareNormsOptions extends NormLimitOptions {
  /** The epoch whose norms are drawn as bars; default the last of the longest run. */
  readonly epoch?: number;
}

const CELL = { width: 150, height: 70 } as const;

/**
 * Channel norms per layer of several runs, after `epoch` and initially, on one row per run.
 *
 * @example compareNormsGridSpec([none, l1, l2])  // after the last epoch
 */
export function compareNormsGridSpec(runs: RunRecord[], options: CompareNormsOptions = {}): TopLevelSpec {
  const title = 'Channel norms per layer, run by run';
  if (!runs.some((r) => normLayers([r]).length)) return emptyFigure(title, NO_NORMS);
  const labels = runLabels(runs);
  const epoch = options.epoch ?? defaultEpoch(runs);
  const rows = runs.map((run) => ({ run, epoch, outline: 0 }));
  const limits = layerNormLimits(rows, options);
  return shownSpec({
    ...figureHead(title, [
      `L2 norm of each output channel of each kernel${rowNormsNote(runs)}: bars after epoch ${epoch}, grey line before training · rows: runs · columns: layers, each on its own norm axis`,
      `y: share of the layer's channels, 0–${Math.round(100 * limits.yMax)} % in every cell`,
      ...boundsSubtitle(runs, labels),
    ]),
    hconcat: normsColumns(rows, labels, limits, CELL, options.bins),
    spacing: 14,
    config: CONFIG,
  } as TopLevelSpec);
}
