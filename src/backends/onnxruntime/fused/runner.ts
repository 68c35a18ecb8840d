/**
 * Running a plan's fused graphs on TF.js tensors of the onnxruntime backend, with no copy of the
 * weights or of a full batch:
 *
 *   one session per (training or evaluation, label shape), for the largest batch seen (a larger
 *   batch replaces it); a smaller batch (the epoch's last, an evaluation's last chunk) runs in it
 *   padded (mask 0) — so training needs one session and evaluation one
 *
 *   feeds    x, labels: the tensors' own arrays (a padded batch: copied into the session's staging arrays)
 *            weights: the variables' own arrays; dropout multipliers: drawn by TF.js, padded
 *   outputs  loss_sum, correct: two floats; gradients: arrays from the backend's pool, returned to
 *            the caller as they are (a TF.js tensor over one is freed back to the pool)
 *
 * ONNX Runtime runs each graph with `threads` intra-op threads of its own.
 */
import { tf } from '../../../tf.ts';
import { OrtSession, type SessionThreads } from '../runtime/binding.ts';
import { floatsOf, poolOf } from '../runtime/storage.ts';
import { encodeModel } from '../onnx/model.ts';
import type { LayerWeight } from './layers/layer.ts';
import type { FusedPlan } from './plan.ts';
import { fusedGraph, type FusedGraph } from './training-graph.ts';

interface Runner {
  readonly graph: FusedGraph;
  readonly session: OrtSession;
  readonly labelShape: readonly number[];
  /** Staging arrays for a padded batch: x, labels, and each extra input with a batch axis. */
  readonly stage: { x?: Float32Array; labels?: Float32Array };
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

/** The float32 array of a tensor on the onnxruntime backend (throws for anything else). */
function arrayOf(t: tf.Tensor, what: string): Float32Array {
  const a = floatsOf(tf.backend(), t);
  if (!a) throw new Error(`fused graph: ${what} is not a float32 tensor of the onnxruntime backend`);
  return a;
}

/** `a`'s first `rows` rows (of `size` floats each) in `stage`, the rest zero. */
function padded(a: Float32Array, rows: number, size: number, stage: Float32Array): Float32Array {
  stage.set(a.subarray(0, rows * size));
  stage.fill(0, rows * size);
  return stage;
}

export class FusedRunner {
  private readonly runners = new Map<string, Runner>();
  private readonly masks = new Map<string, Float32Array>();
  private readonly sums = new Float32Array(3);

  constructor(
    readonly plan: FusedPlan,
    private readonly trained: ReadonlySet<LayerWeight>,
    private readonly threads: SessionThreads,
  ) {}

  /** Sessions built so far. */
  get sessions(): number {
    return this.runners.size;
  }

  /** The runner for `n` real samples: the smallest session of this kind that fits, else a new one for `size` samples. */
  private runnerFor(training: boolean, n: number, labelShape: readonly number[], size: number): Runner {
    const kind = `${training ? 'train' : 'eval'}|${labelShape.join('x')}`;
    let best: Runner | undefined;
    for (const [key, r] of this.runners) {
      if (key.startsWith(`${kind}|`) && r.graph.n >= n && (!best || r.graph.n < best.graph.n)) best = r;
    }
    if (best) return best;
    const graph = fusedGraph(this.plan, size, labelShape, training, (w) => this.trained.has(w));
    // Graph optimisations measured no faster on these graphs, and cost seconds to load a large one.
    const session = new OrtSession(encodeModel(graph.spec), this.threads, graph.spec.inputs, graph.spec.outputs, { arena: true, optimization: 'basic' });
    // A smaller session of this kind is not needed any more: its batches fit this one.
    for (const [key, old] of this.runners) {
      if (key.startsWith(`${kind}|`)) {
        old.session.dispose();
        this.runners.delete(key);
      }
    }
    const r: Runner = { graph, session, labelShape, stage: {} };
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
   * gradients of scale·Σ loss) or evaluation. `size`: samples of a new session if none fits.
   */
  run(training: boolean, x: Float32Array, labels: Float32Array, n: number, labelShape: readonly number[], scale: number, size = n): FusedResult {
    const r = this.runnerFor(training, n, labelShape, Math.max(size, n));
    const { graph } = r;
    const rows = graph.n;
    const xSize = prod(this.plan.inShape);
    const ySize = prod(labelShape);
    const feedX = n === rows ? x.subarray(0, rows * xSize) : padded(x, n, xSize, (r.stage.x ??= new Float32Array(rows * xSize)));
    const feedY = n === rows ? labels.subarray(0, rows * ySize) : padded(labels, n, ySize, (r.stage.labels ??= new Float32Array(rows * ySize)));
    const extras = graph.extras.map((e) => e.fill(n));
    try {
      const feeds = [
        feedX,
        feedY,
        this.maskOf(n, rows),
        Float32Array.of(scale),
        ...graph.weights.map((w) => arrayOf(w.read(), `weight ${w.originalName}`)),
        ...extras.map((t, i) => {
          const a = arrayOf(t, 'a dropout multiplier');
          const want = prod(graph.extras[i]!.shape);
          return a.length === want ? a : padded(a, t.shape[0] ?? 0, a.length / (t.shape[0] || 1), new Float32Array(want));
        }),
      ];
      const pool = poolOf(tf.backend());
      const grads = graph.gradients.map((w) => pool.take(prod(w.shape as number[])));
      const [loss, correct, penalty] = [0, 1, 2].map((i) => this.sums.subarray(i, i + 1)) as [Float32Array, Float32Array, Float32Array];
      try {
        r.session.run(feeds, [loss, correct, penalty, ...grads]);
      } catch (e) {
        grads.forEach((g) => pool.giveBack(g));
        throw e;
      }
      return { lossSum: loss[0]!, correct: correct[0]!, penalty: penalty[0]!, gradients: graph.gradients.map((weight, i) => ({ weight, values: grads[i]! })) };
    } finally {
      tf.dispose(extras);
    }
  }

  /** Free every session. */
  dispose(): void {
    for (const r of this.runners.values()) r.session.dispose();
    this.runners.clear();
  }
}
