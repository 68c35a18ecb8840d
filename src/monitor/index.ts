/**
 * Monitors: measurements taken while a model trains, each returning a named section of the epoch's
 * record (Keras callbacks' shape, monitor.ts). The default ones (defaults.ts) measure what every
 * record holds, for any model; a user's monitor adds a section of its own, and a view.
 *
 *   Monitor: onTrainBegin ─► onBatchEnd (a value kept per batch) ─► onEpochEnd (the section) ─► the record
 *   defaults: weightStatistics ─► snapshot.ts: per weight, layer and all together ─► stats.ts, fine.ts,
 *             percentiles.ts, norms.ts; batchLosses; batchNorms (with trackNorms 'batch')
 *   pruning: prune.ts (the k % smallest |w| to 0), sparse.ts (CSR / COO sizes and encodings)
 */
export { checkMonitors, isMonitor, monitorInfos, MonitorRun, type BatchEnd, type EpochEnd, type Monitor, type MonitorContext, type Sections } from './monitor.ts';
export { batchLossesMonitor, batchNormsMonitor, defaultMonitors, weightStatisticsMonitor, type MonitoredFields } from './defaults.ts';
export { snapshotWeights, weightKind, weightStatistics, type Scores, type WeightStatistics } from './snapshot.ts';
export { HIST_BINS, HIST_HI, HIST_LO, histogram, sparsity } from './stats.ts';
export { batchNorms, channelNorms, kernelOf, normsOfValues } from './norms.ts';
export { PRUNE_LEVELS, prunedCount, pruneSmallest, sortedMagnitudes, zeroShare } from './prune.ts';
export {
  bestEncoding,
  decodeSparse,
  encodeSparse,
  encodingSizes,
  indexBytes,
  matrixShape,
  sizeOf,
  SPARSE_FORMAT,
  type NamedWeights,
  type SizeOf,
  type SparseEncoding,
  type SparseEntry,
  type SparseIndex,
} from './sparse.ts';
export { FINE_LINEAR, FINE_LOG, fineHistogram, logAbsHistogram, type FineGrid } from './fine.ts';
export { percentiles, PERCENTILES } from './percentiles.ts';
