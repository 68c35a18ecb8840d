/**
 * penalty-explorer for Node: everything of the root entry, plus what needs Node —
 *
 *   backends      selectBackend (tensorflow / onnxruntime / wasm / cpu), threads
 *   parallel      ShardedGradients: each batch cut among worker threads (both cores)
 *   user modules  loadPenalty / loadConstraint / loadGradientTransform / loadSpec / importDefaultExport
 *   files         saveModel / loadModel, IDX image sets, run folders (fitToFolder: run.json, checkpoint,
 *                 figures, report.html; resumable), figures to SVG/PNG, the report page
 */

export {
  BACKENDS,
  type BackendChoice,
  type BackendInfo,
  type BackendOptions,
  currentBackend,
  PARALLEL_MODES,
  type ParallelMode,
  selectBackend,
  silenceCpuAdvert,
  useQuietCpu,
} from './backends/index.ts';
export {
  breakLock,
  CHECKPOINT,
  type Checkpoint,
  type ClaimedFolder,
  checkFolder,
  checkpointDir,
  checkRunName,
  claimFolder,
  emptyFolder,
  type FolderOptions,
  type FolderPolicy,
  fitToFolder,
  hasContent,
  isToolFolder,
  keptNote,
  LOCK_FILE,
  loadCheckpoint,
  lockFolder,
  lockHolder,
  lockOwnFolder,
  makeFolder,
  markFolder,
  openFolder,
  ownedEntries,
  type Removed,
  RUN_JSON,
  readCompareJson,
  readMarker,
  readRunJson,
  readSweepJson,
  removeLeftovers,
  removeMadeFolders,
  removeOwned,
  saveCheckpoint,
  writeCompareJson,
  writeRunJson,
  writeSweepJson,
} from './folders/index.ts';
export * from './index.ts';
export {
  assignWeights,
  IDX_FILES,
  type IdxArray,
  type ImageSet,
  type ImageSetOptions,
  type ImageSplit,
  type LoadModelOptions,
  loadImageSet,
  loadModel,
  makePortable,
  modelWeights,
  PORTABLE_FORMAT,
  PORTABLE_KEY,
  type PortableEntry,
  parseIdx,
  processAlive,
  processStart,
  readIdx,
  readSparseWeights,
  restorePortable,
  type SaveOptions,
  SPARSE_BIN,
  SPARSE_JSON,
  saveModel,
  versions,
  writeFileAtomic,
  writeSparseWeights,
} from './io/index.ts';
export { FINE_LINEAR, FINE_LOG, type FineGrid, fineHistogram, logAbsHistogram, PERCENTILES, percentiles } from './monitor/index.ts';
export { gradientsFor, ShardedGradients, shardsOf } from './parallel/index.ts';
export {
  type DrawOptions,
  drawComparison,
  drawRun,
  epochFile,
  FONT_FILES,
  type PenaltyCurveOptions,
  penaltyCurves,
  pngRendering,
  renderSvg,
  svgToPng,
  vegaScript,
  writeFigure,
  writeReport,
} from './render/index.ts';
export { type Dashboard, insideRoot, type RunEntry, RunsIndex, type ServeOptions, serveDashboard } from './serve/index.ts';
export { guardUserCode, importDefaultExport, loadConstraint, loadGradientTransform, loadPenalty, loadSpec } from './user-modules/index.ts';
