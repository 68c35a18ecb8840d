/**
 * What one thread computes on (part of) a batch, shared by the local step, the main thread's shard
 * and the shard workers, so all do exactly the same:
 *
 *   scores = [Σ data loss over outputs and samples, Σ loss of each output, Σ of each metric]
 *   penalty = Σ λ·penalty over every penalised weight (model/inventory.ts), downloaded as partial
 *             sums with the scores and added up in float64 (penalty-parts.ts)
 *   gradients of  scale · scores[0] + penalty     (scale = 1 / samples in the whole batch)
 *
 * With scale = 1 / batch size the shards' gradients add up to the whole batch's; the penalties
 * are counted once, because only the main thread's model has regularizers. A metric's sum is its
 * batch mean times the samples (TF.js weighs batches by their size), so shards add up too. With a
 * `seed`, every random op of the pass (dropout masks, noise) draws from it (seeded-random.ts).
 */

import { penaltyTerms, uniqueWeights } from '../model/index.ts';
import { type Scalar, type Tensor, tf } from '../tf.ts';
import { forward, type Outputs } from './forward.ts';
import type { Objective } from './objective.ts';
import { penaltyParts, sumPartials } from './penalty-parts.ts';
import { withSeededRandom } from './seeded-random.ts';

/** A batch (or a part of one): the model's inputs and targets, in the order of its inputs and outputs. */
export interface Batch {
  readonly xs: readonly Tensor[];
  readonly ys: readonly Tensor[];
}

/** Sums over (part of) a batch: see `scoreTensors` for the order of `scores`. */
export interface BatchScores {
  readonly scores: number[];
  /** Samples counted. */
  readonly n: number;
  /**
   * When asked for (an evaluation's `predictions`): each output's probabilities, as the metrics
   * read them (`Outputs.probs`), flat, n rows of the output's size per sample.
   */
  readonly predictions?: Float32Array[];
}

/** Gradients (by variable name; the caller disposes them) and the batch's numbers. */
export interface BatchGradients extends BatchScores {
  readonly grads: tf.NamedTensorMap;
  /** Σ λ·penalty of the model's regularizers (0 when it has none), before the update. */
  readonly penalty: number;
}

/** Samples in a batch. */
export const samplesOf = (b: Batch): number => b.xs[0]?.shape[0] ?? 0;

/**
 * Σ λ·penalty over every penalised weight, wherever TF.js keeps its regularizer (a recurrent
 * layer's cell, a wrapper's layer, a nested model: see model/inventory.ts); a scalar, 0 when
 * nothing is penalised. Not `model.calculateLosses()`, which misses a recurrent layer's penalties
 * (and a Sequential model reports none until its first call).
 */
export function penaltyLoss(model: tf.LayersModel): Scalar {
  return tf.tidy(() => penaltyTerms(model).total);
}

/**
 * The batch's sums as tensors: [Σ data loss (all outputs), Σ loss of each output, Σ of each metric
 * (its batch mean × samples)].
 */
export function scoreTensors(model: tf.LayersModel, batch: Batch, objective: Objective, training: boolean, seen?: (out: Outputs) => void): Scalar[] {
  const out = forward(model, batch.xs, objective.losses, training);
  seen?.(out);
  const n = samplesOf(batch);
  const losses = objective.losses.map((l, i) => l.sum(batch.ys[i] as Tensor, out.preds[i] as Tensor, out.logits[i] === true));
  const metrics = objective.metrics.map((m) => {
    const v = m.fn(batch.ys[m.output] as Tensor, out.probs(m.output));
    // One value per sample: their sum (a count stays exact); else the batch mean × samples.
    return (v.size === n ? tf.sum(v) : tf.mul(tf.mean(v), n)) as Scalar;
  });
  return [(losses.length === 1 ? losses[0] : tf.addN(losses)) as Scalar, ...losses, ...metrics];
}

/** The variables the optimiser trains (`uniqueWeights(model, true)`: trainable and float32), in order, each once (a tied weight too). */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return uniqueWeights(model, true).map((lv) => lv.read() as tf.Variable);
}

/** `fn()` with the random ops drawing from `seed`, or as TF.js draws them without one. */
const seeded = <T>(seed: number | undefined, fn: () => T): T => (seed === undefined ? fn() : withSeededRandom(seed, fn));

