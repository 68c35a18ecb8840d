/** The figures: pure functions from run records to Vega-Lite specs (rendering to files is in ../render/). */
export { epochHistogramSpec, penaltyLine } from './epoch-histogram.ts';
export { histogramGridSpec } from './histogram-grid.ts';
export { sparsitySpec, THRESHOLDS } from './sparsity.ts';
export { accuracySpec } from './accuracy.ts';
export { compareHistogramsSpec, spreadEpochs, type CompareOptions } from './compare-histograms.ts';
export { layerHistogramSpec } from './layer-histogram.ts';
export { forPage, toVega, PAGE_CONFIG } from './compile.ts';
export { sharedDensity, niceMax, type HistogramScaleOptions } from './histogram-scale.ts';
export { barsEncoding, densityEncoding, evenTicks, logTicks, type DensityScale } from './axes.ts';
export { binRows, layerHistogram, lastEpoch, maxDensity, nonTrainableLine, NON_TRAINABLE, oneWeightDensity, snapshotAt, weightRange, type BinRow } from './data.ts';
export { countsLine, fixed4, grouped, percent, runLabels, runLabelsTitle, shortPercent, snapshotTitle } from './format.ts';
export { BAR_COLOR, CONFIG, FONT, FONT_STACK, LINE_LEGEND, PANEL_TICKS, RUN_COLORS, runColor, SHARED_SCALES } from './theme.ts';
export { indexFacet } from './facets.ts';
export { normsGridSpec, compareNormsGridSpec, emptyFigure, normCellLayers, BOUND_COLOR, type NormsGridOptions } from './norms-grid.ts';
export { normCurvesSpec, NORM_STATS, type NormCurvesOptions } from './norm-curves.ts';
export { projectedSpec } from './projected.ts';
export {
  boundRules,
  boundsText,
  constraintLines,
  constraintText,
  hasNorms,
  hasProjections,
  layerBounds,
  normBins,
  normCellNote,
  normCurve,
  normLayerLabel,
  normLayers,
  normsLimits,
  normTicks,
  snapshotNorms,
  NORM_BINS,
  type NormBinRow,
  type NormCurvePoint,
  type NormLimits,
  type NormLimitOptions,
} from './norms-data.ts';
export {
  binnedHistogram,
  fineCounts,
  histogramCounts,
  linearCounts,
  logAbsCounts,
  percentilesOfCounts,
  rebin,
  REFERENCE_BINNING,
  selectionPercentiles,
  selectWeights,
  sumCounts,
  toDensity,
  type BinCounts,
  type BinningOptions,
} from './binning.ts';
export { allEpochs, binningText, defaultEpoch, selectionText } from './selection.ts';
export { overlaySpec, stepRows, type OverlayOptions } from './overlay.ts';
export { logAbsSpec, logAbsShares, occupiedDecades, DECADE_LABEL, type LogAbsOptions } from './log-abs.ts';
export { heatmapSpec, type HeatmapOptions } from './heatmap.ts';
export { ridgelineSpec, type RidgelineOptions } from './ridgeline.ts';
export { bandsSpec, BAND_FIELDS } from './bands.ts';
export { curvesSpec, smooth, type CurvesOptions } from './curves.ts';
export { penaltyShapesSpec, storedPenaltyCurves, type PenaltyCurve, type PenaltyShapesOptions } from './penalty-shapes.ts';
export { sweepAxes, sweepCells, sweepSpec, type SweepCell, type SweepMetric } from './sweep.ts';
export { VIEWS, viewById, type View, type ViewData, type ViewOptions } from './views.ts';
export { rebinRun } from './rebin-run.ts';
export { pruneCurveSpec, latestPruneCurve, hasPruneCurve } from './prune-curve.ts';
