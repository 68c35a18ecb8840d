/** How sparse the weights get: fractions |w| < 1e-3 and |w| < 1e-2 over epochs, one colour per run. */
import type { TopLevelSpec } from 'vega-lite';
import { type RunRecord, snapshots } from '../../formats/index.ts';
import { EPOCH_ENCODING } from './axes.ts';
import { fitToCard } from './fit-width.ts';
import { runLabels, runLabelsTitle, shownSpec } from './format.ts';
import { CONFIG, figureHead, LINE_LEGEND, runColor, SIZE } from './theme.ts';

/** The two thresholds, as legend labels, and which sparsity field holds each. */
export const THRESHOLDS = [
  { label: '|w| < 1e-3', key: 'lt1e3' },
  { label: '|w| < 1e-2', key: 'lt1e2' },
] as const;

/**
 * How sparse the runs' weights get: the fractions of all weights with |w| < 1e-3 and |w| < 1e-2
 * after each epoch (0 = initial), one colour per run.
 *
 * Formula: fraction = #{i : |wᵢ| < t} / n, t = 1e-3 (solid), 1e-2 (dashed)
 *
 * @example
 * sparsitySpec(records)   // a Vega-Lite spec: two lines per run
 */
export function sparsitySpec(runs: RunRecord[]): TopLevelSpec {
  const labels = runLabels(runs);
  const values = runs.flatMap((run, i) =>
    snapshots(run).flatMap((s) => THRESHOLDS.map((t) => ({ run: labels[i], epoch: s.epoch, threshold: t.label, fraction: s.sparsity[t.key] }))),
  );
  const subtitle = 'fraction of all weights near zero, after each epoch (0 = initial)';
  return shownSpec({
    ...figureHead('Sparsity', subtitle),
    ...SIZE.line,
    // Narrower on a page's narrow card.
    params: fitToCard({ plots: [SIZE.line.width] }, subtitle),
    data: { values },
    encoding: {
      x: EPOCH_ENCODING,
      y: { field: 'fraction', type: 'quantitative', title: 'fraction of weights', scale: { zero: true, nice: true }, axis: { format: '.1%' } },
      color: { ...runColor(labels), title: runLabelsTitle(runs) },
      detail: { field: 'threshold', type: 'nominal' },
    },
    layer: [
      {
        mark: { type: 'line', strokeWidth: 2 },
        encoding: {
          strokeDash: {
            field: 'threshold',
            type: 'nominal',
            title: 'threshold',
            sort: THRESHOLDS.map((t) => t.label),
            legend: { ...LINE_LEGEND, symbolStrokeColor: '#333' },
            scale: {
              domain: THRESHOLDS.map((t) => t.label),
              range: [
                [1, 0],
                [6, 3],
              ],
            },
          },
        },
      },
      {
        mark: { type: 'point', filled: true, size: 30, opacity: 1 },
        encoding: {
          tooltip: [{ field: 'run', title: runLabelsTitle(runs) }, { field: 'epoch' }, { field: 'threshold' }, { field: 'fraction', format: '.2%' }],
        },
      },
    ],
    config: CONFIG,
  });
}
