/**
 * Training curves, runs overlaid: train loss, test loss, the penalty term λ·penalty and test
 * accuracy over epochs (losses on log axes). Where a record has per-batch losses, the train loss
 * and penalty panels draw them too: the raw values faintly and an exponential moving average
 * (TensorBoard's smoothing, debiased) over them.
 *
 * A long record has tens of thousands of batches (469 an epoch for 40 epochs on MNIST), far more
 * than a panel has pixels. Past `maxBatchPoints` per series, every k consecutive batches (one k for
 * the whole figure) become one band from their lowest to their highest raw value, and the moving
 * average is drawn at each band's last batch: the figure shows the same spread and trend, and its
 * spec (inlined in reports) stays small.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { RunRecord } from '../../formats/index.ts';
import { ALL_OUTPUTS, NO_TEST_ACCURACY, outputDash, PER_OUTPUT_ACCURACY, testAccuracies } from './accuracy.ts';
import { LOG_LABEL, logAxis } from './axes.ts';
import { maxOf, minOf } from './extent.ts';
import { runLabels, runLabelsTitle, shownSpec } from './format.ts';
import { CONFIG, figureHead, runColor } from './theme.ts';
import { WRAP_PADDING, wrappedPanels, wrapSubtitle } from './wrap.ts';

/** `curvesSpec`'s options: the smoothing of per-batch values and how many points a series draws. */
export interface CurvesOptions {
  /** Weight of the moving average of per-batch values, 0 (none) to < 1; default 0.6 (TensorBoard's). */
  readonly smoothing?: number;
  /** Per-batch points a series may draw before k batches are drawn as one band; default 600. */
  readonly maxBatchPoints?: number;
}

/** What the curves say when no run has a penalty term to draw (0 has no place on a log axis). */
export const NO_PENALTY_TERM = 'no penalty term: no run has a penalty above 0';

/** The panels: which row field each draws, its title and y scale. */
const PANELS = [
  { metric: 'train loss', log: true },
  { metric: 'test loss', log: true },
  { metric: 'penalty term', log: true },
  { metric: 'test accuracy', log: false },
] as const;

/**
 * A panel's plot (px); the room its y axis is given left of it (`axis`), of which ticks and labels take
 * `axisExtent` in every panel (`100.0%`, the widest label, is 42 px at 11 px; the title beyond it: ~68 px
 * in all), so the plots of a row stand evenly apart (each axis took its own labels' width, and the gaps
 * between plots differed by 20 px and more); and the characters of a subtitle line in one column
 * (DejaVu Sans at 12 px, ~7.5 px a character: within the column's 80 + 224 px).
 */
const PANEL = { width: 224, height: 160, axis: 80, axisExtent: 50, subtitleChars: 38 } as const;

/**
 * The panels' row, each with its axis: 2 in a 720-px file (24 + 2 · (80 + 224) + 20 = 652 px), all 4 in
 * a card of 1 300 px or more (the report's at a 1400-px window: 1 322), 1 in a card under 652 px (the
 * subtitle then in lines of PANEL.subtitleChars, `wrapSubtitle`).
 */
const ROW = { panel: PANEL.axis + PANEL.width, around: WRAP_PADDING } as const;

/**
 * A panel's title, as a text mark 10 px above its plot's top left corner: every panel's at one
 * height. (As the chart's title, Vega placed it above whatever the chart drew highest — an axis
 * label or a point on the plot's top edge — and the titles of a row stood a few px apart.)
 */
function panelTitle(metric: string) {
  return {
    data: { values: [{}] },
    mark: { type: 'text', text: metric, align: 'left', baseline: 'bottom', fontSize: 13, fontWeight: 'bold' },
    encoding: { x: { value: 0 }, y: { value: -10 }, color: { value: 'black' } },
  };
}

/** TensorBoard's smoothing: s_t = w·s_{t−1} + (1 − w)·x_t, divided by 1 − w^t so the start is not pulled to 0. */
export function smooth(xs: readonly number[], weight: number): number[] {
  let s = 0;
  return xs.map((x, t) => {
    s = weight * s + (1 - weight) * x;
    return weight === 0 ? x : s / (1 - weight ** (t + 1));
  });
}

interface Row {
  readonly run: string;
  readonly metric: string;
  readonly epoch: number;
  readonly value: number;
  /** Batch bands only: the highest raw value of the band (`value` is the lowest). */
  readonly high?: number;
  readonly kind: 'epoch' | 'batch' | 'smoothed';
  /** Test accuracy of a model of several outputs: the output's name. */
  readonly output?: string;
}

type BatchSeries = Record<'train loss' | 'penalty term', { x: number; v: number }[]>;

