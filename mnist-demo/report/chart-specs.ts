/**
 * The report's charts, compiled from Vega-Lite to Vega in Node so the page needs only Vega:
 * the histogram (linear and log variants) whose data (`bins`) and y axis (signals `ymax`,
 * `symc`, `yticks`) the page sets, and the static sparsity and accuracy charts.
 */
import type { Spec } from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { accuracySpec } from '../figures/accuracy.ts';
import { barsEncoding, densityEncoding, type DensityScale } from '../figures/axes.ts';
import { weightRange } from '../figures/data.ts';
import { toVega } from '../figures/render.ts';
import { sparsitySpec } from '../figures/sparsity.ts';
import { BAR_COLOR, CONFIG, FONT_STACK, PANEL_TICKS } from '../figures/theme.ts';
import { snapshots, type RunRecord } from '../run-record.ts';

export interface ReportSpecs {
  readonly histogram: Record<DensityScale, Spec>;
  readonly sparsity: Spec;
  readonly accuracy: Spec;
}

/** In the browser DejaVu Sans may be missing; fall back to the usual sans-serif fonts. */
const PAGE_CONFIG = { ...CONFIG, font: FONT_STACK };

function forPage(spec: TopLevelSpec): Spec {
  return toVega({ ...spec, config: PAGE_CONFIG } as TopLevelSpec);
}

/** The histogram chart of one run, driven by the page. */
export function pageHistogramSpec(scale: DensityScale, range: readonly [number, number], size: { width: number; height: number }, ticks = 10): TopLevelSpec {
  return {
    ...size,
    params: [
      { name: 'ymax', value: 1 },
      { name: 'symc', value: 1e-3 },
      { name: 'yticks', value: [0, 1] },
    ],
    data: { name: 'bins' },
    mark: { type: 'bar', color: BAR_COLOR, tooltip: true },
    encoding: barsEncoding(range, densityEncoding({ scale, yMax: { expr: 'ymax' }, floor: { expr: 'symc' }, ticks: { expr: 'yticks' } }), ticks),
    config: PAGE_CONFIG,
  };
}

export function reportSpecs(runs: RunRecord[]): ReportSpecs {
  const range = weightRange(runs.flatMap((r) => snapshots(r).flatMap((s) => [s.histogram, ...s.layers.map((l) => l.histogram)])));
  const several = runs.length > 1;
  const size = several ? { width: 340, height: 200 } : { width: 860, height: 320 };
  const ticks = several ? PANEL_TICKS : 10;
  return {
    histogram: {
      linear: forPage(pageHistogramSpec('linear', range, size, ticks)),
      log: forPage(pageHistogramSpec('log', range, size, ticks)),
    },
    sparsity: forPage(sparsitySpec(runs)),
    accuracy: forPage(accuracySpec(runs)),
  };
}
