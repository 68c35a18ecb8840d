/**
 * Running a cached ONNX graph on tensors of the host backend, with no copy either way:
 *
 *   inputs' Float32Arrays ─► session.run ─► Float32Arrays from the pool (ORT writes them) ─► host tensors
 *
 * A graph over a batch can run in pieces of samples (`runInPieces`): subarrays of the inputs and
 * outputs (NHWC samples are contiguous), one session for the piece size, so a large batch (an
 * evaluation chunk of 1000) reuses the training shard's sessions and ONNX Runtime's working
 * memory stays that of one piece.
 *
 * `undefined` when the graph does not apply or an input is not float32: the caller then runs the
 * host's own kernel.
 */
import { tf } from '../../../tf.ts';
import type { GraphSpec } from '../onnx/model.ts';
import { cachedSession } from './sessions.ts';
import { floatsOf, poolOf, tensorOf } from './storage.ts';

/** Run the graph cached under `key` (built by `build` on first use) on `inputs`; its outputs as host tensors. */
export function runGraph(
  backend: tf.KernelBackend,
  key: string,
  build: () => GraphSpec | undefined,
  inputs: readonly tf.TensorInfo[],
): tf.TensorInfo[] | undefined {
  return runInPieces(backend, { samples: 1, piece: 1, batched: inputs.map(() => false), graph: () => ({ key, build }) }, inputs);
}

/** A graph over a batch, run `piece` samples at a time. */
export interface Pieces {
  /** Samples in the batch (axis 0 of the batched inputs and of every output). */
  readonly samples: number;
  /** Samples per run (the last run takes what is left). */
  readonly piece: number;
  /** Which inputs are cut along the batch (the others, e.g. filters, go whole to every run). */
  readonly batched: readonly boolean[];
  /** The cache key and builder of the graph for `n` samples. */
  readonly graph: (n: number) => { key: string; build: () => GraphSpec | undefined };
}

type Session = NonNullable<ReturnType<typeof cachedSession>>;
type Runs = Array<{ start: number; n: number; session: Session }>;

/** The sessions of `p`'s runs, or undefined when a graph does not apply. */
function sessionsOf(p: Pieces): Runs | undefined {
  const runs: Runs = [];
  for (let start = 0; start < p.samples; start += p.piece) {
    const n = Math.min(p.piece, p.samples - start);
    const { key, build } = p.graph(n);
    const session = cachedSession(key, build);
    if (!session) return undefined;
    runs.push({ start, n, session });
  }
  return runs;
}

/** Run the sessions of `p` on arrays, writing the whole outputs `outs`. */
function runSessions(p: Pieces, runs: Runs, feeds: readonly Float32Array[], outs: readonly Float32Array[]): void {
  for (const { start, n, session } of runs) {
    const view = (a: Float32Array) => (n === p.samples ? a : a.subarray((a.length / p.samples) * start, (a.length / p.samples) * (start + n)));
    session.run(
      feeds.map((f, i) => (p.batched[i] ? view(f) : f)),
      outs.map(view),
    );
  }
}

/** Run `p`'s graphs on arrays, writing the whole outputs `outs`; false when a graph does not apply. */
export function runPieces(p: Pieces, feeds: readonly Float32Array[], outs: readonly Float32Array[]): boolean {
  const runs = sessionsOf(p);
  if (!runs) return false;
  runSessions(p, runs, feeds, outs);
  return true;
}

/** Run `p`'s graphs over the batch in pieces; the whole outputs as host tensors. */
export function runInPieces(backend: tf.KernelBackend, p: Pieces, inputs: readonly tf.TensorInfo[]): tf.TensorInfo[] | undefined {
  const feeds: Float32Array[] = [];
  for (const t of inputs) {
    const f = floatsOf(backend, t);
    if (!f) return undefined;
    feeds.push(f);
  }
  const runs = sessionsOf(p);
  if (!runs) return undefined;
  // The whole outputs' shapes: the first run's, with the batch's samples.
  const shapes = runs[0]!.session.outputs.map((o) => (p.samples === runs[0]!.n ? [...o.shape] : [p.samples, ...o.shape.slice(1)]));
  const pool = poolOf(backend);
  const outs = shapes.map((s) => pool.take(tf.util.sizeFromShape(s)));
  try {
    runSessions(p, runs, feeds, outs);
  } catch (e) {
    outs.forEach((o) => pool.giveBack(o));
    throw e;
  }
  return shapes.map((s, i) => tensorOf(backend, s, outs[i]!));
}