function batchSeriesOf(run: RunRecord): BatchSeries {
  const batch: BatchSeries = { 'train loss': [], 'penalty term': [] };
  for (const e of run.epochs) {
    const b = e.batchLosses;
    if (b) {
      b.data.forEach((v, i) => batch['train loss'].push({ x: e.epoch - 1 + (i + 1) / b.data.length, v }));
      b.penalty.forEach((v, i) => batch['penalty term'].push({ x: e.epoch - 1 + (i + 1) / b.penalty.length, v }));
    }
  }
  return batch;
}

/** `k` consecutive batches to a band: the smallest k that keeps every series within `max` points. */
export function batchesPerBand(runs: readonly RunRecord[], max: number): number {
  const longest = maxOf(
    runs.flatMap((run) => Object.values(batchSeriesOf(run)).map((points) => points.length)),
    0,
  );
  return Math.max(1, Math.ceil(longest / max));
}

function rowsOf(run: RunRecord, label: string, smoothing: number, k: number): Row[] {
  const rows: Row[] = [];
  const add = (metric: string, epoch: number, value: number | null, kind: Row['kind'] = 'epoch', high?: number) => {
    if (value !== null && Number.isFinite(value)) rows.push({ run: label, metric, epoch, value, kind, ...(high === undefined ? {} : { high }) });
  };
  // The test accuracy (each output's, for a model of several outputs) after each finished epoch, as
  // the accuracy figure draws it: the untrained model's (~10 %, recorded at epoch 0) would squeeze
  // the trained range, where runs differ, into the panel's top fifth. The panel still shares the
  // epoch axis from 0 with the loss panels (`curvesSpec`), so the plots line up.
  for (const p of testAccuracies(run)) {
    if (p.acc !== null && Number.isFinite(p.acc))
      rows.push({ run: label, metric: 'test accuracy', epoch: p.epoch, value: p.acc, kind: 'epoch', ...(p.output === undefined ? {} : { output: p.output }) });
  }
  add('test loss', 0, run.initial.testLoss);
  // The penalty at epoch 0 (the untrained weights): records before run@3 lack it.
  add('penalty term', 0, run.initial.penaltyLoss ?? null);
  for (const e of run.epochs) {
    add('train loss', e.epoch, e.trainLoss);
    add('penalty term', e.epoch, e.penaltyLoss);
    add('test loss', e.epoch, e.testLoss);
  }
  for (const [metric, points] of Object.entries(batchSeriesOf(run))) {
    const s = smooth(
      points.map((p) => p.v),
      smoothing,
    );
    for (let start = 0; start < points.length; start += k) {
      const end = Math.min(start + k, points.length) - 1;
      const raw = points.slice(start, end + 1).map((p) => p.v);
      const x = (points[end] as { x: number }).x;
      if (k === 1) add(metric, x, raw[0] as number, 'batch');
      else add(metric, x, minOf(raw), 'batch', maxOf(raw));
      add(metric, x, s[end] as number, 'smoothed');
    }
  }
  // Log axes: only positive values (a run without a penalty has none to draw).
  return rows.filter((r) => r.metric === 'test accuracy' || r.value > 0);
}

/**
 * The runs' training curves: losses, λ·penalty and accuracy over epochs (see the file's comment).
 *
 * Formula: m_t = s·m_{t−1} + (1 − s)·x_t (m_0 = 0), drawn as m_t / (1 − sᵗ), t = 1, 2, …;  s = `smoothing`
 *
 * @example
 * curvesSpec(records, { smoothing: 0 })   // the per-batch losses unsmoothed
 */
