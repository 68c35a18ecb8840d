/**
 * |w| on a log axis: the share of weights in each bin of log10|w| (e.g. 1e-8 … 10), with exact
 * zeros counted apart in their own column — whether a penalty drives weights to 1e-2, 1e-5 or
 * exactly 0, which linear bins 0.02 wide cannot tell. Runs overlaid (one step line each, a bar
 * each for the zeros); one run is the per-run, per-epoch view.
 */
import type { TopLevelSpec } from 'vega-lite';
import { type RunRecord, snapshots, type WeightsSnapshot } from '../../formats/index.ts';
import { logTicks } from './axes.ts';
import { type BinCounts, logAbsCounts, rebin } from './binning.ts';
import { fitToCard } from './fit-width.ts';
import { runLabels, runLabelsTitle, shownSpec } from './format.ts';
import { niceMax } from './histogram-scale.ts';
import { emptyFigure } from './norms-grid.ts';
import { defaultEpoch, selectionText } from './selection.ts';
import { CONFIG, figureHead, runColor, SIZE } from './theme.ts';

/** `logAbsSpec`'s options: the epoch, the weights, the decades and bins per decade, the share axis. */
export interface LogAbsOptions {
  /** The epoch (0 = initial); default the last epoch of the longest run. */
  readonly epoch?: number;
  /** Which weights (as BinningOptions.layer); default all. */
  readonly layer?: string;
  /** Bins per decade; default 10 (the record keeps 20). */
  readonly perDecade?: number;
  /** Decades shown, as exponents [lo, hi]; default the decades any run has weights in. */
  readonly decades?: readonly [number, number];
  /** The share axis: linear (default) or log. */
  readonly scale?: 'linear' | 'log';
}

/** The least top of the zeros' axis: 1 % (also with no zero, where the axis would be the one tick 0 %). */
export const ZERO_AXIS_LEAST = 0.01;

/**
 * A share axis from 0 to `top`: linear, or log — symlog, linear below the share of one weight
 * (`oneWeight`), ticks at 0 and the powers of ten from it up (`logTicks`; Vega's own crowd at the top).
 */
function shareAxis(scale: 'linear' | 'log' | undefined, oneWeight: number, top: number, title: string): object {
  const log = scale === 'log';
  return {
    field: 'share',
    type: 'quantitative',
    title,
    scale: log ? { type: 'symlog', constant: oneWeight, domain: [0, top], nice: false } : { domain: [0, top], nice: false },
    axis: log ? { values: logTicks(oneWeight, top), labelExpr: SHARE_LABEL, grid: true } : { format: '~%' },
  };
}

/** A share as a percentage of its own digits (`0.0001%`, `10%`): Vega's format of a tick rounds to the ticks' spacing (`0%`). */
const SHARE_LABEL = "format(datum.value * 100, '~g') + '%'";

/** `1e-8`, `0.01`, `1`, `10`: the label of 10^k. */
export const DECADE_LABEL = "datum.value < -2 || datum.value > 2 ? '1e' + datum.value : format(pow(10, datum.value), '~g')";

/** The decades [lo, hi] (integers) holding any weight of the counts given. */
export function occupiedDecades(cs: readonly BinCounts[]): [number, number] {
  let [lo, hi] = [Infinity, -Infinity];
  for (const c of cs) {
    const width = (c.hi - c.lo) / c.counts.length;
    c.counts.forEach((k, i) => {
      if (k > 0) [lo, hi] = [Math.min(lo, c.lo + i * width), Math.max(hi, c.lo + (i + 1) * width)];
    });
  }
  return Number.isFinite(lo) ? [Math.floor(lo + 1e-9), Math.ceil(hi - 1e-9)] : [-8, 1];
}

/** The log10|w| counts of a snapshot's selection re-binned, as shares of all its weights. */
export function logAbsShares(c: BinCounts, perDecade: number, decades: readonly [number, number]): { x: number; share: number }[] {
  const r = rebin(c, Math.round((decades[1] - decades[0]) * perDecade), decades);
  const n = Math.max(1, c.count);
  const width = (r.hi - r.lo) / r.counts.length;
  const rows = Array.from(r.counts, (k, i) => ({ x: r.lo + i * width, share: k / n }));
  return [...rows, { x: r.hi, share: rows.at(-1)?.share ?? 0 }];
}

/**
 * The runs' shares of weights per bin of log10|w|, exact zeros apart (see the file's comment).
 *
 * Formula: share of a bin = #{w ≠ 0: log10|w| in the bin} / n;  zeros = #{w = 0} / n
 *
 * @example
 * logAbsSpec(records, { perDecade: 5, decades: [-8, 1] })
 */
