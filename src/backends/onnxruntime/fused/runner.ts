/**
 * Running a plan's fused graphs on TF.js tensors of the onnxruntime backend, with no copy of the
 * weights or of a full batch on this thread:
 *
 *   one session per (training or evaluation, label shape), for the largest batch seen (a larger
 *   batch replaces it); a smaller batch (the epoch's last, an evaluation's last chunk) runs in it
 *   padded (mask 0) — so training needs one session and evaluation one. The weights trained are
 *   the model's trainable ones at each run (`trained()`): a layer frozen or unfrozen since the
 *   sessions were built (e.g. fine-tuning in two phases) gets new sessions with its gradients
 *
 *   feeds    x, labels: the tensors' own arrays (a padded batch: copied into staging arrays)
 *            weights: the variables' own arrays; dropout multipliers: drawn by TF.js, padded
 *   outputs  loss_sum, correct, penalty: three floats; gradients: arrays from the backend's pool,
 *            returned to the caller as they are (a TF.js tensor over one is freed back to the pool);
 *            an evaluation's probs: fetched only when the caller asks (`probsInto`), into a staging
 *            array, its real rows copied there (else ONNX Runtime leaves the output out, and a
 *            worker copies nothing back)
 *
 * Threads: with `workers` (data-parallel), the batch is cut into shards — this thread's first,
 * then one per worker thread (workers.ts), each a session of one ONNX Runtime thread over shared
 * arrays (the worker's shard of the batch and the weights copied in, its gradients read back and
 * added here — into a shared array when the step's loops are cut across the workers, so the
 * optimiser's loops over the gradient can be cut too; penalties only in this thread's graph).
 * Without, one session on all the threads.
 */
import { tf } from '../../../tf.ts';
import { sharedOutputs } from '../kernels/loops/split-loops.ts';
import { encodeModel } from '../onnx/model.ts';
import { OrtSession, type SessionThreads } from '../runtime/binding.ts';
import { floatsOf, poolOf } from '../runtime/storage.ts';
import type { LayerWeight } from './layers/layer.ts';
import type { FusedPlan } from './plan.ts';
import { type FusedGraph, fusedGraph } from './training-graph.ts';
import type { RemoteSession, SessionWorkers } from './workers.ts';

/** The sessions of one kind: this thread's and each worker's, for shards of `graph.n` samples. */
interface Runner {
  readonly graph: FusedGraph;
  readonly session: OrtSession;
  readonly remote: readonly RemoteSession[];
  /** Staging arrays of this thread's shard when padded, and of its outputs (`probs`, an evaluation's). */
  readonly stage: { x?: Float32Array; labels?: Float32Array; probs?: Float32Array };
}

/** What one run gives: the sums over the real samples, and each trained weight's gradient. */
export interface FusedResult {
  readonly lossSum: number;
  readonly correct: number;
  /** Σ λ·penalty of the built-in penalties the graph computes (0 in an evaluation graph). */
  readonly penalty: number;
  readonly gradients: ReadonlyArray<{ readonly weight: LayerWeight; readonly values: Float32Array }>;
}

const prod = (s: readonly number[]) => s.reduce((a, d) => a * d, 1);

/** Session options: graph optimisations measured no faster on these graphs, and cost seconds to load a large one. */
const SESSION = { arena: true, optimization: 'basic' } as const;

/** The float32 array of a tensor on the onnxruntime backend (throws for anything else). */
function arrayOf(t: tf.Tensor, what: string): Float32Array {
  const a = floatsOf(tf.backend(), t);
  if (!a) throw new Error(`fused graph: ${what} is not a float32 tensor of the onnxruntime backend`);
  return a;
}

/** Rows [from, to) of `a` (rows of `row` floats) into `out`, the rest of `out` zero. */
function rowsInto(a: Float32Array, from: number, to: number, row: number, out: Float32Array): Float32Array {
  out.set(a.subarray(from * row, to * row));
  out.fill(0, (to - from) * row);
  return out;
}

/** Cut n samples into `parts` contiguous shards of near-equal size, the first the largest. */
function shards(n: number, parts: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const per = Math.ceil(n / parts);
  for (let s = 0; s < n; s += per) out.push([s, Math.min(n, s + per)]);
  return out;
}