export function curvesSpec(runs: RunRecord[], options: CurvesOptions = {}): TopLevelSpec {
  const labels = runLabels(runs);
  const smoothing = options.smoothing ?? 0.6;
  const k = batchesPerBand(runs, options.maxBatchPoints ?? 600);
  const rows = runs.flatMap((run, i) => rowsOf(run, labels[i] as string, smoothing, k));
  // A run of several outputs draws a test accuracy per output, dashed by output (a run's single one beside them: `all`).
  const dash = outputDash(rows.filter((r) => r.metric === 'test accuracy').map((r) => r.output));
  const values = dash ? rows.map((r) => (r.metric === 'test accuracy' && r.output === undefined ? { ...r, output: ALL_OUTPUTS } : r)) : rows;
  const batches = values.some((r) => r.kind === 'batch');
  // The legend's symbols as solid lines (the first layer, per-batch values, is faint).
  const byRun = runColor(labels);
  const color = { ...byRun, title: runLabelsTitle(runs), legend: { ...byRun.legend, symbolOpacity: 1 } };
  // No run with a test accuracy, its own or its outputs' (a regression loss): no empty accuracy
  // panel, and the subtitle says why.
  const accuracy = values.some((r) => r.metric === 'test accuracy');
  // Nor an empty penalty panel when no run has a penalty term above 0 (runs of `none` alone).
  const penalty = values.some((r) => r.metric === 'penalty term');
  const shown = PANELS.filter((p) => (accuracy || p.metric !== 'test accuracy') && (penalty || p.metric !== 'penalty term'));
  const wrap = wrappedPanels(shown.length, ROW);
  // Epoch means as points only where per-batch lines are drawn; joined by a line elsewhere (test loss, accuracy).
  const perBatch = (metric: string) => values.some((r) => r.kind === 'batch' && r.metric === metric);
  const byOutput = (metric: string) => dash !== undefined && metric === 'test accuracy';
  // The y scale and axis of a panel: a log one fitted to the data (whole decades over a decade or more), few ticks, short labels (`logAxis`); every axis as wide.
  const extent = { minExtent: PANEL.axisExtent, maxExtent: PANEL.axisExtent };
  const yAxis = (metric: string, log: boolean) => {
    const drawn = values.filter((r) => r.metric === metric).flatMap((r) => (r.high === undefined ? [r.value] : [r.value, r.high]));
    if (!log) return { scale: { zero: false }, axis: { format: '.1%', ...extent } };
    const axis = drawn.length ? logAxis(minOf(drawn), maxOf(drawn)) : undefined;
    return {
      scale: { type: 'log', ...(axis ? { domain: axis.domain, nice: false } : {}) },
      axis: { ...(axis ? { values: axis.values } : {}), labelExpr: LOG_LABEL, ...extent },
    };
  };
  // One x axis for all panels, epoch 0 to the last: the train loss has no epoch-0 value (its per-batch
  // values start after the first batch), nor has the test accuracy (`rowsOf`), and each panel's own
  // extent set its plot's epochs apart from the others'.
  const last = maxOf(
    values.map((r) => r.epoch),
    0,
  );
  const x = {
    field: 'epoch',
    type: 'quantitative',
    title: 'epoch',
    scale: { ...(last > 0 ? { domain: [0, last] } : { zero: false }), nice: false },
    axis: { tickMinStep: 1, format: 'd' },
  };
  const panel = (metric: string, log: boolean) => ({
    width: PANEL.width,
    height: PANEL.height,
    transform: [{ filter: { field: 'metric', equal: metric } }],
    encoding: {
      x,
      y: { field: 'value', type: 'quantitative', title: metric, ...yAxis(metric, log) },
      color,
    },
    layer: [
      k === 1
        ? { transform: [{ filter: "datum.kind === 'batch'" }], mark: { type: 'line', strokeWidth: 0.8, opacity: 0.25 }, encoding: { detail: { field: 'run' } } }
        : {
            transform: [{ filter: "datum.kind === 'batch'" }],
            mark: { type: 'area', opacity: 0.2 },
            encoding: { y2: { field: 'high' }, detail: { field: 'run' } },
          },
      { transform: [{ filter: "datum.kind === 'smoothed'" }], mark: { type: 'line', strokeWidth: 1.4 } },
      {
        transform: [{ filter: "datum.kind === 'epoch'" }],
        mark: { type: 'line', point: { filled: true, size: 24 }, strokeWidth: perBatch(metric) ? 0 : 2 },
        encoding: {
          ...(byOutput(metric) ? { strokeDash: dash } : {}),
          tooltip: [
            { field: 'run', title: runLabelsTitle(runs) },
            ...(byOutput(metric) ? [{ field: 'output' }] : []),
            { field: 'epoch' },
            { field: 'value', title: metric, format: '.5~g' },
          ],
        },
      },
      panelTitle(metric),
    ],
  });
  const subtitle = [
    // Lines no wider than two panels, so a page's card of two columns holds them (broken again for one: wrapSubtitle).
    'per epoch (0 = initial): mean train (data) loss over its batches;',
    'λ·penalty, test loss and accuracy after it; losses on log axes',
    ...(accuracy ? [] : [NO_TEST_ACCURACY]),
    ...(penalty ? [] : [NO_PENALTY_TERM]),
    ...(dash ? [PER_OUTPUT_ACCURACY] : []),
    ...(batches
      ? [
          `per batch (before its update): raw values faint${k > 1 ? ` (lowest to highest of each ${k} batches)` : ''},`,
          `moving average (smoothing ${smoothing}) drawn; points: per epoch`,
        ]
      : []),
  ];
  return shownSpec({
    ...figureHead('Training curves', subtitle),
    data: { values },
    concat: shown.map((p) => panel(p.metric, p.log)),
    // Columns that follow the width a page gives (a concat's charts have their own axes: no resolve needed).
    columns: wrap.columns,
    params: [...wrap.params, wrapSubtitle(subtitle, () => PANEL.subtitleChars)],
    resolve: { scale: { color: 'shared' } },
    config: CONFIG,
  } as TopLevelSpec);
}
