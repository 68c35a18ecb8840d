/**
 * Gradients computed data-parallel: every batch is cut into shards, this thread computes one and
 * each worker thread (its own single-threaded backend) another; the gradients are summed here.
 *
 *   weights ─► workers (every one: frozen too)  this thread: its shard's gradients + the penalties
 *   shards  ─► workers ─► their gradients ─► Σ ─► (the step: optimiser update, constraints)
 *
 * Each shard contributes Σ its per-sample losses / batch size, so the summed gradient equals the
 * gradient of the whole batch on one thread (up to float rounding). A loss or metric given as a
 * function cannot be sent to a worker, nor a model of several inputs or outputs: use named ones,
 * or local gradients. Nor a model with a layer whose training-mode output depends on the whole batch
 * or which updates state of its own while training (BatchNormalization: batch statistics, moving
 * mean and variance): each shard would normalise with its own statistics and each worker keep its
 * own moving ones (`batchBoundLayer`). Shard i's random ops draw from `mixSeeds(seed, i)`, this thread's being shard 0.
 *
 * @example
 * const sharded = await ShardedGradients.start(model, 1);   // this thread + 1 worker: both cores
 * await fit(model, data, { epochs: 5, gradients: sharded });
 * await sharded.close();
 */

import { UsageError } from '../errors.ts';
import { inventory, isRegisteredClass, makersOf } from '../model/index.ts';
import { runGuarded } from '../registry/index.ts';
import { type Tensor, tf } from '../tf.ts';
import {
  addScores,
  type Batch,
  type BatchGradients,
  type BatchScores,
  batchGradients,
  EVAL_CHUNK,
  evaluateChunked,
  type GradientStrategy,
  mixSeeds,
  namedObjective,
  type Objective,
  samplesOf,
  sliceBatch,
  trainableVariables,
} from '../training/index.ts';
import { importClassModules } from '../user-modules/index.ts';
import { flatTensors, frozenVariables, inexactWeight, weightLayout } from './flat.ts';
import { batchBoundUserLayer } from './per-sample.ts';
import { type RequestBody, ShardPool, UnshardableError } from './pool.ts';
import type { EvalRequest, GradsRequest, ShardResult } from './protocol.ts';

/** The fields a shard fills in. */
type BatchFields = 'id' | 'x' | 'xShape' | 'y' | 'yShape';

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

/** The objective by its names, for the workers; a UsageError when it cannot go there. */
function sendable(objective: Objective): GradsRequest['objective'] {
  const named = namedObjective(objective);
  if (!named) throw new UsageError('a loss or metric given as a function cannot be computed on worker threads; use named ones, or local gradients');
  return named;
}

/** The batch's one input and one target; a UsageError for a model of several (worker threads take one of each). */
function single(batch: Batch): [Tensor, Tensor] {
  if (batch.xs.length !== 1 || batch.ys.length !== 1)
    throw new UsageError('a model of several inputs or outputs cannot be computed on worker threads; use local gradients');
  return [batch.xs[0] as Tensor, batch.ys[0] as Tensor];
}

/** The rows [start, end) of a tensor, downloaded. */
function rows(t: Tensor, s: Shard): { data: Float32Array; shape: number[] } {
  const part = tf.tidy(() => tf.slice(t, s.start, s.end - s.start));
  const data = part.dataSync() as Float32Array;
  const shape = part.shape;
  part.dispose();
  return { data: data.slice(), shape };
}

/**
 * TF.js's own layers whose training-mode output depends on the whole batch, whatever their weights.
 * A user's layer class reaches the workers only when a module of the user's this thread imported
 * through the library, or one named in `classModules`, registers it (the workers import those
 * modules); such a layer is tried before it is split (`batchBoundUserLayer`). A class registered
 * otherwise is unknown to the workers, so a model with one stays on this thread whatever it computes.
 */
const BATCH_BOUND = new Set(['BatchNormalization']);

/**
 * The first layer of `model` that cannot be split across shards without changing the result, as
 * `path (Class)`: a BatchNormalization (its training output uses the batch's statistics, and it
 * updates its moving ones), or any layer the model trains keeping weights the model does not train
 * (state it may update while training); undefined when there is none. Trained is as the model says
 * (`model.trainableWeights`): a layer of a frozen nested model says it is trainable itself.
 */
export function batchBoundLayer(model: tf.LayersModel): string | undefined {
  const trained = new Set(model.trainableWeights);
  for (const { name, layer } of inventory(model).layers)
    for (const maker of makersOf(layer)) {
      const state = maker.weights.some((w) => trained.has(w)) && maker.weights.some((w) => !trained.has(w));
      if (BATCH_BOUND.has(maker.getClassName()) || state) return `${name} (${maker.getClassName()})`;
    }
  return undefined;
}

