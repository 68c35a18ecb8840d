/**
 * Gradients computed data-parallel: every batch is cut into shards, this thread computes one and
 * each worker thread (its own single-threaded backend) another; the gradients are summed here.
 *
 *   weights ─► workers                   this thread: its shard's gradients + the penalties
 *   shards  ─► workers ─► their gradients ─► Σ ─► (the step: optimiser update, constraints)
 *
 * Each shard contributes Σ its per-sample losses / batch size, so the summed gradient equals the
 * gradient of the whole batch on one thread (up to float rounding). A loss given as a function
 * cannot be sent to a worker: use a named loss, or local gradients.
 *
 * @example
 * const sharded = await ShardedGradients.start(model, 1);   // this thread + 1 worker: both cores
 * await fit(model, data, { gradients: sharded, … });
 * await sharded.close();
 */
import { tf, type Tensor } from '../tf.ts';
import { batchGradients, evaluateChunked, trainableVariables, type BatchGradients } from '../training/batch-math.ts';
import { EVAL_CHUNK, type GradientStrategy } from '../training/gradients.ts';
import { LOSS_NAMES, type Loss, type LossName } from '../training/losses.ts';
import { flatTensors } from './flat.ts';
import { ShardPool, type RequestBody } from './pool.ts';
import type { EvalRequest, GradsRequest, ShardResult } from './protocol.ts';

/** The fields a shard fills in. */
type Batch = 'id' | 'x' | 'xShape' | 'y' | 'yShape';

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

function lossName(loss: Loss): LossName {
  if (!(LOSS_NAMES as readonly string[]).includes(loss.name)) {
    throw new Error(`a loss given as a function cannot be computed on worker threads; use a named loss (${LOSS_NAMES.join(', ')}) or local gradients`);
  }
  return loss.name as LossName;
}

/** The rows [start, end) of a tensor, downloaded. */
function rows(t: Tensor, s: Shard): { data: Float32Array; shape: number[] } {
  const part = tf.tidy(() => tf.slice(t, s.start, s.end - s.start));
  const data = part.dataSync() as Float32Array;
  const shape = part.shape;
  part.dispose();
  return { data: data.slice(), shape };
}

export class ShardedGradients implements GradientStrategy {
  private constructor(private readonly pool: ShardPool | undefined) {}

  /**
   * Start `workers` worker threads with copies of `model`'s layers (0: everything on this thread).
   * Rejects when a worker cannot rebuild the model (e.g. a custom layer TF.js cannot deserialise there).
   */
  static async start(model: tf.LayersModel, workers: number): Promise<ShardedGradients> {
    if (!Number.isInteger(workers) || workers < 0) throw new Error(`workers must be a whole number ≥ 0, got ${workers}`);
    return new ShardedGradients(workers > 0 ? await ShardPool.start(model, workers) : undefined);
  }

  get threads(): number {
    return 1 + (this.pool?.size ?? 0);
  }

  async gradients(model: tf.LayersModel, x: Tensor, y: Tensor, loss: Loss): Promise<BatchGradients> {
    const n = x.shape[0] ?? 0;
    const [mine, ...theirs] = shardsOf(n, this.threads);
    if (!mine || theirs.length === 0) return batchGradients(model, x, y, loss, 1 / n);
    const vars = trainableVariables(model);
    const remote = this.send(theirs, x, y, { type: 'grads', weights: flatTensors(vars), scale: 1 / n, loss: lossName(loss) });
    const [xm, ym] = [tf.slice(x, 0, mine.end), tf.slice(y, 0, mine.end)];
    let own: BatchGradients;
    try {
      own = batchGradients(model, xm, ym, loss, 1 / n);
    } finally {
      tf.dispose([xm, ym]);
    }
    const results = await remote;
    const summed: tf.NamedTensorMap = {};
    let off = 0;
    for (const v of vars) {
      const at = off;
      summed[v.name] = tf.tidy(() => results.reduce<Tensor>((g, r) => tf.add(g, tf.tensor(r.grads!.subarray(at, at + v.size), v.shape, 'float32')), own.grads[v.name]!));
      off += v.size;
    }
    tf.dispose(Object.values(own.grads));
    return {
      grads: summed,
      lossSum: results.reduce((s, r) => s + r.lossSum, own.lossSum),
      correct: results.reduce((s, r) => s + r.correct, own.correct),
      penalty: own.penalty,
      n,
    };
  }

  async evaluate(model: tf.LayersModel, x: Tensor, y: Tensor, loss: Loss): Promise<{ lossSum: number; correct: number }> {
    const n = x.shape[0] ?? 0;
    const [mine, ...theirs] = shardsOf(n, this.threads);
    if (!mine || theirs.length === 0) return evaluateChunked(model, x, y, loss, EVAL_CHUNK);
    const remote = this.send(theirs, x, y, { type: 'eval', weights: flatTensors(trainableVariables(model)), chunk: EVAL_CHUNK, loss: lossName(loss) });
    const [xm, ym] = [tf.slice(x, 0, mine.end), tf.slice(y, 0, mine.end)];
    let own: { lossSum: number; correct: number };
    try {
      own = evaluateChunked(model, xm, ym, loss, EVAL_CHUNK);
    } finally {
      tf.dispose([xm, ym]);
    }
    return (await remote).reduce((t, r) => ({ lossSum: t.lossSum + r.lossSum, correct: t.correct + r.correct }), own);
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }

  /** Send worker i shard i of (x, y) with `request`'s other fields; resolves to their replies, handled at once. */
  private send(shards: Shard[], x: Tensor, y: Tensor, request: Omit<GradsRequest, Batch> | Omit<EvalRequest, Batch>): Promise<ShardResult[]> {
    const pool = this.pool as ShardPool;
    return handled(
      Promise.all(
        shards.map((s, i) => {
          const xs = rows(x, s);
          const ys = rows(y, s);
          return pool.run(i, { ...request, x: xs.data, xShape: xs.shape, y: ys.data, yShape: ys.shape } as RequestBody);
        }),
      ),
    );
  }
}
