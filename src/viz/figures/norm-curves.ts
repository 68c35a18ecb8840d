/**
 * The kernels' output-channel norms over training: one panel per layer with the mean (solid) and
 * the max (dashed) channel norm, one colour per run. x is the epoch, fractional between epochs
 * when the run recorded norms after every batch (`trackNorms: 'batch'`). A norm constraint's
 * bounds are drawn as horizontal rules. Each panel has its own y scale from 0 (layers' norms
 * differ by an order of magnitude); x is shared. The panels wrap (wrap.ts): a file draws one row
 * of up to five layers, else rows of three; a page's card as many a row as it holds.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { RunRecord } from '../../formats/index.ts';
import { EPOCH_ENCODING } from './axes.ts';
import { indexFacet } from './facets.ts';
import { runLabels, runLabelsTitle, shownSpec } from './format.ts';
import { BOUND_COLOR, NORM_TITLE } from './norms-cell.ts';
import { boundRules, boundsSubtitle, hasNorms, layerBounds, normCurve, normLayerLabel, normLayers, rowNormsNote } from './norms-data.ts';
import { emptyFigure } from './norms-grid.ts';
import { CONFIG, figureHead, LINE_LEGEND, shownRunColor } from './theme.ts';
import { GAP, SUBTITLE_CHAR, subtitleByWidth, WRAP_MAX_WIDTH, WRAP_PADDING, wrappedPanels } from './wrap.ts';

/** The two curves per layer and run, as legend labels. */
export const NORM_STATS = ['mean', 'max'] as const;

const PANEL = { width: 210, height: 150 } as const;

/** What a layer's panel takes beside its plot (px): its own y axis, labels such as `2.5` and the title `channel norm ‖w‖₂`. */
const PANEL_AXIS = 45;
/** The most layers a file draws in one row; more wrap in rows of FILE_COLUMNS. */
const ONE_ROW = 5;
const FILE_COLUMNS = 3;

/**
 * The facet of the layers' panels, each `width` px wide with its own y axis, wrapped (wrap.ts): a
 * file's columns are every layer up to ONE_ROW, else FILE_COLUMNS; a page's as many as its card
 * holds, the subtitle broken to the card's width (`subtitleByWidth`). Spread into the spec; merge
 * the figure's `resolve` with it.
 *
 * Formula: a row of c panels is WRAP_PADDING + c · (width + PANEL_AXIS + GAP) − GAP px wide
 *
 * @example
 * layerPanels(fiveLabels, 165, subtitle).columns   // 5: 24 + 5 · 230 − 20 = 1154 px in a file; 1 in a card of 400 px
 */
function layerPanels(labels: readonly string[], width: number, subtitle: readonly string[]) {
  const row = { panel: width + PANEL_AXIS, around: WRAP_PADDING };
  const inFile = labels.length <= ONE_ROW ? labels.length : FILE_COLUMNS;
  const maxWidth = Math.max(WRAP_MAX_WIDTH, row.around + inFile * (row.panel + GAP) - GAP);
  const { columns, params, resolve } = wrappedPanels(labels.length, { ...row, maxWidth });
  return {
    facet: indexFacet('panel', labels, { labelFontWeight: 'bold' }),
    columns,
    params: [...params, subtitleByWidth(subtitle, { maxWidth, least: Math.floor(row.panel / SUBTITLE_CHAR) })],
    resolve,
  };
}

/** `stat` as a dashed/solid line, legend titled `channel norm`. */
const STAT_DASH = {
  field: 'stat',
  type: 'nominal',
  title: 'channel norm',
  sort: [...NORM_STATS],
  legend: { ...LINE_LEGEND, symbolStrokeColor: '#333' },
  scale: {
    domain: [...NORM_STATS],
    range: [
      [1, 0],
      [5, 3],
    ],
  },
} as const;

/**
 * The colour of runs, titled `penalty` or `penalty · optimizer` as their labels are: each run keeps
 * its colour of the other figures, and runs without norms stay out of the legend.
 */
function colorOf(runs: readonly RunRecord[], labels: readonly string[]) {
  return shownRunColor(
    labels,
    labels.filter((_, i) => runs[i] && hasNorms(runs[i])),
    runLabelsTitle(runs),
  );
}

/** `normCurvesSpec`'s options: the size of each layer's panel. */
export interface NormCurvesOptions {
  /** Width of each layer's panel; default 210. */
  readonly width?: number;
  /** Height of each layer's panel; default 150. */
  readonly height?: number;
}

