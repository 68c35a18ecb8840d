/**
 * penalty-explorer for Node: everything of the root entry, plus what needs Node —
 *
 *   backends      selectBackend (tensorflow / onnxruntime / wasm / cpu), threads
 *   parallel      ShardedGradients: each batch cut among worker threads (both cores)
 *   user modules  loadPenalty / loadConstraint / loadGradientTransform / loadSpec / importDefaultExport
 *   files         saveModel / loadModel, IDX image sets, run folders (fitToFolder: run.json, checkpoint,
 *                 figures, report.html; resumable), figures to SVG/PNG, the report page
 */
export * from './index.ts';

export { BACKENDS, currentBackend, PARALLEL_MODES, selectBackend, silenceCpuAdvert, useQuietCpu, type BackendChoice, type BackendInfo, type BackendOptions, type ParallelMode } from './backends/index.ts';
export { gradientsFor, ShardedGradients, shardsOf } from './parallel/index.ts';
export { guardUserCode, importDefaultExport, loadConstraint, loadGradientTransform, loadPenalty, loadSpec } from './user-modules/index.ts';
export {
  assignWeights,
  IDX_FILES,
  loadImageSet,
  loadModel,
  makePortable,
  modelWeights,
  parseIdx,
  PORTABLE_FORMAT,
  PORTABLE_KEY,
  processAlive,
  processStart,
  readIdx,
  readSparseWeights,
  restorePortable,
  saveModel,
  SPARSE_BIN,
  SPARSE_JSON,
  versions,
  writeFileAtomic,
  writeSparseWeights,
  type IdxArray,
  type ImageSet,
  type ImageSetOptions,
  type ImageSplit,
  type LoadModelOptions,
  type PortableEntry,
  type SaveOptions,
} from './io/index.ts';
export {
  breakLock,
  checkFolder,
  CHECKPOINT,
  checkpointDir,
  checkRunName,
  claimFolder,
  emptyFolder,
  fitToFolder,
  hasContent,
  isToolFolder,
  keptNote,
  loadCheckpoint,
  LOCK_FILE,
  lockFolder,
  lockHolder,
  lockOwnFolder,
  makeFolder,
  markFolder,
  openFolder,
  ownedEntries,
  readCompareJson,
  readMarker,
  readRunFile,
  readRunJson,
  readSweepJson,
  removeLeftovers,
  removeMadeFolders,
  removeOwned,
  RUN_JSON,
  saveCheckpoint,
  writeCompareJson,
  writeRunJson,
  writeSweepJson,
  type Checkpoint,
  type ClaimedFolder,
  type FolderOptions,
  type FolderPolicy,
  type Removed,
} from './folders/index.ts';
export { drawComparison, drawRun, epochFile, FONT_FILES, penaltyCurves, pngRendering, renderSvg, svgToPng, vegaScript, writeFigure, writeReport, type DrawOptions, type PenaltyCurveOptions } from './render/index.ts';
export { DASHBOARD_CSP, insideRoot, RunsIndex, serveDashboard, serveStatic, type Dashboard, type Listening, type RunEntry, type ServeOptions, type StaticOptions } from './serve/index.ts';
export { BatchLosses, FINE_LINEAR, FINE_LOG, fineHistogram, logAbsHistogram, percentiles, PERCENTILES, type FineGrid } from './monitor/index.ts';
