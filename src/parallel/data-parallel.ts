/**
 * Data-parallel training and evaluation of a logits model: every batch is cut into shards, the
 * main thread computes one and each worker thread (own single-threaded wasm backend) another.
 *
 *   weights ─► workers                     main thread: its shard's gradients + penalties
 *   shards  ─► workers ─► their gradients ─► Σ gradients ─► optimiser update ─► constraints
 *
 * The data loss is softmax cross-entropy from logits, mean over the whole batch: each shard
 * contributes Σ its per-sample losses / batch size, so the summed gradient equals the gradient of
 * the whole batch on one thread (up to float rounding). With no workers it is the one-thread step.
 *
 * @example
 * const dp = await DataParallel.start(logits, 1);   // main thread + 1 worker: both cores
 * const r = await dp.trainStep(logits, optimizer, xs, ys);
 * await dp.close();
 */
import { tf, type Scalar, type Tensor } from '../tf.ts';
import { applyConstraints, penaltyLoss, type StepResult } from '../training/step.ts';
import { ShardPool } from './pool.ts';
import type { ShardResult } from './protocol.ts';
import { flatWeights, shardLossAndCorrect } from './shard-math.ts';

export interface DataParallelStepOptions {
  /** Also measure, per constrained weight, the share of output channels its constraint changed. */
  readonly measureConstraints?: boolean;
}

interface Shard {
  readonly start: number;
  readonly end: number;
}

/** Cut n samples into `parts` contiguous shards of near-equal size (empty shards dropped). */
export function shardsOf(n: number, parts: number): Shard[] {
  const out: Shard[] = [];
  for (let i = 0; i < parts; i++) {
    const start = Math.round((i * n) / parts);
    const end = Math.round(((i + 1) * n) / parts);
    if (end > start) out.push({ start, end });
  }
  return out;
}

/**
 * Mark `p` as handled now, so that if this thread's own shard throws first, the workers' failure
 * is not an unhandled rejection (which the wasm module turns into a crash); awaiting `p` still throws.
 */
function handled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

export class DataParallel {
  private constructor(private readonly pool: ShardPool | undefined) {}

  /** Start `workers` worker threads with copies of `model`'s layers (0: everything on this thread). */
  static async start(model: tf.LayersModel, workers: number): Promise<DataParallel> {
    if (!Number.isInteger(workers) || workers < 0) throw new Error(`workers must be a whole number ≥ 0, got ${workers}`);
    return new DataParallel(workers > 0 ? await ShardPool.start(model, workers) : undefined);
  }

  /** Threads computing each batch: this one plus the workers. */
  get threads(): number {
    return 1 + (this.pool?.size ?? 0);
  }

