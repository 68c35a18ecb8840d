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

export { selectBackend, currentBackend, BACKENDS, PARALLEL_MODES, type BackendChoice, type BackendInfo, type BackendOptions, type ParallelMode } from './backends/select.ts';
export { silenceCpuAdvert, useQuietCpu } from './backends/advert.ts';
export { ShardedGradients, shardsOf } from './parallel/sharded.ts';
export { gradientsFor } from './parallel/gradients-for.ts';

export { importDefaultExport, loadSpec } from './spec/module.ts';
export { loadPenalty, loadConstraint } from './spec/loaders.ts';
export { guardUserCode } from './spec/guard.ts';
export { loadGradientTransform } from './optim/load.ts';

export { saveModel, loadModel, makePortable, restorePortable, PORTABLE_FORMAT, PORTABLE_KEY, type LoadModelOptions, type PortableEntry, type SaveOptions } from './io/model-folder.ts';
export { writeFileAtomic } from './io/atomic.ts';
export { DataError, parseIdx, readIdx, type IdxArray } from './io/idx.ts';
export { loadImageSet, IDX_FILES, type ImageSet, type ImageSetOptions, type ImageSplit } from './io/image-set.ts';
export { versions } from './io/versions.ts';
export { writeSparseWeights, readSparseWeights, modelWeights, assignWeights, SPARSE_BIN, SPARSE_JSON } from './io/sparse-files.ts';

export { fitToFolder, type FolderOptions } from './record/fit-to-folder.ts';
export { checkFolder, checkRunName, claimFolder, emptyFolder, hasContent, isToolFolder, lockOwnFolder, makeFolder, openFolder, readRunJson, removeLeftovers, removeMadeFolders, writeRunJson, RUN_JSON, type ClaimedFolder, type FolderPolicy } from './record/folder.ts';
export { FOLDER_FORMAT, FOLDER_KINDS, folderMarkerSchema, folderNameSchema, keptNote, kindText, markFolder, MARKER_FILE, ownedEntries, readMarker, removeOwned, type FolderKind, type FolderMarker, type Removed } from './record/owner.ts';
export { COMPARE_FORMAT, COMPARE_JSON, compareRecordSchema, readCompareJson, type CompareRecord } from './record/compare.ts';
export { breakLock, lockFolder, lockHolder, LockedError, LOCK_FILE, processStart, type LockHolder } from './record/lock.ts';
export { redactCredentials } from './io/redact.ts';
export { checkpointDir, loadCheckpoint, saveCheckpoint, CHECKPOINT, type Checkpoint } from './record/checkpoint.ts';
export { FolderExistsError, NotOwnedError, ResumeMismatchError } from './record/errors.ts';

export { renderSvg, svgToPng, writeFigure, FONT_FILES } from './viz/render/render.ts';
export { drawRun, drawComparison, epochFile } from './viz/render/draw.ts';
export { writeReport, vegaScript } from './viz/render/report-file.ts';

export { serveDashboard, RunsIndex, insideRoot, type Dashboard, type ServeOptions, type RunEntry } from './serve/index.ts';
export { penaltyCurves, type PenaltyCurveOptions } from './viz/render/penalty-curves.ts';
export type { DrawOptions } from './viz/render/draw.ts';
export { fineHistogram, logAbsHistogram, FINE_LINEAR, FINE_LOG, type FineGrid } from './monitor/fine.ts';
export { percentiles, PERCENTILES } from './monitor/percentiles.ts';
export { decodeCounts, encodeCounts } from './monitor/counts.ts';
export { BatchLosses } from './monitor/batch-losses.ts';
