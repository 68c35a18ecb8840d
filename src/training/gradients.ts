/**
 * How a step's gradients are computed: a strategy. `localGradients` computes them on this thread;
 * `ShardedGradients` (penalty-explorer/node) cuts each batch among worker threads and sums their
 * gradients, which equals the one-thread gradient up to float rounding. The step itself
 * (optimiser, constraints) is the same for both.
 */
import { runGuarded } from '../registry/index.ts';
import type { tf } from '../tf.ts';
import { type Batch, type BatchGradients, type BatchScores, batchGradients, evaluateChunked, samplesOf } from './batch-math.ts';
import type { Objective } from './objective.ts';
import { mixSeeds } from './seeded-random.ts';

/**
 * How a step's gradients are computed (see the file's comment): `localGradients` on this thread,
 * `ShardedGradients` (penalty-explorer/node) on worker threads, the same gradients either way.
 *
 * @example
 * await fit(model, data, { epochs: 1, gradients: await ShardedGradients.start(model, 1) });   // 2 threads
 */
export interface GradientStrategy {
  /** Threads computing each batch. */
  readonly threads: number;
  /** `fused` when each step is one graph of the whole model (the onnxruntime backend's); default `per-kernel`. */
  readonly path?: 'fused' | 'per-kernel';
  /** How its threads share a batch: shards on worker threads (`data`, the default) or the backend's own threads. */
  readonly parallel?: 'data' | 'threads';
  /**
   * Gradients of (mean data loss + penalties) on the batch, by variable name. With `seed`, the
   * random ops of the pass draw from it (each thread's part from `mixSeeds(seed, part)`).
   */
  gradients(model: tf.LayersModel, batch: Batch, objective: Objective, seed?: number): Promise<BatchGradients>;
  /**
   * The objective's sums on the batch, without training; with `predictions`, also each output's
   * probabilities from the same passes (`BatchScores.predictions`, in the batch's sample order).
   */
  evaluate(model: tf.LayersModel, batch: Batch, objective: Objective, predictions?: boolean): Promise<BatchScores>;
  /**
   * Why it cannot train `model` on `objective` (it was started for another model or objective, or a
   * weight cannot be sent to its threads), or undefined when it can; `fit` and `fitToFolder` refuse
   * to start on a reason (before a folder is touched) rather than train another way.
   */
  refusal?(model: tf.LayersModel, objective: Objective): string | undefined;
  /** Stop what the strategy started (worker threads). */
  close(): Promise<void>;
}

/**
 * Samples per forward pass when evaluating: keeps activations, and a backend's buffers for that
 * shape, small (on the reference CNN with onnxruntime, peak RSS 1.0 GB at 256 against 1.4 GB at
 * 1000, at the same speed).
 */
export const EVAL_CHUNK = 256;

/**
 * Everything on this thread. Each pass is one synchronous stretch (minutes for a big batch on a slow
 * backend), run as user code is (`runGuarded`): under `guardUserCode` a stop interrupts it mid-pass.
 * Only the passes: Node's `vm` drops a SIGINT its listeners had not yet been given when a guarded
 * call starts, so a guarded call must follow a turn of the event loop (fit takes one after each
 * batch), not a long unguarded stretch such as a native ONNX Runtime run.
 */
export const localGradients: GradientStrategy = {
  threads: 1,
  gradients: async (model, batch, objective, seed) =>
    runGuarded(() => batchGradients(model, batch, objective, 1 / samplesOf(batch), seed === undefined ? undefined : mixSeeds(seed, 0))),
  evaluate: async (model, batch, objective, predictions) => runGuarded(() => evaluateChunked(model, batch, objective, EVAL_CHUNK, predictions)),
  close: async () => undefined,
};
