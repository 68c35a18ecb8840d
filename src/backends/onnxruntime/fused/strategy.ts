/**
 * The fused gradient strategy: each training step's data gradients from one run of the model's
 * fused graph (runner.ts), the step itself unchanged (src/training/step.ts):
 *
 *   batch ─► fused graph (forward, loss, backward of every layer; ONNX Runtime's threads)
 *         ─► + the gradients of the penalties: the built-in ones inside the graph (penalties.ts),
 *            a user's by TF.js autodiff of its regularizer ─► the step: transforms, optimiser,
 *            proximal step, constraints, as on every path
 *
 * `FusedGradients.start` gives the strategy, or the reason the model cannot be fused (then the
 * per-kernel path trains it). Evaluation runs the forward-only graph in chunks of 128 samples.
 *
 * @example
 * const fused = await FusedGradients.start(model, 'categoricalCrossentropy', 2);
 * if (typeof fused !== 'string') await fit(model, data, { gradients: fused, … });
 */
import { tf, type Tensor } from '../../../tf.ts';
import { batchGradients, evaluateChunked, trainableVariables, type BatchGradients } from '../../../training/batch-math.ts';
import { EVAL_CHUNK, type GradientStrategy } from '../../../training/gradients.ts';

/**
 * Samples per evaluation run: the training batch's size, so an evaluation session holds no more
 * memory than the training one (measured: a 256-sample session's arena ~180 MB, 128 ~120 MB).
 */
const FUSED_EVAL_CHUNK = 128;
import { lossOf, type Loss, type LossSpec } from '../../../training/losses.ts';
import { ORT_BACKEND } from '../../choices.ts';
import type { SessionThreads } from '../runtime/binding.ts';
import { sessionThreads as sessionThreadsNow, setSessionThreads } from '../runtime/sessions.ts';
import { floatsOf } from '../runtime/storage.ts';
import { planFused } from './plan.ts';
import { FusedRunner } from './runner.ts';
import { SessionWorkers } from './workers.ts';
import type { ParallelMode } from '../../choices.ts';

export class FusedGradients implements GradientStrategy {
  readonly path = 'fused' as const;

  private constructor(
    private readonly model: tf.LayersModel,
    private readonly loss: Loss,
    private readonly runner: FusedRunner,
    readonly threads: number,
    /** The kernel sessions' threads before this strategy started (restored by close). */
    private readonly kernelThreads: SessionThreads,
    private readonly workers?: SessionWorkers,
  ) {}

  /** How the threads share a step: `data` (shards on worker threads) or `threads` (ONNX Runtime's own). */
  get parallel(): ParallelMode {
    return this.workers ? 'data' : 'threads';
  }

  /**
   * The fused strategy for `model` trained with `loss` on `threads` threads — ONNX Runtime's own
   * (`threads`), or this thread and `threads − 1` worker threads each running a shard of the batch
   * (`data`) — or why it cannot be (the onnxruntime backend is not the current one, or the graph
   * cannot express the model: a layer, an activation, the loss).
   */
  static async start(model: tf.LayersModel, loss: LossSpec = 'categoricalCrossentropy', threads = 1, parallel: ParallelMode = 'threads'): Promise<FusedGradients | string> {
    if (tf.getBackend() !== ORT_BACKEND) return `the backend is ${tf.getBackend()} (the fused graph runs on onnxruntime)`;
    const l = lossOf(loss);
    const plan = planFused(model, l);
    if (typeof plan === 'string') return plan;
    const odd = plan.weights.find((w) => w.dtype !== 'float32');
    if (odd) return `weight ${odd.originalName} is ${odd.dtype}`;
    const trained = new Set(model.trainableWeights);
    // Data-parallel: this thread's shard and (threads − 1) workers', one ONNX Runtime thread each.
    const workers = parallel === 'data' && threads > 1 ? await SessionWorkers.start(threads - 1) : undefined;
    const sessionThreads: SessionThreads = { intraOp: workers ? 1 : threads, spinning: false };
    // The rest of the step (penalties of TF.js, the optimiser's elementwise ops on large weights)
    // runs on the backend's kernel sessions: on every thread too while no shard worker shares them.
    const before = sessionThreadsNow();
    setSessionThreads({ intraOp: threads, spinning: false });
    return new FusedGradients(model, l, new FusedRunner(plan, trained, sessionThreads, workers), threads, before, workers);
  }

