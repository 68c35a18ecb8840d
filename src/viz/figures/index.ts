/** The figures: pure functions from run records to Vega-Lite specs (rendering to files is in ../render/). */

export { type AccuracyPoint, accuracySpec, NO_TEST_ACCURACY, PER_OUTPUT_ACCURACY, testAccuracies } from './accuracy.ts';
export { barsEncoding, type DensityScale, densityEncoding, evenTicks, logTicks } from './axes.ts';
export { BAND_FIELDS, bandsSpec } from './bands.ts';
export {
  type BinCounts,
  type BinningOptions,
  binnedHistogram,
  fineCounts,
  histogramCounts,
  linearCounts,
  logAbsCounts,
  percentilesOfCounts,
  REFERENCE_BINNING,
  rebin,
  selectionPercentiles,
  selectWeights,
  sumCounts,
  toDensity,
} from './binning.ts';
export { type CompareOptions, compareHistogramsSpec, spreadEpochs } from './compare-histograms.ts';
export { forPage, PAGE_CONFIG, toVega } from './compile.ts';
export { rowsCsv } from './csv-rows.ts';
export { batchesPerBand, type CurvesOptions, curvesSpec, NO_PENALTY_TERM, smooth } from './curves.ts';
export {
  type BinRow,
  binRows,
  lastEpoch,
  layerHistogram,
  maxDensity,
  NON_TRAINABLE,
  nonTrainableLine,
  oneWeightDensity,
  snapshotAt,
  weightRange,
} from './data.ts';
export { type EpochTitle, epochHistogramSpec, epochTitle, penaltyLine } from './epoch-histogram.ts';
export { indexFacet } from './facets.ts';
export { fitToCard } from './fit-width.ts';
export {
  countsLine,
  epochRanges,
  fixed4,
  grouped,
  percent,
  runLabels,
  runLabelsTitle,
  shortPercent,
  shownSpec,
  snapshotTitle,
  visibleControls,
} from './format.ts';
export { type HeatmapOptions, heatmapSpec, ZERO_GAP } from './heatmap.ts';
export { histogramGridSpec } from './histogram-grid.ts';
export { type HistogramScaleOptions, niceMax, sharedDensity } from './histogram-scale.ts';
export { layerHistogramSpec } from './layer-histogram.ts';
export { DECADE_LABEL, type LogAbsOptions, logAbsShares, logAbsSpec, occupiedDecades } from './log-abs.ts';
export { type MonitorRow, monitorRows, monitorViewSpec, monitorViews } from './monitor-view.ts';
export { NORM_STATS, type NormCurvesOptions, normCurvesSpec } from './norm-curves.ts';
export { BOUND_COLOR, NORM_TITLE, normCellLayers } from './norms-cell.ts';
export { type LayerNormLimits, layerNormLimits, type NormsRow } from './norms-columns.ts';
export { type CompareNormsOptions, compareNormsGridSpec } from './norms-compare.ts';
export {
  boundRules,
  boundsText,
  constraintLines,
  constraintText,
  hasNorms,
  hasProjections,
  layerBounds,
  NORM_BINS,
  type NormBinRow,
  type NormCurvePoint,
  type NormLimitOptions,
  type NormLimits,
  normBins,
  normCellNote,
  normCurve,
  normLayerLabel,
  normLayers,
  normsLimits,
  normTicks,
  otherSlicesLines,
  rowNormLayers,
  rowNormsNote,
  snapshotNorms,
  unknownAxesLines,
} from './norms-data.ts';
export { emptyFigure, type NormsGridOptions, normsGridSpec } from './norms-grid.ts';
export { type OverlayOptions, overlaySpec, stepRows } from './overlay.ts';
export { type PenaltyCurve, type PenaltyShapesOptions, penaltyShapesSpec, storedPenaltyCurves } from './penalty-shapes.ts';
export { projectedSpec } from './projected.ts';
export {
  hasPruneCurve,
  latestPruneCurve,
  NO_OUTPUT_ACCURACIES,
  PER_OUTPUT_PRUNE,
  type PruneCurveOptions,
  pruneCurveSpec,
  prunedEpochs,
} from './prune-curve.ts';
export { rebinRun } from './rebin-run.ts';
export { RIDGE_OVERLAP, type RidgelineOptions, ridgeHeight, ridgelineSpec } from './ridgeline.ts';
export { allEpochs, binningText, defaultEpoch, recordedEpochs, selectionText } from './selection.ts';
export { sparsitySpec, THRESHOLDS } from './sparsity.ts';
export { type SweepCell, type SweepMetric, sweepAxes, sweepCells, sweepSpec } from './sweep.ts';
export { BAR_COLOR, CONFIG, FONT, FONT_STACK, LINE_LEGEND, PANEL_TICKS, RUN_COLORS, runColor, SHARED_SCALES } from './theme.ts';
export { askRuns, runIdsOf, splitRunsHint } from './view-runs.ts';
export { MONITOR_VIEW, VIEWS, type View, type ViewData, type ViewOptions, viewById, viewsOf } from './views.ts';
export {
  columnsFollowWidth,
  GAP,
  missingWrapParts,
  type PanelRow,
  runPanels,
  WRAP_MAX_WIDTH,
  WRAP_PADDING,
  WRAP_WIDTH,
  wrapColumns,
  wrappedPanels,
  wrapSubtitle,
} from './wrap.ts';
