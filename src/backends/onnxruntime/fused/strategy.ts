/**
 * The fused gradient strategy: each training step's data gradients from one run of the model's
 * fused graph (runner.ts), the step itself unchanged (src/training/step.ts):
 *
 *   batch ─► fused graph (forward, loss, accuracy, backward of every layer; every thread)
 *         ─► + the gradients of the penalties: the built-in ones inside the graph (penalties.ts),
 *            a user's by TF.js autodiff of its regularizer ─► the step: transforms, optimiser,
 *            proximal step, constraints, as on every path (data-parallel: its large element-wise
 *            loops cut across this thread and the shard workers, idle then; split-loops.ts)
 *
 * `FusedGradients.start` gives the strategy, or the reason the model cannot be fused (then the
 * per-kernel path trains it). Evaluation runs the forward-only graph in chunks of 128 samples
 * (with its outputs, the probabilities, kept when asked for: `predictions`).
 * The scores are the objective's (batch-math.ts): [Σ loss, Σ loss of the output, Σ acc], the
 * accuracy only when the objective asks for it.
 *
 * @example
 * const fused = await FusedGradients.start(model, 'categoricalCrossentropy', 2);
 * if (typeof fused !== 'string') await fit(model, data, { epochs: 5, gradients: fused });
 */
import { type Tensor, tf } from '../../../tf.ts';
import {
  type Batch,
  type BatchGradients,
  type BatchScores,
  type GradientStrategy,
  type LossOption,
  localGradients,
  mixSeeds,
  type Objective,
  objectiveOf,
  samplesOf,
  trainableVariables,
  withSeededRandom,
} from '../../../training/index.ts';
import type { ParallelMode } from '../../choices.ts';
import { ORT_BACKEND } from '../../choices.ts';
import { loopHelpers, setLoopHelpers } from '../kernels/loops/split-loops.ts';
import type { SessionThreads } from '../runtime/binding.ts';
import { sessionThreads as sessionThreadsNow, setSessionThreads } from '../runtime/sessions.ts';
import { floatsOf } from '../runtime/storage.ts';
import { planFused } from './plan.ts';
import { FusedRunner } from './runner.ts';
import { SessionWorkers } from './workers.ts';

/**
 * Samples per evaluation run: the training batch's size, so an evaluation session holds no more
 * memory than the training one (measured: a 256-sample session's arena ~180 MB, 128 ~120 MB).
 */
const FUSED_EVAL_CHUNK = 128;

/**
 * A batch tensor's values as the graph's float32 input: its own array when it holds one, else
 * read and converted (int32 labels, as `tf.oneHot` makes them; int32 or bool images): exact for
 * whole numbers below 2²⁴. Only strings and complex numbers have none (then the per-kernel path).
 */
function floatsFor(backend: tf.KernelBackend, t: Tensor): Float32Array | undefined {
  const own = floatsOf(backend, t);
  if (own) return own;
  if (t.dtype === 'string' || t.dtype === 'complex64') return undefined;
  const values = backend.readSync(t.dataId);
  return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
}

const isObjective = (o: unknown): o is Objective => typeof o === 'object' && o !== null && 'losses' in o && 'metrics' in o;

/** Why the graph cannot score `objective`: only one loss and, at most, its accuracy. */
function objectiveProblem(objective: Objective): string | undefined {
  if (objective.losses.length !== 1) return `the objective has ${objective.losses.length} losses (the fused graph takes one output)`;
  const odd = objective.metrics.find((m) => m.name !== 'acc' || m.output !== 0);
  if (odd) return `metric ${odd.name} (the fused graph computes the accuracy only)`;
  if (objective.metrics.length > 0 && !objective.losses[0]!.correct) return `metric acc with the loss ${objective.losses[0]!.name}`;
  return undefined;
}

/** The objective's metric names, to tell whether a call scores the same objective. */
const signature = (o: Objective): string => `${o.losses.map((l) => l.name).join()}|${o.metrics.map((m) => m.name).join()}`;

/** The fused gradient strategy (see the file's comment): `start` gives it, or why the model cannot be fused. */
export class FusedGradients implements GradientStrategy {
  readonly path = 'fused' as const;