  /**
   * One training step on a batch (x: inputs, y: one-hot labels) of softmax cross-entropy from
   * `model`'s logits plus its penalties, then the optimiser's update and the constraints.
   */
  async trainStep(model: tf.LayersModel, optimizer: tf.Optimizer, x: Tensor, y: Tensor, options: DataParallelStepOptions = {}): Promise<StepResult> {
    const n = x.shape[0] as number;
    const [mine, ...theirs] = shardsOf(n, this.threads);
    const vars = model.trainableWeights.map((lv) => lv.read() as tf.Variable);
    const weights = theirs.length > 0 ? flatWeights(vars) : new Float32Array(0);
    const remote = handled(this.sendShards(theirs, x, y, (part) => ({ type: 'grads', weights, scale: 1 / n, ...part })));

    let parts: Tensor | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const xm = mine!.end === n ? x : tf.slice(x, 0, mine!.end);
      const ym = mine!.end === n ? y : tf.slice(y, 0, mine!.end);
      const [loss, correct] = shardLossAndCorrect(ym, model.apply(xm, { training: true }) as Tensor);
      const pen = penaltyLoss(model);
      parts = tf.keep(tf.stack([loss, correct, pen]));
      return tf.add(tf.mul(loss, 1 / n), pen) as Scalar;
    }, vars);
    const results = await remote;

    const summed: Record<string, Tensor> = {};
    let off = 0;
    for (const v of vars) {
      const at = off;
      summed[v.name] = tf.tidy(() => results.reduce<Tensor>((g, r) => tf.add(g, tf.tensor(r.grads!.subarray(at, at + v.size), v.shape, 'float32')), grads[v.name]!));
      off += v.size;
    }
    optimizer.applyGradients(summed);
    const projected = applyConstraints(model, options.measureConstraints === true);
    const [lossMine = NaN, correctMine = NaN, penalty = NaN] = parts ? Array.from(parts.dataSync()) : [];
    tf.dispose([value, parts, ...Object.values(grads), ...Object.values(summed)]);
    return {
      dataLoss: results.reduce((s, r) => s + r.lossSum, lossMine) / n,
      penaltyLoss: penalty,
      accuracy: results.reduce((s, r) => s + r.correct, correctMine) / n,
      projected,
    };
  }

  /**
   * Σ cross-entropy and correct count of `model` on n samples given flat (x: inputs, y: one-hot
   * labels), shared among the threads; this thread works in chunks of `chunk` samples.
   */
  async evaluate(model: tf.LayersModel, x: Float32Array, y: Float32Array, n: number, chunk = 1000): Promise<{ lossSum: number; correct: number }> {
    const [mine, ...theirs] = shardsOf(n, this.threads);
    const vars = model.trainableWeights.map((lv) => lv.read() as tf.Variable);
    const inputShape = (model.inputs[0]?.shape ?? []).slice(1) as number[];
    const perX = x.length / n;
    const perY = y.length / n;
    const weights = theirs.length > 0 ? flatWeights(vars) : new Float32Array(0);
    const remote = handled(this.sendShardsFlat(theirs, x, y, perX, perY, (part) => ({ type: 'eval', weights, ...part })));
    let lossSum = 0;
    let correct = 0;
    for (let s = mine!.start; s < mine!.end; s += chunk) {
      const e = Math.min(mine!.end, s + chunk);
      const [l, c] = tf.tidy(() => {
        const xs = tf.tensor(x.subarray(s * perX, e * perX), [e - s, ...inputShape], 'float32');
        const ys = tf.tensor2d(y.subarray(s * perY, e * perY), [e - s, perY]);
        const [loss, right] = shardLossAndCorrect(ys, model.predict(xs) as Tensor);
        return [loss.dataSync()[0] ?? NaN, right.dataSync()[0] ?? NaN];
      });
      lossSum += l;
      correct += c;
    }
    for (const r of await remote) {
      lossSum += r.lossSum;
      correct += r.correct;
    }
    return { lossSum, correct };
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }

  private sendShards(shards: Shard[], x: Tensor, y: Tensor, body: (part: { x: Float32Array; y: Float32Array; n: number }) => Parameters<ShardPool['run']>[1]): Promise<ShardResult[]> {
    if (shards.length === 0) return Promise.resolve([]);
    const n = x.shape[0] as number;
    return this.sendShardsFlat(shards, x.dataSync() as Float32Array, y.dataSync() as Float32Array, x.size / n, y.size / n, body);
  }

  private sendShardsFlat(
    shards: Shard[],
    x: Float32Array,
    y: Float32Array,
    perX: number,
    perY: number,
    body: (part: { x: Float32Array; y: Float32Array; n: number }) => Parameters<ShardPool['run']>[1],
  ): Promise<ShardResult[]> {
    const pool = this.pool;
    if (!pool || shards.length === 0) return Promise.resolve([]);
    return Promise.all(
      shards.map((s, i) =>
        // slice, not subarray: a message copies a view's whole buffer.
        pool.run(i, body({ x: x.slice(s.start * perX, s.end * perX), y: y.slice(s.start * perY, s.end * perY), n: s.end - s.start })),
      ),
    );
  }
}
