/**
 * Monitors: measurements taken while a model trains, each returning a named section of the epoch's
 * record (Keras callbacks' shape, monitor.ts). The default ones (defaults.ts) measure what every
 * record holds, for any model; a user's monitor adds a section of its own, and a view.
 *
 *   Monitor: onTrainBegin ─► onBatchEnd (a value kept per batch) ─► onEpochEnd (the section) ─► the record
 *   defaults: weightStatistics ─► snapshot.ts: per weight, layer and all together ─► tally.ts (one pass per
 *             weight: stats.ts, fine.ts, percentiles.ts by radix selection), norms.ts, penalty-sums.ts (λ·penalty
 *             in float64); batchLosses; batchNorms (with trackNorms 'batch')
 *   pruning: prune.ts (the k % smallest |w| to 0), sparse.ts (CSR / COO sizes and encodings)
 */

export { chunkOf } from './chunks.ts';
export { batchLossesMonitor, batchNormsMonitor, defaultMonitors, type MonitoredFields, weightStatisticsMonitor } from './defaults.ts';
export { FINE_LINEAR, FINE_LOG, type FineGrid, fineHistogram, logAbsHistogram } from './fine.ts';
export {
  type BatchEnd,
  checkMonitors,
  type EpochEnd,
  isMonitor,
  type Monitor,
  type MonitorContext,
  MonitorRun,
  monitorInfos,
  noteMonitorModule,
  type Predictions,
  type Sections,
} from './monitor.ts';
export { batchNorms, type ChannelLayout, channelLayout, channelLayouts, channelNorms, kernelOf, normsOfValues } from './norms.ts';
export { l1l2Of, penaltySums } from './penalty-sums.ts';
export { PERCENTILES, percentiles } from './percentiles.ts';
export { PRUNE_LEVELS, prunedCount, pruneSmallest, sortedMagnitudes, zeroShare } from './prune.ts';
export { type Scores, snapshotWeights, type WeightStatistics, weightKind, weightStatistics } from './snapshot.ts';
export {
  bestEncoding,
  decodeSparse,
  encodeSparse,
  encodingSizes,
  indexBytes,
  matrixShape,
  type NamedWeights,
  type SizeOf,
  SPARSE_FORMAT,
  type SparseEncoding,
  type SparseEntry,
  type SparseIndex,
  sizeOf,
} from './sparse.ts';
export { HIST_BINS, HIST_HI, HIST_LO, histogram, sparsity } from './stats.ts';
