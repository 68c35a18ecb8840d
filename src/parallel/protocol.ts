/**
 * Messages between the main thread and a shard worker (worker.mjs → worker-main.ts).
 *
 *   main ──{ weights, frozen?, x, y, scale, objective, seed }──► worker: gradients of scale·Σ loss over its shard
 *   main ◄──{ grads, scores }─────────────────────────────────── worker
 *   main ──{ weights, frozen?, x, y, objective, predictions? }──► worker: the scores (and outputs) only (evaluation)
 *
 * Weights travel flat: the trained ones with every request (`trainableVariables` order), the
 * others (a frozen layer's, an int32 weight) in `frozenVariables` order only when this worker has not got
 * them as they are now; gradients flat, in the order of the trained weights; the objective by its
 * names (the worker rebuilds it with `objectiveOf`).
 */

export interface ShardBatch {
  /** Inputs of the shard, flat, with their shape [n, …inputShape]. */
  readonly x: Float32Array;
  readonly xShape: number[];
  /** Labels of the shard, flat, with their shape [n, …]. */
  readonly y: Float32Array;
  readonly yShape: number[];
  /** The loss of each output and the metrics, by name. */
  readonly objective: { readonly losses: string[]; readonly metrics: ReadonlyArray<{ readonly spec: string; readonly output: number }> };
}

/** Main ─► worker: the gradients and sums of its shard. */
export interface GradsRequest extends ShardBatch {
  readonly type: 'grads';
  readonly id: number;
  /** The trained weights (`trainableVariables` order). */
  readonly weights: Float32Array;
  /** The others (`frozenVariables` order), when they changed since this worker got them. */
  readonly frozen?: Float32Array;
  /** Multiplies the summed per-sample loss: 1 / (samples in the whole batch). */
  readonly scale: number;
  /** Seed of the shard's random ops (dropout masks, noise); absent: TF.js's own. */
  readonly seed?: number;
}

/** Main ─► worker: the sums of its shard, without training (evaluation). */
export interface EvalRequest extends ShardBatch {
  readonly type: 'eval';
  readonly id: number;
  /** The trained weights (`trainableVariables` order). */
  readonly weights: Float32Array;
  /** The others (`frozenVariables` order), when they changed since this worker got them. */
  readonly frozen?: Float32Array;
  /** Samples per forward pass. */
  readonly chunk: number;
  /** Also send back each output's probabilities on the shard (`ShardResult.predictions`). */
  readonly predictions?: boolean;
}

/** A request to a shard worker. */
export type Request = GradsRequest | EvalRequest;

/** Worker ─► main: the answer to request `id`, its shard's sums and (for `grads`) its gradients. */
export interface ShardResult {
  readonly id: number;
  /** The shard's sums (see `scoreTensors`; not scaled). */
  readonly scores: number[];
  readonly n: number;
  /** With `grads` requests: d(scale·lossSum)/dw, flat. */
  readonly grads?: Float32Array;
  /** With `eval` requests asking for them: each output's probabilities on the shard, flat, row after row. */
  readonly predictions?: Float32Array[];
}

/** Worker ─► main: a result, a request's error, ready (started), or failed (could not start). */
export type Reply =
  | ShardResult
  | { readonly id: number; readonly error: string }
  | {
      readonly type: 'ready';
      /** The classes the model's JSON names that the worker knew only once it imported the user's modules (`WorkerSetup.modules`). */
      readonly userClasses: string[];
    }
  | {
      readonly type: 'failed';
      readonly error: string;
      /** Set when `error` says why the model cannot be split (a class no module given registers), not a fault. */
      readonly unshardable?: true;
    };

/** What a shard worker starts from (its `workerData`): the model's bare topology, its weight layout, the backend and the user's modules. */
export interface WorkerSetup {
  /** The model's topology (Keras JSON), with regularizers and constraints removed. */
  readonly topology: unknown;
  /** The model's `weightLayout`: the worker refuses to start when the model it rebuilds has another. */
  readonly layout: string;
  /** The backend the main thread runs (each worker starts its own, single-threaded). */
  readonly backend: string;
  /**
   * The file URLs of the user's modules the main thread imported (`importedModules`), and those
   * named in `classModules` (`selectBackend`, `ShardedGradients.start`): imported, in
   * order, before the model is rebuilt when its JSON names a class TF.js does not know (a layer class
   * a module registers with `tf.serialization.registerClass`); not imported otherwise.
   */
  readonly modules: readonly string[];
}