/**
 * Gradients with respect to the model's trainable weights of  scale · Σ loss + penalties, in training
 * mode: one for every trained weight. A weight no gradient reaches (a custom layer's weight its `call`
 * never reads, with no penalty) gets zeros — the loss does not change with it, ∂/∂w = 0 — where TF.js's
 * `variableGrads` leaves it out: so the optimiser's state keeps its entries (a checkpoint restores them),
 * a decoupled weight decay acts on it as on every weight, and the shard workers send a gradient for it.
 */
export function batchGradients(model: tf.LayersModel, batch: Batch, objective: Objective, scale: number, seed?: number): BatchGradients {
  const vars = trainableVariables(model);
  let parts: Tensor | undefined;
  let count = 0;
  const { value, grads: reached } = seeded(seed, () =>
    tf.variableGrads(() => {
      const scores = scoreTensors(model, batch, objective, true);
      const pen = penaltyParts(model);
      count = scores.length;
      // One download for the scores and the penalty's partial sums (added up here in float64).
      parts = tf.keep(tf.concat([tf.stack(scores), pen.partials]));
      return tf.add(tf.mul(scores[0] as Scalar, scale), pen.total) as Scalar;
    }, vars),
  );
  const grads: tf.NamedTensorMap = Object.fromEntries(vars.map((v) => [v.name, reached[v.name] ?? tf.zerosLike(v)]));
  const all = parts ? parts.dataSync() : new Float32Array(0);
  tf.dispose([value, parts]);
  return { grads, scores: Array.from(all.subarray(0, count)), penalty: parts ? sumPartials(all.subarray(count)) : NaN, n: samplesOf(batch) };
}

/** The rows [start, start + size) of every tensor of a batch (views to dispose). */
export function sliceBatch(b: Batch, start: number, size: number): Batch {
  return { xs: b.xs.map((t) => tf.slice(t, start, size)), ys: b.ys.map((t) => tf.slice(t, start, size)) };
}

/**
 * The scores of the model on a batch, `chunk` samples at a time (activations stay small); with
 * `predictions`, also each output's probabilities from the same forward passes (`BatchScores.predictions`).
 */
export function evaluateChunked(model: tf.LayersModel, batch: Batch, objective: Objective, chunk: number, predictions = false): BatchScores {
  const n = samplesOf(batch);
  let sums: number[] = [];
  let kept: Float32Array[] | undefined;
  for (let s = 0; s < n; s += chunk) {
    const size = Math.min(chunk, n - s);
    const part = tf.tidy(() => {
      const b = size === n ? batch : sliceBatch(batch, s, size);
      let out: Outputs | undefined;
      const scores = Array.from(tf.stack(scoreTensors(model, b, objective, false, (o) => (out = o))).dataSync());
      if (predictions && out) {
        const probs = out.preds.map((_, i) => (out as Outputs).probs(i));
        kept ??= probs.map((p) => new Float32Array((p.size / size) * n));
        probs.forEach((p, i) => kept?.[i]?.set(p.dataSync() as Float32Array, (p.size / size) * s));
      }
      return scores;
    });
    sums = sums.length === 0 ? part : sums.map((v, i) => v + (part[i] ?? NaN));
  }
  return { scores: sums, n, ...(kept ? { predictions: kept } : {}) };
}

/** Element-wise sums of several parts' scores; their predictions (when every part has them) joined in the parts' order. */
export function addScores(parts: readonly BatchScores[]): BatchScores {
  const [first, ...rest] = parts;
  if (!first) return { scores: [], n: 0 };
  const sum = rest.reduce((t, p) => ({ scores: t.scores.map((v, i) => v + (p.scores[i] ?? NaN)), n: t.n + p.n }), { scores: first.scores, n: first.n });
  const outputs = first.predictions;
  if (!outputs || parts.some((p) => !p.predictions)) return sum;
  return { ...sum, predictions: outputs.map((_, i) => joined(parts.map((p) => p.predictions?.[i] ?? new Float32Array(0)))) };
}

/** The arrays one after another. */
function joined(arrays: readonly Float32Array[]): Float32Array {
  if (arrays.length === 1) return arrays[0] as Float32Array;
  const out = new Float32Array(arrays.reduce((k, a) => k + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}
