/**
 * How a step's gradients are computed: a strategy. `localGradients` computes them on this thread;
 * `ShardedGradients` (penalty-explorer/node) cuts each batch among worker threads and sums their
 * gradients, which equals the one-thread gradient up to float rounding. The step itself
 * (optimiser, constraints) is the same for both.
 */
import type { tf, Tensor } from '../tf.ts';
import { batchGradients, evaluateChunked, type BatchGradients } from './batch-math.ts';
import type { Loss } from './losses.ts';

export interface GradientStrategy {
  /** Threads computing each batch. */
  readonly threads: number;
  /** `fused` when each step is one graph of the whole model (the onnxruntime backend's); default `per-kernel`. */
  readonly path?: 'fused' | 'per-kernel';
  /** How its threads share a batch: shards on worker threads (`data`, the default) or the backend's own threads. */
  readonly parallel?: 'data' | 'threads';
  /** Gradients of (mean data loss + penalties) on the batch, by variable name. */
  gradients(model: tf.LayersModel, x: Tensor, y: Tensor, loss: Loss): Promise<BatchGradients>;
  /** Σ loss and correct count on (x, y), without training. */
  evaluate(model: tf.LayersModel, x: Tensor, y: Tensor, loss: Loss): Promise<{ lossSum: number; correct: number }>;
  /** Stop what the strategy started (worker threads). */
  close(): Promise<void>;
}

/**
 * Samples per forward pass when evaluating: keeps activations, and a backend's buffers for that
 * shape, small (on the reference CNN with onnxruntime, peak RSS 1.0 GB at 256 against 1.4 GB at
 * 1000, at the same speed).
 */
export const EVAL_CHUNK = 256;

/** Everything on this thread. */
export const localGradients: GradientStrategy = {
  threads: 1,
  gradients: async (model, x, y, loss) => batchGradients(model, x, y, loss, 1 / (x.shape[0] ?? 1)),
  evaluate: async (model, x, y, loss) => evaluateChunked(model, x, y, loss, EVAL_CHUNK),
  close: async () => undefined,
};