/** Runs a plan's fused graphs (training or evaluation) on a batch's tensors, on this thread and the shard workers (see the file's comment). */
/** A run's optional settings (see `run`). */
interface RunOptions {
  readonly size?: number;
  readonly draw?: <T>(fn: () => T) => T;
  readonly probsInto?: Float32Array;
}

export class FusedRunner {
  private readonly runners = new Map<string, Runner>();
  private readonly masks = new Map<string, Float32Array>();
  private readonly sums = new Float32Array(3);
  /** The weights the sessions in `runners` compute gradients of. */
  private trainedNow: ReadonlySet<LayerWeight> = new Set();

  constructor(
    readonly plan: FusedPlan,
    /** The weights trained now (the model's trainable weights). */
    private readonly trained: () => ReadonlySet<LayerWeight>,
    private readonly threads: SessionThreads,
    private readonly workers?: SessionWorkers,
  ) {}

  /** Sessions built so far on this thread (one per kind). */
  get sessions(): number {
    return this.runners.size;
  }

  private get parts(): number {
    return 1 + (this.workers?.count ?? 0);
  }

  /** The runner for shards of up to `rows` samples: the smallest of this kind that fits, else new ones for `size` samples a shard. */
  private async runnerFor(training: boolean, rows: number, labelShape: readonly number[], size: number): Promise<Runner> {
    const kind = `${training ? 'train' : 'eval'}|${labelShape.join('x')}`;
    let best: Runner | undefined;
    for (const [key, r] of this.runners) {
      if (key.startsWith(`${kind}|`) && r.graph.n >= rows && (!best || r.graph.n < best.graph.n)) best = r;
    }
    if (best) return best;
    const trained = this.trainedNow;
    const trains = (w: LayerWeight) => trained.has(w);
    const graph = fusedGraph(this.plan, size, labelShape, training, trains);
    const session = new OrtSession(encodeModel(graph.spec), this.threads, graph.spec.inputs, graph.spec.outputs, SESSION);
    // The workers' shards leave the penalties to this thread's.
    const remote = this.workers ? await this.workers.create(fusedGraph(this.plan, size, labelShape, training, trains, false).spec, SESSION) : [];
    // A smaller session of this kind is not needed any more: its batches fit this one.
    for (const [key, old] of this.runners) {
      if (key.startsWith(`${kind}|`)) {
        old.session.dispose();
        old.remote.forEach((s) => s.dispose());
        this.runners.delete(key);
      }
    }
    const r: Runner = { graph, session, remote, stage: {} };
    this.runners.set(`${kind}|${size}`, r);
    return r;
  }

  /** [1 × n, 0 × (size − n)]. */
  private maskOf(n: number, size: number): Float32Array {
    const key = `${n}|${size}`;
    let m = this.masks.get(key);
    if (!m) this.masks.set(key, (m = new Float32Array(size).fill(1, 0, n)));
    return m;
  }

