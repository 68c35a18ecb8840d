/**
 * Figures and reports to files (Node only): a Vega-Lite spec rendered to SVG by Vega's headless
 * view, to PNG by resvg with DejaVu Sans (both optional peer dependencies: without them figures
 * are written as SVG only), every figure and report.html of a run or comparison folder drawn from
 * its records.
 *
 *   spec ─► renderSvg (render.ts) ─► svgToPng ─► writeFigure (.png, .svg); drawFigure: the files, to write with others (writeFilesAtomic)
 *   run records ─► runDrawing / comparisonDrawing (draw.ts): the files, and the drawing ─► every figure ─► writeReport (report-file.ts)
 *   records ─► penaltyCurves (penalty-curves.ts): the penalty shapes training stored
 */
export {
  type ComparisonOptions,
  comparisonDrawing,
  type DrawOptions,
  drawComparison,
  drawRun,
  type EpochGap,
  type EpochOption,
  epochFile,
  epochGaps,
  epochGapText,
  type FolderDrawing,
  runDrawing,
  runEnded,
} from './draw.ts';
export { type PenaltyCurveOptions, penaltyCurves } from './penalty-curves.ts';
export { type DrawnFigure, drawFigure, type FigureOptions, FONT_FILES, figureFiles, pngRendering, renderSvg, svgToPng, writeFigure } from './render.ts';
export { vegaScript, writeReport } from './report-file.ts';
