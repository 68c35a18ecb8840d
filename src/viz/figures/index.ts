/** The figures: pure functions from run records to Vega-Lite specs (rendering to files is in ../render/). */
export { epochHistogramSpec, penaltyLine } from './epoch-histogram.ts';
export { histogramGridSpec } from './histogram-grid.ts';
export { sparsitySpec, THRESHOLDS } from './sparsity.ts';
export { accuracySpec } from './accuracy.ts';
export { compareHistogramsSpec, spreadEpochs, type CompareOptions } from './compare-histograms.ts';
export { layerHistogramSpec } from './layer-histogram.ts';
export { toVega } from './compile.ts';
export { sharedDensity, niceMax, type HistogramScaleOptions } from './histogram-scale.ts';
export { barsEncoding, densityEncoding, logTicks, type DensityScale } from './axes.ts';
export { binRows, layerHistogram, lastEpoch, maxDensity, oneWeightDensity, snapshotAt, weightRange, type BinRow } from './data.ts';
export { countsLine, fixed4, grouped, percent, runLabels, runLabelsTitle, shortPercent, snapshotTitle } from './format.ts';
export { BAR_COLOR, CONFIG, FONT, FONT_STACK, PANEL_TICKS, RUN_COLORS, SHARED_SCALES } from './theme.ts';
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
