/**
 * Histograms of the kernels' output-channel norms: rows = epochs, columns = layers, every cell on
 * the same x ([0, xMax]) and y ([0, yMax], share of the layer's channels) limits, given or computed
 * from the data. So two runs drawn with the same `xMax`/`yMax` compare cell by cell. A norm
 * constraint's bounds are drawn as vertical rules, and each cell notes the share of output channels
 * (last axis) in which the constraint changed a weight during that epoch (and how many norms lie beyond xMax, if any).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { PositionDef } from 'vega-lite/types_unstable/channeldef.js';
import type { RunRecord } from '../../formats/index.ts';
import { barsEncoding } from './axes.ts';
import { penaltyLine } from './epoch-histogram.ts';
import { indexFacet } from './facets.ts';
import {
  boundRules,
  constraintText,
  layerBounds,
  type NormLimitOptions,
  type NormLimits,
  normBins,
  normCellNote,
  normEpochs,
  normLayerLabel,
  normLayers,
  normsLimits,
  normTicks,
  snapshotNorms,
} from './norms-data.ts';
import { BAR_COLOR, CONFIG, figureHead, PANEL_TICKS, SHARED_SCALES, SIZE } from './theme.ts';

export interface NormsGridOptions extends NormLimitOptions {
  /** The epochs to show (rows); default: all, or up to `most` spread over 0..N. */
  readonly epochs?: number[];
  /** Rows at most when epochs are not given; default 6. */
  readonly most?: number;
}

/** The colour of the constraint's bound rules. */
export const BOUND_COLOR = '#c0392b';
/** The norm axis title. */
export const NORM_TITLE = 'channel norm ‖w‖₂';
const CELL = { width: 170, height: 90 } as const;

/** The subtitle line about the constraint's rules. */
function boundsLine(run: RunRecord): string[] {
  const text = constraintText(run.config, 'bounded');
  return text
    ? [`red rules: bounds of ${text}; exact for channels where its slices are the output channels (e.g. dense kernels with axis=0, or perchannel=1)`]
    : [];
}

/** One run's grid (a facet spec without $schema/config), on the given limits. */
function runGrid(run: RunRecord, epochs: readonly number[], limits: NormLimits, bins: number | undefined, title?: string): Record<string, unknown> {
  const layers = normLayers([run]);
  const snaps = [run.initial, ...run.epochs];
  const values = epochs.flatMap((epoch, row) =>
    layers.flatMap((layer, col): object[] => {
      const at = { row, col, epoch, layer };
      const rules = boundRules(layerBounds(run.config, layer));
      const s = snaps.find((x) => x.epoch === epoch);
      const n = s && snapshotNorms(s).find((l) => l.layer === layer);
      const ruleRows = rules.map((r) => ({ ...at, kind: 'bound', bound: r.bound, boundLabel: r.label }));
      if (!n) return [{ ...at, kind: 'note', note: s ? 'no norms' : `no epoch ${epoch}` }, ...ruleRows];
      const { rows, above } = normBins(n.norms, limits.xMax, bins);
      const note = normCellNote(n.projected, above, limits.xMax);
      return [...rows.map((r) => ({ ...at, kind: 'bar', ...r })), ...ruleRows, ...(note ? [{ ...at, kind: 'note', note }] : [])];
    }),
  );
  return {
    ...(title ? { title: { text: title, anchor: 'start', fontSize: 13 } } : {}),
    data: { values },
    facet: {
      row: indexFacet(
        'row',
        epochs.map((e) => `epoch=${e}`),
        { labelAngle: 0, labelAlign: 'left', labelFontWeight: 'bold' },
      ),
      column: indexFacet(
        'col',
        layers.map((l) => normLayerLabel([run], l)),
        { labelFontWeight: 'bold' },
      ),
    },
    spec: { ...CELL, layer: normCellLayers(limits) },
    resolve: SHARED_SCALES,
  };
}

/**
 * The layers of one histogram cell, over rows with `kind`: `bar` (x0, x1, share), `bound` (a
 * constraint bound: a vertical rule at `bound`) and `note` (text in the top left corner); the share
 * axis titled `shareTitle` (null: untitled).
 */
export function normCellLayers(limits: NormLimits, shareTitle: string | null = 'share of channels'): object[] {
  const bars = barsEncoding([0, limits.xMax], { ...shareEncoding(limits.yMax), title: shareTitle }, PANEL_TICKS);
  const ticks = normTicks(limits.xMax);
  // tickCount too: Vega thins explicit values down to the default count (width / 40).
  const x = { ...bars.x, title: NORM_TITLE, axis: { values: ticks, tickCount: ticks.length, format: '.4~g' } };
  const xScale = { domain: [0, limits.xMax], nice: false, zero: false };
  return [
    {
      transform: [{ filter: "datum.kind === 'bar'" }],
      mark: { type: 'bar', color: BAR_COLOR },
      encoding: {
        ...bars,
        x,
        tooltip: [
          { field: 'x0', title: 'norm from', format: '.4~f' },
          { field: 'x1', title: 'to', format: '.4~f' },
          { field: 'share', title: 'share of channels', format: '.1%' },
        ],
      },
    },
    {
      transform: [{ filter: "datum.kind === 'bound'" }],
      mark: { type: 'rule', color: BOUND_COLOR, strokeWidth: 1.5, strokeDash: [4, 3] },
      encoding: { x: { field: 'bound', type: 'quantitative', scale: xScale } },
    },
    {
      transform: [{ filter: "datum.kind === 'note'" }],
      // Top left: the bound rules (a max norm) are usually on the right.
      mark: { type: 'text', align: 'left', baseline: 'top', fontSize: 10, color: '#444' },
      encoding: { text: { field: 'note' }, x: { value: 4 }, y: { value: 4 } },
    },
  ];
}

/** y of the norm histograms: the share of the layer's channels in each bin, over [0, yMax]. */
function shareEncoding(yMax: number): PositionDef<string> {
  return {
    field: 'share',
    type: 'quantitative',
    title: 'share of channels',
    scale: { domain: [0, yMax], nice: false, zero: true },
    axis: { format: '~%', tickCount: 3 },
  };
}

/** A figure saying there is nothing to draw (records from before channel norms were recorded). */
export function emptyFigure(title: string, why: string): TopLevelSpec {
  return {
    ...figureHead(title),
    ...SIZE.line,
    height: 40,
    data: { values: [{ why }] },
    mark: { type: 'text', align: 'left', fontSize: 12, color: '#666' },
    encoding: { text: { field: 'why' }, x: { value: 0 }, y: { value: 20 } },
    config: { ...CONFIG, view: { stroke: null } },
  };
}

export const NO_NORMS = 'this record has no channel norms (written before they were tracked)';

/** The grid of one run: rows = epochs, columns = layers, shared x and y limits. */
export function normsGridSpec(run: RunRecord, options: NormsGridOptions = {}): TopLevelSpec {
  const title = `Channel norms per layer — ${run.config.name}`;
  if (!normLayers([run]).length) return emptyFigure(title, NO_NORMS);
  const epochs = options.epochs ?? normEpochs([run], options.most ?? 6);
  const limits = normsLimits([run], { ...options, epochs });
  return {
    ...figureHead(title, [
      penaltyLine(run),
      `L2 norm of each output channel of each kernel · rows: epochs (0 = initial) · columns: layers · shared axes`,
      ...boundsLine(run),
    ]),
    ...runGrid(run, epochs, limits, options.bins),
    config: CONFIG,
  } as TopLevelSpec;
}