/**
 * The first layer of `model` that is not of the class TF.js registers under its class name, as
 * `path (Class, named Name)`: a user's class extending a TF.js layer inherits its name (say a Dense
 * with a call() of its own), and the workers, rebuilding the model from its JSON, would compute
 * TF.js's layer instead; undefined when there is none.
 */
export function unregisteredLayer(model: tf.LayersModel): string | undefined {
  for (const { name, layer } of inventory(model).layers)
    for (const maker of makersOf(layer)) if (!isRegisteredClass(maker)) return `${name} (${maker.constructor.name}, named ${maker.getClassName()})`;
  return undefined;
}

export { UnshardableError } from './pool.ts';

/** Why a model with the layer `bound` (see `batchBoundLayer`) is not split across threads. */
export const BATCH_BOUND_WHY = (bound: string): string =>
  `layer ${bound} uses the whole batch's statistics or keeps state of its own while training, which shards on worker threads would change`;

/** A UsageError when `model`'s weights are not laid out as the model the workers rebuilt (`layout`). */
function checkLayout(model: tf.LayersModel, layout: string): void {
  const now = weightLayout(model);
  if (now !== layout)
    throw new UsageError(
      `the model's weights (${now}) are not laid out as when the shard workers started (${layout}): a layer frozen or unfrozen since? Start them again`,
    );
}

/**
 * A gradient strategy that cuts each batch among this thread and worker threads, each with a copy
 * of the model, and sums their parts: the one-thread gradient up to float rounding.
 *
 * Formula: ∇L = Σₖ ∇Lₖ, Lₖ the part of shard k (its samples' losses / n, plus the penalties once)
 *
 * @example
 * const gradients = await ShardedGradients.start(model, 1);   // this thread + 1 worker
 * await fit(model, data, { epochs: 5, gradients });
 * await gradients.close();
 */
export class ShardedGradients implements GradientStrategy {
  /**
   * Per worker, the frozen variables' data as it last got them (a variable's `dataId` changes
   * whenever it is assigned): they are sent again only when one differs — another model, or
   * `setWeights` on a frozen layer.
   */
  private readonly sentFrozen: Array<readonly object[] | undefined> = [];

  private constructor(
    private readonly pool: ShardPool | undefined,
    /** The `weightLayout` of the model the workers rebuilt. */
    private readonly layout: string,
  ) {}

  /**
   * Start `workers` worker threads with copies of `model`'s layers (0: everything on this thread);
   * `classModules` (paths or file URLs, as `selectBackend` takes them, or its answer's) register layer
   * classes the model uses, imported here first (not again for `selectBackend`'s answer), for the workers
   * to import (with the modules this thread imported through the library). Rejects with a UsageError for
   * `workers` that is not a whole number ≥ 0, or a class module that is no file or fails to import here
   * (`importClassModules`); with an Error (`a shard worker failed to start: …`) when a worker cannot
   * rebuild the model (e.g. a module of those failing to load there: `gradientsFor` then takes one
   * thread and says why); and with an `UnshardableError` (a UsageError) for a model that cannot be split across
   * shards (`batchBoundLayer`; a user's layer that does not compute sample by sample,
   * `batchBoundUserLayer`; a layer class none of those modules registers on the workers).
   * Each step sends the trainable weights, and the frozen ones when they changed since a worker got
   * them; the models it is then given must have the same weights, frozen alike (else the step throws).
   */
  static async start(model: tf.LayersModel, workers: number, classModules: readonly (string | URL)[] = []): Promise<ShardedGradients> {
    if (!Number.isInteger(workers) || workers < 0) throw new UsageError(`workers must be a whole number ≥ 0, got ${workers}`);
    const modules = await importClassModules(classModules, process.cwd(), 'classModules');
    const bound = workers > 0 ? batchBoundLayer(model) : undefined;
    if (bound) throw new UnshardableError(BATCH_BOUND_WHY(bound));
    const pool = workers > 0 ? await ShardPool.start(model, workers, modules) : undefined;
    const own = pool?.userClasses.length ? batchBoundUserLayer(model, pool.userClasses) : undefined;
    if (own) {
      await pool?.close();
      throw new UnshardableError(`layer ${own}, which shards on worker threads would change`);
    }
    return new ShardedGradients(pool, weightLayout(model));
  }

  get threads(): number {
    return 1 + (this.pool?.size ?? 0);
  }

  /** Why `model` cannot be trained over these threads: a weight the workers cannot be sent exactly (`inexactWeight`); checked as a run starts. */
  refusal(model: tf.LayersModel): string | undefined {
    return this.pool ? inexactWeight(model) : undefined;
  }

