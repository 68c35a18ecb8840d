/**
 * Channel norms of several runs side by side: rows = runs, columns = layers, one histogram per cell
 * of the output-channel norms after one epoch (bars; default the last) over the initial ones (grey
 * outline). Each layer has its own norm axis, shared down its column (a first conv's norms of ~1 and
 * a dense layer's of ~15 would otherwise share one axis and show as slivers); the share axis is the
 * same everywhere. How the norms move epoch by epoch is the norm curves' figure (`normCurvesSpec`).
 *
 *   runs ─► per layer: norm limit over the runs' chosen and initial snapshots ─► per run × layer:
 *   bins, initial bins, bound rules, note ─► one row-faceted column per layer ─► hconcat
 */
import type { TopLevelSpec } from 'vega-lite';
import { type RunRecord, snapshots } from '../../formats/index.ts';
import { indexFacet } from './facets.ts';
import { runLabels } from './format.ts';
import { niceMax } from './histogram-scale.ts';
import {
  boundRules,
  boundsSubtitle,
  layerBounds,
  type NormBinRow,
  type NormLimitOptions,
  normBins,
  normCellNote,
  normLayerLabel,
  normLayers,
  normTicks,
  snapshotNorms,
} from './norms-data.ts';
import { emptyFigure, NO_NORMS, NORM_TITLE, normCellLayers } from './norms-grid.ts';
import { defaultEpoch } from './selection.ts';
import { CONFIG, figureHead, SHARED_SCALES } from './theme.ts';

export interface CompareNormsOptions extends NormLimitOptions {
  /** The epoch whose norms are drawn as bars; default the last of the longest run. */
  readonly epoch?: number;
}

const CELL = { width: 150, height: 70 } as const;
const INITIAL_COLOR = '#9a9a9a';

/** The channel norms of `layer` in the snapshot of `run` after `epoch` (0: initial), if recorded. */
function normsAt(run: RunRecord, epoch: number, layer: string) {
  const s = snapshots(run).find((x) => x.epoch === epoch);
  return s && snapshotNorms(s).find((l) => l.layer === layer);
}

/** A histogram's bins as the points of a step line: each bin's left edge, and the last bin's right edge. */
function stepOutline(rows: readonly NormBinRow[]): NormBinRow[] {
  const last = rows.at(-1);
  return last ? [...rows, { ...last, bin: last.bin + 1, x0: last.x1 }] : [];
}

/** The rules of a layer's norm-constraint bounds in `run`. */
const layerRules = (run: RunRecord, layer: string) => boundRules(layerBounds(run.config, layer));

/**
 * Channel norms per layer of several runs, after `epoch` and initially, on one row per run.
 *
 * @example compareNormsGridSpec([none, l1, l2])  // after each run's last epoch
 */
export function compareNormsGridSpec(runs: RunRecord[], options: CompareNormsOptions = {}): TopLevelSpec {
  const title = 'Channel norms per layer, run by run';
  if (!runs.some((r) => normLayers([r]).length)) return emptyFigure(title, NO_NORMS);
  const labels = runLabels(runs);
  const epoch = options.epoch ?? defaultEpoch(runs);
  const layers = normLayers(runs);
  const xMaxOf = (layer: string) =>
    options.xMax ??
    niceMax(
      Math.max(
        0,
        ...runs.flatMap((run) => [...(normsAt(run, epoch, layer)?.norms ?? []), ...(normsAt(run, 0, layer)?.norms ?? [])].filter(Number.isFinite)),
        ...runs.flatMap((run) => layerRules(run, layer).map((r) => r.bound * 1.05)),
      ),
    );
  const columns = layers.map((layer) => {
    const xMax = xMaxOf(layer);
    const values = runs.flatMap((run, row): Array<Record<string, unknown>> => {
      const at = { row, layer };
      const rules = layerRules(run, layer).map((r) => ({ ...at, kind: 'bound', bound: r.bound, boundLabel: r.label }));
      const initial = normsAt(run, 0, layer);
      const outline = initial ? stepOutline(normBins(initial.norms, xMax, options.bins).rows).map((r) => ({ ...at, kind: 'initial', ...r })) : [];
      const shown = normsAt(run, epoch, layer);
      if (!shown) {
        const why = !normLayers([run]).length ? 'no norms' : normLayers([run]).includes(layer) ? `no epoch ${epoch}` : 'not in this model';
        return [...outline, ...rules, { ...at, kind: 'note', note: why }];
      }
      const { rows, above } = normBins(shown.norms, xMax, options.bins);
      const note = normCellNote(shown.projected, above, xMax);
      return [...outline, ...rows.map((r) => ({ ...at, kind: 'bar', ...r })), ...rules, ...(note ? [{ ...at, kind: 'note', note }] : [])];
    });
    return { layer, xMax, values };
  });
  const yMax =
    options.yMax ??
    Math.min(1, niceMax(1.1 * Math.max(0, ...columns.flatMap((c) => c.values.filter((v) => v.kind !== 'note' && 'share' in v).map((v) => v.share as number)))));
  return {
    ...figureHead(title, [
      `L2 norm of each output channel of each kernel: bars after epoch ${epoch}, grey line before training · rows: runs · columns: layers, each on its own norm axis`,
      `y: share of the layer's channels, 0–${Math.round(100 * yMax)} % in every cell`,
      ...boundsSubtitle(runs, labels),
    ]),
    hconcat: columns.map(({ layer, xMax, values }, col) => ({
      title: { text: normLayerLabel(runs, layer), fontSize: 12 },
      data: { values },
      facet: {
        row: indexFacet('row', labels, col === 0 ? { labelAngle: 0, labelAlign: 'left', labelFontWeight: 'bold', labelLimit: 220 } : { labels: false }),
      },
      spec: { ...CELL, layer: [initialLayer(xMax, yMax), ...normCellLayers({ xMax, yMax }, null)] },
      resolve: SHARED_SCALES,
    })),
    spacing: 14,
    config: CONFIG,
  } as TopLevelSpec;
}

/** The initial norms' histogram as a grey step outline behind the chosen epoch's bars. */
function initialLayer(xMax: number, yMax: number): object {
  return {
    transform: [{ filter: "datum.kind === 'initial'" }],
    mark: { type: 'line', interpolate: 'step-after', color: INITIAL_COLOR, strokeWidth: 1.2 },
    encoding: {
      // The bars' axis (the first layer's axis is the one drawn).
      x: {
        field: 'x0',
        type: 'quantitative',
        title: NORM_TITLE,
        scale: { domain: [0, xMax], nice: false, zero: false },
        axis: { values: normTicks(xMax), tickCount: normTicks(xMax).length, format: '.4~g' },
      },
      y: { field: 'share', type: 'quantitative', title: null, scale: { domain: [0, yMax], nice: false, zero: true } },
    },
  };
}
