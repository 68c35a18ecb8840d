/**
 * Distributions over epochs as percentile bands (TensorBoard's distribution view), one panel per
 * run on shared scales: min–max, 7–93 %, 16–84 %, 31–69 % as ever darker bands around the median.
 */
import type { TopLevelSpec } from 'vega-lite';
import { type RunRecord, snapshots } from '../../formats/index.ts';
import { EPOCH_ENCODING } from './axes.ts';
import { selectionPercentiles } from './binning.ts';
import { runLabels, shownSpec } from './format.ts';
import { selectionText } from './selection.ts';
import { CONFIG, figureHead, runColor } from './theme.ts';
import { runPanels } from './wrap.ts';

/** The percentile fields of a row, in the recorded order. */
export const BAND_FIELDS = ['p0', 'p7', 'p16', 'p31', 'p50', 'p69', 'p84', 'p93', 'p100'] as const;
/** The bands, outer to inner, with their opacity. */
const BANDS = [
  ['p0', 'p100', 0.14],
  ['p7', 'p93', 0.24],
  ['p16', 'p84', 0.34],
  ['p31', 'p69', 0.46],
] as const;

/**
 * The runs' weight distributions over epochs as percentile bands around the median, one panel per
 * run (see the file's comment); `layer` selects the weights as the histograms' `layer` does.
 *
 * @example
 * bandsSpec(records, { layer: 'kernels' })   // a Vega-Lite spec: one panel of bands per run
 */
export function bandsSpec(runs: RunRecord[], options: { readonly layer?: string } = {}): TopLevelSpec {
  const labels = runLabels(runs);
  let estimated = false;
  const values = runs.flatMap((run, col) =>
    snapshots(run).flatMap((s) => {
      const p = selectionPercentiles(s, options.layer);
      if (!p) return [];
      estimated ||= p.estimated;
      return [{ col, run: labels[col], epoch: s.epoch, ...Object.fromEntries(BAND_FIELDS.map((f, i) => [f, p.values[i]])) }];
    }),
  );
  const color = { ...runColor(labels), legend: null };
  const tooltip = [
    { field: 'epoch' },
    ...BAND_FIELDS.map((f) => ({ field: f, title: f === 'p0' ? 'min' : f === 'p100' ? 'max' : `${f.slice(1)} %`, format: '.4~g' })),
  ];
  const subtitle = [
    `${selectionText(options.layer)} · bands: min–max, 7–93 %, 16–84 %, 31–69 % of w (±1.5σ, ±1σ, ±0.5σ for a normal); line: the median`,
    ...(estimated ? ['some percentiles read off the 100-bin histograms (records without percentiles)'] : []),
  ];
  const panels = runPanels(labels, { tall: 200, subtitle });
  return shownSpec({
    ...figureHead('Distributions over epochs', subtitle),
    data: { values },
    ...panels.facet,
    spec: {
      width: panels.width,
      height: panels.height,
      encoding: { x: EPOCH_ENCODING, color },
      layer: [
        ...BANDS.map(([a, b, opacity]) => ({
          mark: { type: 'area', opacity },
          encoding: { y: { field: a, type: 'quantitative', title: 'weight' }, y2: { field: b } },
        })),
        { mark: { type: 'line', strokeWidth: 1.8 }, encoding: { y: { field: 'p50', type: 'quantitative' } } },
        { mark: { type: 'point', filled: true, size: 14, opacity: 0.01 }, encoding: { y: { field: 'p50', type: 'quantitative' }, tooltip } },
      ],
    },
    config: CONFIG,
  } as TopLevelSpec);
}