  async gradients(model: tf.LayersModel, batch: Batch, objective: Objective, seed?: number): Promise<BatchGradients> {
    const n = samplesOf(batch);
    const [mine, ...theirs] = shardsOf(n, this.threads);
    const seedOf = (part: number) => (seed === undefined ? undefined : mixSeeds(seed, part));
    if (!mine || theirs.length === 0) return batchGradients(model, batch, objective, 1 / n, seedOf(0));
    const [x, y] = single(batch);
    checkLayout(model, this.layout);
    const vars = trainableVariables(model);
    const weights = flatTensors(vars);
    const frozen = this.frozenFor(model, theirs.length);
    const remote = this.send(theirs, x, y, (i) => ({
      type: 'grads',
      weights,
      ...frozen(i),
      scale: 1 / n,
      objective: sendable(objective),
      ...(seed === undefined ? {} : { seed: seedOf(i + 1) }),
    }));
    const part = sliceBatch(batch, 0, mine.end);
    let own: BatchGradients;
    try {
      // This thread's pass as `localGradients`' (a stop interrupts it under `guardUserCode`).
      own = runGuarded(() => batchGradients(model, part, objective, 1 / n, seedOf(0)));
    } catch (err) {
      abandon(remote);
      throw err;
    } finally {
      tf.dispose([...part.xs, ...part.ys]);
    }
    const results = await remote;
    const summed: tf.NamedTensorMap = {};
    let off = 0;
    for (const v of vars) {
      const at = off;
      summed[v.name] = tf.tidy(() =>
        results.reduce<Tensor>((g, r) => tf.add(g, tf.tensor(r.grads!.subarray(at, at + v.size), v.shape, 'float32')), own.grads[v.name]!),
      );
      off += v.size;
    }
    tf.dispose(Object.values(own.grads));
    return { grads: summed, ...addScores([own, ...results]), penalty: own.penalty };
  }

  async evaluate(model: tf.LayersModel, batch: Batch, objective: Objective, predictions = false): Promise<BatchScores> {
    const n = samplesOf(batch);
    const [mine, ...theirs] = shardsOf(n, this.threads);
    if (!mine || theirs.length === 0) return evaluateChunked(model, batch, objective, EVAL_CHUNK, predictions);
    const [x, y] = single(batch);
    checkLayout(model, this.layout);
    const weights = flatTensors(trainableVariables(model));
    const frozen = this.frozenFor(model, theirs.length);
    const remote = this.send(theirs, x, y, (i) => ({
      type: 'eval',
      weights,
      ...frozen(i),
      chunk: EVAL_CHUNK,
      objective: sendable(objective),
      ...(predictions ? { predictions } : {}),
    }));
    const part = sliceBatch(batch, 0, mine.end);
    let own: BatchScores;
    try {
      own = runGuarded(() => evaluateChunked(model, part, objective, EVAL_CHUNK, predictions));
    } catch (err) {
      abandon(remote);
      throw err;
    } finally {
      tf.dispose([...part.xs, ...part.ys]);
    }
    // The shards are consecutive rows (this thread's first): their predictions join in order.
    return addScores([own, ...(await remote)]);
  }

  /** Stop the worker threads; a step after this is refused with a UsageError (start again instead). */
  async close(): Promise<void> {
    await this.pool?.close();
  }

  /**
   * For workers 0 … count − 1: `{ frozen }` (the model's frozen weights, flat, read once) for each
   * that has not got them as they are now, `{}` for the others; marked as sent.
   */
  private frozenFor(model: tf.LayersModel, count: number): (i: number) => { frozen?: Float32Array } {
    const vars = frozenVariables(model);
    const ids = vars.map((v) => v.dataId);
    let flat: Float32Array | undefined;
    const stale = Array.from({ length: count }, (_, i) => {
      const sent = this.sentFrozen[i];
      const changed = vars.length > 0 && (sent === undefined || sent.some((id, k) => id !== ids[k]));
      this.sentFrozen[i] = ids;
      return changed;
    });
    return (i) => (stale[i] ? { frozen: (flat ??= flatTensors(vars)) } : {});
  }

  /** Send worker i shard i of (x, y) with `request(i)`'s other fields; resolves to their replies, handled at once. */
  private send(
    shards: Shard[],
    x: Tensor,
    y: Tensor,
    request: (i: number) => Omit<GradsRequest, BatchFields> | Omit<EvalRequest, BatchFields>,
  ): Promise<ShardResult[]> {
    const pool = this.pool as ShardPool;
    return handled(
      Promise.all(
        shards.map((s, i) => {
          const xs = rows(x, s);
          const ys = rows(y, s);
          return pool.run(i, { ...request(i), x: xs.data, xShape: xs.shape, y: ys.data, yShape: ys.shape } as RequestBody);
        }),
      ),
    );
  }
}

/** The workers' part of a step this thread gave up (its own pass threw or was interrupted): their replies, or the pool's closing, ignored. */
function abandon(remote: Promise<unknown>): void {
  remote.catch(() => undefined);
}
