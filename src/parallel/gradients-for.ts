/**
 * The gradient strategy for a model on the current backend, with the reason when it is not the
 * fastest one:
 *
 *   onnxruntime, a model the fused graph expresses ─► FusedGradients: one ONNX Runtime graph per
 *       step, on every thread — data-parallel shards (`parallel: 'data'`) or ONNX Runtime's own
 *       threads (src/backends/onnxruntime/fused/)
 *   otherwise (per-kernel) ─► sharded over `workers` worker threads when it can be (a named loss, a
 *       model TF.js can rebuild from its JSON in a worker — TF.js's own layer classes, and a user's
 *       registered by a module this thread imported through the library or one of `classModules`
 *       (the workers import them too) that computes sample by sample; one extending TF.js's would be rebuilt as TF.js's —, no layer
 *       bound to the whole batch such as BatchNormalization), else this thread alone, with a note saying why
 */

import { type BackendInfo, loadFusedGradients, ORT_BACKEND } from '../backends/index.ts';
import { errorLine } from '../error-line.ts';
import { UsageError } from '../errors.ts';
import { tf } from '../tf.ts';
import { type GradientStrategy, type LossOption, localGradients, type MetricsOption, namedObjective, objectiveOf } from '../training/index.ts';
import { BATCH_BOUND_WHY, batchBoundLayer, ShardedGradients, UnshardableError, unregisteredLayer } from './sharded.ts';

/** How gradients are computed: one fused graph per step, or TF.js kernel by kernel. */
export type GradientPath = 'fused' | 'per-kernel';

/** What `gradientsFor` chose: the strategy, its path, and why it is not the fastest one asked for. */
export interface ChosenGradients {
  readonly gradients: GradientStrategy;
  readonly path: GradientPath;
  /** On the onnxruntime backend, why the per-kernel path: what the fused graph cannot express. */
  readonly why?: string;
  /** Why fewer threads than asked (a loss or model the workers cannot take). */
  readonly note?: string;
}

/** The backend's threads as `selectBackend` gave them (and the class modules for its shard workers). */
export type ThreadsInfo = Omit<BackendInfo, 'note'>;

/**
 * The threads a step really computes each batch on, as a record states them: how many, and how
 * they share it (only when more than one: `data` or `threads` means nothing on one thread).
 *
 *   strategy on n > 1 threads ─► { threads: n, parallel: its own (default data) }
 *   one thread of its own, a backend with its own threads (wasm's threaded build, tensorflow)
 *                            ─► { threads: the backend's, parallel: 'threads' }
 *   otherwise (e.g. the shards fell back to this thread) ─► { threads: 1 }
 *
 * Example: `stepThreads(localGradients, { name: 'onnxruntime', threads: 2, parallel: 'data', workers: 1 })`
 * is `{ threads: 1 }`.
 */
export function stepThreads(
  strategy: Pick<GradientStrategy, 'threads' | 'parallel'>,
  backend: Omit<ThreadsInfo, 'workers'>,
): { threads: number; parallel?: 'data' | 'threads' } {
  if (strategy.threads > 1) return { threads: strategy.threads, parallel: strategy.parallel ?? 'data' };
  if (backend.parallel === 'threads' && backend.threads > 1) return { threads: backend.threads, parallel: 'threads' };
  return { threads: 1 };
}

/**
 * The gradient strategy for `model` on the backend `selectBackend` chose (its whole answer, not one
 * of its numbers): fused when onnxruntime can express the model, else sharded over
 * `backend.workers` worker threads when the model allows, else this thread with a `note` saying why.
 *
 *   const backend = await selectBackend('auto');
 *   const { gradients, note } = await gradientsFor(model, backend, 'sparseCategoricalCrossentropy');
 *
 * A `backend` that is not such an object (e.g. `backend.workers`, a number) is refused with a
 * `UsageError`, as is one of your own whose `classModules` names a module that is no file or fails to
 * import (`selectBackend`'s answer has them checked and imported already: not again).
 */