/**
 * The kernels' output-channel norms over training, one panel per layer: mean and max channel norm
 * per run, a constraint's bounds as rules (see the file's comment).
 *
 * Formula: ‖w_c‖₂ of each output channel c (the kernel's slice along its last axis; an Embedding's row c); mean_c and max_c drawn
 *
 * @example
 * normCurvesSpec(records, { width: 300 })   // a Vega-Lite spec: one panel per layer
 */
export function normCurvesSpec(runs: RunRecord[], options: NormCurvesOptions = {}): TopLevelSpec {
  const panel = { width: options.width ?? PANEL.width, height: options.height ?? PANEL.height };
  const title = 'Channel norms over training';
  const layers = normLayers(runs);
  if (!layers.length) return emptyFigure(title, 'these records have no channel norms (written before they were tracked)');
  const labels = runLabels(runs);
  const values: object[] = runs.flatMap((run, i) =>
    normCurve(run).flatMap((p) => {
      const panel = layers.indexOf(p.layer);
      return NORM_STATS.map((stat) => ({ kind: 'curve', panel, run: labels[i], stat, epoch: p.epoch, norm: p[stat], at: p.at }));
    }),
  );
  // In each layer's panel, one rule per distinct bound of the constraints on that layer's kernel in
  // the runs, labelled (with the run when the runs' bounds there differ); none where no run has one.
  layers.forEach((layer, panel) => {
    const bounds = runs.flatMap((run, i) => boundRules(layerBounds(run, layer)).map((r) => ({ ...r, run: labels[i] ?? '' })));
    const same = new Set(runs.map((r) => JSON.stringify(layerBounds(r, layer) ?? null))).size === 1;
    const shown = same ? [...new Map(bounds.map((b) => [b.bound, b])).values()] : bounds;
    for (const b of shown) values.push({ kind: 'bound', panel, bound: b.bound, label: same ? b.label : `${b.label} (${b.run})` });
  });
  const batches = runs.some((run) => run.epochs.some((e) => e.batchNorms?.length));
  const subtitle = [
    `mean (solid) and max (dashed) L2 norm of each kernel's output channels${rowNormsNote(runs)}, ${batches ? 'after every batch (points: end of each epoch)' : 'after each epoch (0 = initial)'}`,
    ...boundsSubtitle(runs, labels),
  ];
  const panels = layerPanels(
    layers.map((l) => normLayerLabel(runs, l)),
    panel.width,
    subtitle,
  );
  return shownSpec({
    ...figureHead(title, subtitle),
    data: { values },
    ...panels,
    spec: {
      ...panel,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'curve'" }],
          mark: { type: 'line', strokeWidth: 1.8, clip: true },
          encoding: {
            x: EPOCH_ENCODING,
            // Flush: a top label at the panel's top would raise that panel's header above the others' (a cell's title clears its axes).
            // Flush: a label at a panel's top edge would raise that panel's title above its row's (a cell's title clears its axes).
            y: { field: 'norm', type: 'quantitative', title: NORM_TITLE, scale: { zero: true, nice: true }, axis: { labelFlush: true } },
            color: colorOf(runs, labels),
            strokeDash: STAT_DASH,
          },
        },
        {
          transform: [{ filter: "datum.kind === 'curve' && datum.at === 'epoch'" }],
          mark: { type: 'point', filled: true, size: batches ? 16 : 24, opacity: 1 },
          encoding: {
            x: EPOCH_ENCODING,
            y: { field: 'norm', type: 'quantitative' },
            color: colorOf(runs, labels),
            tooltip: [{ field: 'run', title: runLabelsTitle(runs) }, { field: 'epoch', format: '.3~f' }, { field: 'stat' }, { field: 'norm', format: '.4f' }],
          },
        },
        {
          transform: [{ filter: "datum.kind === 'bound'" }],
          mark: { type: 'rule', color: BOUND_COLOR, strokeWidth: 1.2, strokeDash: [4, 3] },
          encoding: { y: { field: 'bound', type: 'quantitative' } },
        },
        {
          transform: [{ filter: "datum.kind === 'bound'" }],
          mark: { type: 'text', align: 'right', baseline: 'bottom', dy: -2, fontSize: 10, color: BOUND_COLOR },
          encoding: { y: { field: 'bound', type: 'quantitative' }, x: { value: panel.width - 3 }, text: { field: 'label' } },
        },
      ],
    },
    resolve: { ...panels.resolve, scale: { x: 'shared', y: 'independent' } },
    config: { ...CONFIG, legend: { ...CONFIG.legend, direction: 'horizontal' } },
  } as TopLevelSpec);
}
