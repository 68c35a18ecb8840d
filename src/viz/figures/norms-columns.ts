/**
 * The columns of a channel-norm grid: one column per layer, each on its own norm axis (a first
 * conv's norms of ~1 and a dense layer's of ~15 would be slivers on one shared axis), one row per
 * (run, epoch) — with, optionally, another epoch's histogram as a grey step line under the bars.
 * The share axis is the same in every cell. Used by `normsGridSpec` (rows: epochs of one run) and
 * `compareNormsGridSpec` (rows: runs at one epoch over their initial norms).
 *
 *   rows ─► per layer: the norm limit over the rows' norms and bounds ─► the share limit over all
 *   bins ─► per layer: bars, outline, bound rules and notes of every row ─► a row-faceted column
 */
import { type RunRecord, snapshots } from '../../formats/index.ts';
import { maxOf } from './extent.ts';
import { indexFacet } from './facets.ts';
import { niceMax } from './histogram-scale.ts';
import { normAxisX, normCellLayers, shareEncoding } from './norms-cell.ts';
import {
  boundRules,
  layerBounds,
  type NormBinRow,
  type NormLimitOptions,
  normBins,
  normCellNote,
  normLayerLabel,
  normLayers,
  snapshotNorms,
} from './norms-data.ts';
import { SHARED_SCALES } from './theme.ts';

/** One row of the grid: `run`'s norms after `epoch` as bars, and after `outline` (if given) as a grey line. */
export interface NormsRow {
  readonly run: RunRecord;
  readonly epoch: number;
  readonly outline?: number;
}

/** Per layer (in `layers`' order) the right end of its norm axis; one top of the share axis for all. */
export interface LayerNormLimits {
  readonly layers: string[];
  readonly xMax: number[];
  readonly yMax: number;
}

const OUTLINE_COLOR = '#9a9a9a';

/** The channel norms of `layer` in `run`'s snapshot after `epoch` (0: initial), if recorded. */
function normsAt(run: RunRecord, epoch: number | undefined, layer: string) {
  if (epoch === undefined) return undefined;
  const s = snapshots(run).find((x) => x.epoch === epoch);
  return s && snapshotNorms(s).find((l) => l.layer === layer);
}

/** The rules of `layer`'s norm-constraint bounds in `run`. */
const layerRules = (run: RunRecord, layer: string) => boundRules(layerBounds(run, layer));

/**
 * The limits of a grid of `rows`: each layer's norm axis a round number above its norms (bars and
 * outlines) and its constraint's bounds; the share axis a round number above every bin, with 10 %
 * headroom for the cells' notes. A given `xMax`/`yMax` is used as is.
 */
export function layerNormLimits(rows: readonly NormsRow[], options: NormLimitOptions = {}): LayerNormLimits {
  const layers = normLayers(rows.map((r) => r.run));
  const xMax = layers.map(
    (layer) =>
      options.xMax ??
      niceMax(
        maxOf(
          [
            ...rows.flatMap((r) => [r.epoch, r.outline].flatMap((e) => normsAt(r.run, e, layer)?.norms ?? []).filter(Number.isFinite)),
            ...rows.flatMap((r) => layerRules(r.run, layer).map((b) => b.bound * 1.05)),
          ],
          0,
        ),
      ),
  );
  const shares = layers.flatMap((layer, i) =>
    rows.flatMap((r) =>
      [r.epoch, r.outline].flatMap((e) => {
        const n = normsAt(r.run, e, layer);
        return n ? normBins(n.norms, xMax[i] as number, options.bins).rows.map((b) => b.share) : [];
      }),
    ),
  );
  return { layers, xMax, yMax: options.yMax ?? Math.min(1, niceMax(1.1 * maxOf(shares, 0))) };
}

/** A histogram's bins as the points of a step line: each bin's left edge, and the last bin's right edge. */
function stepOutline(bins: readonly NormBinRow[]): NormBinRow[] {
  const last = bins.at(-1);
  return last ? [...bins, { ...last, bin: last.bin + 1, x0: last.x1 }] : [];
}

/** The data of one cell (`row`, `col`): `bar`, `initial` (outline), `bound` and `note` rows. */
function cellValues(r: NormsRow, row: number, col: number, layer: string, xMax: number, bins: number | undefined): object[] {
  const at = { row, col, epoch: r.epoch, layer };
  const rules = layerRules(r.run, layer).map((b) => ({ ...at, kind: 'bound', bound: b.bound, boundLabel: b.label }));
  const before = normsAt(r.run, r.outline, layer);
  const outline = before ? stepOutline(normBins(before.norms, xMax, bins).rows).map((b) => ({ ...at, kind: 'initial', ...b })) : [];
  const shown = normsAt(r.run, r.epoch, layer);
  if (!shown) {
    const has = normLayers([r.run]);
    const why = !has.length ? 'no norms' : has.includes(layer) ? `no epoch ${r.epoch}` : 'not in this model';
    return [...outline, ...rules, { ...at, kind: 'note', note: why }];
  }
  const { rows, above } = normBins(shown.norms, xMax, bins);
  const note = normCellNote(shown.projected, above, xMax);
  return [...outline, ...rows.map((b) => ({ ...at, kind: 'bar', ...b })), ...rules, ...(note ? [{ ...at, kind: 'note', note }] : [])];
}

/** The grey step line of the `initial` rows, on the bars' axes (the first layer's axes are the ones drawn). */
function outlineLayer(xMax: number, yMax: number): object {
  return {
    transform: [{ filter: "datum.kind === 'initial'" }],
    mark: { type: 'line', interpolate: 'step-after', color: OUTLINE_COLOR, strokeWidth: 1.2 },
    encoding: {
      // The bars' axes (the first layer's axes are the ones drawn).
      x: normAxisX(xMax),
      y: { ...shareEncoding(yMax), title: null },
    },
  };
}

/**
 * The grid's columns (for `hconcat`): per layer a column titled with its label and channel count,
 * faceted by row; the row labels (`rowLabels`) on the first column only.
 */
export function normsColumns(
  rows: readonly NormsRow[],
  rowLabels: readonly string[],
  limits: LayerNormLimits,
  cell: { readonly width: number; readonly height: number },
  bins?: number,
): object[] {
  const runs = rows.map((r) => r.run);
  const outlined = rows.some((r) => r.outline !== undefined);
  return limits.layers.map((layer, col) => {
    const xMax = limits.xMax[col] as number;
    const cellLimits = { xMax, yMax: limits.yMax };
    return {
      title: { text: normLayerLabel(runs, layer), fontSize: 12 },
      data: { values: rows.flatMap((r, row) => cellValues(r, row, col, layer, xMax, bins)) },
      facet: {
        row: indexFacet('row', rowLabels, col === 0 ? { labelAngle: 0, labelAlign: 'left', labelFontWeight: 'bold', labelLimit: 220 } : { labels: false }),
      },
      spec: { ...cell, layer: [...(outlined ? [outlineLayer(xMax, limits.yMax)] : []), ...normCellLayers(cellLimits, null)] },
      resolve: SHARED_SCALES,
    };
  });
}
