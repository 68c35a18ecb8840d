/**
 * The report's views beyond the histogram, compiled to Vega in Node (their data set by
 * the page, src/viz/pages/report-views.ts, where they follow the controls):
 *
 *   overlay (linear/log)  data `overlay`  runs' step lines at the selected epoch and layer; y from the signals ymax, symc, yticks
 *   logAbs                data `logabs`   log10|w| at the selected epoch and layer, zeros apart
 *   heatmap, heatmapLog   data `heat`, `heatlog`   over epochs, the selected layer
 *   ridgeline             data `ridge`    over epochs, offset
 *   bands                 data `bands`    percentiles over epochs
 *   curves, penalty       inline          losses and accuracy; penalty shapes (when sampled in Node)
 *   monitors              inline          the views the runs' user monitors bring (monitor-NAME)
 *
 * Each named-data spec is the figure function's spec (figures/) with its data replaced by a name
 * and its title left to the page (the selected layer changes it).
 */
import type { Spec } from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import type { RunRecord } from '../../formats/index.ts';
import {
  bandsSpec,
  curvesSpec,
  type DensityScale,
  densityEncoding,
  evenTicks,
  fitToCard,
  forPage,
  heatmapSpec,
  logAbsSpec,
  MONITOR_VIEW,
  PAGE_CONFIG,
  type PenaltyCurve,
  penaltyShapesSpec,
  ridgelineSpec,
  runColor,
  runLabels,
  runLabelsTitle,
  shownSpec,
  toVega,
  viewsOf,
} from '../figures/index.ts';
import type { PageModel } from './page-model.ts';

/** The report's views beyond the histogram, compiled to Vega (see the file's comment): one spec per view, the optional ones when their data exists. */
export interface ViewsSpecs {
  readonly overlay: Record<DensityScale, Spec>;
  readonly heatmap: Spec;
  readonly ridgeline: Spec;
  readonly bands: Spec;
  readonly curves: Spec;
  /** Present when the records have log10|w| histograms. */
  readonly logAbs?: Spec;
  readonly heatmapLog?: Spec;
  /** Present when penalty curves were given. */
  readonly penalty?: Spec;
  /** The views the runs' user monitors bring (`monitor-NAME`), with their data inline. */
  readonly monitors: ReadonlyArray<{ readonly id: string; readonly title: string; readonly spec: Spec }>;
}

/** Penalty curves sampled in Node (`penaltyCurves`), for the penalty-shape view. */
export interface ReportPenalties {
  readonly curves: readonly PenaltyCurve[];
  readonly missing: readonly string[];
}

/** A figure's spec fed by the page: its data named, its title dropped, the page's font. */
function named(spec: TopLevelSpec, name: string): Promise<Spec> {
  const { title: _title, ...rest } = spec as TopLevelSpec & { title?: unknown };
  return toVega({ ...rest, data: { name }, config: PAGE_CONFIG } as TopLevelSpec);
}

/** The overlay chart: one step line per run over `range`, y driven by the page's axis signals. */
export function pageOverlaySpec(runs: readonly RunRecord[], scale: DensityScale, range: readonly [number, number]): TopLevelSpec {
  const labels = runLabels(runs);
  return shownSpec({
    width: 560,
    height: 300,
    params: [
      { name: 'ymax', value: 1 },
      { name: 'symc', value: 1e-3 },
      { name: 'yticks', value: [0, 1] },
      // Narrower on a page's narrow card (fit-width.ts): it was 560 px in a card of 386, scrolling.
      ...fitToCard({ plots: [560] }),
    ],
    data: { name: 'overlay' },
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.8 },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        title: 'weight',
        scale: { domain: [range[0], range[1]], nice: false, zero: false },
        axis: { values: evenTicks(range, 10), format: '~g' },
      },
      y: { ...densityEncoding({ scale, yMax: { expr: 'ymax' }, floor: { expr: 'symc' }, ticks: { expr: 'yticks' } }), field: 'density' },
      color: { ...runColor(labels), title: runLabelsTitle(runs) },
      tooltip: [
        { field: 'run', title: runLabelsTitle(runs) },
        { field: 'x', title: 'bin from', format: '.4~g' },
        { field: 'density', format: '.4~g' },
      ],
    },
    config: PAGE_CONFIG,
  } as TopLevelSpec);
}

/** The report's views of `runs` (see the file's comment), on the weight range `range`; the penalty view only with `penalties`. */
export async function viewsSpecs(runs: RunRecord[], model: PageModel, range: readonly [number, number], penalties?: ReportPenalties): Promise<ViewsSpecs> {
  const log = model.views.logAbs;
  const decades = log?.decades;
  return {
    overlay: { linear: await toVega(pageOverlaySpec(runs, 'linear', range)), log: await toVega(pageOverlaySpec(runs, 'log', range)) },
    heatmap: await named(heatmapSpec(runs, { range }), 'heat'),
    ridgeline: await named(ridgelineSpec(runs, { range }), 'ridge'),
    bands: await named(bandsSpec(runs), 'bands'),
    curves: await forPage(curvesSpec(runs)),
    ...(decades && log
      ? {
          logAbs: await named(logAbsSpec(runs, { decades, perDecade: log.perDecade }), 'logabs'),
          heatmapLog: await named(heatmapSpec(runs, { axis: 'logabs', decades, perDecade: log.perDecade }), 'heatlog'),
        }
      : {}),
    ...(penalties ? { penalty: await forPage(penaltyShapesSpec(penalties.curves, { missing: penalties.missing })) } : {}),
    monitors: await Promise.all(
      viewsOf(runs)
        .filter((v) => v.id.startsWith(MONITOR_VIEW))
        .map(async (v) => ({ id: v.id, title: v.title, spec: await forPage(v.spec(runs, {}, {})) })),
    ),
  };
}
