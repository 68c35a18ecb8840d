/**
 * The report's charts, compiled from Vega-Lite to Vega in Node so the page needs only Vega:
 * the histogram (linear and log variants) whose data (`bins`) and y axis (signals `ymax`,
 * `symc`, `yticks`) the page sets, the static sparsity and accuracy charts, and, when the runs
 * recorded channel norms, the norm histograms per layer (data `norms`, set by the page for the
 * selected epoch) and the static mean/max norm curves.
 */
import type { Spec } from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { type RunRecord, snapshots } from '../../formats/index.ts';
import {
  accuracySpec,
  BAR_COLOR,
  barsEncoding,
  type DensityScale,
  densityEncoding,
  fitToCard,
  forPage,
  GAP,
  normCellLayers,
  normCurvesSpec,
  PAGE_CONFIG,
  PANEL_TICKS,
  shownSpec,
  sparsitySpec,
  WRAP_PADDING,
  weightRange,
  wrappedPanels,
} from '../figures/index.ts';
import { type NormsModel, type PageModel, pageModel } from './page-model.ts';
import { type ReportPenalties, type ViewsSpecs, viewsSpecs } from './views-specs.ts';

/** The report page's charts, compiled to Vega: the histogram (linear and log), sparsity, accuracy, norms and the other views. */
export interface ReportSpecs {
  /** The histogram chart, driven by the page (data `bins`, signals for its y axis). */
  readonly histogram: Record<DensityScale, Spec>;
  readonly sparsity: Spec;
  readonly accuracy: Spec;
  /** Present when some run recorded channel norms. */
  readonly norms?: Spec;
  readonly normCurves?: Spec;
  /** The views beyond the histogram (overlay, log10|w|, heatmaps, ridgeline, bands, curves, penalty shapes). */
  readonly views: ViewsSpecs;
}

/** The histogram chart of one run, driven by the page. */
export function pageHistogramSpec(scale: DensityScale, range: readonly [number, number], size: { width: number; height: number }, ticks = 10): TopLevelSpec {
  return shownSpec({
    ...size,
    params: [
      { name: 'ymax', value: 1 },
      { name: 'symc', value: 1e-3 },
      { name: 'yticks', value: [0, 1] },
      // Narrower on a page's narrow card (fit-width.ts): 340 px (860 for one run) scrolled in a card of 386.
      ...fitToCard({ plots: [size.width] }),
    ],
    data: { name: 'bins' },
    mark: { type: 'bar', color: BAR_COLOR, tooltip: true },
    encoding: barsEncoding(range, densityEncoding({ scale, yMax: { expr: 'ymax' }, floor: { expr: 'symc' }, ticks: { expr: 'yticks' } }), ticks),
    config: PAGE_CONFIG,
  });
}

/** What a norms cell takes beside its plot (px): its share axis's labels (`40%`) and ticks. */
const NORMS_AXIS = 40;

/**
 * The channel-norm histograms of one run at one epoch, a column per layer, each on its own norm
 * axis and all on one share axis (the model's limits); the page sets the data `norms`: rows with
 * `col` and `kind` bar/bound/note. One row of cells where the card holds it (a file: always), in a
 * narrower card as many a row as it holds (`wrappedPanels`: four layers of 120 px were 723 px in a card of 386).
 */
export function pageNormsSpec(norms: NormsModel, cell: { width: number; height: number }): TopLevelSpec {
  const count = norms.layers.length;
  // The share axis's title beside the first column and Vega's padding; a row of every cell in a file.
  const row = { panel: cell.width + NORMS_AXIS, around: WRAP_PADDING + 20 };
  const { columns, params, resolve } = wrappedPanels(count, { ...row, maxWidth: row.around + count * (row.panel + GAP) });
  return shownSpec({
    params,
    data: { name: 'norms' },
    concat: norms.layers.map((_, col) => ({
      title: { text: norms.labels[col] as string, fontSize: 12 },
      transform: [{ filter: `datum.col === ${col}` }],
      ...cell,
      layer: normCellLayers({ xMax: norms.xMax[col] as number, yMax: norms.yMax }, col === 0 ? 'share of channels' : null),
    })),
    columns,
    resolve,
    spacing: 14,
    config: PAGE_CONFIG,
  } as TopLevelSpec);
}

/**
 * The report page's charts for `runs`, compiled to Vega specs whose data the page's script sets
 * from the page model (see `ReportSpecs`).
 *
 * @example
 * const specs = await reportSpecs(records);   // specs.histogram.log, specs.sparsity, …
 */
export async function reportSpecs(runs: RunRecord[], model: PageModel = pageModel(runs), penalties?: ReportPenalties): Promise<ReportSpecs> {
  const range = weightRange(runs.flatMap((r) => snapshots(r).flatMap((s) => [s.histogram, ...s.layers.map((l) => l.histogram)])));
  const several = runs.length > 1;
  const size = several ? { width: 340, height: 200 } : { width: 860, height: 320 };
  const ticks = several ? PANEL_TICKS : 10;
  const norms = model.norms;
  return {
    histogram: {
      linear: await forPage(pageHistogramSpec('linear', range, size, ticks)),
      log: await forPage(pageHistogramSpec('log', range, size, ticks)),
    },
    sparsity: await forPage(sparsitySpec(runs)),
    accuracy: await forPage(accuracySpec(runs)),
    views: await viewsSpecs(runs, model, range, penalties),
    ...(norms
      ? {
          norms: await forPage(pageNormsSpec(norms, several ? { width: 120, height: 80 } : { width: 150, height: 100 })),
          normCurves: await forPage(normCurvesSpec(runs, { width: 165, height: 120 })),
        }
      : {}),
  };
}
