/**
 * What the weights look like, measured for any model: the statistics every epoch's record holds
 * (histograms, sparsity, fine and log10|w| histograms, percentiles, penalties, channel norms), the
 * per-batch losses, and magnitude pruning with the weights' sparse size.
 *
 *   inventory ─► snapshotWeights (snapshot.ts): per weight, layer and all together ─► stats.ts,
 *   fine.ts, percentiles.ts, norms.ts ─► the snapshot's fields of the run record
 *   pruning: prune.ts (the k % smallest |w| to 0), sparse.ts (CSR / COO sizes and encodings)
 */
export { snapshotWeights, weightKind, type Scores } from './snapshot.ts';
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
export { BatchLosses } from './batch-losses.ts';