export function logAbsSpec(runs: RunRecord[], options: LogAbsOptions = {}): TopLevelSpec {
  const labels = runLabels(runs);
  const epoch = options.epoch ?? defaultEpoch(runs);
  const perDecade = options.perDecade ?? 10;
  const at = (run: RunRecord): WeightsSnapshot | undefined => snapshots(run).find((s) => s.epoch === epoch);
  const counts = runs.map((run) => {
    const s = at(run);
    return s && logAbsCounts(s, options.layer);
  });
  const title = `|w| on a log axis at epoch ${epoch}`;
  if (!counts.some(Boolean)) return emptyFigure(title, 'no log10|w| histograms in these records (written before they were recorded)');
  const missing = labels.filter((_, i) => !counts[i]);
  const decades = options.decades ?? occupiedDecades(counts.flatMap((c) => (c ? [c] : [])));
  const values = counts.flatMap((c, i): object[] => {
    if (!c) return [];
    const run = labels[i];
    const n = Math.max(1, c.count);
    // Below and above the decades drawn (not the record's log range): what the tooltip says they are.
    const outside = rebin(c, 1, decades);
    return [
      ...logAbsShares(c, perDecade, decades).map((r) => ({ kind: 'bin', run, ...r })),
      { kind: 'zero', run, share: c.zeros / n, zeros: c.zeros, tiny: Math.round(outside.below), huge: Math.round(outside.above) },
    ];
  });
  const noZeros = counts.every((c) => !c || c.zeros === 0);
  const color = { ...runColor(labels), title: runLabelsTitle(runs) };
  const shares = (kind: string) => values.flatMap((v) => ((v as { kind: string }).kind === kind ? [(v as { share: number }).share] : []));
  // The share of one weight of the largest selection: where a log axis turns linear, and its lowest tick.
  const oneWeight = 1 / Math.max(1, ...counts.map((c) => c?.count ?? 0));
  const y = shareAxis(options.scale, oneWeight, niceMax(Math.max(...shares('bin'))), `share of weights per bin (${perDecade}/decade)`);
  // The zeros' own axis: from 0 to at least ZERO_AXIS_LEAST, so a few zeros among many weights are a low bar, not the panel's height.
  const zeroY = shareAxis(options.scale, oneWeight, niceMax(Math.max(ZERO_AXIS_LEAST, ...shares('zero'))), 'share of weights');
  const subtitle = [
    `${selectionText(options.layer)} · log10|w| bins, ${perDecade} per decade · left: the share of weights exactly 0 (own axis)`,
    ...(noZeros ? ['no weight is exactly 0'] : []),
    ...(missing.length ? [`not in ${missing.join(', ')}`] : []),
  ];
  const widths = [60 + 14 * runs.length, SIZE.single.width - 60];
  return shownSpec({
    ...figureHead(title, subtitle),
    // Both plots narrower on a page's narrow card, one under the other on the narrowest.
    params: fitToCard({ plots: widths, stack: true }, subtitle),
    data: { values },
    columns: widths.length,
    concat: [
      {
        width: widths[0],
        height: SIZE.single.height,
        transform: [{ filter: "datum.kind === 'zero'" }],
        encoding: {
          x: { field: 'run', type: 'nominal', title: 'w = 0', sort: labels, axis: { labels: false, ticks: false } },
          y: zeroY,
        },
        layer: [
          {
            mark: { type: 'bar' },
            encoding: {
              color,
              tooltip: [
                { field: 'run', title: runLabelsTitle(runs) },
                { field: 'zeros', title: 'exactly 0', format: ',d' },
                { field: 'share', format: '.3~%' },
                { field: 'tiny', title: `0 < |w| < 1e${decades[0]}`, format: ',d' },
                { field: 'huge', title: `|w| ≥ 1e${decades[1]}`, format: ',d' },
              ],
            },
          },
          // Each bar's count above it: a few zeros read as a number where their bar is a line. Only where
          // the rows carry the count (a page's report view gives shares only: no "NaN" above its bars).
          {
            transform: [{ filter: 'isValid(datum.zeros)' }],
            mark: { type: 'text', baseline: 'bottom', dy: -2, fontSize: 10 },
            encoding: { text: { field: 'zeros', format: ',d' } },
          },
        ],
      },
      {
        width: widths[1],
        height: SIZE.single.height,
        transform: [{ filter: "datum.kind === 'bin'" }],
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.8 },
        encoding: {
          x: {
            field: 'x',
            type: 'quantitative',
            title: '|w| (log scale)',
            scale: { domain: [decades[0], decades[1]], nice: false, zero: false },
            axis: { tickMinStep: 1, labelExpr: DECADE_LABEL },
          },
          y,
          color,
          tooltip: [
            { field: 'run', title: runLabelsTitle(runs) },
            { field: 'x', title: 'log10|w| from', format: '.2f' },
            { field: 'share', format: '.3~%' },
          ],
        },
      },
    ],
    resolve: { scale: { y: 'independent' } },
    config: CONFIG,
  } as TopLevelSpec);
}