  private constructor(
    private readonly model: tf.LayersModel,
    private readonly objective: Objective,
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
   * The fused strategy for `model` trained on `objective` (or a loss) on `threads` threads —
   * ONNX Runtime's own (`threads`), or this thread and `threads − 1` worker threads each running
   * a shard of the batch (`data`) — or why it cannot be (the onnxruntime backend is not the
   * current one, or the graph cannot express the model: a layer, an activation, the loss, a metric).
   */
  static async start(
    model: tf.LayersModel,
    objective: Objective | LossOption = 'categoricalCrossentropy',
    threads = 1,
    parallel: ParallelMode = 'threads',
  ): Promise<FusedGradients | string> {
    if (tf.getBackend() !== ORT_BACKEND) return `the backend is ${tf.getBackend()} (the fused graph runs on onnxruntime)`;
    const o = isObjective(objective) ? objective : objectiveOf(model, objective);
    const problem = objectiveProblem(o);
    if (problem) return problem;
    const plan = planFused(model, o.losses[0]!);
    if (typeof plan === 'string') return plan;
    const odd = plan.weights.find((w) => w.dtype !== 'float32');
    if (odd) return `weight ${odd.originalName} is ${odd.dtype}`;
    // Data-parallel: this thread's shard and (threads − 1) workers', one ONNX Runtime thread each.
    const workers = parallel === 'data' && threads > 1 ? await SessionWorkers.start(threads - 1) : undefined;
    const sessionThreads: SessionThreads = { intraOp: workers ? 1 : threads, spinning: false };
    // The rest of the step (penalties of TF.js, the optimiser's elementwise ops on large weights)
    // runs on the backend's kernel sessions: on every thread too while no shard worker shares them.
    const before = sessionThreadsNow();
    setSessionThreads({ intraOp: threads, spinning: false });
    // …and its large element-wise loops are cut across the shard workers, idle after their shards.
    if (workers) setLoopHelpers(workers.loopHelpers);
    return new FusedGradients(model, o, new FusedRunner(plan, () => new Set(model.trainableWeights), sessionThreads, workers), threads, before, workers);
  }

  /** Sessions built so far on this thread (one per batch kind in use; for tests). */
  get sessions(): number {
    return this.runner.sessions;
  }

  refusal(model: tf.LayersModel, objective: Objective): string | undefined {
    if (model !== this.model) return 'the fused gradients were started for another model (start them for the one trained)';
    if (signature(objective) !== signature(this.objective)) {
      const says = (o: Objective) => `loss ${o.losses.map((l) => l.name).join(', ')}, metrics [${o.metrics.map((m) => m.name).join(', ')}]`;
      return `the fused gradients were started for ${says(this.objective)}; this training has ${says(objective)} (start them with the same loss and metrics)`;
    }
    return undefined;
  }

  /**
   * The batch's two arrays when the graph can take them (the model and objective it was built for,
   * labels of a shape its loss reads as TF.js does: else TF.js computes or refuses them, as on cpu).
   */
  private arraysOf(model: tf.LayersModel, batch: Batch, objective: Objective): [Float32Array, Float32Array, Tensor] | undefined {
    if (this.refusal(model, objective) || batch.xs.length !== 1 || batch.ys.length !== 1) return undefined;
    if (tf.getBackend() !== ORT_BACKEND) return undefined;
    const [x, y] = [batch.xs[0]!, batch.ys[0]!];
    const { loss, outShape } = this.runner.plan;
    if (!loss.takes(y.shape.slice(1), outShape)) return undefined;
    const backend = tf.backend();
    const [xs, ys] = [floatsFor(backend, x), floatsFor(backend, y)];
    return xs && ys && samplesOf(batch) > 0 ? [xs, ys, y] : undefined;
  }

  /** The objective's scores from the graph's sums. */
  private scores(lossSum: number, correct: number): number[] {
    return [lossSum, lossSum, ...(this.objective.metrics.length > 0 ? [correct] : [])];
  }

  async gradients(model: tf.LayersModel, batch: Batch, objective: Objective, seed?: number): Promise<BatchGradients> {
    const arrays = this.arraysOf(model, batch, objective);
    if (!arrays) return localGradients.gradients(model, batch, objective, seed);
    const n = samplesOf(batch);
    const [xs, ys, y] = arrays;
    // Random ops (dropout masks) drawn as the one-thread path draws them (seeded-random.ts).
    const draw = seed === undefined ? undefined : <T>(fn: () => T): T => withSeededRandom(mixSeeds(seed, 0), fn);
    const r = await this.runner.run(true, xs, ys, n, y.shape.slice(1), 1 / n, { draw });
    const grads: tf.NamedTensorMap = {};
    for (const { weight, values } of r.gradients) grads[(weight.read() as tf.Variable).name] = tf.tensor(values, weight.shape as number[], 'float32');
    const penalty = r.penalty + this.addTfjsPenalties(grads);
    return { grads, scores: this.scores(r.lossSum, r.correct), penalty, n };
  }

  /**
   * Add the gradients of the regularizers the graph leaves to TF.js (a user's penalty) to the
   * data gradients (in place); their value. A regularizer of a weight not trained (a frozen layer's)
   * counts its value and gets no gradient (`tf.variableGrads` would find no trained variable in it).
   */
  private addTfjsPenalties(grads: tf.NamedTensorMap): number {
    const rest = this.runner.plan.tfjsPenalties;
    if (rest.length === 0) return 0;
    const vars = trainableVariables(this.model);
    const trained = new Set<tf.Variable>(vars);
    const sum = (ps: typeof rest) => tf.addN(ps.map((p) => p.regularizer.apply(p.weight.read()))) as tf.Scalar;
    const [onTrained, onFrozen] = [
      rest.filter((p) => trained.has(p.weight.read() as tf.Variable)),
      rest.filter((p) => !trained.has(p.weight.read() as tf.Variable)),
    ];
    let total = onFrozen.length === 0 ? 0 : tf.tidy(() => sum(onFrozen).dataSync()[0] ?? NaN);
    if (onTrained.length === 0) return total;
    const { value, grads: pen } = tf.variableGrads(() => sum(onTrained), vars);
    for (const v of vars) {
      const g = pen[v.name];
      if (!g) continue;
      const data = grads[v.name];
      if (data) {
        grads[v.name] = tf.add(data, g);
        tf.dispose([data, g]);
      } else grads[v.name] = g;
    }
    total += value.dataSync()[0] ?? NaN;
    value.dispose();
    return total;
  }

  async evaluate(model: tf.LayersModel, batch: Batch, objective: Objective, predictions = false): Promise<BatchScores> {
    const arrays = this.arraysOf(model, batch, objective);
    if (!arrays) return localGradients.evaluate(model, batch, objective, predictions);
    const n = samplesOf(batch);
    const [xs, ys, y] = arrays;
    const xSize = xs.length / n;
    const ySize = ys.length / n;
    const outSize = this.runner.plan.outShape.reduce((a, d) => a * d, 1);
    // The graph's own outputs (probabilities), the ones its accuracy was counted on, when asked for.
    const probs = predictions ? new Float32Array(n * outSize) : undefined;
    let lossSum = 0;
    let correct = 0;
    for (let s = 0; s < n; s += FUSED_EVAL_CHUNK) {
      const rows = Math.min(FUSED_EVAL_CHUNK, n - s);
      const into = probs?.subarray(s * outSize, (s + rows) * outSize);
      const r = await this.runner.run(false, xs.subarray(s * xSize), ys.subarray(s * ySize), rows, y.shape.slice(1), 1, {
        size: Math.min(FUSED_EVAL_CHUNK, n),
        ...(into ? { probsInto: into } : {}),
      });
      lossSum += r.lossSum;
      correct += r.correct;
    }
    return { scores: this.scores(lossSum, correct), n, ...(probs ? { predictions: [probs] } : {}) };
  }

  async close(): Promise<void> {
    if (this.workers && loopHelpers() === this.workers.loopHelpers) setLoopHelpers([]);
    this.runner.dispose();
    await this.workers?.close();
    setSessionThreads(this.kernelThreads);
  }
}
