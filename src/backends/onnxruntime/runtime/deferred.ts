/**
 * Deferred convolutions. In training TF.js runs a conv layer as three kernels — Conv2D ─► Add
 * (the bias) ─► Relu; it fuses them only outside gradients — each writing a whole activation.
 * Here Conv2D and the bias Add only record what to compute, and Relu runs conv + bias + relu as
 * one ONNX Runtime session; the two intermediate activations are computed only if read:
 *
 *   Conv2D(x, w)          ─► tensor c, pending: conv of x by w
 *   Add(c, b), b a bias   ─► tensor z, pending: conv of x by w, + b
 *   Relu(z) (or Relu(c))  ─► relu(conv(x, w) + b) in one run (the fused forward graph)
 *   any read of c or z (another kernel, dataSync) ─► computed then, into its own array
 *
 * The backward pass needs neither: Conv2D's gradient reads x and w, Add's nothing and Relu's its
 * output (kernels/relu-grad.ts). A pending tensor keeps x and w from the pool's reuse (and a copy of b)
 * until it is computed or disposed. Measured on the reference model (batch 64, one thread): the
 * three kernels of conv2d_2 ~22 ms, the one fused run ~15 ms; two 9 MB activations fewer a step.
 */
import type { tf } from '../../../tf.ts';
import type { ConvGeometry } from '../graphs/conv-geometry.ts';
import { convPieces, forwardKernel, forwardRun } from '../graphs/conv-plans.ts';
import type { BufferPool } from './buffer-pool.ts';
import { runPieces } from './run.ts';
import { floatsOf } from './storage.ts';
import type { HostStorage } from './tfjs-internals.ts';

/** Activations below this many floats are computed at once (deferring them saves little). */
const MIN_DEFERRED = 32 * 1024;

/** A pending conv output: what to compute, and the array it goes into. */
interface Pending {
  readonly g: ConvGeometry;
  readonly x: Float32Array;
  readonly w: Float32Array;
  readonly bias?: Float32Array;
  readonly out: Float32Array;
}

/** The deferred convs of one host backend. */
export class DeferredConvs {
  private readonly pending = new Map<tf.DataId, Pending>();
  /** > 0 while the backend counts or disposes references: its own reads must not compute a pending tensor. */
  private quiet = 0;
  constructor(
    private readonly backend: tf.KernelBackend,
    private readonly store: HostStorage,
    private readonly pool: BufferPool,
  ) {
    const data = this.store.data;
    const get = data.get.bind(data);
    data.get = (id) => {
      if (this.quiet === 0 && this.pending.has(id)) this.compute(id);
      return get(id);
    };
    // Counting references reads the entry, not the values: a clone (the engine saving a kernel's
    // input for its gradient, e.g. Add's) shares the pending tensor.
    const [incRef, decRef, refCount] = [this.store.incRef.bind(backend), this.store.decRef.bind(backend), this.store.refCount.bind(backend)];
    this.store.incRef = (id) => this.quietly(() => incRef(id));
    this.store.decRef = (id) => this.quietly(() => decRef(id));
    this.store.refCount = (id) => this.quietly(() => refCount(id));
    const disposeData = this.store.disposeData.bind(backend);
    this.store.disposeData = (id, force) =>
      this.quietly(() => {
        const gone = disposeData(id, force);
        if (gone && !data.has(id)) this.drop(id);
        return gone;
      });
  }

  private quietly<T>(f: () => T): T {
    this.quiet++;
    try {
      return f();
    } finally {
      this.quiet--;
    }
  }

  /** Pending tensors (for tests). */
  get size(): number {
    return this.pending.size;
  }

  /** conv(x, w) as a pending tensor; undefined (compute it now) when small or not float32 on the host. */
  conv(g: ConvGeometry, x: tf.TensorInfo, w: tf.TensorInfo): tf.TensorInfo | undefined {
    const [xv, wv] = [floatsOf(this.backend, x), floatsOf(this.backend, w)];
    if (!xv || !wv || g.n * g.outH * g.outW * g.outC < MIN_DEFERRED) return undefined;
    return this.defer({ g, x: xv, w: wv, out: this.pool.take(g.n * g.outH * g.outW * g.outC) });
  }

  /** c + b for a pending conv c (no bias yet) and a float32 bias b of its output channels, pending; else undefined. */
  addBias(c: tf.TensorInfo, b: tf.TensorInfo, outShape: readonly number[]): tf.TensorInfo | undefined {
    const p = this.pending.get(c.dataId);
    if (!p || p.bias || b.dtype !== 'float32' || outShape.length !== c.shape.length || outShape.some((d, i) => d !== c.shape[i])) return undefined;
    if (b.shape.some((d, i) => d !== 1 && i !== b.shape.length - 1) || b.shape.at(-1) !== p.g.outC) return undefined;
    const bv = floatsOf(this.backend, b);
    if (!bv) return undefined;
    return this.defer({ ...p, bias: bv.slice(), out: this.pool.take(p.out.length) });
  }

  /** relu(x) for a pending x, in one run with its conv and bias; undefined when x is not pending. */
  relu(x: tf.TensorInfo): tf.TensorInfo | undefined {
    const p = this.pending.get(x.dataId);
    if (!p) return undefined;
    const out = this.pool.take(p.out.length);
    try {
      this.run(p, 'relu', out);
    } catch (e) {
      this.pool.giveBack(out);
      throw e;
    }
    return this.store.makeTensorInfo([...x.shape], 'float32', out);
  }

  /** Whether a tensor is pending. */
  has(t: tf.TensorInfo): boolean {
    return this.pending.has(t.dataId);
  }

  private defer(p: Pending): tf.TensorInfo {
    this.pool.retain(p.x);
    this.pool.retain(p.w);
    const t = this.store.makeTensorInfo([p.g.n, p.g.outH, p.g.outW, p.g.outC], 'float32', p.out);
    this.pending.set(t.dataId, p);
    return t;
  }

  /** conv (+ bias, + activation) of `p` into `out`. */
  private run(p: Pending, activation: string, out: Float32Array): void {
    const hasBias = p.bias !== undefined;
    const pieces = convPieces(forwardKernel(hasBias, activation), p.g, forwardRun(p.g, hasBias, activation), hasBias ? 3 : 2);
    if (!runPieces(pieces, hasBias ? [p.x, p.w, p.bias!] : [p.x, p.w], [out])) throw new Error('no ONNX graph for a deferred convolution');
  }

  /** Compute a pending tensor into its own array: something reads it. */
  private compute(id: tf.DataId): void {
    const p = this.pending.get(id)!;
    this.pending.delete(id);
    try {
      this.run(p, 'linear', p.out);
    } finally {
      this.pool.release(p.x);
      this.pool.release(p.w);
    }
  }

  /** Forget a pending tensor that was disposed unread. */
  private drop(id: tf.DataId): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    this.pool.release(p.x);
    this.pool.release(p.w);
  }
}