export async function gradientsFor(
  model: tf.LayersModel,
  backend: ThreadsInfo,
  loss: LossOption = 'categoricalCrossentropy',
  metrics?: MetricsOption,
): Promise<ChosenGradients> {
  checkThreadsInfo(backend);
  let why: string | undefined;
  if (backend.name === ORT_BACKEND && tf.getBackend() === ORT_BACKEND) {
    // Loaded only here: other backends never load ONNX Runtime's binding.
    const { FusedGradients } = await loadFusedGradients();
    const fused = await FusedGradients.start(model, objectiveOf(model, loss, metrics), backend.threads, backend.parallel);
    if (typeof fused !== 'string') return { gradients: fused, path: 'fused' };
    why = fused;
  }
  const perKernel = await shardedFor(model, backend, loss, metrics);
  return { gradients: perKernel.gradients, path: 'per-kernel', ...(why ? { why } : {}), ...(perKernel.note ? { note: perKernel.note } : {}) };
}

/** Refuses anything but a `ThreadsInfo` (what `selectBackend` returns), naming what was given. */
function checkThreadsInfo(backend: unknown): asserts backend is ThreadsInfo {
  const b = backend as Partial<ThreadsInfo> | null;
  const whole = (n: unknown, min: number) => Number.isInteger(n) && (n as number) >= min;
  if (
    typeof b === 'object' &&
    b !== null &&
    typeof b.name === 'string' &&
    whole(b.threads, 1) &&
    (b.parallel === 'data' || b.parallel === 'threads') &&
    whole(b.workers, 0) &&
    (b.classModules === undefined || (Array.isArray(b.classModules) && b.classModules.every((m) => typeof m === 'string')))
  )
    return;
  const shown = (v: unknown) => (typeof v === 'object' && v !== null ? typeof v : JSON.stringify(v));
  const got =
    typeof backend === 'object' && backend !== null
      ? `{ ${Object.entries(backend)
          .map(([k, v]) => `${k}: ${shown(v)}`)
          .join(', ')} }`
      : String(backend);
  throw new UsageError(
    `gradientsFor(model, backend): backend must be what selectBackend returns, { name, threads ≥ 1, parallel: 'data' | 'threads', workers ≥ 0 }, got ${got}`,
  );
}

async function shardedFor(
  model: tf.LayersModel,
  { workers, classModules }: ThreadsInfo,
  loss: LossOption,
  metrics?: MetricsOption,
): Promise<{ gradients: GradientStrategy; note?: string }> {
  if (workers === 0) return { gradients: localGradients };
  if (model.inputs.length !== 1 || model.outputs.length !== 1)
    return { gradients: localGradients, note: 'one thread: a model of several inputs or outputs cannot run on worker threads' };
  if (!namedObjective(objectiveOf(model, loss, metrics)))
    return { gradients: localGradients, note: 'one thread: a loss or metric given as a function cannot run on worker threads' };
  const bound = batchBoundLayer(model);
  if (bound) return { gradients: localGradients, note: `one thread: ${BATCH_BOUND_WHY(bound)}` };
  const own = unregisteredLayer(model);
  if (own)
    return {
      gradients: localGradients,
      note: `one thread: layer ${own} is not TF.js's class of that name, which worker threads would rebuild it as from the model's JSON`,
    };
  try {
    return { gradients: await ShardedGradients.start(model, workers, classModules) };
  } catch (err) {
    if (err instanceof UnshardableError) return { gradients: localGradients, note: `one thread: ${err.why}` };
    // A class module refused (no file, failing to import here) is the caller's mistake, not a reason for one thread.
    if (err instanceof UsageError) throw err;
    return { gradients: localGradients, note: `one thread: the model cannot be rebuilt on worker threads (${errorLine(err)})` };
  }
}
