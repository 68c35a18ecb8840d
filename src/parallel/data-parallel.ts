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
import { tf, type Tensor } from '../tf.ts';
import { applyConstraints, type StepResult } from '../training/step.ts';
import { ShardPool, type RequestBody } from './pool.ts';
import type { EvalRequest, GradsRequest, ShardBatch, ShardResult } from './protocol.ts';
import { evaluateFlat, flatTensors, shardGradients } from './shard-math.ts';

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
    const remote = theirs.length === 0 ? Promise.resolve([]) : this.sendShards(theirs, x.dataSync() as Float32Array, y.dataSync() as Float32Array, { type: 'grads', weights: flatTensors(vars), scale: 1 / n });

    const whole = mine!.end === n;
    const [xm, ym] = whole ? [x, y] : [tf.slice(x, 0, mine!.end), tf.slice(y, 0, mine!.end)];
    const own = shardGradients(model, vars, xm, ym, 1 / n);
    if (!whole) tf.dispose([xm, ym]);
    const grads = own.grads;
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
    tf.dispose([...Object.values(grads), ...Object.values(summed)]);
    return {
      dataLoss: results.reduce((s, r) => s + r.lossSum, own.lossSum) / n,
      penaltyLoss: own.penalty,
      accuracy: results.reduce((s, r) => s + r.correct, own.correct) / n,
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
    const remote = theirs.length === 0 ? Promise.resolve([]) : this.sendShards(theirs, x, y, { type: 'eval', weights: flatTensors(vars), chunk });
    const own = evaluateFlat(model, x.subarray(0, (mine!.end * x.length) / n), y.subarray(0, (mine!.end * y.length) / n), mine!.end, chunk);
    return (await remote).reduce((t, r) => ({ lossSum: t.lossSum + r.lossSum, correct: t.correct + r.correct }), own);
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }

  /**
   * Send each worker its shard of the flat batch (x: inputs, y: one-hot labels) with `request`'s
   * other fields; resolves to their replies, handled at once (see `handled`).
   */
  private sendShards(shards: Shard[], x: Float32Array, y: Float32Array, request: Omit<GradsRequest, 'id' | keyof ShardBatch> | Omit<EvalRequest, 'id' | keyof ShardBatch>): Promise<ShardResult[]> {
    const pool = this.pool;
    if (!pool || shards.length === 0) return Promise.resolve([]);
    const n = shards.at(-1)!.end;
    const perX = x.length / n;
    const perY = y.length / n;
    return handled(
      Promise.all(
        shards.map((s, i) =>
          // slice, not subarray: a message copies a view's whole buffer.
          pool.run(i, { ...request, x: x.slice(s.start * perX, s.end * perX), y: y.slice(s.start * perY, s.end * perY), n: s.end - s.start } as RequestBody),
        ),
      ),
    );
  }

}
