/**
 * The record formats, owned here and nowhere else — each a versioned JSON document with its types,
 * its zod schema and a reader that checks it and upgrades older versions (read.ts):
 *
 *   run@3        run.json: one training run (run.ts types, run-schema.ts, run-read.ts: run@1, run@2 upgraded)
 *   compare@1    compare.json: the runs of a comparison, in order
 *   sweep@1      sweep.json: a sweep's grid, shared settings and runs
 *   folder@1     .penx-folder.jsonl's first line: the marker of a folder this tool wrote
 *
 * and what a record's metrics say per output of a model of several outputs (output-accuracy.ts), and
 * what its epoch 0 is called (initial.ts: `untrained`, or `before training` for a model from a source).
 *
 * Browser-safe and TF.js-free: the figures, the report, the dashboard and the command line all
 * read records through these. Files are read and written by penalty-explorer/node's run folders.
 */

export { COMPARE_FORMAT, COMPARE_JSON, type CompareRecord, compareRecord, compareRecordSchema, readCompareRecord } from './compare.ts';
export { decodeCounts, encodeCounts } from './counts.ts';
export { FOLDER_FORMAT, FOLDER_KINDS, type FolderKind, type FolderMarker, folderMarkerSchema, folderNameSchema, kindText, MARKER_FILE } from './folder.ts';
export { initialWords } from './initial.ts';
export {
  boundAxes,
  boundsNormsExactly,
  type NormedWeight,
  normedAxes,
  normedWeightIndex,
  normsOfRows,
  perChannelWords,
  recordedNormedWeight,
  recordedNormsUnknownWhy,
  unknownAxesWhy,
} from './norms.ts';
export {
  type Accuracy,
  accuraciesOf,
  curveLacksOutputAccuracies,
  type OutputAccuracy,
  outputAccuracies,
  pointsLackOutputAccuracies,
} from './output-accuracy.ts';
export { type OlderVersion, type RecordFormat, readRecord, schemaProblems } from './read.ts';
export {
  type BatchNorms,
  type ChannelNorms,
  type ConstraintInfo,
  type EpochRecord,
  type FineHistogram,
  type Histogram,
  type JsonValue,
  type LayerStats,
  type Metrics,
  type ModelInfo,
  type MonitorInfo,
  type MonitorView,
  type NonTrainableStats,
  type NormBounds,
  type PenaltyCurve,
  type PenaltyInfo,
  type PruneCurve,
  type PrunePoint,
  RUN_FORMAT,
  type RunConfig,
  type RunPlace,
  type RunRecord,
  type RunSession,
  type Source,
  type SparseSize,
  type Sparsity,
  snapshots,
  type WeightInfo,
  type WeightKind,
  type WeightStats,
  type WeightsSnapshot,
  weightPath,
} from './run.ts';
export { lastRecordedEpoch, readRunRecord } from './run-read.ts';
export { penaltyCurveSchema, runRecordSchema } from './run-schema.ts';
export { readSweepRecord, SWEEP_FORMAT, SWEEP_JSON, type SweepGrid, type SweepRecord, type SweepRun, type SweepSettings, sweepRecordSchema } from './sweep.ts';
export { KERNEL_WEIGHTS, kindOf, weightBaseName, weightKind } from './weight-kind.ts';