  /** Sessions built so far (one per batch size in use; for tests). */
  get sessions(): number {
    return this.runner.sessions;
  }

  private fits(model: tf.LayersModel, loss: Loss, x: Tensor, y: Tensor): boolean {
    const backend = tf.backend();
    return model === this.model && loss.name === this.loss.name && tf.getBackend() === ORT_BACKEND && floatsOf(backend, x) !== undefined && floatsOf(backend, y) !== undefined;
  }

  async gradients(model: tf.LayersModel, x: Tensor, y: Tensor, loss: Loss): Promise<BatchGradients> {
    const n = x.shape[0] ?? 0;
    if (!this.fits(model, loss, x, y) || n === 0) return batchGradients(model, x, y, loss, 1 / (n || 1));
    const backend = tf.backend();
    const r = await this.runner.run(true, floatsOf(backend, x)!, floatsOf(backend, y)!, n, y.shape.slice(1), 1 / n);
    const grads: tf.NamedTensorMap = {};
    for (const { weight, values } of r.gradients) grads[(weight.read() as tf.Variable).name] = tf.tensor(values, weight.shape as number[], 'float32');
    const penalty = r.penalty + this.addTfjsPenalties(grads);
    return { grads, lossSum: r.lossSum, correct: r.correct, penalty, n };
  }

  /**
   * Add the gradients of the regularizers the graph leaves to TF.js (a user's penalty) to the
   * data gradients (in place); their value.
   */
  private addTfjsPenalties(grads: tf.NamedTensorMap): number {
    const rest = this.runner.plan.tfjsPenalties;
    if (rest.length === 0) return 0;
    const vars = trainableVariables(this.model);
    const { value, grads: pen } = tf.variableGrads(() => tf.addN(rest.map((p) => p.regularizer.apply(p.weight.read()))) as tf.Scalar, vars);
    for (const v of vars) {
      const g = pen[v.name];
      if (!g) continue;
      const data = grads[v.name];
      if (data) {
        grads[v.name] = tf.add(data, g);
        tf.dispose([data, g]);
      } else grads[v.name] = g;
    }
    const total = value.dataSync()[0] ?? NaN;
    value.dispose();
    return total;
  }

  async evaluate(model: tf.LayersModel, x: Tensor, y: Tensor, loss: Loss): Promise<{ lossSum: number; correct: number }> {
    const n = x.shape[0] ?? 0;
    if (!this.fits(model, loss, x, y) || n === 0) return evaluateChunked(model, x, y, loss, EVAL_CHUNK);
    const backend = tf.backend();
    const [xs, ys] = [floatsOf(backend, x)!, floatsOf(backend, y)!];
    const xSize = xs.length / n;
    const ySize = ys.length / n;
    let lossSum = 0;
    let correct = 0;
    for (let s = 0; s < n; s += FUSED_EVAL_CHUNK) {
      const rows = Math.min(FUSED_EVAL_CHUNK, n - s);
      const r = await this.runner.run(false, xs.subarray(s * xSize), ys.subarray(s * ySize), rows, y.shape.slice(1), 1, Math.min(FUSED_EVAL_CHUNK, n));
      lossSum += r.lossSum;
      correct += r.correct;
    }
    return { lossSum, correct };
  }

  async close(): Promise<void> {
    this.runner.dispose();
    await this.workers?.close();
    setSessionThreads(this.kernelThreads);
  }
}