  /**
   * One run on rows [0, n) of `x` and `labels` (flat arrays of whole samples): training (with
   * gradients of scale·Σ loss) or evaluation. Options: `size`, samples of a new session if none
   * fits (default n); `draw` runs the random draws (a seed's scope); `probsInto` (an evaluation's):
   * where the n samples' outputs go (the graph's `probs`, n × the output's size floats, shards in order).
   */
  async run(
    training: boolean,
    x: Float32Array,
    labels: Float32Array,
    n: number,
    labelShape: readonly number[],
    scale: number,
    { size = n, draw = (fn) => fn(), probsInto }: RunOptions = {},
  ): Promise<FusedResult> {
    const trained = this.trained();
    if (this.plan.weights.some((w) => trained.has(w) !== this.trainedNow.has(w))) {
      // Another set of weights trained: the sessions built for the last one give the wrong gradients.
      this.dispose();
      this.trainedNow = trained;
    }
    const cuts = shards(n, this.parts);
    const r = await this.runnerFor(training, cuts[0]![1], labelShape, Math.ceil(Math.max(size, n) / this.parts));
    const { graph } = r;
    const rows = graph.n;
    const xRow = prod(this.plan.inShape);
    const yRow = prod(labelShape);
    // Dropout multipliers for the whole batch, drawn by TF.js (`draw`: under the step's seed).
    const extras = draw(() => graph.extras.map((e) => e.fill(n)));
    try {
      const weights = graph.weights.map((w) => arrayOf(w.read(), `weight ${w.originalName}`));
      const extraArrays = extras.map((t) => arrayOf(t, 'a dropout multiplier'));
      /** Shard [from, to)'s feeds, written into `into` (shared arrays) or made here. */
      const feedsOf = (from: number, to: number, into?: readonly Float32Array[]): Float32Array[] => {
        const k = to - from;
        const whole = k === rows && !into;
        const feeds = [
          whole ? x.subarray(from * xRow, to * xRow) : rowsInto(x, from, to, xRow, into?.[0] ?? (r.stage.x ??= new Float32Array(rows * xRow))),
          whole ? labels.subarray(from * yRow, to * yRow) : rowsInto(labels, from, to, yRow, into?.[1] ?? (r.stage.labels ??= new Float32Array(rows * yRow))),
          this.maskOf(k, rows),
          Float32Array.of(scale),
          ...weights,
          ...extraArrays.map((a, i) => {
            const batched = extras[i]!.shape[0] === n && graph.extras[i]!.shape[0] === rows;
            const want = prod(graph.extras[i]!.shape);
            if (!batched) return a;
            return rowsInto(a, from, to, a.length / n, into?.[4 + weights.length + i] ?? new Float32Array(want));
          }),
        ];
        // Shared inputs: the values copied in (the shard's rows already are).
        if (into) feeds.forEach((f, i) => f !== into[i] && into[i]!.set(f));
        return feeds;
      };
      // An evaluation's probs (output 3) are fetched only when asked for.
      const fetchProbs = !training && probsInto !== undefined;
      const skip = training || fetchProbs ? [] : [3];
      // The workers' shards first (they run while this thread runs its own).
      cuts.slice(1).forEach(([from, to], i) => {
        feedsOf(from, to, r.remote[i]!.inputs);
        r.remote[i]!.start(skip);
      });
      const pool = poolOf(tf.backend());
      const grads = graph.gradients.map((w) => pool.take(prod(w.shape as number[])));
      const sums = [0, 1, 2].map((i) => this.sums.subarray(i, i + 1));
      const outRow = prod(this.plan.outShape);
      const probs = training ? [] : [fetchProbs ? (r.stage.probs ??= new Float32Array(rows * outRow)) : undefined];
      /** Shard [from, to)'s outputs (its first rows of `a`) into `probsInto`. */
      const keepProbs = (a: Float32Array, from: number, to: number) => probsInto?.set(a.subarray(0, (to - from) * outRow), from * outRow);
      try {
        r.session.run(feedsOf(cuts[0]![0], cuts[0]![1]), [...sums, ...probs, ...grads]);
        if (probs[0]) keepProbs(probs[0], cuts[0]![0], cuts[0]![1]);
        const total = [this.sums[0]!, this.sums[1]!, this.sums[2]!];
        for (const [i, [from, to]] of cuts.slice(1).entries()) {
          const remote = r.remote[i]!;
          remote.wait();
          for (let j = 0; j < 3; j++) total[j] = total[j]! + remote.outputs[j]![0]!;
          if (fetchProbs) keepProbs(remote.outputs[3]!, from, to);
          grads.forEach((g, j) => {
            // The first sum goes into a shared array when loops over it are cut across threads.
            const sum = i === 0 && sharedOutputs(g.length) ? pool.takeShared(g.length) : g;
            addInto(g, remote.outputs[3 + j]!, sum);
            if (sum !== g) {
              pool.giveBack(g);
              grads[j] = sum;
            }
          });
        }
        return { lossSum: total[0]!, correct: total[1]!, penalty: total[2]!, gradients: graph.gradients.map((weight, i) => ({ weight, values: grads[i]! })) };
      } catch (e) {
        grads.forEach((g) => pool.giveBack(g));
        // Let every started worker finish before its shared inputs are written again.
        for (const [i] of cuts.slice(1).entries()) {
          try {
            r.remote[i]!.wait();
          } catch {
            // the first error is the one reported
          }
        }
        throw e;
      }
    } finally {
      tf.dispose(extras);
    }
  }

  /** Free every session (the workers' too). */
  dispose(): void {
    for (const r of this.runners.values()) {
      r.session.dispose();
      r.remote.forEach((s) => s.dispose());
    }
    this.runners.clear();
  }
}

/** out = g + h, element-wise (out may be g). */
function addInto(g: Float32Array, h: Float32Array, out: Float32Array): void {
  for (let i = 0; i < g.length; i++) out[i] = (g[i] as number) + (h[i] as number);
}
