/**
 * The one place that touches onnxruntime-node's native binding. TF.js kernels are synchronous,
 * and the binding's own `InferenceSession.run` is too; the package's public `InferenceSession.run`
 * only wraps it in a Promise (a `setImmediate` away), which a kernel cannot await. So this module
 * uses the binding directly:
 *
 *   loadBinding() ─► require('onnxruntime-node/dist/binding.js') ─► initOrt() ─► checks its shape
 *   new OrtSession(model bytes, options) ─► binding.InferenceSession#loadModel
 *   session.run(feeds, outputs) ─► binding run, synchronous; ORT writes into the caller's arrays
 *
 * test/backends/onnxruntime-binding.test.ts fails loudly if a new version changes any of this.
 */
import { createRequire } from 'node:module';

/** A float32 tensor as the binding reads it: plain fields, data on the CPU. */
interface BindingTensor {
  readonly type: 'float32';
  readonly dims: readonly number[];
  readonly location: 'cpu';
  readonly data: Float32Array;
}

interface NativeSession {
  loadModel(buffer: ArrayBufferLike, byteOffset: number, byteLength: number, options: object): void;
  run(feeds: Record<string, BindingTensor>, fetches: Record<string, BindingTensor | null>, options: object): Record<string, unknown>;
  dispose?(): void;
}

interface NativeBinding {
  InferenceSession: new () => NativeSession;
}

/** How a session uses threads. */
export interface SessionThreads {
  /** ORT's intra-op threads (the calling thread included); 1 in shard workers. */
  readonly intraOp: number;
  /** Whether idle pool threads spin for work (off: they sleep, leaving the core to the other threads). */
  readonly spinning: boolean;
}

/** How a session is built. */
export interface SessionOptions {
  /** Keep ONNX Runtime's memory arena: intermediate arrays reused from run to run, kept for the session's life. */
  readonly arena?: boolean;
  /** ONNX Runtime's graph optimisations (default `all`). */
  readonly optimization?: 'disabled' | 'basic' | 'extended' | 'all';
  /** Flush denormal floats to zero in the session's threads (ONNX Runtime's session.set_denormal_as_zero). */
  readonly denormalsAsZero?: boolean;
}

const require = createRequire(import.meta.url);
let loaded: NativeBinding | undefined;

/** Load the binding (throws when onnxruntime-node is missing or its binding is not the expected shape). */
export function loadBinding(): NativeBinding {
  if (loaded) return loaded;
  const mod = require('onnxruntime-node/dist/binding.js') as { binding?: Partial<NativeBinding>; initOrt?: () => void };
  if (typeof mod.initOrt !== 'function' || typeof mod.binding?.InferenceSession !== 'function') {
    throw new Error('onnxruntime-node changed: dist/binding.js no longer exports binding.InferenceSession and initOrt');
  }
  mod.initOrt();
  const proto = mod.binding.InferenceSession.prototype as Partial<NativeSession>;
  if (typeof proto.loadModel !== 'function' || typeof proto.run !== 'function') {
    throw new Error('onnxruntime-node changed: the native InferenceSession has no loadModel/run');
  }
  return (loaded = mod.binding as NativeBinding);
}

/** The installed onnxruntime-node version, or undefined when it does not load. */
export function ortVersion(): string | undefined {
  try {
    return (require('onnxruntime-node/package.json') as { version: string }).version;
  } catch {
    return undefined;
  }
}

function tensor(data: Float32Array, dims: readonly number[]): BindingTensor {
  return { type: 'float32', dims, location: 'cpu', data };
}

/** One loaded model; `run` is synchronous and writes the outputs into the arrays given. */
export class OrtSession {
  private readonly native: NativeSession;
  /** Per input, the array a shared feed is copied into. */
  private readonly copies = new Map<number, Float32Array>();

  constructor(
    model: Uint8Array,
    threads: SessionThreads,
    /** The model's inputs, in the order `run` takes them. */
    readonly inputs: ReadonlyArray<{ readonly name: string; readonly shape: readonly number[] }>,
    /** The model's outputs, in the order `run` writes them. */
    readonly outputs: ReadonlyArray<{ readonly name: string; readonly shape: readonly number[] }>,
    options: SessionOptions = {},
  ) {
    this.native = new (loadBinding().InferenceSession)();
    this.native.loadModel(model.buffer, model.byteOffset, model.byteLength, {
      intraOpNumThreads: threads.intraOp,
      interOpNumThreads: 1,
      graphOptimizationLevel: options.optimization ?? 'all',
      // No per-session arena unless asked: each would keep its largest run's memory (evaluation
      // chunks too). Measured: peak RSS 761 MB against 1253 MB with arenas, step time unchanged.
      enableCpuMemArena: options.arena === true,
      extra: {
        session: {
          intra_op: { allow_spinning: threads.spinning ? '1' : '0' },
          inter_op: { allow_spinning: '0' },
          ...(options.denormalsAsZero ? { set_denormal_as_zero: '1' } : {}),
        },
      },
    });
  }

  /**
   * Run with `feeds[i]` for input i, writing output j into `outs[j]` (preallocated, the right
   * size, not shared); an output whose `outs[j]` is undefined is not fetched (ONNX Runtime runs
   * only the nodes the fetched outputs need). The binding refuses memory of a SharedArrayBuffer
   * ("Invalid argument"): a shared feed (an array the split loops wrote, buffer-pool.ts) is copied first.
   */
  run(feeds: readonly Float32Array[], outs: ReadonlyArray<Float32Array | undefined>): void {
    const f: Record<string, BindingTensor> = {};
    this.inputs.forEach((v, i) => (f[v.name] = tensor(this.unshared(feeds[i]!, i), v.shape)));
    const o: Record<string, BindingTensor> = {};
    this.outputs.forEach((v, i) => {
      const out = outs[i];
      if (out) o[v.name] = tensor(out, v.shape);
    });
    const r = this.native.run(f, o, {});
    if (r === null || typeof r !== 'object' || typeof (r as { then?: unknown }).then === 'function') {
      throw new Error('onnxruntime-node changed: the native run no longer returns its outputs synchronously');
    }
  }

  /** `a`, or its copy in this input's own array when `a` is shared. */
  private unshared(a: Float32Array, input: number): Float32Array {
    if (typeof SharedArrayBuffer === 'undefined' || !(a.buffer instanceof SharedArrayBuffer)) return a;
    let own = this.copies.get(input);
    if (own?.length !== a.length) this.copies.set(input, (own = new Float32Array(a.length)));
    own.set(a);
    return own;
  }

  /** Free the native session (ORT's memory for it). */
  dispose(): void {
    this.native.dispose?.();
  }
}
